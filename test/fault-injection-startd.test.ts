// Fault injection on startds and uploads, on a real pool: a startd really SIGKILLed (it kills itself when
// told to) and restarted by the pool, a dropped startd channel, checkpoint uploads refused for good or once.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { processGone } from './helpers/checkpoint-jobs.js';
import { EXPECTED_OUT, startdPids, submitCorrectJob, timeline } from './helpers/faults.js';
import { codes, startPool, waitForEvents } from './helpers/pool.js';

t.test('kill-startd really SIGKILLs the startd; the pool restarts it and the job resumes from its checkpoint', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const { dir, release } = await submitCorrectJob(t, pool, 'kill', 0.2);
  const [pid] = startdPids(pool, 'startd1');
  t.ok(pid, 'the startd process is found');
  const armed = await pool.run('tinycondor', ['fault', 'evict', '1.0', '--after-checkpoint', '0', '--kill-startd']);
  t.equal(armed.code, 0, armed.stderr);
  await release();
  const events = await waitForEvents(path.join(dir, 'job.log'), (ev) => ev.some((e) => e.code === 5), 60_000);
  t.same(codes(events, 1, 0).filter((c) => c !== 40), [0, 12, 13, 1, 22, 24, 4, 1, 5], 'disconnected, back without its run (024: Job not found at execution machine), evicted once, then ran to the end');
  t.equal(fs.readFileSync(path.join(dir, 'job.out'), 'utf8'), EXPECTED_OUT, 'resumed from checkpoint 0');
  const kill = (await timeline(pool, '1.0')).find((e) => e.kind === 'fault');
  t.equal(kill?.detail, 'evict right after checkpoint 0: SIGKILL startd startd1');
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
  t.same(codes(events, 1, 0).filter((c) => c !== 40), [0, 12, 13, 1, 22, 23, 5], 'no eviction: the startd reconnected with its run (022, 023)');

  const held = await submitCorrectJob(t, pool, 'held');
  const failing = await pool.run('tinycondor', ['fault', 'fail-next-checkpoint', '2.0', '--permanent']);
  t.equal(failing.stdout, 'The next checkpoint upload of job 2.0 will fail for good\n', failing.stderr);
  await held.release();
  const heldEvents = await waitForEvents(path.join(held.dir, 'job.log'), (ev) => ev.filter((e) => e.code === 12).length === 2);
  t.match(heldEvents.filter((e) => e.code === 12)[1].lines.join('\n'), /Starter failed to upload checkpoint/);
  t.equal((await pool.run('condor_rm', ['2.0'])).code, 0);

  // A failure that is not for good: the startd retries the upload and the job goes on.
  const retried = await submitCorrectJob(t, pool, 'retried');
  t.equal((await pool.run('tinycondor', ['fault', 'fail-next-checkpoint', '3.0'])).stdout, 'The next checkpoint upload of job 3.0 will fail once\n');
  await retried.release();
  const retriedEvents = await waitForEvents(path.join(retried.dir, 'job.log'), (ev) => ev.some((e) => e.code === 5));
  t.same(codes(retriedEvents, 3, 0).filter((c) => c !== 40), [0, 12, 13, 1, 5], 'not held: the retry went through');
  t.equal(fs.readFileSync(path.join(retried.dir, 'job.out'), 'utf8'), EXPECTED_OUT);
  const refusedUpload = (await timeline(pool, '3.0')).filter((e) => e.kind === 'fault').map((e) => e.detail);
  t.same(refusedUpload, ['fail-next-checkpoint: upload of checkpoint 0 refused (transient)']);
});
