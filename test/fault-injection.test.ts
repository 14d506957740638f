// The fault-injection REST routes and `tinycondor fault` on a real pool: evictions at checkpoint moments,
// the job timeline agreeing with the event log, and bad fault requests.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import t from 'tap';
import { parseEventLog } from '@tinycondor/shared/eventlog/index';
import { EXPECTED_OUT, submitCorrectJob, timeline } from './helpers/faults.js';
import { codes, eventually, startPool, waitForEvents } from './helpers/pool.js';

t.test('evict right after a checkpoint and during an upload; the timeline matches the event log', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const { dir, release } = await submitCorrectJob(t, pool, 'after');
  const armed = await pool.run('tinycondor', ['fault', 'evict', '1.0', '--after-checkpoint', '0']);
  t.equal(armed.stdout, 'Job 1.0 will be evicted (vacate) right after checkpoint 0\n', armed.stderr);
  const upload = await pool.run('tinycondor', ['fault', 'evict', '1.0', '--during-upload', '1']);
  t.equal(upload.code, 0, upload.stderr);
  await release();
  const events = await waitForEvents(path.join(dir, 'job.log'), (ev) => ev.some((e) => e.code === 5));
  t.same(codes(events, 1, 0).filter((c) => c !== 40), [0, 12, 13, 1, 4, 1, 4, 1, 5], 'two evictions, three runs');
  t.equal(fs.readFileSync(path.join(dir, 'job.out'), 'utf8'), EXPECTED_OUT, 'the job resumed where it left off both times');

  const entries = await timeline(pool, '1.0');
  const faults = entries.filter((e) => e.kind === 'fault').map((e) => e.detail);
  t.same(faults, ['evict right after checkpoint 0: vacate', 'evict during the upload of checkpoint 1: vacate'], 'faults on the timeline');
  const committed = entries.filter((e) => e.kind === 'checkpoint-committed');
  t.same(committed.map((e) => e.checkpoint), [0, 1], 'the checkpoint vacated during its upload was still committed');
  t.ok(committed.every((e) => (e.bytes ?? 0) > 0 && e.files === 3), 'sizes: state.txt plus stdout/stderr');
  // Every timeline entry that stands for an event is that event, at the second the log prints.
  const logged = parseEventLog(fs.readFileSync(path.join(dir, 'job.log'), 'utf8')).events;
  const withCode = entries.filter((e) => e.code !== undefined);
  t.same(withCode.map((e) => e.code), logged.map((e) => e.code), 'the same events in the same order');
  t.same(withCode.map((e) => Math.floor(e.time / 1000)), logged.map((e) => e.time.getTime() / 1000), 'at the same seconds');
});

t.test('bad fault requests get clear errors', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const missing = await pool.run('tinycondor', ['fault', 'evict', '7.0']);
  t.equal(missing.code, 1);
  t.equal(missing.stderr, 'ERROR: job 7.0 is not in the queue\n');
  const badFlag = await pool.run('tinycondor', ['fault', 'evict', '7.0', '--sometime']);
  t.match(badFlag.stderr, /^tinycondor fault evict: unknown argument '--sometime'/);
  const noStartd = await pool.run('tinycondor', ['fault', 'kill-startd', 'nobody']);
  t.equal(noStartd.stderr, 'ERROR: startd nobody is not connected\n');
  const badName = await pool.run('tinycondor', ['fault', 'kill-startd', '../x']);
  t.match(badName.stderr, /expected a startd name, got '\.\.\/x'/);
  const res = await fetch(`${pool.url}/v1/jobs/1.0/faults/evict`, {
    method: 'POST',
    headers: { authorization: `Bearer ${pool.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ moment: 'tomorrow' }),
  });
  t.equal(res.status, 400);
  t.match(((await res.json()) as { error: string }).error, /moment/);
  const unauth = await fetch(`${pool.url}/v1/startds/startd1/faults/kill`, { method: 'POST' });
  t.equal(unauth.status, 401, 'fault injection needs the pool token');

  // A startd names no pid: it is told to kill itself, and one that does not run as a process of its own is not.
  const liar = new WebSocket(`${pool.url.replace(/^http/, 'ws')}/v1/startd`, { headers: { authorization: `Bearer ${pool.token}` } });
  t.teardown(() => liar.terminate());
  await new Promise((resolve, reject) => liar.once('open', resolve).once('error', reject));
  const inbox: string[] = [];
  liar.on('message', (raw) => inbox.push(JSON.parse(raw.toString()).type));
  const slots = [{ name: 'slot1', cpus: 1, memoryMb: 100, diskKb: 1000 }];
  liar.send(JSON.stringify({ type: 'hello', startdName: 'liar', machine: os.hostname(), opSys: 'LINUX', arch: 'X86_64', slots, runs: [] }));
  await eventually('the welcome', () => inbox.includes('welcome') || undefined);
  const refused = await pool.run('tinycondor', ['fault', 'kill-startd', 'liar']);
  t.equal(refused.stderr, 'ERROR: startd liar does not run as a process of its own; it cannot be killed\n');
  t.notOk(inbox.includes('fault-kill'));
  t.equal(pool.process.exitCode, null, 'the pool lives on');
});
