import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';

/**
 * Starts a command of packages/cli/bin. A condor_* command runs from its one-file bundle
 * (packages/cli/bundle, built by scripts/bundle-cli.mjs after `tsc -b`) with V8's code cache: loading
 * the ~40 ES modules of dist one by one and compiling them cost more than the command's own work.
 * Without a bundle, or with one older than the last `tsc -b` of a package it holds, it runs from dist.
 * This module and bin/ are CommonJS: an ES module entry alone costs node a few milliseconds more to start.
 */
export function launch(name: string): void {
  restoreExtraCaCerts(process.env);
  const bundle = freshBundle(packageDir, name);
  if (bundle) runBundle(bundle.file, bundle.stats);
  else void import(`./bin/${name}.js`);
}

const packageDir = path.resolve(__dirname, '..');

/** Where a condor_* bin script, run as a sh script, keeps NODE_EXTRA_CA_CERTS while node starts. */
export const DEFERRED_EXTRA_CA_CERTS = 'TINYCONDOR_NODE_EXTRA_CA_CERTS';

/**
 * Puts back the NODE_EXTRA_CA_CERTS a bin script moved aside, exactly as the user's environment had it
 * (an empty value included), before the command reads its environment (getenv = true) or starts a child.
 * Node 20 parses that file before any script runs (~80 ms for Debian's bundle, nodejs/node#40524) and
 * no flag defers it; a command that opens a TLS connection loads it for that connection (@tinycondor/client's extra-ca.ts).
 * bin/tinycondor.js starts as node itself: its daemons run for long, and `health` fetches with node's trust.
 */
export function restoreExtraCaCerts(env: NodeJS.ProcessEnv): void {
  const deferred = env[DEFERRED_EXTRA_CA_CERTS];
  if (deferred === undefined) return;
  env.NODE_EXTRA_CA_CERTS = deferred;
  delete env[DEFERRED_EXTRA_CA_CERTS];
}

/** The packages a bundle is built from; their tsbuildinfo changes whenever `tsc -b` rebuilds them. */
const BUNDLED_PACKAGES = ['cli', 'shared', 'client', 'transfer', 'schedd', 'startd'];

/** The command's bundle under the cli package directory, unless missing or older than a package's last build. */
export function freshBundle(cliDir: string, name: string): { file: string; stats: fs.Stats } | undefined {
  const file = path.join(cliDir, 'bundle', `${name}.cjs`);
  const stats = statIfExists(file);
  if (stats === undefined) return undefined;
  const stale = BUNDLED_PACKAGES.some((pkg) => {
    const info = statIfExists(path.join(cliDir, '..', pkg, 'tsconfig.tsbuildinfo'));
    return info !== undefined && info.mtimeMs > stats.mtimeMs;
  });
  return stale ? undefined : { file, stats };
}

function statIfExists(file: string): fs.Stats | undefined {
  return fs.statSync(file, { throwIfNoEntry: false });
}

function runBundle(file: string, stats: fs.Stats): void {
  const source = fs.readFileSync(file, 'utf8');
  const uid = process.getuid?.();
  const cacheDir = codeCacheDir(os.tmpdir(), process.env, uid);
  const key = `${stats.mtimeMs}:${stats.size}:${process.version}:${process.arch}`;
  const cache = cacheDir === undefined ? undefined : codeCache(cacheDir, path.basename(file, '.cjs'), key);
  const cachedData = cache?.read();
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {'use strict';${source}\n})`, { filename: file, cachedData });
  if (cache && (cachedData === undefined || script.cachedDataRejected)) {
    // Written once the command ran: the cache then holds the functions it compiled on the way, not just the
    // top level. Only after a success, so a usage error does not leave a cache without the command's main path.
    process.once('exit', (code) => {
      if (code === 0) cache.write(script.createCachedData());
    });
  }
  const module = { exports: {} };
  (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
}

/**
 * Where the code cache lives: the user's directory under the temporary directory, but none for a command a
 * job runs with TMPDIR in its sandbox (the starter points TMPDIR at _CONDOR_SCRATCH_DIR): a condor_* command
 * must leave nothing in a job's sandbox, where it would be checkpointed and sent back.
 */
export function codeCacheDir(tmpdir: string, env: NodeJS.ProcessEnv, uid: number | undefined): string | undefined {
  if (uid === undefined) return undefined;
  const scratch = env._CONDOR_SCRATCH_DIR;
  if (scratch !== undefined && scratch !== '' && !path.relative(path.resolve(scratch), path.resolve(tmpdir)).startsWith('..')) return undefined;
  return path.join(tmpdir, `tinycondor-code-cache-${uid}`);
}

/**
 * Makes `dir` if missing; whether it is a directory of this user's that no one else can write, the only kind
 * whose contents may be run (V8's code cache here, the schedd's compiled schemas).
 */
export function ownCacheDir(dir: string): boolean {
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return false;
  }
  const dirStats = fs.lstatSync(dir, { throwIfNoEntry: false });
  return dirStats !== undefined && dirStats.isDirectory() && dirStats.uid === process.getuid?.() && (dirStats.mode & 0o022) === 0;
}

export interface CodeCache {
  read(): Buffer | undefined;
  write(data: Buffer): void;
}

/**
 * A bundle's code cache, kept in `dir`, a directory of the user's own under the temporary directory (the
 * package directory may not be writable). Only a directory this user owns and no one else can write is
 * used, since V8 runs what the cache holds. The key (the bundle's mtime and size, node's version) is
 * stored in the file, so a rebuilt bundle never runs stale code. The cache only saves time: a failure to
 * read or write it just means compiling.
 */
export function codeCache(dir: string, name: string, key: string): CodeCache | undefined {
  if (!ownCacheDir(dir)) return undefined;
  const file = path.join(dir, `${name}.v8cache`);
  const header = Buffer.from(`${key}\n`);
  return {
    read() {
      let data: Buffer;
      try {
        data = fs.readFileSync(file);
      } catch {
        return undefined;
      }
      return data.subarray(0, header.length).equals(header) ? data.subarray(header.length) : undefined;
    },
    write(data) {
      const temp = `${file}.${process.pid}.tmp`;
      try {
        fs.writeFileSync(temp, Buffer.concat([header, data]), { mode: 0o600 });
        fs.renameSync(temp, file);
      } catch {
        fs.rmSync(temp, { force: true });
      }
    },
  };
}
