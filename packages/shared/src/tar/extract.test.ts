import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import t, { type Test } from 'tap';
import tar from 'tar-stream';
import { DEFAULT_EXTRACT_LIMITS, UnsafeArchiveError, extractTarSafely, safeRelativePath, type ExtractLimits } from './extract.js';
import { END_MARKER } from './pack.js';

interface ArchiveEntry {
  header: Parameters<tar.Pack['entry']>[0];
  body?: string;
}

/** Builds a tar archive in memory with exactly the given headers, however hostile. */
/** A tar of the entries, closed by the end marker tinycondor's packer writes (unless `ended` is false). */
async function archive(entries: ArchiveEntry[], ended = true): Promise<Readable> {
  const pack = tar.pack();
  const counts = { files: 0, bytes: 0 };
  for (const { header, body } of entries) {
    if (body === undefined) pack.entry(header);
    else pack.entry(header, body);
    if (header.type === 'file' && body !== undefined) {
      counts.files += 1;
      counts.bytes += Buffer.byteLength(body);
    }
  }
  if (ended) pack.entry({ name: END_MARKER, type: 'file' }, JSON.stringify(counts));
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Readable.from([Buffer.concat(chunks)]);
}

const file = (name: string, body: string, mode = 0o644): ArchiveEntry => ({ header: { name, type: 'file', mode, size: Buffer.byteLength(body) }, body });

/** A root holding the destination and an `outside` directory with one file nothing may touch. */
function sandbox(t: Test): { root: string; dest: string; outside: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-extract-'));
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const dest = path.join(root, 'dest');
  const outside = path.join(root, 'outside');
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'victim.txt'), 'original');
  return { root, dest, outside };
}

function assertOutsideUntouched(t: Test, root: string, outside: string): void {
  t.same(fs.readdirSync(root).sort(), ['dest', 'outside'], 'nothing new beside dest');
  t.same(fs.readdirSync(outside), ['victim.txt'], 'nothing new outside');
  t.equal(fs.readFileSync(path.join(outside, 'victim.txt'), 'utf8'), 'original');
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('the archive was accepted');
}

async function expectUnsafe(t: Test, entries: ArchiveEntry[], message: string, limits?: ExtractLimits): Promise<string> {
  const box = sandbox(t);
  const err = await rejection(extractTarSafely(await archive(entries), box.dest, limits));
  t.ok(err instanceof UnsafeArchiveError, `UnsafeArchiveError, got ${err.name}: ${err.message}`);
  t.equal(err.message, message);
  assertOutsideUntouched(t, box.root, box.outside);
  return box.dest;
}

t.test('safeRelativePath normalises safe names', async (t) => {
  t.equal(safeRelativePath('a.txt'), 'a.txt');
  t.equal(safeRelativePath('./dir//sub/./f'), 'dir/sub/f');
  t.equal(safeRelativePath('dir/'), 'dir');
  t.equal(safeRelativePath('..data/x..y'), '..data/x..y', 'dots inside a name are fine');
});

t.test('safeRelativePath rejects names that could escape', async (t) => {
  const cases: Array<[string, string]> = [
    ['', "archive entry '': bad name length"],
    ['x'.repeat(4097), `archive entry '${'x'.repeat(4097)}': bad name length`],
    ['a\0b', "archive entry 'a\0b': NUL in name"],
    ['/etc/passwd', "archive entry '/etc/passwd': absolute path"],
    ['C:/Windows', "archive entry 'C:/Windows': absolute path"],
    ['./', "archive entry './': empty path"],
    ['..', "archive entry '..': '..' in path"],
    ['a/../../b', "archive entry 'a/../../b': '..' in path"],
  ];
  for (const [name, message] of cases) {
    t.throws(() => safeRelativePath(name), { name: 'UnsafeArchiveError', message, entryName: name }, JSON.stringify(name.slice(0, 20)));
  }
});

t.test('default limits', async (t) => {
  t.same(DEFAULT_EXTRACT_LIMITS, { maxEntries: 100000, maxTotalBytes: 68719476736, maxEntryBytes: 68719476736 });
});

