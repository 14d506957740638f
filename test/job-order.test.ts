import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { codes, eventually, startPool, waitForEvents, writeExecutable, type TestPool } from './helpers/pool.js';

// Idle jobs start in HTCondor's order (qmgmt.cpp prio_compar): PreJobPrio1, PreJobPrio2, JobPrio,
// PostJobPrio1, PostJobPrio2 (higher first), then ClusterId, then ProcId; a job released from hold goes back to
// its place. On one slot, each start is the best idle job's.

/** Waits for the schedd to log that job `jobId` was queued on a busy slot. */
async function queuedOn(pool: TestPool, jobId: string): Promise<void> {
  const logDir = (await pool.run('condor_config_val', ['LOG'])).stdout.trim();
  await eventually(`job ${jobId} queued on a busy slot`, () =>
    fs.readFileSync(path.join(logDir, 'SchedLog'), 'utf8').split('\n').some((l) => l.includes('"job queued on a busy slot"') && l.includes(`"jobId":"${jobId}"`)) || undefined,
  );
}

t.test('seven jobs on one slot start by PreJobPrio1, JobPrio, cluster and proc; one released from hold keeps its place', async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 1 });
  const go = path.join(pool.dir, 'go');
  writeExecutable(path.join(pool.dir, 'job.sh'), `#!/bin/sh\nwhile [ ! -e ${go} ]; do /bin/sleep 0.02; done\n`);
  const submit = async (name: string, lines: string, count = 1) => {
    fs.writeFileSync(path.join(pool.dir, `${name}.sub`), `executable = job.sh\nlog = order.log\n${lines}\nqueue ${count}\n`);
    const submitted = await pool.run('condor_submit', [`${name}.sub`]);
    t.equal(submitted.code, 0, submitted.stderr);
  };
  const log = path.join(pool.dir, 'order.log');
  // 1.0 takes the slot; the others wait idle behind it, submitted in an order that is not theirs.
  await submit('first', '');
  await waitForEvents(log, (ev) => codes(ev, 1, 0).includes(1));
  await submit('plain', 'priority = 0', 2);
  await submit('high', 'priority = 5');
  await submit('low', 'priority = -1');
  await submit('pre', '+PreJobPrio1 = 1\npriority = -10');
  await submit('later', '');
  t.equal((await pool.run('condor_hold', ['2.0'])).code, 0);
  t.equal((await pool.run('condor_release', ['2.0'])).code, 0);
  // The best of them waits on the busy slot: its start is the next.
  await queuedOn(pool, '5.0');
  fs.writeFileSync(go, '');
  const events = await waitForEvents(log, (ev) => ev.filter((e) => e.code === 5).length === 7, 60_000);
  const started = events.filter((e) => e.code === 1).map((e) => `${e.cluster}.${e.proc}`);
  t.same(started, ['1.0', '5.0', '3.0', '2.0', '2.1', '6.0', '4.0']);
});
