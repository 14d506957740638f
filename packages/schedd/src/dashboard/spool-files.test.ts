import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { CheckpointSizes, listSpoolFiles, resolveSpoolFile } from './spool-files.js';

function jobDir(t: { teardown(fn: () => void): void }): string {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'spool-files-'));
  t.teardown(() => fs.rmSync(base, { recursive: true, force: true }));
  const dir = path.join(base, 'job');
  fs.mkdirSync(path.join(dir, 'sub'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'state'), '42');
  fs.writeFileSync(path.join(dir, 'sub', 'b.dat'), 'abcdef');
  fs.writeFileSync(path.join(base, 'secret'), 'outside');
  fs.symlinkSync(path.join(base, 'secret'), path.join(dir, 'link'));
  fs.symlinkSync(base, path.join(dir, 'dirlink'));
  return dir;
}

t.test('files are listed without following links', async (t) => {
  const dir = jobDir(t);
  const { entries, truncated } = listSpoolFiles(dir);
  t.same(entries.map((e) => [e.path, e.bytes]), [['state', 2], ['sub/b.dat', 6]]);
  t.notOk(truncated);
  t.same(listSpoolFiles(path.join(dir, 'missing')).entries, []);
});

t.test('downloads resolve inside the job directory only', async (t) => {
  const dir = jobDir(t);
  t.equal(resolveSpoolFile(dir, 'state'), path.join(dir, 'state'));
  t.equal(resolveSpoolFile(dir, 'sub/b.dat'), path.join(dir, 'sub', 'b.dat'));
  for (const bad of ['../secret', 'sub/../../secret', '/etc/passwd', '', 'sub//b.dat', './state', 'link', 'dirlink/secret', 'sub', 'a\0b']) {
    t.throws(() => resolveSpoolFile(dir, bad), { name: 'SpoolPathRefused', statusCode: 400 }, JSON.stringify(bad));
  }
  t.throws(() => resolveSpoolFile(dir, 'nope'), { name: 'Error', statusCode: 404 });
});

t.test('checkpoint sizes are cached per checkpoint time', async (t) => {
  const dir = jobDir(t);
  const sizes = new CheckpointSizes(() => dir);
  t.equal(sizes.bytes(1, 0, 0), null, 'no checkpoint yet');
  t.equal(sizes.bytes(1, 0, 100), 8);
  fs.writeFileSync(path.join(dir, 'state'), '4242');
  t.equal(sizes.bytes(1, 0, 100), 8, 'same checkpoint: cached');
  t.equal(sizes.bytes(1, 0, 101), 10, 'a new checkpoint is measured');
});
