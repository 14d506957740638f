// Issue 20, item 6: symlinks as HTCondor's file transfer handles them (file_transfer.cpp): a symlink to a
// file is sent as the file (an absolute target included), a symlink to a directory fails the transfer
// (input: held 13; checkpoint: held 36), and a link never leads the schedd into the pool's own files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { startPool, waitForEvents, writeExecutable, type TestPool } from './helpers/pool.js';

async function submit(t: Test, pool: TestPool, name: string, lines: string[]): Promise<string> {
  fs.writeFileSync(path.join(pool.dir, `${name}.sub`), `${lines.join('\n')}\nlog = ${name}.log\nqueue\n`);
  const submitted = await pool.run('condor_submit', [`${name}.sub`]);
  t.equal(submitted.code, 0, submitted.stderr);
  return path.join(pool.dir, `${name}.log`);
}

/** How the job ended up: completed (005) or held (012), with the event's text. */
const outcomeOf = async (log: string) => {
  const event = (await waitForEvents(log, (ev) => ev.some((e) => e.code === 12 || e.code === 5))).find((e) => e.code === 12 || e.code === 5);
  return { code: event?.code, text: event?.text ?? '' };
};

t.test('symlinks in the input sandbox', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'symlink-target-'));
  t.teardown(() => fs.rmSync(outside, { recursive: true, force: true }));
  fs.writeFileSync(path.join(outside, 'data.txt'), 'the target\n');
  writeExecutable(path.join(pool.dir, 'cat.sh'), '#!/bin/sh\nwhile read line; do echo "$line"; done < "$1"\n');

  fs.symlinkSync(path.join(outside, 'data.txt'), path.join(pool.dir, 'abs-link.txt'));
  const followed = await outcomeOf(await submit(t, pool, 'followed', ['executable = cat.sh', 'arguments = abs-link.txt', 'transfer_input_files = abs-link.txt', 'output = followed.out']));
  t.equal(followed.code, 5, `a symlink with an absolute target is sent as the file it points to ${followed.text}`);
  t.equal(fs.readFileSync(path.join(pool.dir, 'followed.out'), 'utf8'), 'the target\n');

  fs.symlinkSync(outside, path.join(pool.dir, 'dir-link'));
  const toDirectory = await outcomeOf(await submit(t, pool, 'to-directory', ['executable = cat.sh', 'transfer_input_files = dir-link']));
  t.equal(toDirectory.code, 12);
  t.match(toDirectory.text, /dir-link: \(errno 21\) Is a directory- Transfer of symlinks to directories is not supported\.\n\tCode 13 Subcode 0\n/);

  fs.mkdirSync(path.join(pool.dir, 'inputs'));
  fs.symlinkSync(path.join(pool.home, 'pool.token'), path.join(pool.dir, 'inputs', 'token'));
  const intoPool = await outcomeOf(await submit(t, pool, 'into-pool', ['executable = cat.sh', 'transfer_input_files = inputs']));
  t.equal(intoPool.code, 12);
  t.match(intoPool.text, /inputs\/token: \(errno 13\) Permission denied: .* is inside the pool's own directory.*\n\tCode 13 Subcode 0\n/);
});

t.test('a checkpoint listing a symlink to a directory is held as HTCondor holds it', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'ckpt.sh'), '#!/bin/sh\nmkdir -p real\n/bin/ln -s real state\nexit 85\n');
  const held = await outcomeOf(await submit(t, pool, 'ckpt', ['executable = ckpt.sh', 'checkpoint_exit_code = 85', 'transfer_checkpoint_files = state', 'should_transfer_files = YES']));
  t.equal(held.code, 12);
  t.match(held.text, /Starter failed to upload checkpoint\n\tCode 36 Subcode -1\n/);
});
