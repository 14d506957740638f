import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { ClassAd } from '@tinycondor/shared/classad/index';
import { OutputMissingError, selectCheckpointFiles, selectOutputs, snapshotSandbox } from './output-selection.js';

function sandbox(t: Test): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'output-selection-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, 'prp', 'data'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'prp', 'data', 'f'), 'f');
  fs.writeFileSync(path.join(dir, 'prp', 'data', 'g'), 'g');
  fs.writeFileSync(path.join(dir, '_condor_stdout'), '');
  return dir;
}

const names = (entries: { name: string }[]) => entries.map((entry) => entry.name);

t.test('listed outputs and checkpoint files land under their basenames; a trailing / sends the contents', async (t) => {
  const dir = sandbox(t);
  const ad = ClassAd.fromJSON({ TransferOutput: '"prp/data"', TransferCheckpoint: '"prp/data/"' });
  t.same(names(selectOutputs(ad, dir, snapshotSandbox(dir))), ['data', '_condor_stdout']);
  t.same(names(selectCheckpointFiles(ad, dir, snapshotSandbox(dir))), ['f', 'g', '_condor_stdout'], "HTCondor's names, not the relative path");
});

t.test('with preserve_relative_paths they keep their relative paths', async (t) => {
  const dir = sandbox(t);
  const ad = ClassAd.fromJSON({ PreserveRelativePaths: 'true', TransferOutput: '"prp/data/f, prp/data/"', TransferCheckpoint: '"./prp/data"' });
  t.same(names(selectOutputs(ad, dir, snapshotSandbox(dir))), ['prp/data/f', 'prp/data', '_condor_stdout'], 'a trailing / is ignored');
  t.same(names(selectCheckpointFiles(ad, dir, snapshotSandbox(dir))), ['prp/data', '_condor_stdout']);
});

t.test('a listed file that is missing is an error naming it', async (t) => {
  const dir = sandbox(t);
  t.throws(() => selectCheckpointFiles(ClassAd.fromJSON({ TransferCheckpoint: '"prp/none"' }), dir, new Map()), OutputMissingError);
});

t.test("symlinks among outputs are followed as HTCondor's starter follows them", async (t) => {
  const dir = sandbox(t);
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'output-target-'));
  t.teardown(() => fs.rmSync(outside, { recursive: true, force: true }));
  fs.writeFileSync(path.join(outside, 'result'), 'result');
  const before = snapshotSandbox(dir);
  fs.symlinkSync(path.join(outside, 'result'), path.join(dir, 'to-file'));
  fs.symlinkSync(outside, path.join(dir, 'to-dir'));
  fs.symlinkSync(path.join(outside, 'nowhere'), path.join(dir, 'dangling'));
  const implicit = selectOutputs(new ClassAd(), dir, before);
  t.same(names(implicit), ['to-file', '_condor_stdout'], 'without transfer_output_files: a new symlink to a file, not one to a directory or to nothing (Directory skips them)');
  t.ok(implicit.every((entry) => entry.followSymlinks !== undefined && entry.rights !== undefined), "each read with the reader's rights, symlinks followed");
  t.same(names(selectOutputs(new ClassAd(), dir, snapshotSandbox(dir))), ['_condor_stdout'], "a symlink is judged by its target's size and time, as a file");

  const listed = (list: string) => selectOutputs(ClassAd.fromJSON({ TransferOutput: JSON.stringify(list) }), dir, before);
  t.same(names(listed('to-file')), ['to-file', '_condor_stdout']);
  t.throws(() => listed('dangling'), { errno: 2, message: `reading from file ${path.join(dir, 'dangling')}: (errno 2) No such file or directory` }, 'a listed symlink to nothing is a missing file');
  t.throws(() => listed('to-dir'), { errno: 21, message: /to-dir: \(errno 21\) Is a directory- Transfer of symlinks to directories is not supported\.$/ });
  fs.symlinkSync(path.join(outside, 'nowhere'), path.join(dir, 'prp', 'data', 'dangling'));
  t.throws(() => selectCheckpointFiles(ClassAd.fromJSON({ TransferCheckpoint: '"prp"' }), dir, before), { name: 'TransferReadError', errno: 2 }, 'one inside a listed directory fails the transfer before it starts');
});

