// A port of HTCondor's src/condor_tests/test_htcondor_809.py (HTCONDOR-809/815/583): the order of input
// and SPOOL files, a directory sent back at eviction, and a self-checkpointing job with
// preserve_relative_paths naming one directory in its input, checkpoint and output lists. The jobs and
// assertions are the test's; its `condor_reschedule` after an eviction is not needed here (an evicted job
// is matched again at once), so the test waits for each job's completion instead.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { startPool, waitForEvents, writeExecutable, type TestPool } from '../helpers/pool.js';

const binDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'node_modules', '.bin');

/** The test's format_script: its scripts export CONDOR_CONFIG and a PATH to the condor_* commands. */
function script(pool: TestPool, body: string): string {
  return `#!/bin/bash\nexport CONDOR_CONFIG=${pool.env.CONDOR_CONFIG}\nexport PATH=$PATH:${binDir}:${process.env.PATH}\n${body}`;
}

/** Submits the description (HTCondor's submit keys, as the test's dictionary gives them) and waits for it to complete. */
async function runToCompletion(t: Test, pool: TestPool, name: string, description: Record<string, string>): Promise<void> {
  const lines = Object.entries(description).map(([key, value]) => `${key} = ${value}`);
  fs.writeFileSync(path.join(pool.dir, `${name}.sub`), `${lines.join('\n')}\nqueue 1\n`);
  const submitted = await pool.run('condor_submit', [`${name}.sub`]);
  t.equal(submitted.code, 0, submitted.stderr);
  const log = path.join(pool.dir, `${name}.log`);
  const events = await waitForEvents(log, (ev) => ev.some((e) => e.code === 5 || e.code === 12), 90_000);
  t.notOk(events.some((e) => e.code === 12), `${name}: never held`);
}

t.test('test_input_ordering: of two inputs with one name, the second wins', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const dir = pool.dir;
  writeExecutable(path.join(dir, 'ordering.sh'), '#!/bin/bash\ncat a_file\nexit 0\n');
  fs.mkdirSync(path.join(dir, 'b_dir'));
  fs.writeFileSync(path.join(dir, 'b_dir', 'a_file'), 'the first file in the list');
  fs.writeFileSync(path.join(dir, 'a_file'), 'the second file in the list');
  await runToCompletion(t, pool, 'ordering', {
    LeaveJobInQueue: 'true',
    executable: 'ordering.sh',
    arguments: '1',
    transfer_executable: 'true',
    should_transfer_files: 'true',
    when_to_transfer_output: 'ON_EXIT',
    output: path.join(dir, 'ordering.out'),
    error: path.join(dir, 'ordering.err'),
    log: path.join(dir, 'ordering.log'),
    transfer_input_files: 'b_dir/, a_file',
  });
  t.equal(fs.readFileSync(path.join(dir, 'ordering.out'), 'utf8').split('\n')[0], 'the second file in the list');
});

t.test('test_input_then_checkpoint_ordering: files sent at eviction replace the inputs of their name', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const dir = pool.dir;
  writeExecutable(
    path.join(dir, 'directory.sh'),
    script(
      pool,
      `cat data/data_file >> ${dir}/directory-test-file
DATA=\`cat data/data_file\`
if [[ $DATA == "first job modification" ]]; then
    echo "second job modification" > data/data_file
    exit 0
fi
echo "first job modification" > data/data_file
condor_vacate_job $1
# Don't exit before we've been vacated.
sleep 60
exit 0
`,
    ),
  );
  fs.mkdirSync(path.join(dir, 'output', 'data'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'output', 'data', 'data_file'), 'original input file\n');
  await runToCompletion(t, pool, 'directory', {
    LeaveJobInQueue: 'true',
    executable: 'directory.sh',
    arguments: '$(ClusterID).$(ProcID)',
    transfer_executable: 'true',
    should_transfer_files: 'true',
    when_to_transfer_output: 'ON_EXIT_OR_EVICT',
    output: path.join(dir, 'directory.out'),
    error: path.join(dir, 'directory.err'),
    log: path.join(dir, 'directory.log'),
    transfer_input_files: 'output/data',
    transfer_output_files: 'data',
  });
  t.same(fs.readFileSync(path.join(dir, 'directory-test-file'), 'utf8').split(/(?<=\n)/), ['original input file\n', 'first job modification\n']);
  t.equal(fs.readFileSync(path.join(dir, 'data', 'data_file'), 'utf8'), 'second job modification\n');
});

t.test('test_preserve_spool_relative_paths: a checkpointing job with preserve_relative_paths', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const dir = pool.dir;
  const testFile = `${dir}/prp-test-file`;
  writeExecutable(
    path.join(dir, 'prp.sh'),
    script(
      pool,
      `DATA=\`tail -n 1 ${testFile}\`
echo "Starting up..." >> ${testFile}
if [[ $DATA == "" ]]; then
    echo "step one" >> ${testFile}
    echo "step one" >> prp/data/data_file
    mkdir prp/data/subdir
    echo "step one" >> prp/data/subdir/other_data_file
    exit 85
fi
if [[ $DATA == "step one" ]]; then
    echo "step two" >> ${testFile}
    echo "step two" >> prp/data/data_file
    condor_vacate_job $1
    # Don't exit before we've been vacated.
    sleep 60
    # We did not succeed.
    exit 1
fi
if [[ $DATA == "step two" ]]; then
    echo "step three" >> ${testFile}
    echo "step three" >> prp/data/data_file
    exit 0
fi
echo "step never-never" >> ${testFile}
echo "step never-never" >> prp/data/data_file
exit 1
`,
    ),
  );
  fs.mkdirSync(path.join(dir, 'prp', 'data'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'prp', 'data', 'data_file'), 'original input file\n');
  await runToCompletion(t, pool, 'prp', {
    LeaveJobInQueue: 'true',
    executable: 'prp.sh',
    arguments: '$(ClusterID).$(ProcID)',
    transfer_executable: 'true',
    should_transfer_files: 'true',
    when_to_transfer_output: 'ON_EXIT',
    preserve_relative_paths: 'true',
    output: 'prp.out',
    stream_output: 'true',
    error: 'prp.err',
    stream_error: 'true',
    log: path.join(dir, 'prp.log'),
    transfer_input_files: 'prp/data',
    transfer_checkpoint_files: 'prp/data',
    transfer_output_files: 'prp/data',
    checkpoint_exit_code: '85',
  });
  t.same(fs.readFileSync(testFile, 'utf8').split(/(?<=\n)/), ['Starting up...\n', 'step one\n', 'Starting up...\n', 'step two\n', 'Starting up...\n', 'step three\n']);
  t.same(fs.readFileSync(path.join(dir, 'prp', 'data', 'data_file'), 'utf8').split(/(?<=\n)/), ['original input file\n', 'step one\n', 'step three\n']);
});
