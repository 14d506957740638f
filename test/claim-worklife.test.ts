// CLAIM_WORKLIFE, "the number of seconds after which a claim will stop accepting additional jobs": a job
// queued on a busy dynamic slot runs there next (the schedd reuses the slot's claim) only while the claim is
// within it. Past it the startd closes the claim as the job ends (command.cpp deactivate_claim,
// Resource::claimWorklifeExpired), the dynamic slot goes back to its partitionable slot, and the next job gets
// a dynamic slot carved anew, sized for it. test/partitionable-slots.test.ts has the default (1200 s) reuse.
import fs from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { codes, eventually, startPool, waitForEvents, writeExecutable, type TestPool } from './helpers/pool.js';

const PARTITIONABLE = { _CONDOR_NUM_SLOTS_TYPE_1: '1', _CONDOR_SLOT_TYPE_1: '100%', _CONDOR_SLOT_TYPE_1_PARTITIONABLE: 'true' };

/** The SchedLog line with `message` about the job, if any. */
async function schedLogLine(pool: TestPool, message: string, jobId: string): Promise<string | undefined> {
  const logDir = (await pool.run('condor_config_val', ['LOG'])).stdout.trim();
  return fs
    .readFileSync(path.join(logDir, 'SchedLog'), 'utf8')
    .split('\n')
    .find((l) => l.includes(`"${message}"`) && l.includes(`"jobId":"${jobId}"`));
}

const queuedOn = (pool: TestPool, jobId: string) => schedLogLine(pool, 'job queued on a busy slot', jobId);

/**
 * On a 1-cpu partitionable slot, 1.0 (request_memory 200: a 256 MB dynamic slot) runs until `go` exists and
 * it has run `minSeconds`; 2.0 (100 MB) is submitted once 1.0 runs. Returns the pool and 2.0's LastRemoteHost and MemoryProvisioned.
 */
async function twoJobs(t: Test, worklife: string, minSeconds: number, whileRunning: (pool: TestPool) => Promise<void>): Promise<{ pool: TestPool; host: string }> {
  const pool = await startPool(t, { startds: 1, cpus: 1, env: { ...PARTITIONABLE, _CONDOR_CLAIM_WORKLIFE: worklife } });
  writeExecutable(
    path.join(pool.dir, 'hold.sh'),
    `#!/bin/sh\nend=$(( $(date +%s) + ${minSeconds} ))\ni=0; while [ ! -e ${pool.dir}/go ] || [ $(date +%s) -lt $end ]; do i=$((i+1)); [ $i -gt 3000 ] && exit 3; sleep 0.02; done\n`,
  );
  fs.writeFileSync(path.join(pool.dir, 'a.sub'), 'executable = hold.sh\nrequest_memory = 200\nlog = a.log\nqueue\n');
  t.equal((await pool.run('condor_submit', ['a.sub'])).code, 0);
  await waitForEvents(path.join(pool.dir, 'a.log'), (ev) => codes(ev, 1, 0).includes(1));
  fs.writeFileSync(path.join(pool.dir, 'b.sub'), 'executable = /bin/true\ntransfer_executable = false\nrequest_memory = 100\nlog = b.log\nqueue\n');
  t.equal((await pool.run('condor_submit', ['b.sub'])).code, 0);
  await whileRunning(pool);
  fs.writeFileSync(path.join(pool.dir, 'go'), '');
  await waitForEvents(path.join(pool.dir, 'b.log'), (ev) => codes(ev, 2, 0).includes(5));
  return { pool, host: (await pool.run('condor_history', ['2.0', '-af', 'LastRemoteHost', 'MemoryProvisioned'])).stdout };
}

t.test('CLAIM_WORKLIFE = 0: no job is queued on a busy dynamic slot; the next job gets a slot carved for it', async (t) => {
  const { host } = await twoJobs(t, '0', 0, async (pool) => {
    // 2.0 waits for the cpu: matchmaking tries it at least once meanwhile (its submission's pass).
    const q = await pool.run('condor_q', ['2.0', '-af', 'JobStatus']);
    t.equal(q.stdout, '1\n', 'idle while 1.0 runs');
    t.equal(await queuedOn(pool, '2.0'), undefined, 'not queued on slot1_1');
  });
  t.equal(host, 'slot1_1@startd1 128\n', 'a new slot1_1, of its own size (not the 256 MB of 1.0\'s)');
});

t.test('a job queued while the claim was young is not run on it once the claim is past CLAIM_WORKLIFE at the end of its job', async (t) => {
  // 1.0 runs at least 6 s, so its claim (5 s) has expired when it ends; 2.0 is queued on it before that.
  const { pool, host } = await twoJobs(t, '5', 6, async (pool) => {
    t.match(await eventually('2.0 queued', () => queuedOn(pool, '2.0')), /"slot":"slot1_1@startd1"/);
  });
  t.equal(host, 'slot1_1@startd1 128\n', 'matched again and run on a dynamic slot carved anew');
  t.match(await schedLogLine(pool, 'claim closing (CLAIM_WORKLIFE): the job queued on the slot is matched again', '2.0'), /"slot":"slot1_1@startd1"/);
});
