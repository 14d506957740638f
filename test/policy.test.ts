import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { codes, startPool, waitForEvents, writeExecutable } from './helpers/pool.js';

t.test('periodic_hold, periodic_release and periodic_remove fire as HTCondor words them', async (t) => {
  const pool = await startPool(t, { startds: 1, periodic: 1 });
  writeExecutable(path.join(pool.dir, 'sleep.sh'), '#!/bin/bash\nexec sleep 300\n');
  fs.writeFileSync(
    path.join(pool.dir, 'p.sub'),
    `executable = sleep.sh
log = p.log
periodic_hold = JobStatus == 2 && JobCurrentStartExecutingDate =!= undefined
periodic_release = NumHolds < 2
queue
periodic_hold = false
periodic_release = false
periodic_remove = JobStatus == 1 && QDate > 0
requirements = Cpus > 1000
queue
`,
  );
  t.equal((await pool.run('condor_submit', ['p.sub'])).code, 0);
  const log = path.join(pool.dir, 'p.log');
  // The hold waits for the executable to start: a run is Running from the match on, before its 001.
  const events = await waitForEvents(log, (ev) => ev.filter((e) => e.code === 12 && e.proc === 0).length === 2 && ev.some((e) => e.code === 9));
  t.same(codes(events, 1, 0).filter((c) => c !== 40), [0, 1, 12, 13, 1, 12], 'held, released by policy, run again, held again');
  const held = events.find((e) => e.code === 12);
  t.equal(held?.lines[1], "\tThe job attribute PeriodicHold expression 'JobStatus == 2 && JobCurrentStartExecutingDate =!= undefined' evaluated to TRUE");
  t.equal(held?.lines[2], '\tCode 3 Subcode 0');
  t.equal(events.find((e) => e.code === 13)?.lines[1], "\tThe job attribute PeriodicRelease expression 'NumHolds < 2' evaluated to TRUE");
  t.same(codes(events, 1, 1), [0, 9]);
  t.equal(events.find((e) => e.code === 9)?.lines[1], "\tThe job attribute PeriodicRemove expression 'JobStatus == 1 && QDate > 0' evaluated to TRUE");
  const q = await pool.run('condor_q', ['-af', 'ProcId', 'JobStatus', 'HoldReasonCode', 'NumHolds']);
  t.equal(q.stdout, '0 5 3 2\n');
});

t.test('on_exit_hold, and max_retries requeues a failing job until its retries are spent', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'fail.sh'), '#!/bin/bash\necho attempt\nexit 3\n');
  fs.writeFileSync(
    path.join(pool.dir, 'e.sub'),
    `executable = fail.sh
log = e.log
output = e.$(Process).out
on_exit_hold = ExitCode == 3
queue
on_exit_hold = false
max_retries = 2
queue
`,
  );
  t.equal((await pool.run('condor_submit', ['e.sub'])).code, 0);
  const log = path.join(pool.dir, 'e.log');
  const events = await waitForEvents(log, (ev) => ev.some((e) => e.code === 12) && ev.some((e) => e.code === 5 && e.proc === 1));
  t.equal(events.find((e) => e.code === 12)?.lines[1], "\tThe job attribute OnExitHold expression 'ExitCode == 3' evaluated to TRUE");
  t.same(codes(events, 1, 1).filter((c) => c !== 40), [0, 1, 4, 1, 4, 1, 5], 'two requeues, then the third run completes');
  const requeue = events.find((e) => e.code === 4 && e.proc === 1);
  t.match(requeue?.lines.join('\n'), /Job terminated and was requeued/);
  const history = await pool.run('condor_history', ['-af', 'ProcId', 'ExitCode', 'NumJobCompletions', 'JobStatus']);
  t.equal(history.stdout, '1 3 3 4\n');
});

t.test('periodic checkpoint signal: kept promise checkpoints, broken promise holds with code 36', async (t) => {
  const pool = await startPool(t, { startds: 1, checkpointInterval: 1 });
  writeExecutable(
    path.join(pool.dir, 'sig.sh'),
    `#!/bin/bash
n=$(cat state 2>/dev/null || echo 0)
echo "start at $n"
trap 'echo $n > state; exit 85' USR2
while [ $n -lt 25 ]; do n=$((n+1)); sleep 0.1; done
echo done at $n
`,
  );
  writeExecutable(path.join(pool.dir, 'liar.sh'), '#!/bin/bash\ntrap "exit 1" USR2\nwhile true; do sleep 0.1; done\n');
  fs.writeFileSync(
    path.join(pool.dir, 's.sub'),
    `executable = sig.sh
checkpoint_exit_code = 85
transfer_checkpoint_files = state
+WantCheckpointSignal = true
+CheckpointSig = "SIGUSR2"
output = sig.out
log = s.log
queue
executable = liar.sh
transfer_checkpoint_files =
queue
`,
  );
  t.equal((await pool.run('condor_submit', ['s.sub'])).code, 0);
  const log = path.join(pool.dir, 's.log');
  const events = await waitForEvents(log, (ev) => ev.some((e) => e.code === 5 && e.proc === 0) && ev.some((e) => e.code === 12), 60_000);
  const held = events.find((e) => e.code === 12);
  t.equal(held?.proc, 1);
  t.equal(
    held?.lines[1],
    '\tJob did not exit as promised when sent its checkpoint signal.  Promised exit was with exit code 85, actual exit status was with exit code 1.',
  );
  t.equal(held?.lines[2], '\tCode 36 Subcode 256');
  const out = fs.readFileSync(path.join(pool.dir, 'sig.out'), 'utf8');
  t.match(out, /^start at 0\nstart at \d+\n/);
  t.match(out, /done at 25\n$/);
  const checkpoints = codes(events, 1, 0).filter((c) => c === 40).length / 2 - 2;
  t.ok(checkpoints >= 1, `at least one checkpoint (${checkpoints})`);
  t.equal(codes(events, 1, 0).filter((c) => c === 1).length, 1, 'restarts in place write no new 001');
});

t.test('allowed_execute_duration holds a job that runs too long (code 47)', async (t) => {
  const pool = await startPool(t, { startds: 1, periodic: 1 });
  writeExecutable(path.join(pool.dir, 'sleep.sh'), '#!/bin/bash\nexec sleep 300\n');
  fs.writeFileSync(path.join(pool.dir, 'a.sub'), 'executable = sleep.sh\nlog = a.log\nallowed_execute_duration = 1\nqueue\n');
  t.equal((await pool.run('condor_submit', ['a.sub'])).code, 0);
  const events = await waitForEvents(path.join(pool.dir, 'a.log'), (ev) => ev.some((e) => e.code === 12));
  const held = events.find((e) => e.code === 12);
  t.match(held?.lines[1], /^\tThe job exceeded allowed execute duration of 0?0:00:01$/);
  t.equal(held?.lines[2], '\tCode 47 Subcode 0');
});
