import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import t, { type Test } from 'tap';
import tar from 'tar-stream';
import { extractTarSafely } from './extract.js';
import { FILE_CHUNK_BYTES, packEntries } from './pack.js';

function tempDir(t: Test): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-pack-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A source tree: files with modes, nested directories, an empty directory and a symlink inside. */
function makeTree(root: string): { top: string; tree: string } {
  const top = path.join(root, 'top.txt');
  fs.writeFileSync(top, 'top level\n');
  fs.chmodSync(top, 0o640);
  const tree = path.join(root, 'tree');
  fs.mkdirSync(path.join(tree, 'bin'), { recursive: true });
  fs.mkdirSync(path.join(tree, 'nested', 'deep'), { recursive: true });
  fs.mkdirSync(path.join(tree, 'empty'));
  fs.writeFileSync(path.join(tree, 'bin', 'run.sh'), '#!/bin/sh\necho hi\n');
  fs.chmodSync(path.join(tree, 'bin', 'run.sh'), 0o755);
  fs.chmodSync(path.join(tree, 'bin'), 0o750);
  fs.writeFileSync(path.join(tree, 'nested', 'deep', 'data.bin'), Buffer.from([0, 1, 2, 255]));
  fs.symlinkSync('deep/data.bin', path.join(tree, 'nested', 'link'));
  return { top, tree };
}

t.test('packEntries lists entries in order with directories recursed and sorted', async (t) => {
  const { top, tree } = makeTree(tempDir(t));
  const { stream, done } = packEntries([
    { name: 'renamed.txt', source: top },
    { name: 'tree', source: tree },
  ]);
  const seen: Array<[string, string, number, string | null | undefined]> = [];
  const extract = tar.extract();
  const reading = (async () => {
    for await (const entry of extract) {
      const h = entry.header;
      seen.push([h.name, h.type ?? '', (h.mode ?? 0) & 0o777, h.type === 'symlink' ? h.linkname : h.size !== undefined ? String(h.size) : undefined]);
      entry.resume();
    }
  })();
  stream.pipe(extract);
  await reading;
  t.same(await done, { files: 3, bytes: 32, linked: 0 });
  t.same(seen, [
    ['renamed.txt', 'file', 0o640, '10'],
    ['tree/', 'directory', fs.statSync(tree).mode & 0o777, '0'],
    ['tree/bin/', 'directory', 0o750, '0'],
    ['tree/bin/run.sh', 'file', 0o755, '18'],
    ['tree/empty/', 'directory', fs.statSync(path.join(tree, 'empty')).mode & 0o777, '0'],
    ['tree/nested/', 'directory', fs.statSync(path.join(tree, 'nested')).mode & 0o777, '0'],
    ['tree/nested/deep/', 'directory', fs.statSync(path.join(tree, 'nested', 'deep')).mode & 0o777, '0'],
    ['tree/nested/deep/data.bin', 'file', 0o644 & ~process.umask(), '4'],
    ['tree/nested/link', 'symlink', 0o777, 'deep/data.bin'],
    ['.tinycondor-end', 'file', 0o600, String('{"files":3,"bytes":32,"linked":0}'.length)],
  ]);
});

t.test('round trip through extractTarSafely keeps contents, modes and symlinks', async (t) => {
  const previousUmask = process.umask(0o022);
  t.teardown(() => process.umask(previousUmask));
  const root = tempDir(t);
  const { top, tree } = makeTree(root);
  const dest = path.join(root, 'out');
  const { stream, done } = packEntries([
    { name: 'top.txt', source: top },
    { name: 'tree', source: tree },
  ]);
  // packEntries gives a streamx stream; extractTarSafely takes a Node Readable.
  const result = await extractTarSafely(Readable.from(stream), dest);
  t.same(await done, { files: 3, bytes: 32, linked: 0 });
  t.same(result, { topLevelNames: ['top.txt', 'tree'], files: 3, bytes: 32, linked: 0, withheld: [] });
  t.same(fs.readdirSync(dest).sort(), ['top.txt', 'tree']);
  t.same(fs.readdirSync(path.join(dest, 'tree')).sort(), ['bin', 'empty', 'nested']);
  t.equal(fs.readFileSync(path.join(dest, 'top.txt'), 'utf8'), 'top level\n');
  t.equal(fs.statSync(path.join(dest, 'top.txt')).mode & 0o777, 0o640);
  t.equal(fs.readFileSync(path.join(dest, 'tree/bin/run.sh'), 'utf8'), '#!/bin/sh\necho hi\n');
  t.equal(fs.statSync(path.join(dest, 'tree/bin/run.sh')).mode & 0o777, 0o755);
  t.equal(fs.statSync(path.join(dest, 'tree/bin')).mode & 0o777, 0o750);
  t.same(fs.readFileSync(path.join(dest, 'tree/nested/deep/data.bin')), Buffer.from([0, 1, 2, 255]));
  t.equal(fs.lstatSync(path.join(dest, 'tree/nested/link')).isSymbolicLink(), true);
  t.equal(fs.readlinkSync(path.join(dest, 'tree/nested/link')), 'deep/data.bin');
  t.same(fs.readFileSync(path.join(dest, 'tree/nested/link')), Buffer.from([0, 1, 2, 255]));
  t.same(fs.readdirSync(path.join(dest, 'tree/empty')), []);
});

