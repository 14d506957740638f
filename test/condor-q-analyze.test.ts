// condor_q -better-analyze / -analyze against a real pool with one startd, as HTCondor's condor_q prints
// them (src/condor_q.V6/jobmatch.cpp, src/condor_utils/expr_analyze.cpp): a job asking for more memory
// than the slot has shows the memory clause matching 0 slots and the summary; a held job that would match
// shows the slot willing to run it and "Job is held."; a running job shows its slot running your job.
// The slots are static (STATIC_SLOTS): the analysis of partitionable slots is not this test's.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { STATIC_SLOTS, eventually, startPool, waitForEvents, writeExecutable } from './helpers/pool.js';

t.test('condor_q -better-analyze says which clause no slot matches', async (t) => {
  const pool = await startPool(t, { startds: 1, env: STATIC_SLOTS });
  writeExecutable(path.join(pool.dir, 'job.sh'), '#!/bin/sh\nexec /bin/sleep 300\n');
  const slotName = await eventually('the startd\'s slot', async () => {
    const status = await pool.run('condor_status', ['-af', 'Name']);
    return status.stdout.trim() || undefined;
  });

  fs.writeFileSync(path.join(pool.dir, 'big.sub'), 'executable = job.sh\nrequest_memory = 100000000\nqueue\n');
  t.equal((await pool.run('condor_submit', ['big.sub'])).code, 0);
  const better = await pool.run('condor_q', ['-better-analyze', '1.0']);
  t.equal(better.code, 0, better.stderr);
  t.match(better.stdout, /^\n\n-- Schedd: \S+ : <127\.0\.0\.1:\d+\?\.\.\.\n/);
  t.match(better.stdout, /\nThe Requirements expression for job 1\.000 is\n\n    true && \(TARGET\.Disk >= RequestDisk\) && \(TARGET\.Memory >= RequestMemory\)\n/);
  t.match(better.stdout, /\nJob 1\.000 defines the following attributes:\n\n    RequestDisk = \d+ \(kb\)\n    RequestMemory = 100000000 \(mb\)\n/);
  t.match(better.stdout, /\nThe Requirements expression for job 1\.000 reduces to these conditions:\n\n        Slots\nStep   Matched  Condition\n----- --------- ---------\n\[3\]           0  TARGET\.Memory >= RequestMemory\n/, 'the memory clause matches no slot');
  t.match(better.stdout, /\n001\.000:  Run analysis summary ignoring user priority\.  Of 1 slots on 1 machines,\n      1 slots are rejected by your job's requirements\n      0 slots reject your job because of their own requirements\n      0 slots match and are willing to run your job\n\nWARNING:  Be advised:\n   No machines matched the job's constraints\n/);
  t.match(better.stdout, new RegExp(`\n${slotName.replace(/[.@]/g, '\\$&')} has the following attributes:\n\n    TARGET\\.Disk = \\d+ \\(kb\\)\n    TARGET\\.Memory = \\d+ \\(mb\\)\n`), 'one slot: its values are shown');

  t.notMatch(better.stdout, /WARNING: Job universe unknown/, 'a vanilla job');
  const byName = await pool.run('condor_q', ['-better-analyze', '1.0', '-mconstraint', slotName]);
  t.match(byName.stdout, / has the following attributes:\n/, 'a -mconstraint that is a slot name stands for -machine');

  const plain = await pool.run('condor_q', ['-analyze', '1']);
  t.match(plain.stdout, /The Requirements expression for job 1\.000 is/, '-analyze shows the Requirements when a slot rejects the job by them');

  fs.writeFileSync(path.join(pool.dir, 'held.sub'), 'executable = job.sh\nhold = true\nlog = held.log\nqueue\n');
  t.equal((await pool.run('condor_submit', ['held.sub'])).code, 0);
  const held = await pool.run('condor_q', ['-analyze', '2.0']);
  t.equal(held.code, 0, held.stderr);
  t.notMatch(held.stdout, /Requirements expression/, '-analyze: no slot rejects the job, no Requirements analysis');
  t.match(held.stdout, /\n002\.000:  Run analysis summary ignoring user priority\.  Of 1 slots on 1 machines,\n      0 slots are rejected by your job's requirements\n      0 slots reject your job because of their own requirements\n      1 slots match and are willing to run your job\n\n\n002\.000:  Job is held\.\n\nHold reason: .+\n\n$/);
  const verbose = await pool.run('condor_q', ['-better-analyze', '-verbose', '2.0', '-machine', slotName]);
  t.match(verbose.stdout, new RegExp(`willing to run your job: ${slotName.replace(/[.@]/g, '\\$&')}\n`), '-verbose names the slot');
  const elsewhere = await pool.run('condor_q', ['-better-analyze', '2.0', '-mconstraint', 'Memory > 1e12']);
  t.notMatch(elsewhere.stdout, /Run analysis summary/, 'no slot left by -mconstraint: no summary');

  t.equal((await pool.run('condor_release', ['2.0'])).code, 0);
  await waitForEvents(path.join(pool.dir, 'held.log'), (events) => events.some((e) => e.code === 1));
  const running = await pool.run('condor_q', ['-better-analyze', '2.0']);
  t.match(running.stdout, /\n      1 slots match and are already running your jobs\n      0 slots match but are serving other users\n      0 slots match and are willing to run your job\n/, 'the busy slot runs your job (its RemoteUser)');
  t.match(running.stdout, /\n002\.000:  Job is running\.\n\n$/);

  const refused = await pool.run('condor_q', ['-analyze:priority', '1']);
  t.equal(refused.code, 1);
  t.match(refused.stderr, /-analyze:priority is not supported/);
});
