// The job, the test cases and the inputs HTCondor's test_checkpoint_destination.py and test_checkpoint_preen.py
// share (the latter is "largely copied from" the former): counting.py, a self-checkpointing job that records its
// epoch and checkpoint number through condor_chirp and vacates itself after its first checkpoint, submitted with
// each case's keys over the_job_description.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';
import { startPool, writeExecutable, type TestPool } from './pool.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const binDir = path.resolve(here, '..', '..', 'node_modules', '.bin');
const libexecDir = path.resolve(here, '..', '..', 'packages', 'cli', 'libexec');
const localPlugin = path.resolve(here, '..', 'fixtures', 'plugins', 'local_plugin.py');

/** The test's counting.py, with its CONDOR_CONFIG and the pool's LIBEXEC and BIN. */
export function countingScript(pool: TestPool, testDir: string): string {
  return `#!/usr/bin/python3
import os, sys, time, subprocess
from pathlib import Path
os.environ['CONDOR_CONFIG'] = '${pool.env.CONDOR_CONFIG}'
os.environ['PATH'] = '${libexecDir}' + os.pathsep + os.environ.get('PATH', '') + os.pathsep + '${binDir}'
posix_test_dir = '${testDir}'

epoch_number = 0
rv = subprocess.run(["condor_chirp", "get_job_attr", "epoch_name"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20)
if rv.returncode == 0 and b"UNDEFINED" not in rv.stdout:
    print("Found epoch number in the job ad at startup.")
    epoch_number = int(rv.stdout.strip())
print(f"Starting epoch number {epoch_number}.")

my_checkpoint_number = -1
rv = subprocess.run(["condor_chirp", "get_job_attr", "my_checkpoint_number"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20)
if rv.returncode == 0 and b"UNDEFINED" not in rv.stdout:
    print("Found my checkpoint number in the job ad at startup.")
    my_checkpoint_number = int(rv.stdout.strip())
print(f"Starting from my checkpoint number {my_checkpoint_number}")

deadline = time.monotonic() + 60
while True:
    the_checkpoint_number = -1
    rv = subprocess.run(["condor_q", sys.argv[1], "-af", "CheckpointNumber"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20)
    if rv.returncode == 0 and b"undefined" not in rv.stdout:
        the_checkpoint_number = int(rv.stdout.strip())
    if the_checkpoint_number == my_checkpoint_number:
        break
    if time.monotonic() >= deadline:
        break
    time.sleep(1)
print(f"Found the checkpoint number {the_checkpoint_number}")

if the_checkpoint_number == 0:
    target = Path(posix_test_dir) / sys.argv[1]
    os.system(f'/bin/cp -a . {target.as_posix()} 2>/dev/null')

total_steps = 14
num_completed_steps = 0
try:
    with open("saved-state", "r") as saved_state:
        num_completed_steps = int(saved_state.readline().strip())
except IOError:
    pass

while num_completed_steps < total_steps:
    print(f"Starting step {num_completed_steps}.", flush=True)
    time.sleep(1)
    num_completed_steps += 1
    if num_completed_steps == 7 and epoch_number == 0:
        epoch_number += 1
        subprocess.run(["condor_chirp", "set_job_attr", "epoch_name", str(epoch_number)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20)
        subprocess.run(["condor_vacate_job", sys.argv[1]], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20)
        time.sleep(60)
        print("Failed to evict, aborting.")
        sys.exit(1)
    if num_completed_steps % 5 == 0:
        print(f"Checkpointing after {num_completed_steps}.")
        with open("saved-state", "w") as saved_state:
            saved_state.write(f'{num_completed_steps}')
        my_checkpoint_number += 1
        subprocess.run(["condor_chirp", "set_job_attr", "my_checkpoint_number", str(my_checkpoint_number)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20)
        sys.exit(17)

print(f"Completed all {total_steps} steps.")
sys.exit(0)
`;
}

export const EXPECTED_STDOUT = [
  'Starting epoch number 0.',
  'Starting from my checkpoint number -1',
  'Found the checkpoint number -1',
  'Starting step 0.',
  'Starting step 1.',
  'Starting step 2.',
  'Starting step 3.',
  'Starting step 4.',
  'Checkpointing after 5.',
  'Found epoch number in the job ad at startup.',
  'Starting epoch number 1.',
  'Found my checkpoint number in the job ad at startup.',
  'Starting from my checkpoint number 0',
  'Found the checkpoint number 0',
  'Starting step 5.',
  'Starting step 6.',
  'Starting step 7.',
  'Starting step 8.',
  'Starting step 9.',
  'Checkpointing after 10.',
  'Found epoch number in the job ad at startup.',
  'Starting epoch number 1.',
  'Found my checkpoint number in the job ad at startup.',
  'Starting from my checkpoint number 1',
  'Found the checkpoint number 1',
  'Starting step 10.',
  'Starting step 11.',
  'Starting step 12.',
  'Starting step 13.',
  'Completed all 14 steps.',
].map((line) => `${line}\n`);

export interface Fixture {
  pool: TestPool;
  testDir: string;
  script: string;
  pluginShell: string;
}

export async function setUp(t: Test, cpus = 4): Promise<Fixture> {
  const pool = await startPool(t, { startds: 1, cpus });
  const testDir = pool.dir;
  fs.writeFileSync(path.join(pool.home, 'checkpoint-destination-mapfile'), `*   local://example.vo/example.fs   cleanup_locally_mounted_checkpoint,-prefix,\\0,-path,${testDir}\n`);
  const script = path.join(testDir, 'counting.py');
  writeExecutable(script, countingScript(pool, testDir));
  // The test's local.sh: the plugin, its output appended to plugin.log.
  const pluginShell = path.join(testDir, 'local.sh');
  writeExecutable(pluginShell, `#!/bin/bash\nexport LOCAL_PLUGIN_ROOT=${testDir}\nexec ${localPlugin} "$@" 2>&1 >> ${testDir}/plugin.log\n`);
  return { pool, testDir, script, pluginShell };
}

