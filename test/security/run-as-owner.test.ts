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
