import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { codes, eventually, startPool, waitForEvents, writeExecutable } from './helpers/pool.js';

// schedd.cpp jobExitCode: a hold by the shadow's policy (on_exit_hold, a running job's periodic_hold) exits
// JOB_SHOULD_HOLD, and the job's TransformOnEvict transforms are tried before it is held.
const GROW = 'on_evict_checks = Grow\ntransform_body_Grow @=end\n  REQUIREMENTS HoldReasonCode == 3\n  EVALSET RequestMemory RequestMemory * 2\n@end\n';

t.test('on_evict_checks with on_exit_hold: the transform raises the request and the job runs again', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'three.sh'), '#!/bin/sh\nexit 3\n');
  const sub = `executable = three.sh\nrequest_memory = 32mb\non_exit_hold = ExitCode == 3 && RequestMemory < 64\n${GROW}log = job.log\nqueue\n`;
  fs.writeFileSync(path.join(pool.dir, 'job.sub'), sub);
  const submitted = await pool.run('condor_submit', ['job.sub']);
  t.same([submitted.code, submitted.stderr], [0, '']);
  const events = await waitForEvents(path.join(pool.dir, 'job.log'), (ev) => ev.some((e) => e.code === 5 || e.code === 12), 60_000);
  // No hold, no event for the cured hold: a second run that completes (the transfers' 040s aside).
  t.same(codes(events, 1, 0).filter((code) => code !== 40), [0, 1, 1, 5]);
  const history = await eventually('the job in the history', async () => {
    const out = (await pool.run('condor_history', ['-af', 'RequestMemory', 'HoldReasonCode', 'NumHolds', 'ExitCode'])).stdout.trim();
    return out === '' ? undefined : out;
  });
  t.equal(history, '64 3 undefined 3', 'the new request kept; never held');
});

t.test('on_evict_checks with a running job\'s periodic_hold: requeued with the new request; at its limit held', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  // The first run waits to be held; the next ones end at once.
  const marker = path.join(pool.dir, 'ran');
  writeExecutable(path.join(pool.dir, 'once.sh'), `#!/bin/sh\nif [ -e ${marker} ]; then exit 0; fi\ntouch ${marker}\nexec sleep 120\n`);
  const hold = 'periodic_hold = JobStatus == 2 && time() - JobCurrentStartDate > 1 && RequestMemory < 64\nperiodic_hold_reason = "slow"\n';
  fs.writeFileSync(path.join(pool.dir, 'job.sub'), `executable = once.sh\nrequest_memory = 32mb\n${hold}${GROW}log = job.log\nqueue\n`);
  t.equal((await pool.run('condor_submit', ['job.sub'])).code, 0);
  const events = await waitForEvents(path.join(pool.dir, 'job.log'), (ev) => ev.some((e) => e.code === 5 || e.code === 12), 60_000);
  t.same(codes(events, 1, 0).filter((code) => code !== 40), [0, 1, 1, 5]);
  const history = await eventually('the job in the history', async () => {
    const out = (await pool.run('condor_history', ['-af', 'RequestMemory', 'HoldReason', 'NumHolds'])).stdout.trim();
    return out === '' ? undefined : out;
  });
  t.equal(history, '64 slow undefined');

  // A request already at the limit: held, as without the transform.
  fs.rmSync(marker);
  fs.writeFileSync(path.join(pool.dir, 'held.sub'), `executable = once.sh\nrequest_memory = 64mb\n${hold.replace('< 64', '< 128')}${GROW.replace('HoldReasonCode == 3', 'HoldReasonCode == 3 && RequestMemory < 64')}log = held.log\nqueue\n`);
  t.equal((await pool.run('condor_submit', ['held.sub'])).code, 0);
  const held = await waitForEvents(path.join(pool.dir, 'held.log'), (ev) => ev.some((e) => e.code === 5 || e.code === 12), 60_000);
  t.same(codes(held, 2, 0).filter((code) => code !== 40), [0, 1, 12]);
  const q = await pool.run('condor_q', ['-af', 'JobStatus', 'RequestMemory', 'HoldReasonCode', 'HoldReason']);
  t.equal(q.stdout.trim(), '5 64 3 slow');
});
