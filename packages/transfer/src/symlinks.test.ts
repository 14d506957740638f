import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { untransferableSymlink } from './symlinks.js';

function tree(t: Test): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'symlinks-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, 'data', 'deep'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'data', 'deep', 'f'), 'f');
  fs.symlinkSync(path.join(dir, 'data', 'deep', 'f'), path.join(dir, 'data', 'to-file'));
  return dir;
}

t.test('a tree of files and symlinks to files can be sent', async (t) => {
  const dir = tree(t);
  t.equal(untransferableSymlink(path.join(dir, 'data')), undefined);
  t.equal(untransferableSymlink(path.join(dir, 'missing')), undefined, 'a missing path is for the caller to report');
});

t.test('a symlink to a directory, listed or inside one, fails the transfer in HTCondor\'s words', async (t) => {
  const dir = tree(t);
  fs.symlinkSync(path.join(dir, 'data', 'deep'), path.join(dir, 'data', 'deep-link'));
  const inner = path.join(dir, 'data', 'deep-link');
  t.equal(untransferableSymlink(path.join(dir, 'data')), `reading from file ${inner}: (errno 21) Is a directory- Transfer of symlinks to directories is not supported.`);
  t.equal(untransferableSymlink(inner), `reading from file ${inner}: (errno 21) Is a directory- Transfer of symlinks to directories is not supported.`);
});

t.test('a symlink to be followed is judged by where it really leads', async (t) => {
  const dir = tree(t);
  const refusal = (real: string) => (real.endsWith(`${path.sep}f`) ? `${real} is protected` : undefined);
  t.equal(untransferableSymlink(path.join(dir, 'data'), undefined, refusal), `reading from file ${path.join(dir, 'data', 'to-file')}: (errno 13) Permission denied: ${fs.realpathSync(path.join(dir, 'data', 'deep', 'f'))} is protected`);
});
