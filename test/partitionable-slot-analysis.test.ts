// What a partitionable slot advertises, and condor_q's analysis of it, against a real pool with one startd of
// 2 cpus laid out as HTCondor's default partitionable slot: the p-slot lists its dynamic slots (Resource.cpp
// publishDynamicChildSummaries), the dynamic slot its claim (claim.cpp Claim::publish); -better-analyze leaves
// the dynamic slot out and analyses the p-slot as drained when the job fits only so (jobmatch.cpp
// doJobRunAnalysis, make_pslot_overlay_ad), and -reverse marks it Part (doSlotRunAnalysisToBuffer).
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { eventually, startPool, waitForEvents, writeExecutable } from './helpers/pool.js';

const escape = (text: string): string => text.replace(/[.@\\[\]()|?*+^$]/g, '\\$&');

t.test('a partitionable slot\'s ad and condor_q -better-analyze of it', async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 2 });
  writeExecutable(path.join(pool.dir, 'job.sh'), '#!/bin/sh\nexec /bin/sleep 300\n');
  const pslot = await eventually('the startd\'s p-slot', async () => (await pool.run('condor_status', ['-af', 'Name'])).stdout.trim() || undefined);
  t.match(pslot, /^slot1@/);
  const empty = await pool.run('condor_status', ['-af', 'NumDynamicSlots', 'PslotRollupInformation', 'ChildCpus']);
  t.equal(empty.stdout, "0 true {  }\n", 'no dynamic slots yet');

  fs.writeFileSync(path.join(pool.dir, 'one.sub'), 'executable = job.sh\nrequest_cpus = 1\nlog = one.log\nqueue\n');
  t.equal((await pool.run('condor_submit', ['one.sub'])).code, 0);
  await waitForEvents(path.join(pool.dir, 'one.log'), (events) => events.some((e) => e.code === 1));
  const user = (await pool.run('condor_q', ['1.0', '-af', 'User'])).stdout.trim();
  const dslot = pslot.replace(/^slot1@/, 'slot1_1@');

  const status = await pool.run('condor_status', ['-af', 'Name', 'State', 'Activity', 'Cpus', 'RemoteUser']);
  t.equal(status.stdout, `${pslot} Unclaimed Idle 1 undefined\n${dslot} Claimed Busy 1 ${user}\n`, 'the p-slot with what is left, the d-slot with its claim');
  const rollup = await pool.run('condor_status', ['-constraint', 'PartitionableSlot', '-af', 'NumDynamicSlots', 'ChildName', 'ChildCpus', 'ChildState', 'ChildRemoteUser']);
  t.equal(rollup.stdout, `1 { "${dslot}" } { 1 } { "Claimed" } { "${user}" }\n`, 'the p-slot rolls up its d-slot');
  const long = await pool.run('condor_status', ['-long', dslot]);
  t.match(long.stdout, /\nDynamicSlot = true\n/);
  t.match(long.stdout, new RegExp(`\\nRemoteUser = "${escape(user)}"\\n`));
  t.match(long.stdout, /\nJobId = "1\.0"\n/);
  const table = await pool.run('condor_status', []);
  t.match(table.stdout, new RegExp(`\\n${escape(pslot)} +\\S+ +\\S+ +Unclaimed Idle .*\\n${escape(dslot)} +\\S+ +\\S+ +Claimed +Busy `), 'the default table: the p-slot, then its d-slot');
  t.match(table.stdout, /\n +Total +2 +0 +1 +1 +0 +0 +0 +0 +0\n$/, 'the totals count both');

  const running = await pool.run('condor_q', ['-better-analyze', '1.0']);
  t.equal(running.code, 0, running.stderr);
  t.match(running.stdout, /\n001\.000:  Run analysis summary ignoring user priority\.  Of 1 slots on 1 machines,\n      0 slots are rejected by your job's requirements\n      0 slots reject your job because of their own requirements\n      1 slots match and are willing to run your job\n\n\n001\.000:  Job is running\.\n/, 'the d-slot left out: the p-slot has a cpu left for it');

  fs.writeFileSync(path.join(pool.dir, 'two.sub'), 'executable = job.sh\nrequest_cpus = 2\nqueue\n');
  t.equal((await pool.run('condor_submit', ['two.sub'])).code, 0);
  const drained = await pool.run('condor_q', ['-better-analyze', '2.0']);
  t.equal(drained.code, 0, drained.stderr);
  t.match(drained.stdout, /\nThe Requirements expression for job 2\.000 is\n\n    true && \(TARGET\.Disk >= RequestDisk\) && \(TARGET\.Memory >= RequestMemory\) &&\n    \(TARGET\.Cpus >= RequestCpus\)\n/);
  t.match(drained.stdout, /\n         Slots      If    \nStep   Matched   Drained  Condition\n----- --------- --------- ---------\n(\[\d\] +\d+ +\d+  .*\n)*\[5\]           0         1  TARGET\.Cpus >= RequestCpus\n/, 'the cpus clause matches the p-slot only drained');
  t.match(drained.stdout, /\n002\.000:  Run analysis summary ignoring user priority\.  Of 1 slots on 1 machines,\n      0 slots are rejected by your job's requirements\n      0 slots reject your job because of their own requirements\n      0 slots match and are willing to run your job\n      1 slots would match if drained\n/);
  const onPslot = await pool.run('condor_q', ['-better-analyze', '2.0', '-machine', pslot]);
  t.match(onPslot.stdout, new RegExp(`\\n${escape(pslot)} has the following attributes:\\n\\n(    .*\\n)*\\n${escape(pslot)} has the following attributes when drained:\\n\\n    TARGET\\.Cpus = 2\\n`));

  fs.writeFileSync(path.join(pool.dir, 'big.sub'), 'executable = job.sh\nrequest_cpus = 8\nqueue\n');
  t.equal((await pool.run('condor_submit', ['big.sub'])).code, 0);
  const big = await pool.run('condor_q', ['-better-analyze', '3.0']);
  t.match(big.stdout, /\n        Slots\nStep   Matched  Condition\n----- --------- ---------\n(\[\d\] +\d+  .*\n)*\[5\]           0  TARGET\.Cpus >= RequestCpus\n/, 'too big even drained: no overlay, one column');
  t.match(big.stdout, /\n      1 slots are rejected by your job's requirements\n      0 slots reject your job because of their own requirements\n      0 slots match and are willing to run your job\n\nWARNING:  Be advised:\n   No machines matched the job's constraints\n/);

  const reverse = await pool.run('condor_q', ['-better-analyze', '-reverse', '2.0', '-machine', pslot]);
  t.equal(reverse.code, 0, reverse.stderr);
  t.match(reverse.stdout, /\nThis slot defines the following attributes:\n\n    Cpus = 1\n(    .*\n)*When drained, this slot has the following attributes:\n\n    Cpus = 2\n/);
  t.match(reverse.stdout, /\n    0 \(0\.00 %\) match both slot and job requirements\.\n    0 match the requirements of this slot\.\n    0 have job requirements that match this slot\.\n    1 would match both slot and job requirments if the slot was drained\.\n    1 would match the requirements of this slot when drained\.\n    1 would have job requirements that match this slot when drained\n$/);
  const rows = await pool.run('condor_q', ['-analyze:summary,reverse', '2.0']);
  t.match(rows.stdout, new RegExp(`\\n${escape(pslot)} +Part +0 +0 +0\\.00\\n$`), 'the table marks the p-slot Part and leaves the d-slot out');
});