/** the_job_description, with a test case's keys over it. */
export function submitJob(f: Fixture, name: string, testCase: Record<string, string>, count = 1): Promise<number> {
  const description: Record<string, string> = {
    LeaveJobInQueue: 'true',
    executable: f.script,
    arguments: '$(CLUSTER).$(PROCESS)',
    transfer_executable: 'true',
    should_transfer_files: 'true',
    when_to_transfer_output: 'ON_EXIT',
    log: `${f.testDir}/test_job_$(CLUSTER).log`,
    output: `${f.testDir}/test_job_$(CLUSTER).out`,
    error: `${f.testDir}/test_job_$(CLUSTER).err`,
    want_io_proxy: 'True',
    checkpoint_exit_code: '17',
    transfer_checkpoint_files: 'saved-state',
    transfer_output_files: '""',
    ...testCase,
  };
  const file = path.join(f.testDir, `${name}.sub`);
  fs.writeFileSync(file, `${Object.entries(description).map(([k, v]) => `${k} = ${v}`).join('\n')}\nqueue ${count}\n`);
  return f.pool.run('condor_submit', [file]).then((r) => {
    if (r.code !== 0) throw new Error(`${name}: ${r.stderr}`);
    return Number(/submitted to cluster (\d+)/.exec(r.stdout)?.[1]);
  });
}

export const TEST_CASES: Record<string, (f: Fixture) => Record<string, string>> = {
  spool: () => ({}),
  local: (f) => ({ checkpoint_destination: 'local://example.vo/example.fs', transfer_plugins: `local=${f.pluginShell}` }),
  with_output_destination: (f) => ({
    checkpoint_destination: 'local://example.vo/example.fs',
    transfer_plugins: `local=${f.pluginShell}`,
    output_destination: 'local://example.vo/example.fs/od/',
    output: 'test_job_$(CLUSTER).out',
    error: 'test_job_$(CLUSTER).err',
  }),
  check_files_local: (f) => ({
    checkpoint_destination: 'local://example.vo/example.fs',
    transfer_plugins: `local=${f.pluginShell}`,
    transfer_input_files: `${f.testDir}/check_files_local/`,
    transfer_checkpoint_files: 'saved-state, a, b, c, d, e',
  }),
  HTCONDOR_1218_1_spool: (f) => ({
    iwd: `${f.testDir}/HTCONDOR_1218_1_spool`,
    transfer_output_files: 'd1',
    transfer_input_files: 'd1/d2',
    transfer_checkpoint_files: 'saved-state, d1/d2/a',
    preserve_relative_paths: 'true',
  }),
  HTCONDOR_1218_2_spool: (f) => ({
    iwd: `${f.testDir}/HTCONDOR_1218_2_spool`,
    transfer_output_files: 'd1',
    transfer_input_files: 'd1',
    transfer_checkpoint_files: 'saved-state, d1/a',
    preserve_relative_paths: 'true',
  }),
  HTCONDOR_1218_1: (f) => ({
    iwd: `${f.testDir}/HTCONDOR_1218_1`,
    transfer_output_files: 'd1',
    checkpoint_destination: 'local://example.vo/example.fs',
    transfer_plugins: `local=${f.pluginShell}`,
    transfer_input_files: 'd1/d2',
    transfer_checkpoint_files: 'saved-state, d1/d2/a',
    preserve_relative_paths: 'true',
  }),
  HTCONDOR_1218_2: (f) => ({
    iwd: `${f.testDir}/HTCONDOR_1218_2`,
    transfer_output_files: 'd1',
    checkpoint_destination: 'local://example.vo/example.fs',
    transfer_plugins: `local=${f.pluginShell}`,
    transfer_input_files: 'd1',
    transfer_checkpoint_files: 'saved-state, d1/a',
    preserve_relative_paths: 'true',
  }),
};

export function makeInputs(inputPath: string, name: string): void {
  fs.mkdirSync(inputPath, { recursive: true });
  if (name.startsWith('HTCONDOR_1218_1')) {
    fs.mkdirSync(path.join(inputPath, 'd1', 'd2'), { recursive: true });
    fs.writeFileSync(path.join(inputPath, 'd1', 'd2', 'a'), 'a');
    fs.writeFileSync(path.join(inputPath, 'd1', 'd2', 'b'), 'b');
  } else if (name.startsWith('HTCONDOR_1218_2')) {
    fs.mkdirSync(path.join(inputPath, 'd1'), { recursive: true });
    fs.writeFileSync(path.join(inputPath, 'd1', 'a'), 'a');
    fs.writeFileSync(path.join(inputPath, 'd1', 'b'), 'b');
  }
  if (name !== 'check_files_local') return;
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(inputPath, rel)), { recursive: true });
    fs.writeFileSync(path.join(inputPath, rel), text);
  };
  write('a', 'a');
  write('b', 'b');
  write('c', 'c');
  write('d/a', 'aa');
  write('d/b/a/a', 'aaa');
  write('d/b/b', 'bb');
  write('d/b/c', 'cc');
  write('d/c', 'ccc');
  write('d/d/a', 'aaaa');
  write('d/d/b', 'bbb');
  write('e/a', 'aaaaa');
  write('e/b', 'bbbb');
  fs.mkdirSync(path.join(inputPath, 'e', 'c'), { recursive: true });
  fs.symlinkSync(path.join(inputPath, 'c'), path.join(inputPath, 'e', 'd'));
}

