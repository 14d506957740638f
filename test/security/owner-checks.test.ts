// Issue 18 item 12: who a request acts as comes from its credential. A user's own token acts on her own
// jobs only, whatever user the request names; ssh, faults and spooled input/output check the owner; the
// pool token stays the daemons' and the queue superuser's (the CLI of the pool's owner works as before).
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import WebSocket from 'ws';
import t from 'tap';
import { rest, startPool, waitForEvents, writeExecutable, type TestPool } from '../helpers/pool.js';

/** A REST call with `token`, the credential under test. */
const restAs = (pool: TestPool, token: string, method: string, route: string, body?: unknown) => rest(pool, method, route, body, token);

/** What a websocket route answers: the first message, or the HTTP status that refused the upgrade. */
function websocketAnswer(pool: TestPool, token: string, route: string, first: unknown): Promise<{ status?: number; message?: Record<string, unknown> }> {
  const socket = new WebSocket(`${pool.url.replace(/^http/, 'ws')}${route}`, { headers: { authorization: `Bearer ${token}` } });
  return new Promise((resolve) => {
    socket.once('unexpected-response', (_request, response) => {
      resolve({ status: response.statusCode });
      socket.terminate();
    });
    socket.once('open', () => socket.send(JSON.stringify(first)));
    socket.once('message', (raw) => {
      resolve({ message: JSON.parse(raw.toString()) as Record<string, unknown> });
      socket.terminate();
    });
    socket.once('error', () => undefined);
  });
}

t.test("a user's token acts on her own jobs only; ssh, faults and spooled files check the owner", async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'sleep.sh'), '#!/bin/sh\nexec /bin/sleep 300\n');
  fs.writeFileSync(path.join(pool.dir, 's.sub'), 'executable = sleep.sh\nlog = s.log\nqueue\n');
  t.equal((await pool.run('condor_submit', ['s.sub'])).code, 0);
  await waitForEvents(path.join(pool.dir, 's.log'), (events) => events.some((e) => e.code === 1));
  fs.writeFileSync(path.join(pool.dir, 'spooled.sub'), 'executable = /bin/true\nqueue\n');
  const spooled = await pool.run('condor_submit', ['-spool', 'spooled.sub']);
  t.equal(spooled.code, 0, spooled.stderr);

  const issued = await pool.run('tinycondor', ['token', 'create', 'mallory']);
  t.equal(issued.code, 0, issued.stderr);
  const mallory = issued.stdout.trim();
  t.match(mallory, /^[A-Za-z0-9_-]{43}$/, 'mallory (no local account) gets her token to hand over');

  for (const body of [{ action: 'remove', ids: ['1.0'], user: 'root' }, { action: 'hold', ids: ['1.0'] }, { action: 'remove', all: true }]) {
    const denied = await restAs(pool, mallory, 'POST', '/v1/actions', body);
    t.equal(denied.status, 200, JSON.stringify(body));
    t.match(denied.body.results, [{ jobId: '1.0', ok: false, message: 'Job 1.0: permission denied (owned by root, not mallory)' }], JSON.stringify(body));
  }
  t.match((await restAs(pool, mallory, 'POST', '/v1/jobs/1.0/remove', { user: 'root' })).body.results, [{ ok: false }]);
  t.equal((await restAs(pool, mallory, 'POST', '/v1/jobs/1.0/faults/evict', {})).status, 403, 'no fault on her job');
  t.equal((await restAs(pool, mallory, 'POST', '/v1/jobs/1.0/faults/fail-next-checkpoint', {})).status, 403);
  t.equal((await restAs(pool, mallory, 'GET', '/v1/jobs/1.0/timeline')).status, 403);
  t.equal((await restAs(pool, mallory, 'POST', '/v1/startds/startd1/faults/kill')).status, 403, 'no startd fault');
  t.equal((await restAs(pool, mallory, 'POST', '/v1/tokens', { user: 'root' })).status, 403, 'no token for anyone else');
  const ssh = await websocketAnswer(pool, mallory, '/v1/jobs/1.0/ssh', { type: 'open', command: ['/bin/cat', '/etc/hostname'] });
  t.match(ssh.message, { type: 'exit', exitCode: null, error: 'Job 1.0: permission denied (owned by root, not mallory)' }, 'no ssh into her job');
  t.same(await websocketAnswer(pool, mallory, '/v1/startd', { type: 'hello' }), { status: 403 }, 'no hello as a startd');
  t.equal((await restAs(pool, mallory, 'GET', '/v1/jobs/2.0/spool/output')).status, 403, 'no fetch of her spooled output');
  t.equal((await restAs(pool, mallory, 'POST', '/v1/jobs/2.0/spool/output/fetched')).status, 403);
  const upload = await fetch(`${pool.url}/v1/jobs/2.0/spool`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${mallory}`, 'content-type': 'application/x-tar' },
    body: Readable.toWeb(Readable.from([Buffer.alloc(1024)])) as unknown as BodyInit,
    duplex: 'half',
  } as RequestInit);
  t.equal(upload.status, 403, 'no upload into her spooled job');
  t.equal((await pool.run('condor_q', ['-af', 'ClusterId', 'JobStatus'])).stdout, '1 2\n2 1\n', 'both jobs as they were (2.0 waits for the one slot)');

  // Her own jobs: submitted as herself (not as anyone else), and hers to remove.
  const { body: reserved } = await restAs(pool, mallory, 'POST', '/v1/clusters');
  const clusterId = Number(reserved.clusterId);
  const common = { ClusterId: String(clusterId), Cmd: '"/bin/true"', Iwd: '"/tmp"', JobStatus: '5', HoldReason: '"held"', HoldReasonCode: '1', JobUniverse: '5' };
  const asRoot = await restAs(pool, mallory, 'POST', `/v1/clusters/${clusterId}/procs`, { common: { ...common, Owner: '"root"' }, procs: [{ ProcId: '0' }] });
  t.equal(asRoot.status, 400);
  t.match(asRoot.body.error, /Owner "root" is not the submitting user mallory/);
  const own = await restAs(pool, mallory, 'POST', `/v1/clusters/${clusterId}/procs`, { common: { ...common, Owner: '"mallory"' }, procs: [{ ProcId: '0' }] });
  t.equal(own.status, 201, JSON.stringify(own.body));
  t.match((await restAs(pool, mallory, 'POST', '/v1/actions', { action: 'remove', ids: [`${clusterId}.0`] })).body.results, [{ ok: true }], 'she removes her own job');

  // The pool token is the queue superuser's: the pool owner's commands act on every job, as before.
  const removed = await pool.run('condor_rm', ['1.0']);
  t.equal(removed.code, 0, removed.stderr);
});
