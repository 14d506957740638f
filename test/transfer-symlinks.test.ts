// Issue 20, item 6: symlinks as HTCondor's file transfer handles them (file_transfer.cpp): a symlink to a
// file is sent as the file (an absolute target included), inputs, outputs and checkpoint files alike, read
// with the rights of the job's user (the starter's FileTransfer runs with PRIV_USER); a symlink to a
// directory fails the transfer (input: held 13; checkpoint: held 36), and a link never leads the schedd
// into the pool's own files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { addTestUser, needsRootAndUseradd, resubmitAs, userSubmitDirectory } from './helpers/as-owner.js';
import { jobSpoolDir } from './helpers/checkpoint-jobs.js';
import { eventually, startPool, waitForEvents, writeExecutable, type TestPool } from './helpers/pool.js';

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

t.test('symlinks among outputs and checkpoint files are sent as the files they point to', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'symlink-target-'));
  t.teardown(() => fs.rmSync(outside, { recursive: true, force: true }));
  const target = path.join(outside, 'data.txt');
  fs.writeFileSync(target, 'the target\n');

  writeExecutable(path.join(pool.dir, 'links.sh'), `#!/bin/sh\n/bin/ln -s ${target} listed\n/bin/ln -s ${target} unlisted\n/bin/ln -s ${outside} to-dir\n/bin/ln -s ${outside}/nowhere dangling\n`);
  const listed = await outcomeOf(await submit(t, pool, 'listed', ['executable = links.sh', 'transfer_output_files = listed']));
  t.equal(listed.code, 5, `a listed output that is a symlink to a file ${listed.text}`);
  t.notOk(fs.lstatSync(path.join(pool.dir, 'listed')).isSymbolicLink(), 'arrives as a file, not a link');
  t.equal(fs.readFileSync(path.join(pool.dir, 'listed'), 'utf8'), 'the target\n');

  fs.rmSync(path.join(pool.dir, 'listed'));
  const unlisted = await outcomeOf(await submit(t, pool, 'unlisted', ['executable = links.sh']));
  t.equal(unlisted.code, 5, `without transfer_output_files ${unlisted.text}`);
  t.same(['listed', 'unlisted'].map((name) => fs.readFileSync(path.join(pool.dir, name), 'utf8')), ['the target\n', 'the target\n'], 'new symlinks to files come back as the files');
  t.notOk(fs.existsSync(path.join(pool.dir, 'to-dir')) || fs.existsSync(path.join(pool.dir, 'dangling')), 'symlinks to a directory or to nothing are left out, as HTCondor leaves them out');

  const dangling = await outcomeOf(await submit(t, pool, 'dangling', ['executable = links.sh', 'transfer_output_files = dangling']));
  t.equal(dangling.code, 12);
  t.match(dangling.text, /Transfer output files failure at execution point .* Details: reading from file \S+\/dangling: \(errno 2\) No such file or directory\n\tCode 12 Subcode 2\n/);

  // The checkpoint's SPOOL copy is a file with the target's content; the job then waits to be removed.
  writeExecutable(path.join(pool.dir, 'ckpt-link.sh'), `#!/bin/sh\nif [ -e state ]; then exec /bin/sleep 300; fi\n/bin/ln -s ${target} state\nexit 85\n`);
  fs.writeFileSync(path.join(pool.dir, 'ckpt-link.sub'), 'executable = ckpt-link.sh\ncheckpoint_exit_code = 85\ntransfer_checkpoint_files = state\nshould_transfer_files = YES\nqueue\n');
  const submitted = await pool.run('condor_submit', ['ckpt-link.sub']);
  const cluster = Number(/submitted to cluster (\d+)/.exec(submitted.stdout)?.[1]);
  const spooled = path.join(await jobSpoolDir(pool, cluster, 0), 'state');
  await eventually('the checkpoint in SPOOL', () => (fs.existsSync(spooled) ? true : undefined));
  t.notOk(fs.lstatSync(spooled).isSymbolicLink(), 'the checkpoint holds a file, not a link');
  t.equal(fs.readFileSync(spooled, 'utf8'), 'the target\n');
  t.equal((await pool.run('condor_rm', [String(cluster)])).code, 0);
});