t.test('STARTD_PARTITIONABLE_SLOT_ATTRS adds Child lists; ADVERTISE_PSLOT_ROLLUP_INFORMATION = false leaves them all out', async (t) => {
  for (const [env, expected] of [
    [{ _CONDOR_STARTD_PARTITIONABLE_SLOT_ATTRS: 'JobId, LoadAvg' }, { pslot: '1 true { "1.0" } { 0.0 } { 1 }', dslot: 'true' }],
    [{ _CONDOR_ADVERTISE_PSLOT_ROLLUP_INFORMATION: 'false', _CONDOR_STARTD_PARTITIONABLE_SLOT_ATTRS: 'JobId' }, { pslot: '1 undefined undefined undefined undefined', dslot: 'undefined' }],
  ] as const) {
    const pool = await startPool(t, { startds: 1, cpus: 2, env });
    writeExecutable(path.join(pool.dir, 'job.sh'), '#!/bin/sh\nexec /bin/sleep 300\n');
    fs.writeFileSync(path.join(pool.dir, 'one.sub'), 'executable = job.sh\nrequest_cpus = 1\nlog = one.log\nqueue\n');
    t.equal((await pool.run('condor_submit', ['one.sub'])).code, 0);
    await waitForEvents(path.join(pool.dir, 'one.log'), (events) => events.some((e) => e.code === 1));
    const pslot = await pool.run('condor_status', ['-constraint', 'PartitionableSlot', '-af', 'NumDynamicSlots', 'PslotRollupInformation', 'ChildJobId', 'ChildLoadAvg', 'ChildCpus']);
    t.equal(pslot.stdout, `${expected.pslot}\n`, JSON.stringify(env));
    const dslot = await pool.run('condor_status', ['-constraint', 'DynamicSlot', '-af', 'PslotRollupInformation']);
    t.equal(dslot.stdout, `${expected.dslot}\n`, `the dynamic slot: ${JSON.stringify(env)}`);
  }
});