t.test('a reader that refuses to follow fails a symlink among the outputs, and only a symlink', async (t) => {
  const dir = sandbox(t);
  const before = snapshotSandbox(dir);
  fs.writeFileSync(path.join(dir, 'plain'), 'plain');
  fs.symlinkSync(path.join(dir, 'plain'), path.join(dir, 'link'));
  const reader = { rights: <T>(operations: () => T): T => operations(), refusal: () => 'not as root' };
  t.throws(() => selectOutputs(new ClassAd(), dir, before, reader), { errno: 13, message: `reading from file ${path.join(dir, 'link')}: (errno 13) Permission denied: not as root` });
  t.same(names(selectOutputs(ClassAd.fromJSON({ TransferOutput: '"plain"' }), dir, before, reader)), ['plain', '_condor_stdout']);
});

t.test('more output files than push(...files) takes: a listed out/ and a sandbox of new files', async (t) => {
  const dir = sandbox(t);
  const out = path.join(dir, 'out');
  fs.mkdirSync(out);
  const count = 130_000;
  for (let i = 0; i < count; i++) fs.writeFileSync(path.join(out, `f${i}`), '');
  const listed = selectOutputs(ClassAd.fromJSON({ TransferOutput: '"out/"' }), dir, snapshotSandbox(dir));
  t.same([listed.length, listed[0].name, listed[count].name], [count + 1, 'f0', '_condor_stdout'], "out/'s files, then stdout");
  const created = selectOutputs(new ClassAd(), out, new Map());
  t.equal(created.length, count, 'every file the job created');
});

t.test('starter_debug: the starter log stays in the sandbox unless starter_log asks for it (JICShadow::_remove_files_from_output)', async (t) => {
  const dir = sandbox(t);
  const before = snapshotSandbox(dir);
  fs.writeFileSync(path.join(dir, '.starter.log'), 'line\n');
  fs.writeFileSync(path.join(dir, '.starter.log.old'), 'older\n');
  fs.writeFileSync(path.join(dir, 'result'), 'r');
  t.same(names(selectOutputs(new ClassAd(), dir, before)), ['.starter.log', '.starter.log.old', 'result', '_condor_stdout'], 'without starter_debug they are the job\'s own files');
  const debug = ClassAd.fromJSON({ JobStarterDebug: 'true' });
  t.same(names(selectOutputs(debug, dir, before)), ['result', '_condor_stdout']);
  t.same(names(selectCheckpointFiles(debug, dir, before)), ['result', '_condor_stdout']);
  const returned = ClassAd.fromJSON({ JobStarterDebug: 'true', JobStarterLog: '"/home/u/s.log"' });
  t.same(names(selectOutputs(returned, dir, before)), ['.starter.log', 'result', '_condor_stdout'], 'starter_log: it goes back, .starter.log.old never');
  const listed = ClassAd.fromJSON({ JobStarterDebug: 'true', JobStarterLog: '"/home/u/s.log"', TransferOutput: '"result"', TransferCheckpoint: '"result"' });
  t.same(names(selectOutputs(listed, dir, before)), ['result', '_condor_stdout', '.starter.log'], 'added to a transfer_output_files list (addOutputFile)');
  t.same(names(selectCheckpointFiles(listed, dir, before)), ['result', '_condor_stdout'], 'not to a checkpoint');
  fs.rmSync(path.join(dir, '.starter.log'));
  t.throws(() => selectOutputs(listed, dir, before), OutputMissingError, 'a starter log asked for and not written fails the transfer');
});
