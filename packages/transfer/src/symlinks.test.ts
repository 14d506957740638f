import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { readErrorOf, TransferReadError, untransferableSymlink } from './symlinks.js';

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
  t.equal(untransferableSymlink(path.join(dir, 'data'))?.message, `reading from file ${inner}: (errno 21) Is a directory- Transfer of symlinks to directories is not supported.`);
  t.equal(untransferableSymlink(inner)?.message, `reading from file ${inner}: (errno 21) Is a directory- Transfer of symlinks to directories is not supported.`);
});

t.test('a symlink to be followed is judged by where it really leads', async (t) => {
  const dir = tree(t);
  const refusal = (real: string) => (real.endsWith(`${path.sep}f`) ? `${real} is protected` : undefined);
  t.equal(untransferableSymlink(path.join(dir, 'data'), undefined, refusal)?.message, `reading from file ${path.join(dir, 'data', 'to-file')}: (errno 13) Permission denied: ${fs.realpathSync(path.join(dir, 'data', 'deep', 'f'))} is protected`);
});

t.test('a symlink to be followed that leads nowhere, or to a file that will not open, fails with the errno HTCondor holds with', async (t) => {
  const dir = tree(t);
  const follow = () => undefined;
  t.equal(untransferableSymlink(path.join(dir, 'data'), undefined, follow), undefined, 'a symlink to a readable file can be followed');
  const dangling = path.join(dir, 'data', 'dangling');
  fs.symlinkSync(path.join(dir, 'nowhere'), dangling);
  const nowhere = untransferableSymlink(path.join(dir, 'data'), undefined, follow);
  t.ok(nowhere instanceof TransferReadError);
  t.same({ message: nowhere?.message, errno: nowhere?.errno }, { message: `reading from file ${dangling}: (errno 2) No such file or directory`, errno: 2 });
  t.equal(untransferableSymlink(path.join(dir, 'data')), undefined, 'not followed, a dangling symlink is sent as it is');
  fs.rmSync(dangling);

  const opens: string[] = [];
  const rights = <T>(operations: () => T): T => {
    const open = fs.openSync;
    (fs as { openSync: typeof fs.openSync }).openSync = ((file: fs.PathLike) => {
      opens.push(String(file));
      throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    }) as typeof fs.openSync;
    try {
      return operations();
    } finally {
      (fs as { openSync: typeof fs.openSync }).openSync = open;
    }
  };
  const denied = untransferableSymlink(path.join(dir, 'data'), rights, follow);
  t.same({ message: denied?.message, errno: denied?.errno }, { message: `reading from file ${path.join(dir, 'data', 'to-file')}: (errno 13) Permission denied`, errno: 13 });
  t.same(opens, [path.join(dir, 'data', 'to-file')], "only the symlink's target is opened, with the rights given");
});

t.test("a failed call in HTCondor's words: strerror's text and the errno", async (t) => {
  t.equal(readErrorOf('/x', { code: 'ELOOP' }).message, 'reading from file /x: (errno 40) Too many levels of symbolic links');
  t.equal(readErrorOf('/x', { code: 'EWEIRD', message: 'odd' }).message, 'reading from file /x: (errno 5) Input/output error (EWEIRD)');
});
