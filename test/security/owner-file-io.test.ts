// Issue 18, item 9: a root schedd reads a job's inputs and writes its outputs and user log with the rights
// of the job's owner, as HTCondor's schedd and shadow do: what the owner may not read is not sent, what
// the owner may not write is not written, and what is written belongs to the owner.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { addTestUser, needsRootAndUseradd, userSubmitDirectory, resubmitAs } from '../helpers/as-owner.js';
import { startPool, waitForEvents, writeExecutable } from '../helpers/pool.js';

t.test("a root schedd handles a job's files with its owner's rights", { skip: needsRootAndUseradd }, async (t) => {
  const user = addTestUser(t, 'io');
  const pool = await startPool(t, { startds: 1 });
  const { secret, rootOnly } = userSubmitDirectory(pool, user);
  writeExecutable(path.join(pool.dir, 'make.sh'), '#!/bin/sh\necho made > made.txt\n/usr/bin/id -un\n');
  fs.writeFileSync(path.join(pool.dir, 'make.sub'), 'executable = make.sh\noutput = make.out\nlog = root.log\nhold = true\nqueue\n');
  t.equal((await pool.run('condor_submit', ['make.sub'])).code, 0);

  const logOf = (name: string) => path.join(pool.dir, `${name}.log`);
  const outcome = async (cluster: number, name: string) => {
    const events = await waitForEvents(logOf(name), (ev) => ev.some((e) => e.cluster === cluster && (e.code === 5 || e.code === 12)));
    return events.find((e) => e.cluster === cluster && (e.code === 5 || e.code === 12))!;
  };

  const good = await resubmitAs(pool, '1.0', user.name, { UserLog: JSON.stringify(logOf('good')) });
  const reads = await resubmitAs(pool, '1.0', user.name, { UserLog: JSON.stringify(logOf('reads')), TransferInput: JSON.stringify(secret), Out: '"reads.out"' });
  const writes = await resubmitAs(pool, '1.0', user.name, {
    UserLog: JSON.stringify(logOf('writes')),
    TransferOutputRemaps: JSON.stringify(`made.txt = ${path.join(rootOnly, 'made.txt')}`),
    Out: '"writes.out"',
  });

  const done = await outcome(good, 'good');
  t.equal(done.code, 5, `the owner's job completes: ${done.lines.join(' ')}`);
  for (const file of ['make.out', 'made.txt', 'good.log']) t.equal(fs.statSync(path.join(pool.dir, file)).uid, user.uid, `${file} belongs to the owner`);
  t.equal(fs.readFileSync(path.join(pool.dir, 'make.out'), 'utf8'), `${user.name}\n`);

  const refusedRead = await outcome(reads, 'reads');
  t.equal(refusedRead.code, 12, 'a job naming a file its owner may not read is held');
  t.match(refusedRead.lines.join(' '), /Transfer input files failure.*reading from file .*secret: \(errno 13\) Permission denied/);
  t.equal(fs.statSync(path.join(pool.dir, 'reads.log')).uid, user.uid);

  const refusedWrite = await outcome(writes, 'writes');
  t.equal(refusedWrite.code, 12, 'a job whose output goes where its owner may not write is held');
  t.match(refusedWrite.lines.join(' '), /Transfer output files failure.*EACCES/);
  t.same(fs.readdirSync(rootOnly), [], "nothing is written into root's directory");
});
