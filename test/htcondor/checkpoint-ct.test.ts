// A port of HTCondor's src/condor_tests/test_checkpoint_ct.py: a self-checkpointing job that vacates itself
// twice (when its step count reaches 7 × NumShadowStarts) resumes each time from its last checkpoint, with
// exactly the test's stdout and event order, and CommittedTime counts the committed work (15 to 60 s). The
// test's count of CommittedTime updates in job_queue.log (four: three checkpoints and the exit) has no
// equivalent in this pool's SQLite queue; NumCkpts (three) and the 040 pairs stand for the checkpoints.
// Its condor_reschedule kicks are not needed (a vacated job is matched again at once).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { startPool, waitForEvents, writeExecutable } from '../helpers/pool.js';

const binDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'node_modules', '.bin');

const EXPECTED_STDOUT = [
  'Starting step 0.',
  'Starting step 1.',
  'Starting step 2.',
  'Starting step 3.',
  'Starting step 4.',
  'Checkpointing after 5.',
  'Resuming after step 5.',
  'Starting step 5.',
  'Starting step 6.',
  'Starting step 7.',
  'Starting step 8.',
  'Starting step 9.',
  'Checkpointing after 10.',
  'Resuming after step 10.',
  'Starting step 10.',
  'Starting step 11.',
  'Starting step 12.',
  'Starting step 13.',
  'Starting step 14.',
  'Checkpointing after 15.',
  'Resuming after step 15.',
  'Starting step 15.',
  'Starting step 16.',
  'Starting step 17.',
  'Starting step 18.',
  'Completed all 19 steps.',
].map((line) => `${line}\n`);

t.test('TestCheckpointCommittedTime: test_committed_time', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(
    path.join(pool.dir, 'counting.py'),
    `#!/usr/bin/python3
import os
import sys
import time
import subprocess
os.environ['CONDOR_CONFIG'] = '${pool.env.CONDOR_CONFIG}'
os.environ['PATH'] = os.environ.get('PATH', '') + os.pathsep + '${binDir}'

num_shadow_starts = 0
rv = subprocess.run(["condor_q", sys.argv[1], "-af", "NumShadowStarts"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20, universal_newlines=True)
if rv.returncode == 0:
    num_shadow_starts = int(rv.stdout.strip())

num_completed_steps = 0
try:
    with open("saved-state", "r") as saved_state:
        num_completed_steps = int(saved_state.readline().strip())
        print(f"Resuming after step {num_completed_steps}.")
except IOError:
    pass

total_steps = 19
while num_completed_steps < total_steps:
    print(f"Starting step {num_completed_steps}.")
    num_completed_steps += 1
    if num_completed_steps % 5 == 0:
        print(f"Checkpointing after {num_completed_steps}.")
        with open("saved-state", "w") as saved_state:
            saved_state.write(f'{num_completed_steps}')
        sys.exit(85)
    print(f"num_completed_steps = {num_completed_steps}", file=sys.stderr)
    print(f"num_shadow_starts = {num_shadow_starts}", file=sys.stderr)
    if (num_shadow_starts * 7) == num_completed_steps:
        sys.stdout.flush()
        subprocess.run(["condor_vacate_job", sys.argv[1]], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20)
        time.sleep(60)
        print("Failed to evict after sixty seconds, aborting.")
        sys.exit(1)
    time.sleep(1)

print(f"Completed all {total_steps} steps.")
sys.exit(0)
`,
  );
  const description = {
    LeaveJobInQueue: 'true',
    executable: 'counting.py',
    arguments: '$(CLUSTER).$(PROCESS)',
    transfer_executable: 'true',
    should_transfer_files: 'true',
    when_to_transfer_output: 'ON_EXIT',
    log: 'test_job_$(CLUSTER).log',
    output: 'test_job_$(CLUSTER).out',
    error: 'test_job_$(CLUSTER).err',
    want_io_proxy: 'True',
    checkpoint_exit_code: '85',
    transfer_checkpoint_files: 'saved-state',
    transfer_output_files: '""',
  };
  fs.writeFileSync(path.join(pool.dir, 'job.sub'), `${Object.entries(description).map(([k, v]) => `${k} = ${v}`).join('\n')}\nqueue 1\n`);
  const submitted = await pool.run('condor_submit', ['job.sub']);
  t.equal(submitted.code, 0, submitted.stderr);
  const events = await waitForEvents(path.join(pool.dir, 'test_job_1.log'), (ev) => ev.some((e) => e.code === 5 || e.code === 12), 180_000);
  t.notOk(events.some((e) => e.code === 12), 'never held');
  const order = [0, 1, 40, 1, 40, 1, 40, 5];
  let next = 0;
  for (const event of events) if (next < order.length && event.code === order[next]) next++;
  t.equal(next, order.length, `SUBMIT, EXECUTE, FILE_TRANSFER ×3, JOB_TERMINATED in order: ${events.map((e) => e.code).join(' ')}`);
  t.same(fs.readFileSync(path.join(pool.dir, 'test_job_1.out'), 'utf8').split(/(?<=\n)/), EXPECTED_STDOUT);
  const [committedTime, numCkpts] = (await pool.run('condor_q', ['1.0', '-af', 'CommittedTime', 'NumCkpts'])).stdout.trim().split(' ').map(Number);
  t.ok(committedTime >= 15 && committedTime <= 60, `CommittedTime ${committedTime} within 15 to 60 s`);
  t.equal(numCkpts, 3, 'three checkpoints committed');
});
