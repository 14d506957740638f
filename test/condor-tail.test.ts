// condor_tail as HTCondor's (src/condor_tools/tail.cpp; the starter's peek): the last bytes of a running
// job's stdout, stderr or a file of its transfer_output_files, -maxbytes, -follow until the job ends.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { eventually, startPool, waitForEvents, writeExecutable } from './helpers/pool.js';

t.test('condor_tail reads a running job\'s files, and follows its stdout until it ends', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const go = path.join(pool.dir, 'go');
  // Writes, then waits for the test to say go, writes more and ends.
  writeExecutable(
    path.join(pool.dir, 'job.sh'),
    `#!/bin/sh\necho first line\necho an error >&2\necho progress 42 > progress.txt\nwhile [ ! -e ${go} ]; do /bin/sleep 0.1; done\necho second line\n/bin/sleep 3\necho last line\n`,
  );
  fs.writeFileSync(path.join(pool.dir, 'job.sub'), 'executable = job.sh\noutput = job.out\nerror = job.err\ntransfer_output_files = progress.txt\nlog = job.log\nqueue\n');
  t.equal((await pool.run('condor_submit', ['job.sub'])).code, 0);
  await waitForEvents(path.join(pool.dir, 'job.log'), (ev) => ev.some((e) => e.code === 1));

  const out = await eventually('stdout to be there', async () => {
    const tail = await pool.run('condor_tail', ['1.0']);
    return tail.code === 0 && tail.stdout === 'first line\n' ? tail : undefined;
  });
  t.equal(out.stderr, '');
  t.equal((await pool.run('condor_tail', ['-stderr', '1']).then((r) => r.stdout)), 'an error\n', 'stderr; a cluster id means its proc 0');
  t.equal((await pool.run('condor_tail', ['-no-stdout', '1.0', 'progress.txt'])).stdout, 'progress 42\n');
  t.equal((await pool.run('condor_tail', ['-maxbytes', '5', '1.0'])).stdout, 'line\n', 'the last 5 bytes');
  const notListed = await pool.run('condor_tail', ['-no-stdout', '1.0', 'job.sh']);
  t.equal(notListed.code, 1);
  t.match(notListed.stderr, /job\.sh is not stdout, stderr or a file in the job's transfer_output_files/);

  const following = pool.run('condor_tail', ['-f', '1.0']);
  fs.writeFileSync(go, '');
  const followed = await following;
  t.equal(followed.code, 0, 'ends quietly with the job');
  // What the job writes in its last 2 seconds may end with it unseen, as with HTCondor's tool.
  t.ok(['first line\nsecond line\n', 'first line\nsecond line\nlast line\n'].includes(followed.stdout), `each byte once, in order: ${JSON.stringify(followed.stdout)}`);
  await waitForEvents(path.join(pool.dir, 'job.log'), (ev) => ev.some((e) => e.code === 5));

  const usage = await pool.run('condor_tail', ['-maxbytes', 'many', '1.0']);
  t.equal(usage.code, 1);
  t.match(usage.stderr, /^Error: maxbytes \(many\) is not valid\n\nUsage: condor_tail /);
  t.match((await pool.run('condor_tail', ['-no-stdout', '1.0'])).stderr, /^No file transfer specified\./);
  t.match((await pool.run('condor_tail', ['-name', 'other', '1.0'])).stderr, /-name is not supported by tinycondor/);
});