t.test('extracts files, directories and inside symlinks; later entries win', async (t) => {
  const { dest } = sandbox(t);
  fs.mkdirSync(dest);
  fs.writeFileSync(path.join(dest, 'top.txt'), 'old contents that are longer');
  const result = await extractTarSafely(
    await archive([
      file('top.txt', 'new'),
      { header: { name: 'dir/', type: 'directory', mode: 0o750 } },
      file('dir/a.sh', '#!/bin/sh\n', 0o755),
      { header: { name: 'dir/link', type: 'symlink', linkname: 'a.sh' } },
      { header: { name: 'up', type: 'symlink', linkname: 'dir/../top.txt' } },
      file('dir/a.sh', 'second\n', 0o700),
    ]),
    dest,
  );
  t.same(result, { topLevelNames: ['top.txt', 'dir', 'up'], files: 3, bytes: 20 });
  t.equal(fs.readFileSync(path.join(dest, 'top.txt'), 'utf8'), 'new');
  t.equal(fs.readFileSync(path.join(dest, 'dir/a.sh'), 'utf8'), 'second\n');
  t.equal(fs.statSync(path.join(dest, 'dir/a.sh')).mode & 0o777, 0o700);
  t.equal(fs.readlinkSync(path.join(dest, 'dir/link')), 'a.sh');
  t.equal(fs.readFileSync(path.join(dest, 'up'), 'utf8'), 'new');
});

t.test('a file entry replaces a directory of the same name, and the reverse', async (t) => {
  const { dest } = sandbox(t);
  await extractTarSafely(
    await archive([
      { header: { name: 'x/', type: 'directory' } },
      file('x/inner', 'i'),
      file('x', 'now a file'),
      file('y', 'a file'),
      { header: { name: 'y/', type: 'directory' } },
    ]),
    dest,
  );
  t.equal(fs.readFileSync(path.join(dest, 'x'), 'utf8'), 'now a file');
  t.equal(fs.lstatSync(path.join(dest, 'y')).isDirectory(), true);
});

t.test('an absolute path is rejected', async (t) => {
  const box = sandbox(t);
  const name = path.join(box.outside, 'abs.txt');
  const err = await rejection(extractTarSafely(await archive([file(name, 'pwned')]), box.dest));
  t.ok(err instanceof UnsafeArchiveError);
  t.equal(err.message, `archive entry '${name}': absolute path`);
  assertOutsideUntouched(t, box.root, box.outside);
});

t.test("a name with '..' is rejected", async (t) => {
  await expectUnsafe(t, [file('../outside/dotdot.txt', 'pwned')], "archive entry '../outside/dotdot.txt': '..' in path");
  await expectUnsafe(t, [file('ok.txt', 'fine'), file('a/../../escape.txt', 'pwned')], "archive entry 'a/../../escape.txt': '..' in path");
});

t.test('a symlink pointing outside is rejected and not created', async (t) => {
  const dest = await expectUnsafe(
    t,
    [{ header: { name: 'link', type: 'symlink', linkname: '../outside' } }],
    "archive entry 'link': symlink to '../outside' points outside",
  );
  t.equal(fs.existsSync(path.join(dest, 'link')), false);
  const dest2 = await expectUnsafe(
    t,
    [{ header: { name: 'sub/abs', type: 'symlink', linkname: '/etc' } }],
    "archive entry 'sub/abs': symlink to '/etc' points outside",
  );
  t.equal(fs.existsSync(path.join(dest2, 'sub', 'abs')), false);
});

t.test('a file written through a symlinked directory from the archive is rejected', async (t) => {
  const dest = await expectUnsafe(
    t,
    [
      { header: { name: 'real/', type: 'directory' } },
      { header: { name: 'ln', type: 'symlink', linkname: 'real' } },
      file('ln/through.txt', 'pwned'),
    ],
    "archive entry 'ln/through.txt': parent 'ln' is not a directory",
  );
  t.same(fs.readdirSync(path.join(dest, 'real')), []);
});

t.test('a file written through a symlink already in the destination is rejected', async (t) => {
  const box = sandbox(t);
  fs.mkdirSync(box.dest);
  fs.symlinkSync('../outside', path.join(box.dest, 'esc'));
  const err = await rejection(extractTarSafely(await archive([file('esc/pwn.txt', 'pwned')]), box.dest));
  t.ok(err instanceof UnsafeArchiveError);
  t.equal(err.message, "archive entry 'esc/pwn.txt': parent 'esc' is not a directory");
  assertOutsideUntouched(t, box.root, box.outside);
});