t.test("a root startd follows a job's symlinks with its user's rights: a root-only file is not sent", { skip: needsRootAndUseradd }, async (t) => {
  const user = addTestUser(t, 'lnk');
  const pool = await startPool(t, { startds: 1 });
  // The job's user must be able to reach its sandbox under EXECUTE (as on any execute node); the submit directory is its own.
  const { base, secret } = userSubmitDirectory(pool, user);
  const readable = path.join(base, 'readable');
  fs.writeFileSync(readable, 'for anyone\n', { mode: 0o644 });

  writeExecutable(path.join(pool.dir, 'link.sh'), `#!/bin/sh\n/bin/ln -s ${readable} shared\n/bin/ln -s ${secret} leak\n`);
  writeExecutable(path.join(pool.dir, 'ckpt.sh'), `#!/bin/sh\n/bin/ln -s ${secret} leak\nexit 85\n`);
  fs.writeFileSync(path.join(pool.dir, 'link.sub'), 'executable = link.sh\nlog = root.log\nhold = true\nqueue\n');
  fs.writeFileSync(path.join(pool.dir, 'ckpt.sub'), 'executable = ckpt.sh\ncheckpoint_exit_code = 85\ntransfer_checkpoint_files = leak\nshould_transfer_files = YES\nlog = root.log\nhold = true\nqueue\n');
  t.equal((await pool.run('condor_submit', ['link.sub'])).code, 0);
  t.equal((await pool.run('condor_submit', ['ckpt.sub'])).code, 0);

  const logOf = (name: string) => path.join(pool.dir, `${name}.log`);
  await resubmitAs(pool, '1.0', user.name, { UserLog: JSON.stringify(logOf('shared')), TransferOutput: '"shared"' });
  const leak = await resubmitAs(pool, '1.0', user.name, { UserLog: JSON.stringify(logOf('leak')), TransferOutput: '"leak"' });
  const ckpt = await resubmitAs(pool, '2.0', user.name, { UserLog: JSON.stringify(logOf('ckpt')) });

  const shared = await outcomeOf(logOf('shared'));
  t.equal(shared.code, 5, `a link to a file the user may read ${shared.text}`);
  t.equal(fs.readFileSync(path.join(pool.dir, 'shared'), 'utf8'), 'for anyone\n');

  const leaked = await outcomeOf(logOf('leak'));
  t.equal(leaked.code, 12, 'a link to a file the user may not read holds the job');
  t.match(leaked.text, /Transfer output files failure at execution point .* Details: reading from file \S+\/leak: \(errno 13\) Permission denied\n\tCode 12 Subcode 13\n/);
  const held = await pool.run('condor_q', [String(leak), '-af:,', 'HoldReasonCode', 'HoldReasonSubCode']);
  t.equal(held.stdout.trim(), '12, 13');
  t.notOk(fs.existsSync(path.join(pool.dir, 'leak')), 'nothing of it reaches the submit directory');

  const ckptHeld = await outcomeOf(logOf('ckpt'));
  t.equal(ckptHeld.code, 12, 'a checkpoint holding such a link is not uploaded');
  t.match(ckptHeld.text, /Starter failed to upload checkpoint\n\tCode 36 Subcode -1\n/);
  const spool = await jobSpoolDir(pool, ckpt, 0);
  const spooled = fs.existsSync(spool) ? fs.readdirSync(spool, { recursive: true }).map(String) : [];
  t.notOk(spooled.some((name) => fs.statSync(path.join(spool, name)).isFile() && fs.readFileSync(path.join(spool, name), 'utf8').includes('root only')), 'no SPOOL file holds the secret');
});
