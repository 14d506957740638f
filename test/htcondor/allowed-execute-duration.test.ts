// A port of HTCondor's src/condor_tests/test_allowed_execute_duration.py: allowed_execute_duration holds a
// job whose execution runs too long, counting from when it began executing (not its input transfer) or
// from its latest checkpoint, and from scratch again after a vacate. Its eight jobs, its counting.py, its
// sleep:// plugin (test/fixtures/plugins/sleep_plugin.py: the test's, parsing its ads with the standard
// library instead of the classad2 bindings, installed as the job's transfer_plugins as there), ornithology's
// sleep.py (test/fixtures/scripts/sleep.py) and its assertions are the test's, with these differences:
// - all eight jobs are submitted at once (the original submits two, five and eight when their tests run),
//   and jobs two and five are watched side by side, so the whole takes the longest job's time;
// - no second's sleep between condor_vacate_job and condor_reschedule: the pool needs no such pause;
// - beyond the test: two more jobs whose only output goes to a sleep:// URL through the job's plugin: an
//   upload longer than the duration holds the job (UserPolicy::AnalyzePolicy runs while the job is running,
//   and only a finished output transfer restarts the clock), a short one lets it complete;
// - beyond the test: each hold's HoldReasonCode (47, JobExecuteExceeded), HoldReasonSubCode (0) and
//   HoldReason, as src/condor_utils/user_job_policy.cpp (UserPolicy::AnalyzePolicy, FiringReason) gives them.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import type { ParsedEvent } from '@tinycondor/shared/eventlog/index';
import { startPool, waitForEvents, writeExecutable, type TestPool } from '../helpers/pool.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const sleepPlugin = path.resolve(here, '..', 'fixtures', 'plugins', 'sleep_plugin.py');
const pathToSleep = path.resolve(here, '..', 'fixtures', 'scripts', 'sleep.py');

const SUBMIT = 0;
const EXECUTE = 1;
const JOB_TERMINATED = 5;
const IMAGE_SIZE = 6;
const JOB_HELD = 12;
const FILE_TRANSFER = 40;

/** path_to_the_job_script: counting.py, as the test writes it. */
const COUNTING = `#!/usr/bin/python3

import sys
import time
import getopt

opt_slow_step = -1
(list, remainder) = getopt.getopt(sys.argv[1:], '', ['normal', 'slow='])
for option, value in list:
    if option == "--slow":
        opt_slow_step = int(value)

total_steps = 24
num_completed_steps = 0
try:
    with open("saved-state", "r") as saved_state:
        num_completed_steps = int(saved_state.readline().strip())
except IOError:
    pass

while num_completed_steps < total_steps:
    print(f"Starting step {num_completed_steps}.")

    if num_completed_steps == opt_slow_step:
        time.sleep(30)
    else:
        time.sleep(2)
    num_completed_steps += 1

    if num_completed_steps % 5 == 0:
        print(f"Checkpointing after {num_completed_steps}.")
        try:
            with open("saved-state", "w") as saved_state:
                saved_state.write(f"{num_completed_steps}")
            sys.exit(17)
        except IOError:
            print("Failed to write checkpoint.", file=sys.stderr);
            sys.exit(1)

print(f"Completed all {total_steps} steps.")
sys.exit(0)
`;

type Description = Record<string, string>;

async function submit(pool: TestPool, name: string, description: Description): Promise<number> {
  const file = path.join(pool.dir, `${name}.sub`);
  fs.writeFileSync(file, `${Object.entries(description).map(([k, v]) => `${k} = ${v}`).join('\n')}\nqueue 1\n`);
  const submitted = await pool.run('condor_submit', [file]);
  if (submitted.code !== 0) throw new Error(`${name}: ${submitted.stderr}`);
  return Number(/submitted to cluster (\d+)/.exec(submitted.stdout)?.[1]);
}

/** types_in_events */
const typesInEvents = (types: number[], events: ParsedEvent[]): boolean => types.some((type) => events.some((e) => e.code === type));

