import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { memoryCgroupsUnusable } from './helpers/cgroups.js';
import { eventually, startPool, waitForEvents, writeExecutable } from './helpers/pool.js';

const unusable = memoryCgroupsUnusable();

t.test('a job over its request_memory is held with HTCondor\'s code and words', { skip: unusable }, async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'hog.py'), '#!/usr/bin/python3\nhog = b"x" * (400 * 1024 * 1024)\nprint(len(hog))\n');
  fs.writeFileSync(path.join(pool.dir, 'hog.sub'), 'executable = hog.py\nrequest_memory = 50\nlog = hog.log\noutput = hog.out\nqueue\n');
  t.equal((await pool.run('condor_submit', ['hog.sub'])).code, 0);
  const events = await waitForEvents(path.join(pool.dir, 'hog.log'), (ev) => ev.some((e) => e.code === 12 || e.code === 5));
  const held = events.find((e) => e.code === 12);
  t.ok(held, 'held, not completed');
  t.match(
    held?.lines[1],
    /^\tError from slot1_1@\S+: Job has gone over cgroup memory limit of 128 megabytes\. Last measured usage: 128 megabytes\.  Consider resubmitting with a higher request_memory\.$/,
  );
  t.equal(held?.lines[2], '\tCode 34 Subcode 102');
});

t.test('a job within its request runs; its memory is reported as ResidentSetSize, ImageSize and MemoryUsage', { skip: unusable }, async (t) => {
  const pool = await startPool(t, { startds: 1 });
  // Holds ~100 MB for longer than the startd's one-second sampling.
  writeExecutable(path.join(pool.dir, 'use.py'), '#!/usr/bin/python3\nimport time\nkeep = b"y" * (100 * 1024 * 1024)\ntime.sleep(2.5)\nprint(len(keep))\n');
  fs.writeFileSync(path.join(pool.dir, 'use.sub'), 'executable = use.py\nrequest_memory = 512\nlog = use.log\noutput = use.out\nqueue\n');
  t.equal((await pool.run('condor_submit', ['use.sub'])).code, 0);
  await waitForEvents(path.join(pool.dir, 'use.log'), (ev) => ev.some((e) => e.code === 5 || e.code === 12));
  t.equal(fs.readFileSync(path.join(pool.dir, 'use.out'), 'utf8'), `${100 * 1024 * 1024}\n`);
  const history = await eventually('the job in the history', async () => {
    const out = (await pool.run('condor_history', ['-af', 'ResidentSetSize', 'ImageSize', 'MemoryUsage'])).stdout.trim();
    return out === '' ? undefined : out;
  });
  const [rss, image, usage] = history.split(' ').map(Number);
  t.ok(rss >= 100 * 1024 && rss < 400 * 1024, `ResidentSetSize ${rss} KiB`);
  t.ok(image >= rss, `ImageSize ${image} KiB is the peak`);
  t.equal(usage, Math.floor((rss + 1023) / 1024), 'MemoryUsage = ((ResidentSetSize+1023)/1024)');
});

t.test('processes a job leaves behind end with it', { skip: unusable }, async (t) => {
  const pool = await startPool(t, { startds: 1 });
  // The sleeper leaves the job's session and process group, so only its cgroup still ties it to the job.
  writeExecutable(path.join(pool.dir, 'escape.sh'), '#!/bin/sh\n/usr/bin/setsid /bin/sleep 1234 </dev/null >/dev/null 2>&1 &\necho $! > pid\n');
  fs.writeFileSync(path.join(pool.dir, 'escape.sub'), 'executable = escape.sh\nlog = escape.log\ntransfer_output_files = pid\nqueue\n');
  t.equal((await pool.run('condor_submit', ['escape.sub'])).code, 0);
  await waitForEvents(path.join(pool.dir, 'escape.log'), (ev) => ev.some((e) => e.code === 5 || e.code === 12));
  const pid = Number(fs.readFileSync(path.join(pool.dir, 'pid'), 'utf8'));
  t.ok(pid > 0, `the job started sleep as ${pid}`);
  await eventually(`process ${pid} to be gone`, () => {
    const stat = fs.existsSync(`/proc/${pid}/stat`) ? fs.readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
    // Gone, or a zombie waiting for init to reap it.
    return stat === '' || / Z /.test(stat) || !stat.includes('(sleep)') ? true : undefined;
  });
  t.pass('the escaped process was killed at the end of the job');
});
