// Issue 18 item 14: clients that connect and never finish their headers cannot exhaust the schedd's
// connections (before, ~1000 of them refused every client for ~80 s a wave), and a transfer or spool
// upload route answers a JSON body with a 4xx, not a 500.
import net from 'node:net';
import t from 'tap';
import { eventually, startPool } from '../helpers/pool.js';

const SLOW_SOCKETS = 1100;

t.test('slow sockets that never finish their headers are closed by the server; real clients are served', async (t) => {
  // The descriptors of a small machine's default soft limit: the slow sockets alone would take them all.
  const pool = await startPool(t, { startds: 1, openFileLimit: 1024 });
  const port = Number(new URL(pool.url).port);
  let connected = 0;
  let closed = 0;
  const sockets: net.Socket[] = [];
  t.teardown(() => sockets.forEach((socket) => socket.destroy()));
  for (let i = 0; i < SLOW_SOCKETS; i++) {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('connect', () => {
      connected += 1;
      socket.write('GET /v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    });
    // What the server answers (a 408 when it gives up on the headers) is read, so that its close is seen.
    socket.resume();
    socket.on('error', () => undefined);
    socket.on('close', () => (closed += 1));
    sockets.push(socket);
  }
  await eventually('the slow sockets to be accepted', () => (connected + closed >= SLOW_SOCKETS ? true : undefined));

  const q = await pool.run('condor_q', ['-af', 'ClusterId']);
  t.equal(q.code, 0, `condor_q is served while slow sockets keep coming: ${q.stderr}`);
  const status = await fetch(`${pool.url}/v1/status`, { headers: { authorization: `Bearer ${pool.token}` } });
  t.equal(status.status, 200, 'an authenticated client is served');
  await status.text();

  await eventually('the server to close every slow socket', () => (closed === SLOW_SOCKETS ? true : undefined), 60_000);
  t.equal(closed, SLOW_SOCKETS, 'every slow socket was closed by the server');
});

t.test('a JSON body to a transfer or spool upload route is a 4xx', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const headers = {
    authorization: `Bearer ${pool.token}`,
    'content-type': 'application/json',
    'x-tinycondor-startd': 'startd1',
    'x-tinycondor-startd-key': 'A'.repeat(43),
  };
  for (const route of ['/v1/jobs/1.0/runs/1/output', '/v1/jobs/1.0/runs/1/checkpoint?kind=evict', '/v1/jobs/1.0/spool']) {
    const response = await fetch(`${pool.url}${route}`, { method: 'PUT', headers, body: JSON.stringify({ files: ['x'] }) });
    const body = (await response.json()) as { error?: string };
    t.ok(response.status >= 400 && response.status < 500, `${route}: ${response.status} ${body.error}`);
  }
  const empty = await fetch(`${pool.url}/v1/jobs/1.0/spool`, { method: 'PUT', headers: { authorization: `Bearer ${pool.token}` } });
  t.equal(empty.status, 400, 'an upload without a body is a 400');
});
