// stream_output / stream_error as HTCondor streams them: the submit-side file grows while the job runs; a
// self-checkpointing job's streamed stdout is appended to across its restarts and never checkpointed; a
// stream the submit side cannot open holds the job (code 9, UnableToOpenOutputStream). A job submitted with
// -spool streams into SPOOL, whose Iwd the schedd made its spool directory.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { jobSpoolDir } from '@tinycondor/shared/spool-paths';
import { eventually, startPool, waitForEvents, writeExecutable } from './helpers/pool.js';

t.test('stream_output: the output file grows while the job runs; stderr, not streamed, comes at the exit', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const release = path.join(pool.dir, 'release');
  writeExecutable(path.join(pool.dir, 'talk.sh'), `#!/bin/sh\necho line1\necho oops >&2\nwhile [ ! -e ${release} ]; do /bin/sleep 0.05; done\necho line2\n`);
  fs.writeFileSync(path.join(pool.dir, 'talk.sub'), 'executable = talk.sh\noutput = out/talk.out\nerror = talk.err\nstream_output = true\nlog = talk.log\nqueue\n');
  fs.mkdirSync(path.join(pool.dir, 'out'));
  const submitted = await pool.run('condor_submit', ['talk.sub']);
  t.equal(submitted.code, 0, submitted.stderr);
  t.notMatch(submitted.stderr, /stream_output/, 'no warning: streaming is done');
  await eventually('line1 in the submit-side file while the job runs', () => (fs.existsSync(path.join(pool.dir, 'out', 'talk.out')) && fs.readFileSync(path.join(pool.dir, 'out', 'talk.out'), 'utf8') === 'line1\n' ? true : undefined));
  t.notOk(fs.existsSync(path.join(pool.dir, 'talk.err')), 'the error file, not streamed, is not there yet');
  t.equal((await pool.run('condor_q', ['1.0', '-af', 'JobStatus'])).stdout.trim(), '2', 'the job is still running');
  fs.writeFileSync(release, '');
  await waitForEvents(path.join(pool.dir, 'talk.log'), (ev) => ev.some((e) => e.code === 5));
  t.equal(fs.readFileSync(path.join(pool.dir, 'out', 'talk.out'), 'utf8'), 'line1\nline2\n');
  t.equal(fs.readFileSync(path.join(pool.dir, 'talk.err'), 'utf8'), 'oops\n');
});

t.test('a self-checkpointing job: its streamed stdout is appended to across restarts and stays out of SPOOL', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(
    path.join(pool.dir, 'count.sh'),
    '#!/bin/bash\nn=$(/bin/cat state 2>/dev/null || echo 0)\necho "execution $n"\necho $((n + 1)) > state\n[ $n -lt 2 ] && exit 85\nexit 0\n',
  );
  fs.writeFileSync(path.join(pool.dir, 'previous.out'), 'kept from before\n');
  fs.writeFileSync(
    path.join(pool.dir, 'count.sub'),
    'executable = count.sh\noutput = previous.out\nstream_output = true\ncheckpoint_exit_code = 85\ntransfer_checkpoint_files = state\nshould_transfer_files = yes\nleave_in_queue = true\nlog = count.log\nqueue\n',
  );
  t.equal((await pool.run('condor_submit', ['count.sub'])).code, 0);
  await waitForEvents(path.join(pool.dir, 'count.log'), (ev) => ev.some((e) => e.code === 5));
  t.equal(fs.readFileSync(path.join(pool.dir, 'previous.out'), 'utf8'), 'kept from before\nexecution 0\nexecution 1\nexecution 2\n', 'appended to (VanillaProc::streamingOpenFlags), not truncated');
  t.same(fs.readdirSync(jobSpoolDir(path.join(pool.home, 'spool'), 1, 0)), ['state'], 'the checkpoint holds no _condor_stdout');
});

t.test('a stream the submit side cannot open holds the job (9: UnableToOpenOutputStream)', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  fs.writeFileSync(path.join(pool.dir, 'blocked.sub'), `executable = /bin/true\noutput = ${pool.home}/spool/stolen.out\nstream_output = true\nlog = blocked.log\nqueue\n`);
  const submitted = await pool.run('condor_submit', ['blocked.sub']);
  t.equal(submitted.code, 0, submitted.stderr);
  await waitForEvents(path.join(pool.dir, 'blocked.log'), (ev) => ev.some((e) => e.code === 12));
  const [code, ...reason] = (await pool.run('condor_q', ['1.0', '-af:,', 'HoldReasonCode', 'HoldReason'])).stdout.trim().split(',');
  t.equal(Number(code), 9);
  t.match(reason.join(','), 'unable to establish standard output stream');
});

