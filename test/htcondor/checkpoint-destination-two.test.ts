// A port of HTCondor's src/condor_tests/test_checkpoint_destination_two.py: checkpoints whose upload to a
// checkpoint_destination fails part-way (the test's local:// plugin reports a file named FAILURE failed and
// exits 0) must be deleted, by the schedd (the "shadow" configuration) or, when its clean-up plug-in fails,
// by condor_preen (the "preen" configuration), without touching the checkpoints that succeeded; the job is
// never held, never restarts from a failed checkpoint, and a failed checkpoint commits no time. Its jobs and
// assertions are the original's, with these differences, each said where it happens:
// - the "shadow" configuration's PREEN = /bin/false is not needed: tinycondor runs no condor_preen of its own;
// - the job reads NumJobStarts from its .job.ad file itself (tinycondor's condor_q has no -jobads);
// - test (4) reads which checkpoints restores fetched from the plugin's own log, and which were committed
//   from the job's timeline, instead of the shadow's FILE_TRANSFER_STATS_LOG;
// - test (5) reads the job's timeline instead of the epoch history (JOB_EPOCH_HISTORY): CommittedTime grows
//   only when a checkpoint is committed (or at the exit), so the first epoch's CommittedTime is 0 exactly
//   when no checkpoint was committed before the first eviction.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { jobSpoolDir } from '@tinycondor/shared/spool-paths';
import { eventually, startPool, waitForEvents, writeExecutable, type TestPool } from '../helpers/pool.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const binDir = path.resolve(here, '..', '..', 'node_modules', '.bin');
const libexecDir = path.resolve(here, '..', '..', 'packages', 'cli', 'libexec');
const localPlugin = path.resolve(here, '..', 'fixtures', 'plugins', 'local_plugin.py');

const TEST_CASES: Record<string, { expected: string[]; count: number }> = {
  a: { expected: ['0001', '0002'], count: 3 },
  b: { expected: ['0000', '0002'], count: 3 },
  c1: { expected: ['0001', '0003'], count: 4 },
  c2: { expected: ['0000', '0002'], count: 4 },
  d: { expected: [], count: 3 },
  e1: { expected: ['0000', '0001', '0004', '0005'], count: 6 },
  e2: { expected: ['0000', '0001', '0004', '0005'], count: 8 },
};

/** The test's job_script.py (NumJobStarts read from the job ad file: see the header). */
function jobScript(pool: TestPool): string {
  return `#!/usr/bin/python3
import os, re, sys, time, subprocess
from pathlib import Path
os.environ['CONDOR_CONFIG'] = '${pool.env.CONDOR_CONFIG}'
os.environ['PATH'] = '${libexecDir}' + os.pathsep + os.environ.get('PATH', '') + os.pathsep + '${binDir}'

count = 0
print("Starting up...")
if Path("saved-state-dir/FAILURE").exists():
    print("Found FAILURE file")
try:
    with open("saved-state-dir/count", "r") as saved_state:
        count = int(saved_state.readline().strip())
        print(f"Starting from checkpoint at {count}.")
except IOError:
    pass

count += 1
time.sleep(1)

jobID = sys.argv[1]
expected_checkpoints = sys.argv[2]
num_checkpoints = int(sys.argv[3])

if count > num_checkpoints:
    print("Completed counting.")
    sys.exit(0)

path = Path("saved-state-dir")
path.mkdir(exist_ok=True)
with open(path / "count", "w") as saved_state:
    saved_state.write(f'{count}')

fail_path = path / "FAILURE"
checkpoint_number = count - 1
the_count = f"{checkpoint_number:04}"
if the_count in expected_checkpoints:
    try:
        fail_path.unlink()
    except FileNotFoundError:
        pass
else:
    fail_path.touch()

match = re.search(r'^NumJobStarts\\s*=\\s*(\\d+)', Path(os.environ['_CONDOR_JOB_AD']).read_text(), re.M)
epoch = int(match.group(1)) if match else 0

print(f"epoch {epoch}")
should_evict = False
if epoch == 0 and not the_count in expected_checkpoints:
    should_evict = True
the_previous_count = f"{(checkpoint_number-1):04}"
if epoch == 1 and the_previous_count in expected_checkpoints:
    should_evict = True

if should_evict:
    print("evicting myself...", flush=True)
    rv = subprocess.run(["condor_vacate_job", jobID], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20)
    if rv.returncode != 0:
        print(f'Failed to vacate myself after second checkpoint:')
        print(f'{rv.stdout}')
        print(f'{rv.stderr}')
        sys.exit(1)
    time.sleep(60)
    print("Failed to evict, aborting.")
    sys.exit(1)

print("... checkpointing")
sys.exit(85)
`;
}

