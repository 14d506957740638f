import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { addTestUser, needsRootAndUseradd, resubmitAs } from '../helpers/as-owner.js';
import { startPool, waitForEvents, writeExecutable } from '../helpers/pool.js';

t.test("a root startd runs a job as its owner, in a sandbox the owner owns", { skip: needsRootAndUseradd }, async (t) => {
  const user = addTestUser(t, 'job');
  const pool = await startPool(t, { startds: 1 });
  // The job's user must be able to reach its sandbox under EXECUTE, as on any HTCondor execute node, and
  // its submit directory is its own.
  fs.chmodSync(path.dirname(pool.home), 0o711);
  fs.chownSync(pool.dir, user.uid, user.gid);
  writeExecutable(path.join(pool.dir, 'who.sh'), '#!/bin/sh\n/usr/bin/id -un\n/usr/bin/id -u\n/usr/bin/stat -c %U .\n');
  fs.writeFileSync(path.join(pool.dir, 'who.sub'), 'executable = who.sh\noutput = who.out\nlog = who.log\nhold = true\nqueue\n');
  t.equal((await pool.run('condor_submit', ['who.sub'])).code, 0);
  const theirLog = path.join(pool.dir, 'theirs.log');
  const clusterId = await resubmitAs(pool, '1.0', user.name, { UserLog: JSON.stringify(theirLog) });
  const events = await waitForEvents(theirLog, (ev) => ev.some((e) => e.cluster === clusterId && (e.code === 5 || e.code === 12)));
  t.notOk(events.find((e) => e.cluster === clusterId && e.code === 12), `not held: ${events.find((e) => e.code === 12 && e.cluster === clusterId)?.lines.join(' ') ?? ''}`);
  t.equal(fs.readFileSync(path.join(pool.dir, 'who.out'), 'utf8'), `${user.name}\n${user.uid}\n${user.name}\n`, 'the job ran as its owner and owned its working directory');
});

t.test("a root schedd's local universe job owns its scratch directory; both universes read their .job.ad", { skip: needsRootAndUseradd }, async (t) => {
  const user = addTestUser(t, 'loc');
  const pool = await startPool(t, { startds: 1 });
  fs.chmodSync(path.dirname(pool.home), 0o711);
  fs.chownSync(pool.dir, user.uid, user.gid);
  writeExecutable(
    path.join(pool.dir, 'who.sh'),
    '#!/bin/sh\n/usr/bin/id -un\n/bin/grep -c "^JobUniverse = " "$_CONDOR_JOB_AD"\n' +
      'if [ -n "$_CONDOR_SCRATCH_DIR" ]; then /usr/bin/stat -c %U "$_CONDOR_SCRATCH_DIR"; echo hi > "$TMPDIR/x" && /bin/cat "$TMPDIR/x"; fi\n',
  );
  for (const universe of ['local', 'scheduler']) {
    fs.writeFileSync(path.join(pool.dir, `${universe}.sub`), `universe = ${universe}\nexecutable = who.sh\noutput = ${universe}.out\nlog = who.log\nhold = true\nqueue\n`);
    t.equal((await pool.run('condor_submit', [`${universe}.sub`])).code, 0);
  }
  const theirLog = path.join(pool.dir, 'theirs.log');
  const clusters = [await resubmitAs(pool, '1.0', user.name, { UserLog: JSON.stringify(theirLog) }), await resubmitAs(pool, '2.0', user.name, { UserLog: JSON.stringify(theirLog) })];
  const events = await waitForEvents(theirLog, (ev) => clusters.every((c) => ev.some((e) => e.cluster === c && (e.code === 5 || e.code === 12))));
  t.notOk(events.find((e) => e.code === 12), `not held: ${events.find((e) => e.code === 12)?.lines.join(' ') ?? ''}`);
  t.equal(fs.readFileSync(path.join(pool.dir, 'local.out'), 'utf8'), `${user.name}\n1\n${user.name}\nhi\n`, 'local: its scratch directory is its own, TMPDIR writable');
  t.equal(fs.readFileSync(path.join(pool.dir, 'scheduler.out'), 'utf8'), `${user.name}\n1\n`, 'scheduler: the schedd\'s directory, its .job.ad readable');
});
