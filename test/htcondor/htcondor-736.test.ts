// A port of HTCondor's src/condor_tests/test_htcondor_736.py (HTCONDOR-736): a self-checkpointing job whose
// stdout and stderr are streamed into a subdirectory still commits its checkpoint to SPOOL, holding only its
// checkpoint file; one without output or error files commits no "null" file. Both jobs run at once, as in
// the test; its counting.py is the test's.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { jobSpoolDir } from '@tinycondor/shared/spool-paths';
import { eventually, startPool, writeExecutable } from '../helpers/pool.js';

const COUNTING = `#!/usr/bin/python3
import sys
import time
total_steps = 24
num_completed_steps = 0
try:
    with open("saved-state", "r") as saved_state:
        num_completed_steps = int(saved_state.readline().strip())
except IOError:
    pass
while num_completed_steps < total_steps:
    print(f"Starting step {num_completed_steps}.")
    time.sleep(3)
    num_completed_steps += 1
    if num_completed_steps % 5 == 0:
        print(f"Checkpointing after {num_completed_steps}.")
        try:
            with open("saved-state", "w") as saved_state:
                saved_state.write(f"{num_completed_steps}")
            sys.exit(17)
        except IOError:
            print("Failed to write checkpoint.", file=sys.stderr)
            sys.exit(1)
print(f"Completed all {total_steps} steps.")
sys.exit(0)
`;

t.test('TestFileTransfer', async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 2 });
  writeExecutable(path.join(pool.dir, 'counting.py'), COUNTING);
  const common = 'LeaveJobInQueue = true\nexecutable = counting.py\ntransfer_executable = true\nshould_transfer_files = true\nwhen_to_transfer_output = ON_EXIT\ncheckpoint_exit_code = 17\ntransfer_checkpoint_files = saved-state\ntransfer_output_files = ""\nlog = logged_job.log\n';
  fs.mkdirSync(path.join(pool.dir, 'subdir'));
  fs.writeFileSync(path.join(pool.dir, 'logged.sub'), `${common}output = subdir/the_output_log\nerror = subdir/the_error_log\nstream_output = true\nstream_error = true\nqueue 1\n`);
  fs.writeFileSync(path.join(pool.dir, 'unlogged.sub'), `${common}queue 1\n`);
  t.equal((await pool.run('condor_submit', ['logged.sub'])).code, 0);
  t.equal((await pool.run('condor_submit', ['unlogged.sub'])).code, 0);
  const filesOf = (cluster: number) =>
    eventually(
      `a checkpoint of job ${cluster} in SPOOL`,
      () => {
        const dir = jobSpoolDir(path.join(pool.home, 'spool'), cluster, 0);
        const listed = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
        return listed.length > 0 ? listed : undefined;
      },
      180_000,
    );
  const [logged, unlogged] = await Promise.all([filesOf(1), filesOf(2)]);
  t.test('test_checkpoint_exists', async (t) => {
    t.same(logged.sort(), ['saved-state']);
  });
  t.test('test_checkpoint_missing_null', async (t) => {
    t.notOk(unlogged.includes('null'));
  });
  t.test('beyond the test: the streamed files hold what the job printed so far', async (t) => {
    t.match(fs.readFileSync(path.join(pool.dir, 'subdir', 'the_output_log'), 'utf8'), /^Starting step 0\.\n/);
  });
  for (const cluster of ['1', '2']) await pool.run('condor_rm', [cluster]);
});
