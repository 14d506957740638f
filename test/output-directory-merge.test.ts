import fs from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { eventually, startPool, waitForEvents, writeExecutable, type TestPool } from './helpers/pool.js';

// A directory in transfer_output_files is merged into the one already on the submit side, as HTCondor's
// FileTransfer::DoDownload does (an existing directory is kept "because the user may want us to append
// files to an existing output directory"; a file of that name is removed first): issue 18, item 2.

const JOB = `#!/bin/sh
/bin/mkdir -p results/sub results/was_a_file
echo "from $1" > results/new_$1.txt
echo "$1" > results/sub/n_$1.txt
echo "proc $1" > results/shared.txt
echo "$1" > results/was_a_file/inside.txt
`;

function prepare(pool: TestPool): void {
  writeExecutable(path.join(pool.dir, 'job.sh'), JOB);
  fs.mkdirSync(path.join(pool.dir, 'results', 'sub'), { recursive: true });
  fs.writeFileSync(path.join(pool.dir, 'results', 'old.txt'), 'kept\n');
  fs.writeFileSync(path.join(pool.dir, 'results', 'shared.txt'), 'before\n');
  fs.writeFileSync(path.join(pool.dir, 'results', 'sub', 'keep.txt'), 'kept too\n');
  fs.writeFileSync(path.join(pool.dir, 'results', 'was_a_file'), 'a file\n');
  fs.writeFileSync(
    path.join(pool.dir, 'job.sub'),
    `executable = job.sh\narguments = $(Process)\nshould_transfer_files = YES\ntransfer_output_files = results\nlog = job.log\nqueue 2\n`,
  );
}

function checkMerged(t: Test, dir: string): void {
  const read = (...parts: string[]) => fs.readFileSync(path.join(dir, 'results', ...parts), 'utf8');
  t.same(fs.readdirSync(path.join(dir, 'results')).sort(), ['new_0.txt', 'new_1.txt', 'old.txt', 'shared.txt', 'sub', 'was_a_file']);
  t.equal(read('old.txt'), 'kept\n', 'a file the job did not send stays');
  t.equal(read('new_0.txt'), 'from 0\n', "the earlier proc's output stays");
  t.equal(read('new_1.txt'), 'from 1\n');
  t.equal(read('shared.txt'), 'proc 1\n', 'a file of the same name is replaced by the last proc');
  t.same(fs.readdirSync(path.join(dir, 'results', 'sub')).sort(), ['keep.txt', 'n_0.txt', 'n_1.txt'], 'subdirectories are merged too');
  t.equal(read('sub', 'keep.txt'), 'kept too\n');
  t.equal(read('was_a_file', 'inside.txt'), '1\n', 'a file where the job sends a directory is replaced by it, as in HTCondor');
}

t.test('a returned directory merges into the submit-side one', async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 1 });
  prepare(pool);
  const submitted = await pool.run('condor_submit', ['job.sub']);
  t.equal(submitted.code, 0, submitted.stderr);
  await waitForEvents(path.join(pool.dir, 'job.log'), (events) => events.filter((e) => e.code === 5).length === 2);
  checkMerged(t, pool.dir);
});

t.test('condor_transfer_data merges a spooled directory the same way', async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 1 });
  prepare(pool);
  const submitted = await pool.run('condor_submit', ['-spool', 'job.sub']);
  t.equal(submitted.code, 0, submitted.stderr);
  await eventually('both jobs completed', async () => ((await pool.run('condor_q', ['-af', 'JobStatus'])).stdout.trim() === '4\n4' ? true : undefined));
  const fetched = await pool.run('condor_transfer_data', ['-all']);
  t.equal(fetched.code, 0, fetched.stderr);
  checkMerged(t, pool.dir);
});
