import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import type { CommandIo } from '../cli-error.js';
import { condorManifest } from './condor-manifest.js';

function run(args: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const io = { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), env: {}, cwd } as unknown as CommandIo;
  return condorManifest(args, io).then((code) => ({ code, stdout: out.join(''), stderr: err.join('') }));
}

t.test("condor_manifest's functions, output and exit codes (src/condor_tools/manifest.cpp)", async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'condor-manifest-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, 'ckpt', 'd'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'ckpt', 'a'), 'a');
  fs.writeFileSync(path.join(dir, 'ckpt', 'd', 'b'), 'b');
  t.same(await run(['createManifestFor', 'ckpt'], dir), { code: 0, stdout: '', stderr: '' });
  const manifest = fs.readFileSync(path.join(dir, 'MANIFEST'), 'utf8').split('\n');
  t.match(manifest[0], /^[0-9a-f]{64} \*ckpt\/a$/);
  t.match(manifest[1], /^[0-9a-f]{64} \*ckpt\/d\/b$/);
  t.match(manifest[2], /^[0-9a-f]{64} \*MANIFEST$/);
  t.same(await run(['validateManifestFile', 'MANIFEST'], dir), { code: 0, stdout: 'true\n', stderr: '' });
  t.same(await run(['validateFilesListedIn', 'MANIFEST'], dir), { code: 0, stdout: 'true\n', stderr: '' });
  fs.writeFileSync(path.join(dir, 'ckpt', 'a'), 'changed');
  const changed = await run(['validateFilesListedIn', 'MANIFEST'], dir);
  t.equal(changed.code, 1);
  t.match(changed.stdout, /^false\nCheckpoint file 'ckpt\/a' did not have expected checksum \([0-9a-f]{64} vs [0-9a-f]{64}\)\.\n$/);
  t.same(await run(['getNumberFromFileName', '_condor_checkpoint_MANIFEST.0012'], dir), { code: 12, stdout: '12\n', stderr: '' });
  t.same(await run(['getNumberFromFileName', 'other'], dir), { code: 255, stdout: '-1\n', stderr: '' });
  t.same(await run(['FileFromLine', 'abc *d/e'], dir), { code: 0, stdout: 'd/e\n', stderr: '' });
  t.same(await run(['ChecksumFromLine', 'abc *d/e'], dir), { code: 0, stdout: 'abc\n', stderr: '' });
  t.match((await run(['compute_file_sha256_checksum', 'ckpt/d/b'], dir)).stdout, /^[0-9a-f]{64} \*ckpt\/d\/b\n$/);
  t.equal((await run(['compute_file_sha256_checksum', 'nope'], dir)).code, 1);
  t.equal((await run(['getNumberFromFileName'], dir)).code, 1, 'usage');
  t.match((await run(['deleteFilesStoredAt', 'a', 'b', '0', '1'], dir)).stderr, /not implemented by tinycondor/);
});