/** event_types_in_order: the types appear in this order, others between them. */
function eventTypesInOrder(types: number[], events: ParsedEvent[]): boolean {
  let next = 0;
  for (const event of events) if (event.code === types[next] && ++next === types.length) return true;
  return false;
}

/**
 * handle.wait(condition, fail_condition, timeout=180): the log until the job completed (005) or was held
 * (012); the other outcome is the test's fail_condition.
 */
async function finalEvents(logFile: string, condition: 'complete' | 'held'): Promise<ParsedEvent[]> {
  const events = await waitForEvents(logFile, (ev) => typesInEvents([JOB_TERMINATED, JOB_HELD], ev), 180_000);
  const reached = typesInEvents([condition === 'complete' ? JOB_TERMINATED : JOB_HELD], events);
  if (!reached) throw new Error(`${path.basename(logFile)}: fail_condition reached (${events.map((e) => e.code).join(' ')})`);
  return events;
}

/**
 * final_job_two_handle / final_job_five_handle: wait (60 s) for the first checkpoint, an EXECUTE and then
 * two FILE_TRANSFERs with nothing but IMAGE_SIZEs between them, vacate the job, condor_reschedule, and
 * wait for its end.
 */
async function vacatedAfterFirstCheckpoint(pool: TestPool, cluster: number, logFile: string, condition: 'complete' | 'held'): Promise<ParsedEvent[]> {
  let misplaced: ParsedEvent | undefined;
  await waitForEvents(
    logFile,
    (events) => {
      let jobStarted = false;
      let checkpointStarted = false;
      for (const event of events) {
        if (!jobStarted) {
          jobStarted = event.code === EXECUTE;
          continue;
        }
        if (!checkpointStarted) {
          checkpointStarted = event.code === FILE_TRANSFER;
        } else if (event.code !== IMAGE_SIZE) {
          if (event.code !== FILE_TRANSFER) misplaced = event;
          return true;
        }
      }
      return false;
    },
    60_000,
  );
  // assert event.type == JobEventType.FILE_TRANSFER
  if (misplaced) throw new Error(`${path.basename(logFile)}: event ${misplaced.code} between the checkpoint's two FILE_TRANSFERs`);
  for (const [command, args] of [['condor_vacate_job', [`${cluster}.0`]], ['condor_reschedule', []]] as const) {
    const result = await pool.run(command, [...args]);
    if (result.code !== 0) throw new Error(`${command} failed: ${result.stdout}${result.stderr}`);
  }
  return finalEvents(logFile, condition);
}

async function holdOf(pool: TestPool, cluster: number): Promise<[string, string, string]> {
  const [code, subCode, ...reason] = (await pool.run('condor_q', [String(cluster), '-af:,', 'HoldReasonCode', 'HoldReasonSubCode', 'HoldReason'])).stdout.trim().split(', ');
  return [code, subCode, reason.join(', ')];
}

