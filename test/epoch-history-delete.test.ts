// condor_history -epochs:d (src/condor_tools/history.cpp readHistoryFromDirectory): with -directory, each
// JOB_EPOCH_HISTORY_DIR per-job file read is renamed READING.txt, read and deleted; the schedd's next record
// for the job starts a new file; JOB_EPOCH_HISTORY itself is never deleted; -limit and -match are refused.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { eventually, startPool, waitForEvents } from './helpers/pool.js';

t.test('condor_history -epochs:d -directory deletes the per-job files it read, and only those', async (t) => {
  const base = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR ?? '/tmp'), 'epochs-delete-'));
  t.teardown(() => fs.rmSync(base, { recursive: true, force: true }));
  const dir = path.join(base, 'epochs');
  fs.mkdirSync(dir);
  const pool = await startPool(t, { startds: 1, env: { _CONDOR_JOB_EPOCH_HISTORY_DIR: dir } });
  const history = (args: string[]) => pool.run('condor_history', args);
  const runs = async (procs: number) => {
    fs.writeFileSync(path.join(pool.dir, 'job.sub'), `executable = /bin/true\ntransfer_executable = false\nlog = job.log\nqueue ${procs}\n`);
    t.equal((await pool.run('condor_submit', ['job.sub'])).code, 0);
  };
  const epochIn = (file: string) => fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes('*** EPOCH ');
  await runs(2);
  await waitForEvents(path.join(pool.dir, 'job.log'), (events) => events.filter((e) => e.code === 5).length === 2, 60_000);
  await eventually('both EPOCH records', () => (epochIn(path.join(dir, 'job.runs.1.0.ads')) && epochIn(path.join(dir, 'job.runs.1.1.ads'))) || undefined);

  const refused = await history(['-epochs:d', '-directory', '-limit', '1']);
  t.same([refused.code, refused.stderr], [1, 'Error: -epoch:d (delete) cannot be used with -limit or -match.\n']);
  const one = await history(['-epochs:d', '-directory', '1.0', '-af', 'ClusterId', 'ProcId', 'EpochAdType']);
  t.same([one.code, one.stdout, one.stderr], [0, '1 0 EPOCH\n', '']);
  t.same(fs.readdirSync(dir), ['job.runs.1.1.ads'], "1.0's file is deleted, 1.1's is not");
  const rest = await history(['-ep:d', '-dir', '-af', 'ClusterId', 'ProcId']);
  t.same([rest.code, rest.stdout], [0, '1 1\n']);
  t.same(fs.readdirSync(dir), [], 'all read, all deleted');
  t.equal((await history(['-epochs:d', '-dir', '-af', 'ClusterId'])).stdout, '', 'nothing left to read');
  const aggregate = await history(['-epochs:d', '-af', 'ClusterId', 'ProcId']);
  t.same([aggregate.code, aggregate.stdout], [0, '1 1\n1 0\n'], 'JOB_EPOCH_HISTORY is read, and kept');
  t.equal((await history(['-epochs', '-af', 'ClusterId'])).stdout, '1\n1\n');

  await runs(1);
  await eventually("the next job's EPOCH record, in a file of its own", () => epochIn(path.join(dir, 'job.runs.2.0.ads')) || undefined);
  t.same(fs.readdirSync(dir), ['job.runs.2.0.ads']);
});
