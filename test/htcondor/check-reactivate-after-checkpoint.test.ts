// A port of HTCondor's src/condor_tests/test_check_reactivate_after_checkpoint.py: after a checkpoint, a
// self-checkpointing job restarts in place only while its claim may be reactivated; with CLAIM_WORKLIFE
// passed (0) and CHECK_REACTIVATE_AFTER_CHECKPOINT true (or unset) it is rescheduled instead, its event log
// saying why, and resumes from the checkpoint; either way its output is exactly the test's. The test's
// config goes in each pool's environment (_CONDOR_<NAME>, as HTCondor's daemons read it); its
// condor_reschedule kicks are not needed (a requeued job is matched again at once).
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { startPool, waitForEvents, writeExecutable } from '../helpers/pool.js';

const EXPECTED_OUTPUT = `Starting counting from 0
0
1
2
3
4
Checkpointing because I feel like it...
Starting counting from 5
5
6
7
8
9
Checkpointing because I feel like it...
Starting counting from 10
... finished computing.
`;

const SCRIPT = `#!/usr/bin/python3

import sys
import time
from pathlib import Path


def SaveState():
    global i
    Path("saved-state").write_text(str(i))


def SpontaneousCheckpoint():
    print("Checkpointing because I feel like it...")
    SaveState()
    sys.exit(85)


i = 0
saved_state_file = Path("saved-state")
if saved_state_file.exists():
    i = int(saved_state_file.read_text())

print(f"Starting counting from {i}")
while i != 10:
    time.sleep(1)

    print(i)

    i = i + 1

    if i % 5 == 0:
        SpontaneousCheckpoint()

print( "... finished computing.")
Path("output").touch()
`;

const TEST_CASES: Record<string, { config: Record<string, string>; expected: boolean }> = {
  true: { config: { CLAIM_WORKLIFE: '0', CHECK_REACTIVATE_AFTER_CHECKPOINT: 'TRUE' }, expected: true },
  true_but_useless: { config: { CLAIM_WORKLIFE: '999999', CHECK_REACTIVATE_AFTER_CHECKPOINT: 'TRUE' }, expected: false },
  false: { config: { CLAIM_WORKLIFE: '0', CHECK_REACTIVATE_AFTER_CHECKPOINT: 'FALSE' }, expected: false },
  unset: { config: { CLAIM_WORKLIFE: '0', CHECK_REACTIVATE_AFTER_CHECKPOINT: '' }, expected: true },
};

const MESSAGE = 'Rescheduling self-checkpoint job after checkpoint upload because reactivating the claim would have failed.';

for (const [name, testCase] of Object.entries(TEST_CASES)) {
  t.test(`TestRestartIsReactivate: test_job_completed_successfully (${name})`, async (t) => {
    const env = Object.fromEntries(Object.entries(testCase.config).map(([knob, value]) => [`_CONDOR_${knob}`, value]));
    const pool = await startPool(t, { startds: 1, env });
    writeExecutable(path.join(pool.dir, 'self-checkpoint.py'), SCRIPT);
    fs.writeFileSync(
      path.join(pool.dir, 'job.sub'),
      `universe = vanilla\nexecutable = self-checkpoint.py\ncheckpoint_exit_code = 85\nwhen_to_transfer_output = ON_EXIT\ntransfer_executable = True\nshould_transfer_files = True\nrequest_cpus = 1\nrequest_memory = 1\nlog = ${name}.log\noutput = ${name}.out\nqueue 1\n`,
    );
    const submitted = await pool.run('condor_submit', ['job.sub']);
    t.equal(submitted.code, 0, submitted.stderr);
    const events = await waitForEvents(path.join(pool.dir, `${name}.log`), (ev) => ev.some((e) => e.code === 5 || e.code === 12), 120_000);
    t.notOk(events.some((e) => e.code === 12), 'never held');
    t.equal(fs.readFileSync(path.join(pool.dir, `${name}.out`), 'utf8'), EXPECTED_OUTPUT);
    t.equal(fs.readFileSync(path.join(pool.dir, `${name}.log`), 'utf8').includes(MESSAGE), testCase.expected, `the log ${testCase.expected ? 'says' : 'does not say'} the job was rescheduled`);
  });
}
