// A running job's periodic policy is its shadow's, on the shadow's copy of the job ad (BaseUserPolicy::checkPeriodic).
// condor_qedit changes the schedd's queue only (classad_log.cpp: the attribute marked clean); with -forward
// (qedit.cpp: SetAttribute_SetDirty) the schedd signals the running job's shadow (qmgmt.cpp
// SendDirtyJobAdNotification), which merges the dirty attributes into its copy and evaluates its periodic
// policy at once (BaseShadow::handleUpdateJobAd). An edit not forwarded counts once the run has ended: the
// schedd evaluates an idle job's policy on the queue's ad (schedd.cpp PeriodicExprEval), a new shadow reads it.
import path from 'node:path';
import fs from 'node:fs';
import t from 'tap';
import { codes, startPool, waitForEvents, writeExecutable } from './helpers/pool.js';

t.test("condor_qedit of a running job's policy: kept from its run without -forward, evaluated at once with it", async (t) => {
  const pool = await startPool(t, { startds: 2, periodic: 1 });
  writeExecutable(path.join(pool.dir, 'sleep.sh'), '#!/bin/bash\nexec sleep 300\n');
  const log = path.join(pool.dir, 'job.log');
  // 1.0 never runs: the schedd's own policy (an idle job's) marks that a periodic pass saw the edits before it.
  fs.writeFileSync(path.join(pool.dir, 'idle.sub'), 'executable = sleep.sh\nrequirements = false\nlog = job.log\nqueue\n');
  fs.writeFileSync(path.join(pool.dir, 'job.sub'), 'executable = sleep.sh\nlog = job.log\nqueue 2\n');
  t.equal((await pool.run('condor_submit', ['idle.sub'])).code, 0);
  t.equal((await pool.run('condor_submit', ['job.sub'])).code, 0);
  await waitForEvents(log, (events) => events.filter((e) => e.code === 1).length === 2);

  const plain = await pool.run('condor_qedit', ['2.1', 'PeriodicRemove', 'True']);
  t.same([plain.code, plain.stdout], [0, 'Set attribute "PeriodicRemove" for 1 matching jobs.\n']);
  t.equal((await pool.run('condor_qedit', ['1.0', 'PeriodicRemove', 'True'])).code, 0);
  // Passes go in job-id order: the one that removed 1.0 read 2.1 after both edits.
  await waitForEvents(log, (events) => codes(events, 1, 0).includes(9));
  t.same(codes(await waitForEvents(log, () => true), 2, 1).filter((c) => c !== 40), [0, 1], "2.1 runs on: its shadow's copy has PeriodicRemove false");
  t.equal((await pool.run('condor_q', ['2.1', '-af', 'JobStatus', 'PeriodicRemove'])).stdout, '2 true\n', 'the queue has the edit');

  const forwarded = await pool.run('condor_qedit', ['-forward', '2.0', 'PeriodicRemove', 'JobStatus == 2']);
  t.same([forwarded.code, forwarded.stdout, forwarded.stderr], [0, 'Set attribute "PeriodicRemove" for 1 matching jobs.\n', '']);
  let events = await waitForEvents(log, (ev) => codes(ev, 2, 0).includes(9));
  t.same(codes(events, 2, 0).filter((c) => c !== 40), [0, 1, 9], 'removed by its policy at once');
  t.equal(events.find((e) => e.code === 9 && e.proc === 0 && e.cluster === 2)?.lines[1], "\tThe job attribute PeriodicRemove expression 'JobStatus == 2' evaluated to TRUE");

  // Vacated, 2.1 is idle: the schedd's policy (or a new run's shadow) reads the queue's ad and removes it.
  t.equal((await pool.run('condor_vacate_job', ['2.1'])).code, 0);
  events = await waitForEvents(log, (ev) => codes(ev, 2, 1).includes(9));
  const ended = codes(events, 2, 1).filter((c) => c !== 40);
  t.same([ended.slice(0, 3), ended.at(-1)], [[0, 1, 4], 9], 'evicted, then removed by the edit');
  t.equal(events.find((e) => e.code === 9 && e.proc === 1 && e.cluster === 2)?.lines[1], "\tThe job attribute PeriodicRemove expression 'true' evaluated to TRUE");
});

t.test("a run's end is decided on its copy: an exit policy edited without -forward counts from the next run", async (t) => {
  const pool = await startPool(t, { startds: 2 });
  const go = path.join(pool.dir, 'go');
  writeExecutable(path.join(pool.dir, 'wait.sh'), `#!/bin/bash\nwhile [ ! -e ${go} ]; do sleep 0.1; done\nexit 3\n`);
  const common = 'executable = wait.sh\non_exit_hold = false\nlog = exit.log\n';
  fs.writeFileSync(path.join(pool.dir, 'vanilla.sub'), `${common}queue 2\n`);
  // A local universe job's starter keeps its copy too, and is never told of an edit (jic_local_schedd.cpp).
  fs.writeFileSync(path.join(pool.dir, 'local.sub'), `universe = local\n${common}queue\n`);
  t.equal((await pool.run('condor_submit', ['vanilla.sub'])).code, 0);
  t.equal((await pool.run('condor_submit', ['local.sub'])).code, 0);
  const log = path.join(pool.dir, 'exit.log');
  await waitForEvents(log, (events) => events.filter((e) => e.code === 1).length === 3);

  t.equal((await pool.run('condor_qedit', ['-constraint', 'ProcId == 0', 'OnExitHold', 'True'])).code, 0);
  t.equal((await pool.run('condor_qedit', ['-forward', '1.1', 'OnExitHold', 'True'])).code, 0);
  fs.writeFileSync(go, '');
  const events = await waitForEvents(log, (ev) => ev.filter((e) => e.code === 5 || e.code === 12).length === 3);
  t.same(codes(events, 1, 0).filter((c) => c !== 40), [0, 1, 5], "1.0 completes: its shadow's copy has OnExitHold false");
  t.same(codes(events, 2, 0), [0, 1, 5], 'so does the local universe job');
  t.same(codes(events, 1, 1).filter((c) => c !== 40), [0, 1, 12], '1.1 is held: -forward put the edit in its copy');
  t.equal((await pool.run('condor_history', ['1.0', '-af', 'OnExitHold', 'ExitCode'])).stdout, 'true 3\n', 'the queue kept the edit');
  t.equal((await pool.run('condor_q', ['1.1', '-af', 'JobStatus', 'HoldReasonCode'])).stdout, '5 3\n');
});
