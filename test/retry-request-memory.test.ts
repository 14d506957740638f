import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { memoryCgroupsUnusable } from './helpers/cgroups.js';
import { codes, eventually, startPool, waitForEvents, writeExecutable } from './helpers/pool.js';

const unusable = memoryCgroupsUnusable();

// Allocates 200 MB and keeps it past the startd's sampling: over a 128 MB slot, within a 512 MB one (test_cgroup_oom.py).
const HOG = '#!/usr/bin/python3\nimport time\nhog = bytearray(200 * 1024 * 1024)\ntime.sleep(1)\nprint(len(hog))\n';

t.test('retry_request_memory: a job over its memory goes back to idle with the larger request and completes', { skip: unusable }, async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'hog.py'), HOG);
  fs.writeFileSync(path.join(pool.dir, 'hog.sub'), 'executable = hog.py\nrequest_memory = 50mb\nretry_request_memory = 512mb\nlog = hog.log\noutput = hog.out\nqueue\n');
  const submitted = await pool.run('condor_submit', ['hog.sub']);
  t.equal(submitted.code, 0, submitted.stderr);
  t.notMatch(submitted.stderr, /not implemented|unused/);
  const events = await waitForEvents(path.join(pool.dir, 'hog.log'), (ev) => ev.some((e) => e.code === 5 || e.code === 12), 60_000);
  // The starter's error and the eviction with its codes, then a second run that completes (the transfers' 040s aside).
  t.same(codes(events, 1, 0).filter((code) => code !== 40), [0, 1, 21, 4, 1, 5]);
  const evicted = events.find((e) => e.code === 4);
  t.match(evicted?.lines.join('\n'), /Job has gone over cgroup memory limit of 128 megabytes/);
  t.match(evicted?.lines.join('\n'), /Code 34 Subcode 102/);
  t.equal(fs.readFileSync(path.join(pool.dir, 'hog.out'), 'utf8'), `${200 * 1024 * 1024}\n`);
  const history = await eventually('the job in the history', async () => {
    const out = (await pool.run('condor_history', ['-af', 'RequestMemory', 'VacateReasonCode', 'VacateReasonSubCode', 'NumHolds'])).stdout.trim();
    return out === '' ? undefined : out;
  });
  t.equal(history, '512 34 102 undefined', 'the new request kept; never held');
});

t.test('retry_request_memory: a job still over its last request is held', { skip: unusable }, async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'hog.py'), HOG);
  // 100 MB still gets a 128 MB slot: the job goes over it again, and the request cannot grow further.
  fs.writeFileSync(path.join(pool.dir, 'hog.sub'), 'executable = hog.py\nrequest_memory = 50mb\nretry_request_memory = 100mb\nlog = hog.log\nqueue\n');
  t.equal((await pool.run('condor_submit', ['hog.sub'])).code, 0);
  const events = await waitForEvents(path.join(pool.dir, 'hog.log'), (ev) => ev.some((e) => e.code === 5 || e.code === 12), 60_000);
  t.same(codes(events, 1, 0).filter((code) => code !== 40), [0, 1, 21, 4, 1, 12]);
  t.equal(events.find((e) => e.code === 12)?.lines[2], '\tCode 34 Subcode 102');
  const q = await pool.run('condor_q', ['-af', 'JobStatus', 'RequestMemory', 'HoldReasonCode', 'HoldReasonSubCode']);
  t.equal(q.stdout.trim(), '5 100 34 102');
});

t.test('on_evict_checks: a transform of the submitter\'s own raises the request', { skip: unusable }, async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'hog.py'), HOG);
  fs.writeFileSync(
    path.join(pool.dir, 'hog.sub'),
    'executable = hog.py\nrequest_memory = 64mb\non_evict_checks = Grow\ntransform_body_Grow @=end\n  REQUIREMENTS VacateReasonSubCode == 102\n  EVALSET RequestMemory RequestMemory * 8\n@end\nlog = hog.log\nqueue\n',
  );
  const submitted = await pool.run('condor_submit', ['hog.sub']);
  t.equal(submitted.code, 0, submitted.stderr);
  const events = await waitForEvents(path.join(pool.dir, 'hog.log'), (ev) => ev.some((e) => e.code === 5 || e.code === 12), 60_000);
  t.same(codes(events, 1, 0).filter((code) => code !== 40), [0, 1, 21, 4, 1, 5]);
  const history = await eventually('the job in the history', async () => {
    const out = (await pool.run('condor_history', ['-af', 'RequestMemory', 'TransformOnEvict'])).stdout.trim();
    return out === '' ? undefined : out;
  });
  t.equal(history, '512 Grow');
});
