import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { codeCache, codeCacheDir, DEFERRED_EXTRA_CA_CERTS, freshBundle, restoreExtraCaCerts } from './launch.cjs';

function packagesDir(t: { teardown(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'launch-test-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const pkg of ['cli/bundle', 'shared', 'client', 'transfer']) fs.mkdirSync(path.join(dir, pkg), { recursive: true });
  return dir;
}

function writeAt(file: string, secondsAgo: number): void {
  fs.writeFileSync(file, 'x');
  const when = Date.now() / 1000 - secondsAgo;
  fs.utimesSync(file, when, when);
}

t.test('a bundle newer than every build is run; one older than a package build is not', async (t) => {
  const dir = packagesDir(t);
  const cli = path.join(dir, 'cli');
  t.equal(freshBundle(cli, 'condor_q'), undefined, 'no bundle');
  writeAt(path.join(cli, 'bundle', 'condor_q.cjs'), 10);
  t.equal(freshBundle(cli, 'condor_q')?.file, path.join(cli, 'bundle', 'condor_q.cjs'), 'no tsbuildinfo at all (an installed copy)');
  writeAt(path.join(dir, 'shared', 'tsconfig.tsbuildinfo'), 20);
  t.ok(freshBundle(cli, 'condor_q'), 'bundled after the last build');
  writeAt(path.join(dir, 'shared', 'tsconfig.tsbuildinfo'), 0);
  t.equal(freshBundle(cli, 'condor_q'), undefined, 'shared was rebuilt after bundling');
  writeAt(path.join(dir, 'shared', 'tsconfig.tsbuildinfo'), 20);
  for (const pkg of ['client', 'transfer']) {
    writeAt(path.join(dir, pkg, 'tsconfig.tsbuildinfo'), 0);
    t.equal(freshBundle(cli, 'condor_q'), undefined, `${pkg} (in the bundles too) was rebuilt after bundling`);
    writeAt(path.join(dir, pkg, 'tsconfig.tsbuildinfo'), 20);
  }
  t.equal(freshBundle(cli, 'condor_rm'), undefined, 'another command has no bundle');
});

t.test('a code cache is read back only under the key it was written with', async (t) => {
  const dir = path.join(packagesDir(t), 'cache');
  const cache = codeCache(dir, 'condor_q', 'k1');
  if (!cache) throw new Error('no cache in a fresh directory');
  t.equal(cache.read(), undefined, 'nothing written yet');
  cache.write(Buffer.from('compiled'));
  t.equal(cache.read()?.toString(), 'compiled');
  t.equal(codeCache(dir, 'condor_q', 'k2')?.read(), undefined, 'a rebuilt bundle (another key) ignores it');
  t.equal(codeCache(dir, 'condor_rm', 'k1')?.read(), undefined, 'another command has its own');
  t.equal(fs.statSync(dir).mode & 0o777, 0o700, 'the directory is private');
  t.same(fs.readdirSync(dir), ['condor_q.v8cache'], 'no temporary file left');
});

t.test("no code cache in a job's sandbox: TMPDIR there is the scratch directory", async (t) => {
  t.equal(codeCacheDir('/tmp', {}, 1000), '/tmp/tinycondor-code-cache-1000');
  t.equal(codeCacheDir('/tmp', { _CONDOR_SCRATCH_DIR: '/var/execute/dir_1' }, 1000), '/tmp/tinycondor-code-cache-1000', 'a job whose TMPDIR is elsewhere');
  t.equal(codeCacheDir('/var/execute/dir_1', { _CONDOR_SCRATCH_DIR: '/var/execute/dir_1' }, 1000), undefined);
  t.equal(codeCacheDir('/var/execute/dir_1/tmp', { _CONDOR_SCRATCH_DIR: '/var/execute/dir_1/' }, 1000), undefined, 'below it too');
  t.equal(codeCacheDir('/tmp', {}, undefined), undefined, 'no uid, no cache');
});

t.test('a cache directory others can write to is not used', async (t) => {
  const dir = path.join(packagesDir(t), 'cache');
  fs.mkdirSync(dir);
  fs.chmodSync(dir, 0o777);
  t.equal(codeCache(dir, 'condor_q', 'k1'), undefined);
  fs.rmSync(dir, { recursive: true });
  fs.symlinkSync(os.tmpdir(), dir);
  t.equal(codeCache(dir, 'condor_q', 'k1'), undefined, 'nor a symlink to another directory');
});

t.test('the NODE_EXTRA_CA_CERTS a bin script moved aside comes back exactly, and only then', async (t) => {
  for (const value of ['/etc/ssl/certs/ca-certificates.crt', '', 'relative dir/with spaces.pem']) {
    const env: NodeJS.ProcessEnv = { PATH: '/bin', [DEFERRED_EXTRA_CA_CERTS]: value };
    restoreExtraCaCerts(env);
    t.same(env, { PATH: '/bin', NODE_EXTRA_CA_CERTS: value }, `moved back: '${value}'`);
  }
  const unset: NodeJS.ProcessEnv = { PATH: '/bin' };
  restoreExtraCaCerts(unset);
  t.same(unset, { PATH: '/bin' }, 'unset stays unset');
  const direct: NodeJS.ProcessEnv = { NODE_EXTRA_CA_CERTS: '/a.pem' };
  restoreExtraCaCerts(direct);
  t.same(direct, { NODE_EXTRA_CA_CERTS: '/a.pem' }, 'run by node directly: node loaded it, nothing to restore');
});
