// condor_qedit -forward (qedit.cpp: SetAttribute_SetDirty): HTCondor's schedd tells a running job's shadow of
// the edit (qmgmt.cpp SendDirtyJobAdNotification), and the shadow merges it into its copy of the job ad and
// evaluates its periodic policy at once (BaseShadow::handleUpdateJobAd). Here the schedd is the shadow: a
// forwarded edit has the running job's periodic policy evaluated at once, not at the next PERIODIC_EXPR_INTERVAL.
import path from 'node:path';
import fs from 'node:fs';
import t from 'tap';
import { codes, startPool, waitForEvents, writeExecutable } from './helpers/pool.js';

t.test('condor_qedit -forward: a running job\'s periodic policy is evaluated with the edit at once', async (t) => {
  const pool = await startPool(t, { startds: 2, periodic: 3600 });
  writeExecutable(path.join(pool.dir, 'sleep.sh'), '#!/bin/bash\nexec sleep 300\n');
  fs.writeFileSync(path.join(pool.dir, 'job.sub'), 'executable = sleep.sh\nlog = job.log\nqueue 2\n');
  t.equal((await pool.run('condor_submit', ['job.sub'])).code, 0);
  const log = path.join(pool.dir, 'job.log');
  await waitForEvents(log, (events) => events.filter((e) => e.code === 1).length === 2);

  const plain = await pool.run('condor_qedit', ['1.1', 'PeriodicRemove', 'True']);
  t.same([plain.code, plain.stdout], [0, 'Set attribute "PeriodicRemove" for 1 matching jobs.\n']);
  const forwarded = await pool.run('condor_qedit', ['-forward', '1.0', 'PeriodicRemove', 'JobStatus == 2']);
  t.same([forwarded.code, forwarded.stdout, forwarded.stderr], [0, 'Set attribute "PeriodicRemove" for 1 matching jobs.\n', '']);
  const events = await waitForEvents(log, (ev) => ev.some((e) => e.code === 9));
  t.same(codes(events, 1, 0).filter((c) => c !== 40), [0, 1, 9], 'removed by its policy, long before the hour of PERIODIC_EXPR_INTERVAL');
  t.equal(events.find((e) => e.code === 9)?.lines[1], "\tThe job attribute PeriodicRemove expression 'JobStatus == 2' evaluated to TRUE");
  t.equal((await pool.run('condor_q', ['1.1', '-af', 'JobStatus'])).stdout, '2\n', 'the job edited without -forward runs on until the periodic policy is evaluated');
});
