// condor_rm, condor_hold, condor_release and condor_vacate_job as HTCondor's rm.cpp: usage, user and cluster
// arguments joined into one constraint, -held, -totals, -long, -forcex, -fast, -subcode, and the schedd
// selecting by state on a constraint (actOnJobs) rather than refusing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { eventually, startPool, waitForEvents, writeExecutable } from './helpers/pool.js';

const owner = os.userInfo().username;

t.test('usage and arguments as rm.cpp reads them', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const none = await pool.run('condor_rm', []);
  t.equal(none.code, 1);
  t.match(none.stderr, /^You did not specify any jobs\nUsage: condor_rm \[options\] \[constraints\]\n/);
  t.match(none.stderr, /  -forcex             Force the immediate local removal of jobs in the X state\n/);
  t.match(none.stderr, /  cluster\.proc        Remove the given job\n/);
  const help = await pool.run('condor_vacate_job', ['-help']);
  t.same([help.code, /  -fast               Use a fast vacate \(hardkill\)/.test(help.stderr)], [0, true]);
  t.equal((await pool.run('condor_hold', ['-forcex', '1'])).stderr.split('\n')[0], '-forcex is only valid with condor_rm');
  t.match((await pool.run('condor_rm', ['-name', 'other', '1'])).stderr, /-name is not supported by tinycondor/);
  t.match((await pool.run('condor_rm', ['-all', '2'])).stderr, /^Usage: condor_rm/, 'a target after -all is a usage error');
  const empty = await pool.run('condor_rm', ['-all']);
  t.same([empty.code, empty.stderr], [0, 'condor_rm:0:There are no jobs in the queue\n'], 'an empty queue is not an error');
});

t.test('clusters, users and -held become one constraint; the schedd selects by state', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'sleep.sh'), '#!/bin/sh\nexec /bin/sleep 300\n');
  fs.writeFileSync(path.join(pool.dir, 'held.sub'), 'executable = sleep.sh\nhold = true\nlog = job.log\nqueue 2\n');
  fs.writeFileSync(path.join(pool.dir, 'idle.sub'), 'executable = sleep.sh\nrequest_memory = 100000000\nlog = job.log\nqueue\n');
  for (const file of ['held.sub', 'idle.sub', 'held.sub']) t.equal((await pool.run('condor_submit', [file])).code, 0);

  const release = await pool.run('condor_release', ['1']);
  t.same([release.code, release.stdout], [0, 'All jobs in cluster 1 have been released\n']);
  const again = await pool.run('condor_release', ['1', '2']);
  t.same([again.code, again.stderr], [1, "\nCouldn't find/release all jobs matching constraint (ClusterId == 1 || ClusterId == 2)\n"], 'no job of 1 or 2 is held');
  t.equal((await pool.run('condor_hold', ['-subcode', '7', '-reason', 'mine', '2.0'])).stdout, 'Job 2.0 held\n');
  t.equal((await pool.run('condor_q', ['2.0', '-af', 'HoldReason', 'HoldReasonSubCode'])).stdout, `mine (by user ${owner}) 7\n`, 'the reason with its user, as the schedd writes it');

  const totals = await pool.run('condor_rm', ['-held', '-totals', owner]);
  t.equal(totals.stdout, `3 Succeeded, 0 Failed, 0 Not Found, 0 Bad Status, 0 Already Done, 0 Permission Denied\nAll held jobs of user "${owner}" have been marked for removal\n`);
  const left = (await pool.run('condor_q', ['-af', 'ClusterId', 'ProcId'])).stdout.trim().split('\n').sort();
  t.same(left, ['1 0', '1 1'], 'the released jobs of cluster 1 are left');

  const long = await pool.run('condor_rm', ['-long', '1.0', '9.0']);
  t.match(long.stdout, /^JobAction = 3\nActionResultType = 1\njob_1_0 = 1\njob_9_0 = 2\nActionResult = 1\nTotalJobAds = \d+\n\n/);
  t.match(long.stdout, /Job 1\.0 marked for removal\n$/);
  t.equal(long.stderr, 'Job 9.0 not found\n');
  t.equal(long.code, 0, 'one of the ids was acted on');
});

t.test('condor_rm -forcex of a job left in the queue removed, and condor_vacate_job -fast', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'sleep.sh'), '#!/bin/sh\nexec /bin/sleep 300\n');
  fs.writeFileSync(path.join(pool.dir, 'j.sub'), 'executable = sleep.sh\nleave_in_queue = true\nlog = job.log\nqueue\n');
  t.equal((await pool.run('condor_submit', ['j.sub'])).code, 0);
  const log = path.join(pool.dir, 'job.log');
  await waitForEvents(log, (events) => events.some((e) => e.code === 1));

  const fast = await pool.run('condor_vacate_job', ['-fast', '1.0']);
  t.same([fast.code, fast.stdout], [0, 'Job 1.0 fast-vacated\n']);
  await waitForEvents(log, (events) => events.some((e) => e.code === 4));
  await waitForEvents(log, (events) => events.filter((e) => e.code === 1).length === 2, 60_000);

  t.equal((await pool.run('condor_rm', ['-forcex', '1.0'])).stderr, "\nJob 1.0 not in `X' state to be forcibly removed\n", 'only a removed job');
  t.equal((await pool.run('condor_rm', ['1.0'])).stdout, 'Job 1.0 marked for removal\n');
  await eventually('the removed job to stay in the queue (leave_in_queue)', async () => ((await pool.run('condor_q', ['-af', 'JobStatus'])).stdout === '3\n' ? true : undefined));
  const forced = await pool.run('condor_rm', ['-forcex', '1']);
  t.same([forced.code, forced.stdout], [0, 'All jobs in cluster 1 have been removed locally (remote state unknown)\n']);
  await eventually('the job to leave the queue', async () => ((await pool.run('condor_q', ['-af', 'ClusterId'])).stdout === '' ? true : undefined));
  t.equal((await pool.run('condor_history', ['-af', 'RemoveReason'])).stdout, `via condor_rm -forcex (by user ${owner})\n`);
});