t.test('a missing source fails both the promise and the stream', async (t) => {
  const root = tempDir(t);
  const { stream, done } = packEntries([{ name: 'gone', source: path.join(root, 'does-not-exist') }]);
  const streamError = new Promise<Error>((resolve) => stream.on('error', resolve));
  stream.resume();
  await t.rejects(done, { code: 'ENOENT' });
  t.equal((await streamError as NodeJS.ErrnoException).code, 'ENOENT');
});

t.test('a chunk given back is reused for the next read, and one kept is not', async (t) => {
  const root = tempDir(t);
  const parts = ['a', 'b', 'c'].map((name, i) => {
    const source = path.join(root, name);
    fs.writeFileSync(source, Buffer.alloc(FILE_CHUNK_BYTES, i + 1));
    return { name, source };
  });
  const archive = packEntries(parts);
  const memories: ArrayBufferLike[] = [];
  const contents: number[] = [];
  for await (const data of archive.stream) {
    const chunk = data as Buffer;
    if (chunk.length !== FILE_CHUNK_BYTES) continue;
    memories.push(chunk.buffer);
    contents.push(chunk[0], chunk[FILE_CHUNK_BYTES - 1]);
    // The first chunk is kept (as a consumer that never gives chunks back does); the second is given back.
    if (memories.length === 2) archive.release(chunk);
  }
  t.same(await archive.done, { files: 3, bytes: 3 * FILE_CHUNK_BYTES, linked: 0 });
  t.same(contents, [1, 1, 2, 2, 3, 3], 'each file read whole into its chunk');
  t.not(memories[1], memories[0], 'a chunk not given back is not reused');
  t.equal(memories[2], memories[1], 'the chunk given back holds the next read');
});

t.test('followSymlinks: a symlink to a file is sent as that file, judged where it really leads', async (t) => {
  const root = tempDir(t);
  const outside = path.join(root, 'outside.txt');
  fs.writeFileSync(outside, 'pointed at\n');
  const box = path.join(root, 'box');
  fs.mkdirSync(path.join(box, 'sub'), { recursive: true });
  fs.symlinkSync(outside, path.join(box, 'sub', 'abs-link'));
  const dest = path.join(root, 'dest');
  fs.mkdirSync(dest);
  const allowed = packEntries([{ name: 'box', source: box, followSymlinks: { refusal: () => undefined } }]);
  await extractTarSafely(Readable.from(allowed.stream), dest);
  t.equal(fs.lstatSync(path.join(dest, 'box', 'sub', 'abs-link')).isFile(), true, 'a file, not a link');
  t.equal(fs.readFileSync(path.join(dest, 'box', 'sub', 'abs-link'), 'utf8'), 'pointed at\n');

  const refused = packEntries([{ name: 'box', source: box, followSymlinks: { refusal: (real) => (real === outside ? 'protected' : undefined) } }]);
  refused.stream.on('error', () => undefined).resume();
  await t.rejects(refused.done, { message: `reading from file ${path.join(box, 'sub', 'abs-link')}: (errno 13) Permission denied: protected` });

  fs.symlinkSync(root, path.join(box, 'dir-link'));
  const toDirectory = packEntries([{ name: 'box', source: box, followSymlinks: { refusal: () => undefined } }]);
  toDirectory.stream.on('error', () => undefined).resume();
  await t.rejects(toDirectory.done, /Transfer of symlinks to directories is not supported/);
});

t.test('followSymlinks: a symlink to nothing fails with errno 2; one to a FIFO is left out', async (t) => {
  const root = tempDir(t);
  const box = path.join(root, 'box');
  fs.mkdirSync(box);
  fs.writeFileSync(path.join(box, 'kept'), 'kept\n');
  execFileSync('/usr/bin/mkfifo', [path.join(root, 'fifo')]);
  fs.symlinkSync(path.join(root, 'fifo'), path.join(box, 'to-fifo'));
  const dest = path.join(root, 'dest');
  fs.mkdirSync(dest);
  const packed = packEntries([{ name: 'box', source: box, followSymlinks: { refusal: () => undefined } }]);
  await extractTarSafely(Readable.from(packed.stream), dest);
  t.same(fs.readdirSync(path.join(dest, 'box')), ['kept'], 'the FIFO is not opened, nor sent');

  fs.symlinkSync(path.join(root, 'nowhere'), path.join(box, 'dangling'));
  const dangling = packEntries([{ name: 'box', source: box, followSymlinks: { refusal: () => undefined } }]);
  dangling.stream.on('error', () => undefined).resume();
  await t.rejects(dangling.done, { name: 'TransferReadError', errno: 2, message: `reading from file ${path.join(box, 'dangling')}: (errno 2) No such file or directory` });
});
