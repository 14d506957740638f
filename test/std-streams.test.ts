import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { startPool, waitForEvents, writeExecutable } from './helpers/pool.js';

// HTCondor's starter renames only the streams the job keeps (jic_shadow.cpp, initWithFileTransfer).
t.test('stdout and stderr land where the submit file sends them', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'speak.sh'), '#!/bin/sh\necho to-stdout\necho to-stderr >&2\nls -A > listing.txt  # the shell creates listing.txt before ls runs\n');
  fs.writeFileSync(
    path.join(pool.dir, 's.sub'),
    [
      'executable = speak.sh',
      'log = s.log',
      'initialdir = quiet',
      'queue',
      'initialdir = shared',
      'output = both.txt',
      'error = both.txt',
      'queue',
      'initialdir = apart',
      'output = out.txt',
      'error = err.txt',
      'queue',
      '',
    ].join('\n'),
  );
  for (const dir of ['quiet', 'shared', 'apart']) fs.mkdirSync(path.join(pool.dir, dir));
  const submitted = await pool.run('condor_submit', ['s.sub']);
  t.equal(submitted.code, 0, submitted.stderr);
  await waitForEvents(path.join(pool.dir, 'quiet', 's.log'), (events) => events.some((e) => e.code === 5));
  await waitForEvents(path.join(pool.dir, 'shared', 's.log'), (events) => events.some((e) => e.code === 5));
  await waitForEvents(path.join(pool.dir, 'apart', 's.log'), (events) => events.some((e) => e.code === 5));

  // Less the directories a root startd makes for MOUNT_UNDER_SCRATCH (tmp, var/tmp), which have nothing to do with the streams.
  const scratchMounts = new Set(['tmp', 'var']);
  const sandboxOf = (dir: string) => fs.readFileSync(path.join(pool.dir, dir, 'listing.txt'), 'utf8').trim().split('\n').filter((name) => !scratchMounts.has(name)).sort();
  t.same(sandboxOf('quiet'), ['.chirp.config', '.job.ad', '.machine.ad', 'listing.txt', 'speak.sh'], 'no output or error: both streams go to /dev/null, no file in the sandbox');
  t.same(fs.readdirSync(path.join(pool.dir, 'quiet')).sort(), ['listing.txt', 's.log'], 'and nothing comes back for them');

  t.same(sandboxOf('shared'), ['.chirp.config', '.job.ad', '.machine.ad', '_condor_stdout', 'listing.txt', 'speak.sh'], 'output = error: one file for both streams');
  t.equal(fs.readFileSync(path.join(pool.dir, 'shared', 'both.txt'), 'utf8'), 'to-stdout\nto-stderr\n', 'both streams, in the order written');

  t.same(sandboxOf('apart'), ['.chirp.config', '.job.ad', '.machine.ad', '_condor_stderr', '_condor_stdout', 'listing.txt', 'speak.sh']);
  t.equal(fs.readFileSync(path.join(pool.dir, 'apart', 'out.txt'), 'utf8'), 'to-stdout\n');
  t.equal(fs.readFileSync(path.join(pool.dir, 'apart', 'err.txt'), 'utf8'), 'to-stderr\n');
});
