// next_job_start_delay (NextJobStartDelay): "the number of seconds to delay after starting up this job before the
// next job is started", at most MAX_NEXT_JOB_START_DELAY (schedd.cpp Scheduler::setNextJobDelay, 600 by default);
// the schedd's JOB_START_DELAY and JOB_START_COUNT pace starts the same way (Scheduler::jobThrottle).
import fs from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { codes, eventually, startPool, waitForEvents, writeExecutable, type TestPool } from './helpers/pool.js';

/** The SchedLog lines with `message`, parsed. */
async function schedLog(pool: TestPool, message: string): Promise<{ time: number; jobId?: string; msg: string }[]> {
  const logDir = (await pool.run('condor_config_val', ['LOG'])).stdout.trim();
  return fs
    .readFileSync(path.join(logDir, 'SchedLog'), 'utf8')
    .split('\n')
    .filter((l) => l.includes(`"${message}"`))
    .map((l) => JSON.parse(l) as { time: number; jobId?: string; msg: string });
}

/**
 * Two jobs of one cluster on a pool of two 1-cpu startds, each running until `go` exists; `submit` adds its
 * lines. Returns the ms between their matches (their starts on a free slot), once both ran.
 */
async function twoStarts(t: Test, submit: string, env: NodeJS.ProcessEnv = {}): Promise<{ pool: TestPool; apart: number }> {
  const pool = await startPool(t, { startds: 2, cpus: 1, env });
  writeExecutable(path.join(pool.dir, 'hold.sh'), `#!/bin/sh\ni=0; while [ ! -e ${pool.dir}/go ]; do i=$((i+1)); [ $i -gt 3000 ] && exit 3; sleep 0.02; done\n`);
  fs.writeFileSync(path.join(pool.dir, 'a.sub'), `executable = hold.sh\nlog = a.log\n${submit}queue 2\n`);
  t.equal((await pool.run('condor_submit', ['a.sub'])).code, 0);
  await waitForEvents(path.join(pool.dir, 'a.log'), (ev) => codes(ev, 1, 0).includes(1) && codes(ev, 1, 1).includes(1));
  fs.writeFileSync(path.join(pool.dir, 'go'), '');
  await waitForEvents(path.join(pool.dir, 'a.log'), (ev) => codes(ev, 1, 0).includes(5) && codes(ev, 1, 1).includes(5));
  const matched = await schedLog(pool, 'job matched');
  const at = (jobId: string): number => matched.filter((l) => l.jobId === jobId).map((l) => l.time)[0];
  return { pool, apart: at('1.1') - at('1.0') };
}

t.test('next_job_start_delay = 3: the second job starts on the free slot 3 s after the first', async (t) => {
  const { pool, apart } = await twoStarts(t, 'next_job_start_delay = 1 + 2\n');
  t.ok(apart >= 3000, `1.1 matched ${apart} ms after 1.0`);
  t.match((await schedLog(pool, 'next job start delayed (NextJobStartDelay)'))[0], { jobId: '1.0', seconds: 3 });
});

t.test('MAX_NEXT_JOB_START_DELAY limits it, with the schedd saying so', async (t) => {
  const { pool, apart } = await twoStarts(t, 'next_job_start_delay = 600\n', { _CONDOR_MAX_NEXT_JOB_START_DELAY: '1' });
  t.ok(apart >= 1000 && apart < 30_000, `1.1 matched ${apart} ms after 1.0`);
  const warned = await eventually('the warning', async () => (await schedLog(pool, 'Job 1.0 has NextJobStartDelay = 600, which is greater than MAX_NEXT_JOB_START_DELAY=1'))[0]);
  t.match(warned, { jobId: '1.0' });
});

t.test('JOB_START_DELAY = 2: starts 2 s apart without the job asking', async (t) => {
  const { apart } = await twoStarts(t, '', { _CONDOR_JOB_START_DELAY: '2' });
  t.ok(apart >= 2000, `1.1 matched ${apart} ms after 1.0`);
});
