// The fault-injection REST routes and `tinycondor fault` on a real pool: evictions at checkpoint moments,
// a startd really SIGKILLed and restarted by the pool, a dropped startd channel, a refused checkpoint
// upload; and the job timeline agreeing with the event log.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import t, { type Test } from 'tap';
import { parseEventLog } from '@tinycondor/shared/eventlog/index';
import type { TimelineEntry } from '@tinycondor/shared/job-timeline';
import { writeCheckpointJob } from './helpers/checkpoint-defects.js';
import { processGone } from './helpers/checkpoint-jobs.js';
import { codes, startPool, waitForEvents, type TestPool } from './helpers/pool.js';

const EXPECTED_OUT = ['Starting from 0', 'step 0', 'step 1', 'step 2', 'Starting from 3', 'step 3', 'step 4', 'step 5', 'Starting from 6', 'step 6', 'step 7', 'step 8', 'Computation complete', ''].join('\n');

/** Submits the correct job held, so that faults can be armed before it runs; `release` starts it. */
async function submitCorrectJob(t: Test, pool: TestPool, name: string, nap = 0.1): Promise<{ dir: string; release(): Promise<void> }> {
  const dir = path.join(pool.dir, name);
  writeCheckpointJob(dir, 'correct', { nap });
  const submitted = await pool.run('condor_submit', ['-terse', '-append', 'hold = true', 'job.sub'], { cwd: dir });
  t.equal(submitted.code, 0, submitted.stderr);
  const id = submitted.stdout.split(' ')[0];
  return {
    dir,
    release: async () => {
      const released = await pool.run('condor_release', [id]);
      t.equal(released.code, 0, released.stderr);
    },
  };
}

async function timeline(pool: TestPool, id: string): Promise<TimelineEntry[]> {
  const result = await pool.run('tinycondor', ['fault', 'timeline', id]);
  if (result.code !== 0) throw new Error(result.stderr);
  return result.stdout.trim().split('\n').map((line) => JSON.parse(line) as TimelineEntry);
}

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

t.test('kill-startd really SIGKILLs the startd; the pool restarts it and the job resumes from its checkpoint', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const { dir, release } = await submitCorrectJob(t, pool, 'kill', 0.2);
  const armed = await pool.run('tinycondor', ['fault', 'evict', '1.0', '--after-checkpoint', '0', '--kill-startd']);
  t.equal(armed.code, 0, armed.stderr);
  await release();
  const events = await waitForEvents(path.join(dir, 'job.log'), (ev) => ev.some((e) => e.code === 5), 60_000);
  t.same(codes(events, 1, 0).filter((c) => c !== 40), [0, 12, 13, 1, 4, 1, 5], 'evicted once, then ran to the end');
  t.equal(fs.readFileSync(path.join(dir, 'job.out'), 'utf8'), EXPECTED_OUT, 'resumed from checkpoint 0');
  const kill = (await timeline(pool, '1.0')).find((e) => e.kind === 'fault');
  const pid = Number(/pid (\d+)/.exec(kill?.detail ?? '')?.[1]);
  t.match(kill?.detail, /^evict right after checkpoint 0: SIGKILL startd startd1 \(pid \d+\)$/);
  t.equal(await processGone(pid), true, 'the old startd process is gone');
  const status = await pool.run('condor_status', []);
  t.match(status.stdout, /startd1/, 'the restarted startd is back in the pool');
});

t.test('disconnect-startd: the job keeps running; fail-next-checkpoint --permanent holds the job', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const { dir, release } = await submitCorrectJob(t, pool, 'disconnect', 0.2);
  await release();
  await waitForEvents(path.join(dir, 'job.log'), (ev) => ev.some((e) => e.code === 1));
  const dropped = await pool.run('tinycondor', ['fault', 'disconnect-startd', 'startd1']);
  t.equal(dropped.stdout, 'startd startd1 disconnected\n', dropped.stderr);
  const events = await waitForEvents(path.join(dir, 'job.log'), (ev) => ev.some((e) => e.code === 5));
  t.same(codes(events, 1, 0).filter((c) => c !== 40), [0, 12, 13, 1, 5], 'no eviction: the startd reconnected with its run');

  const held = await submitCorrectJob(t, pool, 'held');
  const failing = await pool.run('tinycondor', ['fault', 'fail-next-checkpoint', '2.0', '--permanent']);
  t.equal(failing.stdout, 'The next checkpoint upload of job 2.0 will fail for good\n', failing.stderr);
  await held.release();
  const heldEvents = await waitForEvents(path.join(held.dir, 'job.log'), (ev) => ev.filter((e) => e.code === 12).length === 2);
  t.match(heldEvents.filter((e) => e.code === 12)[1].lines.join('\n'), /Starter failed to upload checkpoint/);
  t.equal((await pool.run('condor_rm', ['2.0'])).code, 0);
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

  // A startd that gives another process's pid (here the pool's own) does not get that process killed.
  const liar = new WebSocket(`${pool.url.replace(/^http/, 'ws')}/v1/startd`, { headers: { authorization: `Bearer ${pool.token}` } });
  t.teardown(() => liar.terminate());
  await new Promise((resolve, reject) => liar.once('open', resolve).once('error', reject));
  const welcomed = new Promise((resolve) => liar.once('message', resolve));
  const slots = [{ name: 'slot1', cpus: 1, memoryMb: 100, diskKb: 1000 }];
  liar.send(JSON.stringify({ type: 'hello', startdName: 'liar', machine: os.hostname(), opSys: 'LINUX', arch: 'X86_64', pid: pool.process.pid, slots, runs: [] }));
  await welcomed;
  const refused = await pool.run('tinycondor', ['fault', 'kill-startd', 'liar']);
  t.equal(refused.stderr, `ERROR: pid ${pool.process.pid} that startd liar gave is not a tinycondor startd process of this machine\n`);
  t.equal(pool.process.exitCode, null, 'the pool lives on');
});