t.test('TestAllowedExecuteDuration', async (t) => {
  // NUM_CPUS = 8; ENABLE_URL_TRANSFERS is always on here.
  const pool = await startPool(t, { startds: 1, cpus: 8 });
  const testDir = pool.dir;
  const script = path.join(testDir, 'counting.py');
  writeExecutable(script, COUNTING);

  const theJobDescription: Description = {
    LeaveJobInQueue: 'true',
    executable: script,
    transfer_executable: 'true',
    should_transfer_files: 'true',
    when_to_transfer_output: 'ON_EXIT',
    checkpoint_exit_code: '17',
    transfer_checkpoint_files: 'saved-state',
    allowed_execute_duration: '20',
  };
  const sleepJobDescription: Description = {
    LeaveJobInQueue: 'true',
    executable: pathToSleep,
    transfer_executable: 'false',
    should_transfer_files: 'true',
    when_to_transfer_output: 'ON_EXIT',
    allowed_execute_duration: '20',
  };
  const uploadJob = (url: string): Description => ({
    executable: '/bin/sh',
    transfer_executable: 'false',
    arguments: `"-c 'echo x > out'"`,
    should_transfer_files: 'YES',
    transfer_output_files: 'out',
    transfer_output_remaps: `"out = ${url}"`,
    transfer_plugins: `sleep=${sleepPlugin}`,
    allowed_execute_duration: '10',
    LeaveJobInQueue: 'true',
  });
  const files = (name: string): Description => ({ log: `${testDir}/${name}.log`, output: `${testDir}/${name}.out`, error: `${testDir}/${name}.err` });
  const logOf = (name: string) => path.join(testDir, `${name}.log`);

  const jobs: Record<string, Description> = {
    job_one: { ...theJobDescription, arguments: '--normal', ...files('job_one') },
    job_two: { ...theJobDescription, arguments: '--normal', ...files('job_two') },
    job_three: { ...theJobDescription, arguments: '--slow 0', ...files('job_three') },
    job_four: { ...theJobDescription, arguments: '--slow 6', ...files('job_four') },
    job_five: { ...theJobDescription, arguments: '--slow 6', ...files('job_five') },
    job_six: {
      ...sleepJobDescription,
      arguments: '10',
      ...files('job_six'),
      transfer_plugins: `sleep=${sleepPlugin}`,
      transfer_input_files: 'sleep://25',
    },
    job_seven: { ...sleepJobDescription, arguments: '25', ...files('job_seven') },
    job_eight: { executable: pathToSleep, arguments: '10000000', log: `${testDir}/job_eight.log`, allowed_execute_duration: '5' },
    // Beyond the test: the output transfer at exit counts (the job is still running until it is done).
    slow_output: { ...uploadJob('sleep://25'), log: `${testDir}/slow_output.log` },
    quick_output: { ...uploadJob('sleep://2'), log: `${testDir}/quick_output.log` },
  };
  const clusters = new Map<string, number>();
  for (const [name, description] of Object.entries(jobs)) clusters.set(name, await submit(pool, name, description));
  t.teardown(async () => {
    await pool.run('condor_rm', [...clusters.values()].map(String));
  });

  const outcomes = new Map<string, Promise<ParsedEvent[]>>([
    ['job_one', finalEvents(logOf('job_one'), 'complete')],
    ['job_two', vacatedAfterFirstCheckpoint(pool, clusters.get('job_two') ?? 0, logOf('job_two'), 'complete')],
    ['job_three', finalEvents(logOf('job_three'), 'held')],
    ['job_four', finalEvents(logOf('job_four'), 'held')],
    ['job_five', vacatedAfterFirstCheckpoint(pool, clusters.get('job_five') ?? 0, logOf('job_five'), 'held')],
    ['job_six', finalEvents(logOf('job_six'), 'complete')],
    ['job_seven', finalEvents(logOf('job_seven'), 'held')],
    ['job_eight', finalEvents(logOf('job_eight'), 'held')],
    ['slow_output', finalEvents(logOf('slow_output'), 'held')],
    ['quick_output', finalEvents(logOf('quick_output'), 'complete')],
  ]);
  // Every wait has begun; none is left unobserved if an earlier one fails.
  for (const outcome of outcomes.values()) outcome.catch(() => undefined);
  const eventsOf = (name: string): Promise<ParsedEvent[]> => outcomes.get(name) ?? Promise.reject(new Error(name));
  const codes = (events: ParsedEvent[]) => events.map((e) => e.code).join(' ');

  const heldAsHTCondorHolds = async (t: Test, name: string, allowed: string) => {
    const events = await eventsOf(name);
    const held = events.find((e) => e.code === JOB_HELD);
    t.match(held?.lines.join('\n') ?? '', `The job exceeded allowed execute duration of ${allowed}`, 'the hold event gives the reason');
    t.same(await holdOf(pool, clusters.get(name) ?? 0), ['47', '0', `The job exceeded allowed execute duration of ${allowed}`], 'HoldReasonCode 47 (JobExecuteExceeded), subcode 0');
  };

  t.test('test_job_one_completed', async (t) => {
    const events = await eventsOf('job_one');
    t.notOk(typesInEvents([JOB_HELD], events), 'never held');
    t.ok(eventTypesInOrder([SUBMIT, EXECUTE, FILE_TRANSFER, JOB_TERMINATED], events), codes(events));
  });

  t.test('test_job_two_completed', async (t) => {
    const events = await eventsOf('job_two');
    t.notOk(typesInEvents([JOB_HELD], events), 'never held');
    t.ok(eventTypesInOrder([SUBMIT, EXECUTE, FILE_TRANSFER, EXECUTE, JOB_TERMINATED], events), codes(events));
  });

  t.test('test_job_three_held', async (t) => {
    const events = await eventsOf('job_three');
    t.notOk(typesInEvents([JOB_TERMINATED], events), 'never terminated');
    t.ok(eventTypesInOrder([SUBMIT, EXECUTE, JOB_HELD], events), codes(events));
    await heldAsHTCondorHolds(t, 'job_three', '00:00:20');
  });

  t.test('test_job_four_held', async (t) => {
    const events = await eventsOf('job_four');
    t.notOk(typesInEvents([JOB_TERMINATED], events), 'never terminated');
    t.ok(eventTypesInOrder([SUBMIT, EXECUTE, FILE_TRANSFER, JOB_HELD], events), codes(events));
    await heldAsHTCondorHolds(t, 'job_four', '00:00:20');
  });

  t.test('test_job_five_held', async (t) => {
    const events = await eventsOf('job_five');
    t.notOk(typesInEvents([JOB_TERMINATED], events), 'never terminated');
    t.ok(eventTypesInOrder([SUBMIT, EXECUTE, FILE_TRANSFER, EXECUTE, JOB_HELD], events), codes(events));
    await heldAsHTCondorHolds(t, 'job_five', '00:00:20');
  });

  t.test('test_job_six_completed', async (t) => {
    const events = await eventsOf('job_six');
    t.notOk(typesInEvents([JOB_HELD], events), 'never held');
    t.ok(eventTypesInOrder([SUBMIT, EXECUTE, JOB_TERMINATED], events), codes(events));
  });

  t.test('test_job_seven_held', async (t) => {
    const events = await eventsOf('job_seven');
    t.notOk(typesInEvents([JOB_TERMINATED], events), 'never terminated');
    t.ok(eventTypesInOrder([SUBMIT, EXECUTE, JOB_HELD], events), codes(events));
    await heldAsHTCondorHolds(t, 'job_seven', '00:00:20');
  });

  t.test('test_job_eight_held', async (t) => {
    const events = await eventsOf('job_eight');
    t.notOk(typesInEvents([JOB_TERMINATED], events), 'never terminated');
    t.ok(eventTypesInOrder([SUBMIT, EXECUTE, JOB_HELD], events), codes(events));
    await heldAsHTCondorHolds(t, 'job_eight', '00:00:05');
  });

  t.test('beyond the test: an output transfer at exit that takes longer than allowed_execute_duration holds the job', async (t) => {
    const events = await eventsOf('slow_output');
    t.notOk(typesInEvents([JOB_TERMINATED], events), 'never terminated');
    // HTCondor logs the output transfer's start (040) before the upload; this pool logs it only when the
    // files reach the access point, after any URL upload, so no FILE_TRANSFER precedes this hold.
    t.ok(eventTypesInOrder([SUBMIT, EXECUTE, JOB_HELD], events), `held during the upload: ${codes(events)}`);
    await heldAsHTCondorHolds(t, 'slow_output', '00:00:10');
  });

  t.test('beyond the test: the same job with a quick upload, through its own plugin, completes', async (t) => {
    const events = await eventsOf('quick_output');
    t.notOk(typesInEvents([JOB_HELD], events), 'never held');
    t.ok(eventTypesInOrder([SUBMIT, EXECUTE, FILE_TRANSFER, FILE_TRANSFER, JOB_TERMINATED], events), codes(events));
  });
});
