import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { daemonRights } from '@tinycondor/shared/file-rights';
import { manifestEnvironment, sandboxListing, writeManifestFile } from './job-manifest.js';

t.test('the manifest files: a listing that includes itself, the environment in V2 raw', async (t) => {
  const sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-manifest-'));
  t.teardown(() => fs.rmSync(sandbox, { recursive: true, force: true }));
  fs.writeFileSync(path.join(sandbox, 'a.txt'), 'a');
  fs.mkdirSync(path.join(sandbox, 'data'));
  fs.writeFileSync(path.join(sandbox, 'data', 'b'), 'b');
  writeManifestFile(sandbox, '1_0_manifest', 'in', () => sandboxListing(sandbox), daemonRights, undefined);
  t.equal(fs.readFileSync(path.join(sandbox, '1_0_manifest', 'in'), 'utf8'), './1_0_manifest/\n./1_0_manifest/in\n./a.txt\n./data/\n./data/b\n');
  t.equal(fs.statSync(path.join(sandbox, '1_0_manifest')).mode & 0o777, 0o700);
  t.equal(manifestEnvironment({ B: 'two words', A: '1', GONE: undefined }), "A=1 B=two' 'words\n", 'join_args, as the Environment attribute');
  t.throws(() => writeManifestFile(sandbox, '../elsewhere', 'out', () => '', daemonRights, undefined), /not inside the sandbox/);
  fs.symlinkSync(os.tmpdir(), path.join(sandbox, 'link'));
  t.throws(() => writeManifestFile(sandbox, 'link', 'out', () => '', daemonRights, undefined), /is not a directory/, 'never through a link the job left');
});
