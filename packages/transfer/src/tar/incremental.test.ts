import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import t, { type Test } from 'tap';
import { baseFileOf, isRacy, RACY_WINDOW_NS, racyWindowFor, sameFile, type CheckpointBase } from './checkpoint-base.js';
import { BaseMismatchError, extractTarSafely, UnsafeArchiveError } from './extract.js';
import { packEntries, type PackEntry } from './pack.js';

/** Incremental checkpoints (issue 23): files unchanged since the committed checkpoint go as links to it. */

function tempDir(t: Test): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-incremental-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A sandbox with a checkpoint of a top-level file and a directory of three files. */
function sandbox(root: string): PackEntry[] {
  const dir = path.join(root, 'sandbox');
  fs.mkdirSync(path.join(dir, 'state'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'progress'), '41\n');
  for (const name of ['a', 'b', 'c']) fs.writeFileSync(path.join(dir, 'state', name), `${name} `.repeat(1000));
  return [
    { name: 'progress', source: path.join(dir, 'progress') },
    { name: 'state', source: path.join(dir, 'state') },
  ];
}

/** Packs `entries` (on `base`) and extracts them into the fresh directory `into`, linking onto `committed`. */
async function transfer(entries: PackEntry[], into: string, base?: CheckpointBase, committed?: string) {
  const archive = packEntries(entries, { incremental: { base, racyWindowNs: RACY_WINDOW_NS } });
  const received = await extractTarSafely(Readable.from(archive.stream), into, { createDest: true, durable: true, linkBase: committed });
  return { packed: await archive.done, received, sent: archive.sent };
}

function tree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const file = path.join(dir, name);
    if (fs.statSync(file).isFile()) files[name] = fs.readFileSync(file, 'utf8');
  }
  return files;
}

t.test('a second checkpoint sends what changed and links the rest from the committed one', async (t) => {
  const root = tempDir(t);
  const entries = sandbox(root);
  const first = await transfer(entries, path.join(root, 'ckpt1'));
  t.same([first.packed.files, first.packed.linked, first.received.linked], [4, 0, 0], 'the first checkpoint is whole');
  t.same([...first.sent.keys()].sort(), ['progress', 'state/a', 'state/b', 'state/c']);

  fs.writeFileSync(path.join(root, 'sandbox', 'progress'), '42\n');
  fs.writeFileSync(path.join(root, 'sandbox', 'state', 'd'), 'new');
  const second = await transfer(entries, path.join(root, 'ckpt2'), first.sent, path.join(root, 'ckpt1'));
  t.same([second.packed.files, second.packed.linked, second.packed.bytes], [5, 3, 3 + 3], 'progress and state/d sent; state/a, b, c linked');
  t.same([second.received.files, second.received.linked, second.received.bytes], [5, 3, 6]);
  t.same(tree(path.join(root, 'ckpt2')), tree(path.join(root, 'sandbox')), 'the new checkpoint is whole: what a full upload gives');
  const linked = fs.statSync(path.join(root, 'ckpt2', 'state', 'a'));
  t.equal(linked.ino, fs.statSync(path.join(root, 'ckpt1', 'state', 'a')).ino, 'an unchanged file is the committed file, hard-linked');
  t.equal(fs.statSync(path.join(root, 'ckpt2', 'progress')).nlink, 1, 'a changed file is a new file');
  t.same([...second.sent.keys()].sort(), ['progress', 'state/a', 'state/b', 'state/c', 'state/d'], 'the base of the next checkpoint');
});

t.test('a file rewritten with content of the same size is sent again', async (t) => {
  const root = tempDir(t);
  const entries = sandbox(root);
  const first = await transfer(entries, path.join(root, 'ckpt1'));
  fs.writeFileSync(path.join(root, 'sandbox', 'state', 'b'), 'B '.repeat(1000));
  const second = await transfer(entries, path.join(root, 'ckpt2'), first.sent, path.join(root, 'ckpt1'));
  t.equal(second.packed.linked, 3, 'progress, state/a and state/c');
  t.equal(fs.statSync(path.join(root, 'ckpt2', 'state', 'b')).nlink, 1);
  t.equal(fs.readFileSync(path.join(root, 'ckpt2', 'state', 'b'), 'utf8'), 'B '.repeat(1000));
});

t.test("a file written moments before it was sent is linked only if its content is the base's", async (t) => {
  const root = tempDir(t);
  const entries = sandbox(root);
  const first = await transfer(entries, path.join(root, 'ckpt1'));
  t.ok(first.sent.get('state/a')?.sha1, 'files written just now carry their digest in the base');
  // The same times but other content: what a write within one tick of the filesystem's clock can leave.
  const forged = new Map(first.sent);
  forged.set('state/a', { ...first.sent.get('state/a')!, sha1: '0'.repeat(40) });
  const second = await transfer(entries, path.join(root, 'ckpt2'), forged, path.join(root, 'ckpt1'));
  t.equal(second.packed.linked, 3, 'progress, state/b and state/c: their digests match');
  t.equal(fs.statSync(path.join(root, 'ckpt2', 'state', 'a')).nlink, 1, 'state/a is sent');

  // A file whose change is long past needs no digest: its times say it.
  const stat = fs.statSync(path.join(root, 'sandbox', 'state', 'a'), { bigint: true });
  t.notOk(isRacy(stat.ctimeNs, stat.ctimeNs + RACY_WINDOW_NS));
  t.ok(isRacy(stat.ctimeNs, stat.ctimeNs + RACY_WINDOW_NS - 1n));
  t.ok(sameFile(baseFileOf(stat), stat));
  t.notOk(sameFile({ ...baseFileOf(stat), ctimeNs: stat.ctimeNs - 1n }, stat), 'a change of ctime alone is a change');
  t.ok(isRacy(stat.ctimeNs, stat.ctimeNs + 99_000_000n, racyWindowFor(root)), "on a local filesystem (this test's temp directory) the window is 100 ms");
  t.notOk(isRacy(stat.ctimeNs, stat.ctimeNs + 100_000_000n, racyWindowFor(root)));
  t.equal(racyWindowFor(path.join(root, 'no-such-dir')), RACY_WINDOW_NS, 'an unknown filesystem gets the widest window');
});

t.test('link entries are taken only onto a committed checkpoint that has the files they name', async (t) => {
  const root = tempDir(t);
  const entries = sandbox(root);
  const first = await transfer(entries, path.join(root, 'ckpt1'));

  await t.rejects(transfer(entries, path.join(root, 'plain'), first.sent), new UnsafeArchiveError('progress', "entry type 'link' is not allowed"), 'not by an ordinary extraction');

  fs.rmSync(path.join(root, 'ckpt1', 'state', 'c'));
  await t.rejects(transfer(entries, path.join(root, 'gone'), first.sent, path.join(root, 'ckpt1')), new BaseMismatchError('state/c', "'state/c' is not a file of the committed checkpoint"));

  fs.writeFileSync(path.join(root, 'ckpt1', 'state', 'c'), 'shorter');
  await t.rejects(transfer(entries, path.join(root, 'short'), first.sent, path.join(root, 'ckpt1')), new BaseMismatchError('state/c', "'state/c' in the committed checkpoint has 7 bytes, not 2000"));

  fs.renameSync(path.join(root, 'ckpt1', 'state'), path.join(root, 'elsewhere'));
  fs.symlinkSync(path.join(root, 'elsewhere'), path.join(root, 'ckpt1', 'state'));
  await t.rejects(transfer(entries, path.join(root, 'through-link'), first.sent, path.join(root, 'ckpt1')), BaseMismatchError, 'never through a symlink in the base');
});
