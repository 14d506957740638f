import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { ClassAd } from '@tinycondor/shared/classad/index';
import { placeOutputs } from '@tinycondor/transfer/output-placement';
import { PoolFileGuard } from './pool-file-guard.js';

function tempDir(t: Test, parent: string): string {
  const dir = fs.mkdtempSync(path.join(parent, 'tc-placement-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Staging on another filesystem than the submit directory where the machine has one (tmpfs), so that renames fail with EXDEV. */
const otherFilesystem = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();

t.test('a directory merges into the existing one, also across filesystems', async (t) => {
  const iwd = tempDir(t, os.tmpdir());
  const staging = tempDir(t, otherFilesystem);
  fs.mkdirSync(path.join(iwd, 'results', 'sub'), { recursive: true });
  fs.writeFileSync(path.join(iwd, 'results', 'old.txt'), 'old\n');
  fs.writeFileSync(path.join(iwd, 'results', 'same.txt'), 'before\n');
  fs.writeFileSync(path.join(iwd, 'results', 'sub', 'keep.txt'), 'keep\n');
  fs.mkdirSync(path.join(staging, 'results', 'sub'), { recursive: true });
  fs.writeFileSync(path.join(staging, 'results', 'same.txt'), 'after\n');
  fs.writeFileSync(path.join(staging, 'results', 'sub', 'new.txt'), 'new\n');
  fs.symlinkSync('same.txt', path.join(staging, 'results', 'link'));
  const ad = new ClassAd();
  ad.set('Iwd', iwd);

  t.same(placeOutputs(ad, staging, ['results']), [path.join(iwd, 'results')]);
  const read = (...parts: string[]) => fs.readFileSync(path.join(iwd, 'results', ...parts), 'utf8');
  t.same(fs.readdirSync(path.join(iwd, 'results')).sort(), ['link', 'old.txt', 'same.txt', 'sub'], 'no temporary file left');
  t.equal(read('old.txt'), 'old\n');
  t.equal(read('same.txt'), 'after\n');
  t.equal(fs.readlinkSync(path.join(iwd, 'results', 'link')), 'same.txt', 'a link stays a link');
  t.same(fs.readdirSync(path.join(iwd, 'results', 'sub')).sort(), ['keep.txt', 'new.txt']);
});

t.test('a file where a directory is sent is replaced by it; a directory where a file is sent fails', async (t) => {
  const iwd = tempDir(t, os.tmpdir());
  const staging = tempDir(t, os.tmpdir());
  fs.writeFileSync(path.join(iwd, 'out'), 'a file\n');
  fs.mkdirSync(path.join(iwd, 'taken'));
  fs.mkdirSync(path.join(staging, 'out'));
  fs.writeFileSync(path.join(staging, 'out', 'inside.txt'), 'inside\n');
  fs.writeFileSync(path.join(staging, 'taken'), 'a file\n');
  const ad = new ClassAd();
  ad.set('Iwd', iwd);
  placeOutputs(ad, staging, ['out']);
  t.equal(fs.readFileSync(path.join(iwd, 'out', 'inside.txt'), 'utf8'), 'inside\n');
  t.throws(() => placeOutputs(ad, staging, ['taken']), { code: /EISDIR|ENOTEMPTY|EEXIST/ });
  t.ok(fs.statSync(path.join(iwd, 'taken')).isDirectory(), 'the directory stays');
});

t.test("a link inside a merged directory cannot carry an output into the pool's own directory", async (t) => {
  const base = tempDir(t, os.tmpdir());
  const pool = path.join(base, 'pool');
  const iwd = path.join(base, 'submit');
  const staging = path.join(base, 'staging');
  fs.mkdirSync(path.join(pool, 'spool'), { recursive: true });
  fs.mkdirSync(path.join(iwd, 'results'), { recursive: true });
  fs.symlinkSync(path.join(pool, 'spool'), path.join(iwd, 'results', 'sub'));
  fs.mkdirSync(path.join(staging, 'results', 'sub'), { recursive: true });
  fs.writeFileSync(path.join(staging, 'results', 'sub', 'job_queue.sqlite'), 'not a database\n');
  const ad = new ClassAd();
  ad.set('Iwd', iwd);
  t.throws(() => placeOutputs(ad, staging, ['results'], new PoolFileGuard(pool)), /results\/sub.*inside the pool's own directory/);
  t.same(fs.readdirSync(path.join(pool, 'spool')), [], 'nothing was written there');
});

t.test('output_directory: relative outputs land under it (made 0700), absolute ones where they name', async (t) => {
  const iwd = tempDir(t, os.tmpdir());
  const staging = tempDir(t, os.tmpdir());
  const elsewhere = tempDir(t, os.tmpdir());
  for (const name of ['_condor_stdout', 'result.txt', 'moved.txt']) fs.writeFileSync(path.join(staging, name), `${name}\n`);
  const ad = new ClassAd();
  ad.set('Iwd', iwd).set('Out', 'job.out').set('OutputDirectory', 'results/7').set('TransferOutputRemaps', `moved.txt=${elsewhere}/moved.txt`);
  const dir = path.join(iwd, 'results', '7');
  t.same(placeOutputs(ad, staging, ['_condor_stdout', 'result.txt', 'moved.txt']), [path.join(dir, 'job.out'), path.join(dir, 'result.txt'), path.join(elsewhere, 'moved.txt')]);
  t.equal(fs.statSync(dir).mode & 0o777, 0o700);
  const empty = new ClassAd();
  empty.set('Iwd', iwd).set('OutputDirectory', path.join(iwd, 'nothing'));
  t.same(placeOutputs(empty, staging, []), []);
  t.ok(fs.statSync(path.join(iwd, 'nothing')).isDirectory(), 'made even when nothing comes back');
});
