import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import t, { type Test } from 'tap';
import tar from 'tar-stream';
import { DEFAULT_EXTRACT_LIMITS, UnsafeArchiveError, extractTarSafely, safeRelativePath, type ExtractLimits, type ExtractOptions } from './extract.js';
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

async function expectUnsafe(t: Test, entries: ArchiveEntry[], message: string, options: ExtractOptions = {}): Promise<string> {
  const box = sandbox(t);
  const err = await rejection(extractTarSafely(await archive(entries), box.dest, options));
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
  t.same(result, { topLevelNames: ['top.txt', 'dir', 'up'], files: 3, bytes: 20, linked: 0, withheld: [] });
  t.equal(fs.readFileSync(path.join(dest, 'top.txt'), 'utf8'), 'new');
  t.equal(fs.readFileSync(path.join(dest, 'dir/a.sh'), 'utf8'), 'second\n');
  t.equal(fs.statSync(path.join(dest, 'dir/a.sh')).mode & 0o777, 0o700);
  t.equal(fs.readlinkSync(path.join(dest, 'dir/link')), 'a.sh');
  t.equal(fs.readFileSync(path.join(dest, 'up'), 'utf8'), 'new');
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

const small: ExtractLimits = { maxEntries: 2, maxTotalBytes: 15, maxEntryBytes: 10 };

/** Every check holds whether the destination may hold files already or is created by the extraction, durably or not. */
const MODES: Array<[string, ExtractOptions]> = [
  ['existing destination', {}],
  ['new destination', { createDest: true }],
  ['new destination, durable (as a SPOOL commit)', { createDest: true, durable: true }],
];

for (const [mode, options] of MODES) {
  t.test(`${mode}: a file entry replaces a directory of the same name, and the reverse`, async (t) => {
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
      options,
    );
    t.equal(fs.readFileSync(path.join(dest, 'x'), 'utf8'), 'now a file');
    t.equal(fs.lstatSync(path.join(dest, 'y')).isDirectory(), true);
  });

  t.test(`${mode}: the same name twice, a file then a directory and back, a directory replaced with what it held`, async (t) => {
    const { dest } = sandbox(t);
    const result = await extractTarSafely(
      await archive([
        file('twice', 'first, longer'),
        file('./twice', 'second'),
        file('d/a/deep', 'gone with d'),
        file('d', 'd is a file now'),
        { header: { name: 'd/', type: 'directory', mode: 0o750 } },
        file('d/b', 'only b'),
        file('implicit/sub/f', 'parents made on the way'),
        { header: { name: 'implicit/', type: 'directory', mode: 0o700 } },
        file('implicit/sub/g', 'g'),
      ]),
      dest,
      options,
    );
    t.same(result.topLevelNames, ['twice', 'd', 'implicit']);
    t.same(fs.readdirSync(dest).sort(), ['d', 'implicit', 'twice']);
    t.equal(fs.readFileSync(path.join(dest, 'twice'), 'utf8'), 'second');
    t.same(fs.readdirSync(path.join(dest, 'd')), ['b']);
    t.equal(fs.statSync(path.join(dest, 'd')).mode & 0o777, 0o750);
    t.same(fs.readdirSync(path.join(dest, 'implicit', 'sub')).sort(), ['f', 'g']);
  });

  t.test(`${mode}: nothing is written below a file or a symlink an earlier entry made`, async (t) => {
    await expectUnsafe(t, [file('f', 'a file'), file('f/below', 'pwned')], "archive entry 'f/below': parent 'f' is not a directory", options);
    await expectUnsafe(
      t,
      [{ header: { name: 'd/', type: 'directory' } }, file('d', 'a file'), { header: { name: 'd/sub/', type: 'directory' } }],
      "archive entry 'd/sub': parent 'd' is not a directory",
      options,
    );
    const dest = await expectUnsafe(
      t,
      [{ header: { name: 'real/', type: 'directory' } }, { header: { name: 'ln', type: 'symlink', linkname: 'real' } }, { header: { name: 'ln/sub/', type: 'directory' } }],
      "archive entry 'ln/sub': parent 'ln' is not a directory",
      options,
    );
    t.same(fs.readdirSync(path.join(dest, 'real')), []);
    await expectUnsafe(
      t,
      [{ header: { name: 'ln', type: 'symlink', linkname: '../outside' } }],
      "archive entry 'ln': symlink to '../outside' points outside",
      options,
    );
  });

  t.test(`${mode}: a symlink replaced by a directory or a file is no longer followed`, async (t) => {
    const { dest } = sandbox(t);
    await extractTarSafely(
      await archive([
        { header: { name: 'real/', type: 'directory' } },
        { header: { name: 'ln', type: 'symlink', linkname: 'real' } },
        { header: { name: 'ln/', type: 'directory' } },
        file('ln/inside', 'in ln itself'),
        { header: { name: 'ln2', type: 'symlink', linkname: 'real' } },
        file('ln2', 'a file now'),
      ]),
      dest,
      options,
    );
    t.equal(fs.lstatSync(path.join(dest, 'ln')).isDirectory(), true);
    t.equal(fs.readFileSync(path.join(dest, 'ln', 'inside'), 'utf8'), 'in ln itself');
    t.equal(fs.lstatSync(path.join(dest, 'ln2')).isFile(), true);
    t.same(fs.readdirSync(path.join(dest, 'real')), []);
  });

  t.test(`${mode}: an absolute path is rejected`, async (t) => {
    const box = sandbox(t);
    const name = path.join(box.outside, 'abs.txt');
    const err = await rejection(extractTarSafely(await archive([file(name, 'pwned')]), box.dest, options));
    t.ok(err instanceof UnsafeArchiveError);
    t.equal(err.message, `archive entry '${name}': absolute path`);
    assertOutsideUntouched(t, box.root, box.outside);
  });

  t.test(`${mode}: a name with '..' is rejected`, async (t) => {
    await expectUnsafe(t, [file('../outside/dotdot.txt', 'pwned')], "archive entry '../outside/dotdot.txt': '..' in path", options);
    await expectUnsafe(t, [file('ok.txt', 'fine'), file('a/../../escape.txt', 'pwned')], "archive entry 'a/../../escape.txt': '..' in path", options);
  });

  t.test(`${mode}: a symlink pointing outside is rejected and not created`, async (t) => {
    const dest = await expectUnsafe(
      t,
      [{ header: { name: 'link', type: 'symlink', linkname: '../outside' } }],
      "archive entry 'link': symlink to '../outside' points outside",
      options,
    );
    t.equal(fs.existsSync(path.join(dest, 'link')), false);
    const dest2 = await expectUnsafe(
      t,
      [{ header: { name: 'sub/abs', type: 'symlink', linkname: '/etc' } }],
      "archive entry 'sub/abs': symlink to '/etc' points outside",
      options,
    );
    t.equal(fs.existsSync(path.join(dest2, 'sub', 'abs')), false);
  });

  t.test(`${mode}: a file written through a symlinked directory from the archive is rejected`, async (t) => {
    const dest = await expectUnsafe(
      t,
      [
        { header: { name: 'real/', type: 'directory' } },
        { header: { name: 'ln', type: 'symlink', linkname: 'real' } },
        file('ln/through.txt', 'pwned'),
      ],
      "archive entry 'ln/through.txt': parent 'ln' is not a directory",
      options,
    );
    t.same(fs.readdirSync(path.join(dest, 'real')), []);
  });

  t.test(`${mode}: a symlink that escapes through another symlink is rejected`, async (t) => {
    const box = sandbox(t);
    const outcome = await extractTarSafely(
      await archive([
        { header: { name: 'b', type: 'symlink', linkname: '.' } },
        { header: { name: 'a', type: 'symlink', linkname: 'b/..' } },
      ]),
      box.dest,
      options,
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

  t.test(`${mode}: hard links are rejected`, async (t) => {
    const dest = await expectUnsafe(
      t,
      [file('a.txt', 'a'), { header: { name: 'hl', type: 'link', linkname: '../outside/victim.txt' } }],
      "archive entry 'hl': entry type 'link' is not allowed",
      options,
    );
    t.equal(fs.existsSync(path.join(dest, 'hl')), false);
    await expectUnsafe(t, [file('a.txt', 'a'), { header: { name: 'hl', type: 'link', linkname: 'a.txt' } }], "archive entry 'hl': entry type 'link' is not allowed", options);
  });

  t.test(`${mode}: devices and FIFOs are rejected`, async (t) => {
    const dest = await expectUnsafe(
      t,
      [{ header: { name: 'null', type: 'character-device', devmajor: 1, devminor: 3 } }],
      "archive entry 'null': entry type 'character-device' is not allowed",
      options,
    );
    t.equal(fs.existsSync(path.join(dest, 'null')), false);
    await expectUnsafe(t, [{ header: { name: 'sda', type: 'block-device', devmajor: 8, devminor: 0 } }], "archive entry 'sda': entry type 'block-device' is not allowed", options);
    const dest3 = await expectUnsafe(t, [{ header: { name: 'pipe', type: 'fifo' } }], "archive entry 'pipe': entry type 'fifo' is not allowed", options);
    t.equal(fs.existsSync(path.join(dest3, 'pipe')), false);
  });

  t.test(`${mode}: too many entries`, async (t) => {
    await expectUnsafe(t, [file('a', '1'), file('b', '2'), file('c', '3')], "archive entry 'c': more than 2 entries", { ...options, limits: small });
  });

  t.test(`${mode}: an oversize entry is rejected before anything of it is written`, async (t) => {
    const dest = await expectUnsafe(t, [file('big.bin', 'x'.repeat(11))], "archive entry 'big.bin': size 11 exceeds 10", { ...options, limits: small });
    t.equal(fs.existsSync(path.join(dest, 'big.bin')), false);
  });

  t.test(`${mode}: an archive over the total size is rejected at the entry that crosses the limit`, async (t) => {
    const dest = await expectUnsafe(t, [file('a', 'x'.repeat(10)), file('b', 'y'.repeat(10))], "archive entry 'b': archive exceeds 15 bytes", { ...options, limits: small });
    t.equal(fs.readFileSync(path.join(dest, 'a'), 'utf8'), 'x'.repeat(10));
    t.equal(fs.existsSync(path.join(dest, 'b')), false);
  });

  t.test(`${mode}: entries at the limits are accepted`, async (t) => {
    const { dest } = sandbox(t);
    const result = await extractTarSafely(await archive([file('a', 'x'.repeat(10)), file('b', 'y'.repeat(5))]), dest, { ...options, limits: small });
    t.same(result, { topLevelNames: ['a', 'b'], files: 2, bytes: 15, linked: 0, withheld: [] });
  });

  t.test(`${mode}: a transfer cut at an entry boundary, or with wrong counts, is incomplete`, async (t) => {
    const { root } = sandbox(t);
    const cut = extractTarSafely(await archive([file('a', 'xyz')], false), path.join(root, 'cut'), options);
    await t.rejects(cut, { name: 'IncompleteArchiveError', message: /end marker/ });
    const lying = await archive([file('a', 'xyz'), { header: { name: END_MARKER, type: 'file' }, body: '{"files":2,"bytes":3}' }], false);
    await t.rejects(extractTarSafely(lying, path.join(root, 'lying'), options), { name: 'IncompleteArchiveError', message: /announced 2 files/ });
    const trailing = await archive([{ header: { name: END_MARKER, type: 'file' }, body: '{"files":0,"bytes":0}' }, file('late', 'x')], false);
    await t.rejects(extractTarSafely(trailing, path.join(root, 'trailing'), options), { name: 'UnsafeArchiveError', message: /after the end marker/ });
  });
}

t.test('withheld top-level names: their files, directories and links are read and counted, never written', async (t) => {
  const { root, dest, outside } = sandbox(t);
  const result = await extractTarSafely(
    await archive([
      file('.ccommit.con', 'job data'),
      { header: { name: '.ccommit.con', type: 'directory', mode: 0o755 } },
      file('.ccommit.con/inner', 'more'),
      { header: { name: '.ccommit.con', type: 'symlink', linkname: 'kept' } },
      file('kept', 'ok'),
      file('dir/.ccommit.con', 'nested names are ordinary'),
    ]),
    dest,
    { withheldTopLevelNames: ['.ccommit.con'] },
  );
  t.same(result, { topLevelNames: ['kept', 'dir'], files: 4, bytes: 39, linked: 0, withheld: ['.ccommit.con'] });
  t.same(fs.readdirSync(dest).sort(), ['dir', 'kept']);
  t.equal(fs.readFileSync(path.join(dest, 'dir/.ccommit.con'), 'utf8'), 'nested names are ordinary');
  assertOutsideUntouched(t, root, outside);
  const oversize = await rejection(
    extractTarSafely(await archive([file('.ccommit.con', 'x'.repeat(100))]), path.join(root, 'dest2'), {
      withheldTopLevelNames: ['.ccommit.con'],
      limits: { ...DEFAULT_EXTRACT_LIMITS, maxEntryBytes: 10 },
    }),
  );
  t.match(oversize.message, /size 100 exceeds 10/, 'the limits apply to withheld entries too');
});

t.test('a new destination must not exist, and nothing beside the extraction may appear in it', async (t) => {
  const box = sandbox(t);
  fs.mkdirSync(box.dest);
  fs.writeFileSync(path.join(box.dest, 'stale'), 'from before');
  const err = await rejection(extractTarSafely(await archive([file('a', 'x')]), box.dest, { createDest: true }));
  t.equal((err as NodeJS.ErrnoException).code, 'EEXIST');
  t.same(fs.readdirSync(box.dest), ['stale']);
  const other = path.join(box.root, 'other');
  const chunks: Buffer[] = [];
  for await (const chunk of await archive([file('a', 'from the archive')])) chunks.push(chunk as Buffer);
  // Read only once the destination is made: a writer that is not the extraction gets there first.
  const source = new Readable({
    read() {
      if (chunks.length === 0) return;
      fs.writeFileSync(path.join(other, 'a'), 'another writer');
      for (const chunk of chunks.splice(0)) this.push(chunk);
      this.push(null);
    },
  });
  const extracting = extractTarSafely(source, other, { createDest: true });
  const collision = await rejection(extracting);
  t.ok(collision instanceof UnsafeArchiveError);
  t.equal(collision.message, "archive entry 'a': collides with a path this extraction did not create");
  t.equal(fs.readFileSync(path.join(other, 'a'), 'utf8'), 'another writer');
});

t.test('files larger than all the write buffers together, written behind, arrive whole', async (t) => {
  const { root } = sandbox(t);
  const pattern = (size: number, seed: number) => Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + seed) & 0xff));
  const big = pattern(5 * 1024 * 1024 + 123, 7);
  const entries: Array<[string, Buffer]> = [['big.bin', big], ['replaced.bin', pattern(3 * 1024 * 1024, 3)]];
  for (let i = 0; i < 20; i++) entries.push([`small/${i}`, pattern(1000 + i, i)]);
  entries.push(['replaced.bin', Buffer.from('new')]);
  const pack = tar.pack();
  for (const [name, body] of entries) pack.entry({ name, type: 'file', size: body.length }, body);
  const bytes = entries.reduce((sum, [, body]) => sum + body.length, 0);
  pack.entry({ name: END_MARKER, type: 'file' }, JSON.stringify({ files: entries.length, bytes }));
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  const archived = Buffer.concat(chunks);
  for (const [mode, options] of MODES) {
    const dest = path.join(root, mode.replace(' ', '-'));
    // Arriving in 64 KiB pieces, as from a socket.
    const pieces = Array.from({ length: Math.ceil(archived.length / 65536) }, (_, i) => archived.subarray(i * 65536, (i + 1) * 65536));
    const result = await extractTarSafely(Readable.from(pieces), dest, options);
    t.same(result, { topLevelNames: ['big.bin', 'replaced.bin', 'small'], files: entries.length, bytes, linked: 0, withheld: [] }, mode);
    t.ok(fs.readFileSync(path.join(dest, 'big.bin')).equals(big), `${mode}: the big file is whole`);
    t.equal(fs.readFileSync(path.join(dest, 'replaced.bin'), 'utf8'), 'new', `${mode}: a later entry replaces one whose writes may be in flight`);
    for (let i = 0; i < 20; i++) t.ok(fs.readFileSync(path.join(dest, 'small', String(i))).equals(pattern(1000 + i, i)), `${mode}: small/${i}`);
  }
});
