import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import t, { type Test } from 'tap';
import { removeSandbox } from './remove-sandbox.js';

const log = pino({ level: 'silent' });

function sandboxWith(t: Test, files: number, extra?: (dir: string) => void): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'remove-sandbox-'));
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const sandbox = path.join(root, 'dir_1_1');
  fs.mkdirSync(sandbox);
  for (let i = 0; i < files; i++) fs.writeFileSync(path.join(sandbox, `f${i}`), 'x');
  extra?.(sandbox);
  return sandbox;
}

async function gone(file: string): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (fs.existsSync(file)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return true;
}

t.test('a sandbox of a few files: its files are gone when the call returns, the directory soon after', async (t) => {
  const sandbox = sandboxWith(t, 5);
  removeSandbox(sandbox, log);
  t.same(fs.existsSync(sandbox) ? fs.readdirSync(sandbox) : [], []);
  t.ok(await gone(sandbox));
});

t.test('a small sandbox with directories (MOUNT_UNDER_SCRATCH\'s tmp/, var/tmp/): its files and links are gone when the call returns, links not followed', async (t) => {
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'remove-sandbox-outside-'));
  t.teardown(() => fs.rmSync(outside, { recursive: true, force: true }));
  fs.writeFileSync(path.join(outside, 'keep'), 'kept');
  const sandbox = sandboxWith(t, 3, (dir) => {
    fs.mkdirSync(path.join(dir, 'var/tmp'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'tmp'));
    fs.writeFileSync(path.join(dir, 'var/tmp/left'), 'x');
    fs.symlinkSync(outside, path.join(dir, 'tmp/link'));
  });
  removeSandbox(sandbox, log);
  const left = fs.existsSync(sandbox) ? fs.readdirSync(sandbox, { recursive: true, withFileTypes: true }).filter((entry) => !entry.isDirectory()) : [];
  t.same(left, []);
  t.ok(await gone(sandbox));
  t.equal(fs.readFileSync(path.join(outside, 'keep'), 'utf8'), 'kept');
});

t.test('a sandbox with deep directories, links or many files is removed in the background, links not followed', async (t) => {
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'remove-sandbox-outside-'));
  t.teardown(() => fs.rmSync(outside, { recursive: true, force: true }));
  fs.writeFileSync(path.join(outside, 'keep'), 'kept');
  const cases = [
    sandboxWith(t, 2, (dir) => {
      fs.mkdirSync(path.join(dir, 'sub/deeper'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'sub/deeper/file'), 'x');
    }),
    sandboxWith(t, 1, (dir) => fs.symlinkSync(outside, path.join(dir, 'link'))),
    sandboxWith(t, 200),
  ];
  for (const sandbox of cases) {
    removeSandbox(sandbox, log);
    t.ok(await gone(sandbox), sandbox);
  }
  t.equal(fs.readFileSync(path.join(outside, 'keep'), 'utf8'), 'kept');
});

t.test('a sandbox already gone is no error', async (t) => {
  const sandbox = sandboxWith(t, 0);
  fs.rmdirSync(sandbox);
  t.doesNotThrow(() => removeSandbox(sandbox, log));
});