function mapFile(pool: TestPool, script: string): void {
  fs.writeFileSync(path.join(pool.home, 'checkpoint-destination-mapfile'), `*   local://example.vo/example.fs   ${script},-prefix,\\0,-path,${pool.dir}\n`);
}

const CONFIGS: Record<string, string> = { shadow: 'cleanup_locally_mounted_checkpoint', preen: '/bin/false' };

for (const [configName, script] of Object.entries(CONFIGS)) {
  t.test(`TestPartialUploads (${configName})`, async (t) => {
    const pool = await startPool(t, { startds: 1, cpus: 7 });
    const testDir = pool.dir;
    mapFile(pool, script);
    const jobFile = path.join(testDir, 'job_script.py');
    writeExecutable(jobFile, jobScript(pool));
    // The test's plugin: local.py failing files named FAILURE (LOCAL_PLUGIN_FAIL_ENDING), its stdout in plugin.log.
    const pluginShell = path.join(testDir, 'local.sh');
    writeExecutable(pluginShell, `#!/bin/bash\nexport LOCAL_PLUGIN_ROOT=${testDir} LOCAL_PLUGIN_FAIL_ENDING=FAILURE\nexec ${localPlugin} "$@" 2>&1 >> ${testDir}/plugin.log\n`);
    const clusters = new Map<string, number>();
    for (const [name, testCase] of Object.entries(TEST_CASES)) {
      const description: Record<string, string> = {
        arguments: `$(CLUSTER).$(PROCESS) ${testCase.expected.join(',')} ${testCase.count}`,
        LeaveJobInQueue: 'true',
        executable: jobFile,
        transfer_executable: 'true',
        should_transfer_files: 'true',
        when_to_transfer_output: 'ON_EXIT',
        stream_output: 'true',
        stream_error: 'true',
        log: `${testDir}/${configName}_test_job_$(CLUSTER).log`,
        output: `${testDir}/${configName}_test_job_$(CLUSTER).out`,
        error: `${testDir}/${configName}_test_job_$(CLUSTER).err`,
        want_io_proxy: 'True',
        checkpoint_exit_code: '85',
        transfer_checkpoint_files: 'saved-state-dir',
        transfer_output_files: '""',
        checkpoint_destination: 'local://example.vo/example.fs',
        transfer_plugins: `local=${pluginShell}`,
      };
      const file = path.join(testDir, `${name}.sub`);
      fs.writeFileSync(file, `${Object.entries(description).map(([k, v]) => `${k} = ${v}`).join('\n')}\nqueue 1\n`);
      const submitted = await pool.run('condor_submit', [file]);
      t.equal(submitted.code, 0, submitted.stderr);
      clusters.set(name, Number(/submitted to cluster (\d+)/.exec(submitted.stdout)?.[1]));
    }
    for (const [name, cluster] of clusters) {
      const expected = TEST_CASES[name].expected;
      t.test(name, async (t) => {
        // the_completed_job: complete, never held (fail_condition=ClusterState.any_held).
        const events = await waitForEvents(path.join(testDir, `${configName}_test_job_${cluster}.log`), (ev) => ev.some((e) => e.code === 5 || e.code === 12), 300_000);
        t.notOk(events.some((e) => e.code === 12), `never held: ${events.filter((e) => e.code === 12).map((e) => e.lines.join(' ')).join('')}`);
        const [globalJobId, owner] = (await pool.run('condor_q', [String(cluster), '-af:,', 'GlobalJobId', 'Owner'])).stdout.trim().split(',').map((v) => v.trim());
        const target = path.join(testDir, globalJobId.replaceAll('#', '_'));
        const timeline = (await pool.run('tinycondor', ['fault', 'timeline', `${cluster}.0`])).stdout
          .trim()
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as { kind: string; checkpoint?: number });

        // Test (4): restores fetched only successful checkpoints (the plugin's downloads, all distinct URLs),
        // and only those were committed.
        const fetched = fs.existsSync(path.join(testDir, 'plugin.log'))
          ? fs
              .readFileSync(path.join(testDir, 'plugin.log'), 'utf8')
              .split('\n')
              .filter((line) => line.startsWith(`download local://example.vo/example.fs/${globalJobId.replaceAll('#', '_')}/`))
              .map((line) => line.split('/')[5])
          : [];
        const committed = timeline.filter((e) => e.kind === 'checkpoint-committed').map((e) => String(e.checkpoint).padStart(4, '0'));
        t.equal(committed.length !== 0, expected.length !== 0, 'checkpoints were committed exactly when some were expected to succeed');
        for (const number of [...committed, ...fetched]) t.ok(expected.includes(number), `checkpoint ${number} is a successful one`);

        // Test (5): a first checkpoint that failed commits no time before the first eviction.
        if (!expected.includes('0000')) {
          const firstEviction = timeline.findIndex((e) => e.kind === 'evicted');
          t.notOk(timeline.slice(0, firstEviction < 0 ? timeline.length : firstEviction).some((e) => e.kind === 'checkpoint-committed'), 'the first epoch committed nothing: its CommittedTime is 0');
        }

        // Test (1), the shadow configuration: what stays at the destination is what succeeded.
        if (configName === 'shadow') {
          await eventually('the failed checkpoints to be deleted', () => (!fs.existsSync(target) || fs.readdirSync(target).every((n) => expected.includes(n)) ? true : undefined), 60_000);
          for (const checkpoint of expected.slice(-2)) t.ok(fs.existsSync(path.join(target, checkpoint)), `checkpoint ${checkpoint} is on disk`);
          if (expected.length === 0) {
            t.notOk(fs.existsSync(target), 'no checkpoint directory at all');
          } else {
            for (const entry of fs.readdirSync(target)) {
              t.ok(fs.statSync(path.join(target, entry)).isDirectory());
              t.ok(expected.includes(entry), `${entry} is an expected checkpoint`);
            }
          }
          return;
        }

        // the_removed_job, then the_preen_directory: the schedd's clean-up plug-in (/bin/false) fails; with
        // the map file naming the real one, condor_preen -d deletes everything (retried as the test does).
        t.equal((await pool.run('condor_qedit', [String(cluster), 'LeaveJobInQueue', 'False'])).code, 0);
        t.equal((await pool.run('condor_rm', [String(cluster)])).code, 0);
        await eventually('the job to leave the queue', async () => ((await pool.run('condor_q', [String(cluster), '-af', 'ProcId'])).stdout.trim() === '' ? true : undefined), 60_000);
        mapFile(pool, 'cleanup_locally_mounted_checkpoint');
        for (let attempt = 0; attempt < 5 && fs.existsSync(target); attempt++) {
          const preen = await pool.run('condor_preen', ['-d']);
          t.equal(preen.code, 0, `condor_preen -d: ${preen.stdout}${preen.stderr.slice(-2000)}`);
        }
        // Test (2).
        t.notOk(fs.existsSync(target), 'condor_preen deleted every checkpoint at the destination');
        const cleanupDir = path.join(pool.home, 'spool', 'checkpoint-cleanup', owner, path.basename(jobSpoolDir(path.join(pool.home, 'spool'), cluster, 0)));
        t.notOk(fs.existsSync(cleanupDir), 'and its clean-up directory in SPOOL');
        // Back to the failing plug-in for the next case's removal.
        mapFile(pool, script);
      });
    }
  });
}