t.test('a symlink that escapes through another symlink is rejected', async (t) => {
  const box = sandbox(t);
  const outcome = await extractTarSafely(
    await archive([
      { header: { name: 'b', type: 'symlink', linkname: '.' } },
      { header: { name: 'a', type: 'symlink', linkname: 'b/..' } },
    ]),
    box.dest,
  ).then(
    () => 'accepted',
    (err: Error) => err.name,
  );
  t.equal(outcome, 'UnsafeArchiveError');
  const a = path.join(box.dest, 'a');
  const escapes = fs.existsSync(a) && !fs.realpathSync.native(a).startsWith(fs.realpathSync.native(box.dest));
  t.equal(escapes, false, 'no entry resolves outside the destination');
  assertOutsideUntouched(t, box.root, box.outside);
});

t.test('hard links are rejected', async (t) => {
  const dest = await expectUnsafe(
    t,
    [file('a.txt', 'a'), { header: { name: 'hl', type: 'link', linkname: '../outside/victim.txt' } }],
    "archive entry 'hl': entry type 'link' is not allowed",
  );
  t.equal(fs.existsSync(path.join(dest, 'hl')), false);
  await expectUnsafe(t, [file('a.txt', 'a'), { header: { name: 'hl', type: 'link', linkname: 'a.txt' } }], "archive entry 'hl': entry type 'link' is not allowed");
});

t.test('devices and FIFOs are rejected', async (t) => {
  const dest = await expectUnsafe(
    t,
    [{ header: { name: 'null', type: 'character-device', devmajor: 1, devminor: 3 } }],
    "archive entry 'null': entry type 'character-device' is not allowed",
  );
  t.equal(fs.existsSync(path.join(dest, 'null')), false);
  await expectUnsafe(t, [{ header: { name: 'sda', type: 'block-device', devmajor: 8, devminor: 0 } }], "archive entry 'sda': entry type 'block-device' is not allowed");
  const dest3 = await expectUnsafe(t, [{ header: { name: 'pipe', type: 'fifo' } }], "archive entry 'pipe': entry type 'fifo' is not allowed");
  t.equal(fs.existsSync(path.join(dest3, 'pipe')), false);
});

const small: ExtractLimits = { maxEntries: 2, maxTotalBytes: 15, maxEntryBytes: 10 };

t.test('too many entries', async (t) => {
  await expectUnsafe(t, [file('a', '1'), file('b', '2'), file('c', '3')], "archive entry 'c': more than 2 entries", small);
});

t.test('an oversize entry is rejected before anything of it is written', async (t) => {
  const dest = await expectUnsafe(t, [file('big.bin', 'x'.repeat(11))], "archive entry 'big.bin': size 11 exceeds 10", small);
  t.equal(fs.existsSync(path.join(dest, 'big.bin')), false);
});

t.test('an archive over the total size is rejected at the entry that crosses the limit', async (t) => {
  const dest = await expectUnsafe(t, [file('a', 'x'.repeat(10)), file('b', 'y'.repeat(10))], "archive entry 'b': archive exceeds 15 bytes", small);
  t.equal(fs.readFileSync(path.join(dest, 'a'), 'utf8'), 'x'.repeat(10));
  t.equal(fs.existsSync(path.join(dest, 'b')), false);
});

t.test('entries at the limits are accepted', async (t) => {
  const { dest } = sandbox(t);
  const result = await extractTarSafely(await archive([file('a', 'x'.repeat(10)), file('b', 'y'.repeat(5))]), dest, small);
  t.same(result, { topLevelNames: ['a', 'b'], files: 2, bytes: 15 });
});

t.test('a transfer cut at an entry boundary, or with wrong counts, is incomplete', async (t) => {
  const { dest } = sandbox(t);
  await t.rejects(extractTarSafely(await archive([file('a', 'xyz')], false), dest), { name: 'IncompleteArchiveError', message: /end marker/ });
  const lying = await archive([file('a', 'xyz'), { header: { name: END_MARKER, type: 'file' }, body: '{"files":2,"bytes":3}' }], false);
  await t.rejects(extractTarSafely(lying, dest), { name: 'IncompleteArchiveError', message: /announced 2 files/ });
  const trailing = await archive([{ header: { name: END_MARKER, type: 'file' }, body: '{"files":0,"bytes":0}' }, file('late', 'x')], false);
  await t.rejects(extractTarSafely(trailing, dest), { name: 'UnsafeArchiveError', message: /after the end marker/ });
});
