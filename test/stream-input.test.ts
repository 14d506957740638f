// stream_input as HTCondor's starter streams a job's stdin (StreamHandler, is_output false): the job reads a
// pipe fed from the submit-side input file as it reads, not the copy transferred into its sandbox; a read
// that fails while the job runs holds it (10: UnableToOpenInputStream).
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { eventually, startPool, waitForEvents, writeExecutable } from './helpers/pool.js';

/** 1 MiB of 'a': more than the first read and the pipe hold together, so the rest is read as the job reads. */
const SIZE = 1 << 20;

t.test('stream_input: the job reads its stdin from the submit-side file, as it is when the job gets that far', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const release = path.join(pool.dir, 'release');
  const input = path.join(pool.dir, 'in.txt');
  writeExecutable(
    path.join(pool.dir, 'read.sh'),
    `#!/bin/bash\n[ -p /dev/stdin ] && echo "stdin is a pipe"\ntouch started\nwhile [ ! -e ${release} ]; do /bin/sleep 0.05; done\n/usr/bin/tr -d a | /usr/bin/wc -c\n`,
  );
  fs.writeFileSync(input, 'a'.repeat(SIZE));
  fs.writeFileSync(path.join(pool.dir, 'read.sub'), 'executable = read.sh\ninput = in.txt\nstream_input = true\noutput = read.out\nlog = read.log\nqueue\n');
  const submitted = await pool.run('condor_submit', ['read.sub']);
  t.equal(submitted.code, 0, submitted.stderr);
  t.notMatch(submitted.stderr, /stream_input/, 'no warning: streaming is done');
  t.equal((await pool.run('condor_q', ['1.0', '-af', 'StreamIn'])).stdout, 'true\n');
  await waitForEvents(path.join(pool.dir, 'read.log'), (ev) => ev.some((e) => e.code === 1));
  // Near the end of the file, past what was read before the job started: changed after the transfer.
  const fd = fs.openSync(input, 'r+');
  fs.writeSync(fd, 'ZZZ', SIZE - 10);
  fs.closeSync(fd);
  fs.writeFileSync(release, '');
  await waitForEvents(path.join(pool.dir, 'read.log'), (ev) => ev.some((e) => e.code === 5));
  t.equal(fs.readFileSync(path.join(pool.dir, 'read.out'), 'utf8'), 'stdin is a pipe\n3\n', 'the bytes written on the submit side after the job started');
});

t.test('a stdin stream that breaks while the job runs holds the job (10: UnableToOpenInputStream)', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const release = path.join(pool.dir, 'release');
  writeExecutable(path.join(pool.dir, 'read.sh'), `#!/bin/bash\nwhile [ ! -e ${release} ]; do /bin/sleep 0.05; done\n/usr/bin/wc -c\n`);
  fs.writeFileSync(path.join(pool.dir, 'in.txt'), 'a'.repeat(SIZE));
  fs.writeFileSync(path.join(pool.dir, 'read.sub'), 'executable = read.sh\ninput = in.txt\nstream_input = true\nlog = read.log\nqueue\n');
  t.equal((await pool.run('condor_submit', ['read.sub'])).code, 0);
  await waitForEvents(path.join(pool.dir, 'read.log'), (ev) => ev.some((e) => e.code === 1));
  fs.rmSync(path.join(pool.dir, 'in.txt'));
  fs.writeFileSync(release, '');
  await waitForEvents(path.join(pool.dir, 'read.log'), (ev) => ev.some((e) => e.code === 12));
  const [code, ...reason] = (await pool.run('condor_q', ['1.0', '-af:,', 'HoldReasonCode', 'HoldReason'])).stdout.trim().split(',');
  t.equal(Number(code), 10);
  t.equal(reason.join(',').trim().replace(/slot[^:]+/, 'SLOT'), 'Error from SLOT: StreamHandler: stdin: unable to read from in.txt: No such file or directory');
  await eventually('the job held, not running', async () => ((await pool.run('condor_q', ['1.0', '-af', 'JobStatus'])).stdout.trim() === '5' ? true : undefined));
});