t.test('-spool: the streams go into SPOOL while the job runs (condor_tail, condor_transfer_data); a checkpoint holds none', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const spool = path.join(pool.home, 'spool');
  const release = path.join(pool.dir, 'release');
  writeExecutable(path.join(pool.dir, 'talk.sh'), `#!/bin/sh\necho line1\necho oops >&2\nwhile [ ! -e ${release} ]; do /bin/sleep 0.05; done\necho line2\necho more >&2\n`);
  fs.writeFileSync(path.join(pool.dir, 'talk.sub'), 'executable = talk.sh\noutput = talk.out\nerror = talk.err\nstream_output = true\nstream_error = true\nlog = talk.log\nqueue\n');
  const submitted = await pool.run('condor_submit', ['-spool', 'talk.sub']);
  t.equal(submitted.code, 0, submitted.stderr);
  t.match(submitted.stderr, /^WARNING: stream_output and stream_error of a job submitted with -spool: tinycondor's condor_transfer_data brings the streamed file back/m, 'the one difference is said');
  // The schedd keeps a spooled job's output beside its SPOOL directory, under the sandbox names.
  const results = `${jobSpoolDir(spool, 1, 0)}.results`;
  const read = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined);
  await eventually('stdout in SPOOL while the job runs', () => (read(path.join(results, '_condor_stdout')) === 'line1\n' ? true : undefined));
  await eventually('stderr too', () => (read(path.join(results, '_condor_stderr')) === 'oops\n' ? true : undefined));
  t.notOk(fs.existsSync(path.join(pool.dir, 'talk.out')), 'nothing in the submit directory');
  t.equal((await pool.run('condor_tail', ['1.0'])).stdout, 'line1\n', 'condor_tail reads the running job\'s stdout');
  t.equal((await pool.run('condor_q', ['1.0', '-af', 'JobStatus'])).stdout.trim(), '2', 'the job is still running');
  fs.writeFileSync(release, '');
  await eventually('the job completed', async () => ((await pool.run('condor_q', ['1.0', '-af', 'JobStatus'])).stdout.trim() === '4' ? true : undefined));
  t.equal(read(path.join(results, '_condor_stdout')), 'line1\nline2\n');
  const fetched = await pool.run('condor_transfer_data', ['1.0']);
  t.equal(fetched.code, 0, fetched.stderr);
  t.equal(fs.readFileSync(path.join(pool.dir, 'talk.out'), 'utf8'), 'line1\nline2\n');
  t.equal(fs.readFileSync(path.join(pool.dir, 'talk.err'), 'utf8'), 'oops\nmore\n');

  writeExecutable(
    path.join(pool.dir, 'count.sh'),
    '#!/bin/bash\nn=$(/bin/cat state 2>/dev/null || echo 0)\necho "execution $n"\necho $((n + 1)) > state\n[ $n -lt 2 ] && exit 85\nexit 0\n',
  );
  fs.writeFileSync(path.join(pool.dir, 'count.sub'), 'executable = count.sh\noutput = count.out\nstream_output = true\ncheckpoint_exit_code = 85\ntransfer_checkpoint_files = state\nlog = count.log\nqueue\n');
  t.equal((await pool.run('condor_submit', ['-spool', 'count.sub'])).code, 0);
  await eventually('the checkpointing job completed', async () => ((await pool.run('condor_q', ['2.0', '-af', 'JobStatus'])).stdout.trim() === '4' ? true : undefined));
  t.equal(read(`${jobSpoolDir(spool, 2, 0)}.results/_condor_stdout`), 'execution 0\nexecution 1\nexecution 2\n', 'appended to across restarts');
  t.notOk(fs.readdirSync(jobSpoolDir(spool, 2, 0)).includes('_condor_stdout'), 'the checkpoint holds no _condor_stdout');
  t.equal((await pool.run('condor_transfer_data', ['2.0'])).code, 0);
  t.equal(fs.readFileSync(path.join(pool.dir, 'count.out'), 'utf8'), 'execution 0\nexecution 1\nexecution 2\n');
});
