import { createHash } from 'node:crypto';
import t from 'tap';
import {
  buildManifest,
  checkpointDownloadUrl,
  checkpointUploadUrl,
  failureFileName,
  fileMismatch,
  manifestEntries,
  manifestFileName,
  manifestNumber,
  manifestToRestore,
  validateManifest,
} from './checkpoint-manifest.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

t.test('manifest names and numbers (getNumberFromFileName)', async (t) => {
  t.equal(manifestFileName(0), '_condor_checkpoint_MANIFEST.0000');
  t.equal(manifestFileName(12345), '_condor_checkpoint_MANIFEST.12345');
  t.equal(failureFileName(3), '_condor_checkpoint_FAILURE.0003');
  t.equal(manifestNumber('_condor_checkpoint_MANIFEST.0007'), 7);
  t.equal(manifestNumber('_condor_checkpoint_MANIFEST.'), -1);
  t.equal(manifestNumber('_condor_checkpoint_MANIFEST.7x'), -1);
  t.equal(manifestNumber('_condor_checkpoint_FAILURE.0007'), -1, 'failure files are not manifests');
  t.equal(manifestNumber('saved-state'), -1);
});

t.test('a manifest as createCheckpointManifest writes it, and validated as validateManifestFile reads it', async (t) => {
  const text = buildManifest([{ name: 'saved-state', sha256: sha('5\n') }, { name: 'd1/d2/a', sha256: sha('a') }], 0);
  const lines = `${sha('5\n')} *saved-state\n${sha('a')} *d1/d2/a\n`;
  t.equal(text, `${lines}${sha(lines)} *_condor_checkpoint_MANIFEST.0000\n`, 'sha256sum -b lines, then the hash of those lines');
  t.ok(validateManifest(text, '/spool/1/0/cluster1.proc0.subproc0/_condor_checkpoint_MANIFEST.0000'), 'a path ending with its name');
  t.notOk(validateManifest(text, '/x/_condor_checkpoint_MANIFEST.0001'), 'another name');
  const swapped = text.replace(/\n([0-9a-f])([0-9a-f])([0-9a-f]*) \*_condor/, '\n$2$1$3 *_condor');
  t.notOk(validateManifest(swapped, '_condor_checkpoint_MANIFEST.0000'), "the test's corrupt_manifest: two bytes of the hash swapped");
  t.notOk(validateManifest(text.replace('saved-state', 'saved-statf'), '_condor_checkpoint_MANIFEST.0000'), 'a listed line changed');
  t.notOk(validateManifest('', 'x'));
  t.same(manifestEntries(text), [
    { name: 'saved-state', sha256: sha('5\n') },
    { name: 'd1/d2/a', sha256: sha('a') },
  ]);
  t.same(manifestEntries(buildManifest([], 4)), [], 'an empty checkpoint');
});

t.test("a checkpoint file against the manifest (validateFilesListedIn's words)", async (t) => {
  const entry = { name: 'saved-state', sha256: sha('5\n') };
  t.equal(fileMismatch(entry, sha('5\n')), undefined);
  t.equal(fileMismatch(entry, undefined), "Failed to open checkpoint file ('saved-state') to compute checksum.");
  t.equal(fileMismatch(entry, sha('-1\n')), `Checkpoint file 'saved-state' did not have expected checksum (${sha('-1\n')} vs ${sha('5\n')}).`);
});

t.test('where checkpoint files go and come from', async (t) => {
  t.equal(checkpointUploadUrl('local://vo/fs', 'ap#1.0#1700000000', 2, 'd/a'), 'local://vo/fs/ap_1.0_1700000000/0002/d/a');
  t.equal(checkpointUploadUrl('local://vo/fs/', 'ap#1.0#1', 0, 'x'), 'local://vo/fs/ap_1.0_1/0000/x', 'one slash after the destination');
  t.equal(checkpointDownloadUrl('local://vo/fs/', 'ap#1.0#1', 0, 'x'), 'local://vo/fs//ap_1.0_1/0000/x', 'the shadow adds its own (modifyFileTransferObject)');
});

t.test('the manifest a new sandbox gets: the newest that validates', async (t) => {
  const valid = new Set(['_condor_checkpoint_MANIFEST.0000', '_condor_checkpoint_MANIFEST.0002']);
  const entries = ['_condor_checkpoint_MANIFEST.0000', '_condor_checkpoint_MANIFEST.0002', '_condor_checkpoint_MANIFEST.0003', '_condor_checkpoint_FAILURE.0004', 'saved-state'];
  t.equal(manifestToRestore(entries, (name) => valid.has(name)), '_condor_checkpoint_MANIFEST.0002');
  t.equal(manifestToRestore(['saved-state'], () => true), undefined);
});
