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
