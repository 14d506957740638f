// Jobs of another user on a root pool: a local account made for the test, and jobs submitted with its
// Owner (as condor_submit run by that user would set it), through the REST API.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Test } from 'tap';
import { rest, type TestPool } from './pool.js';

/** Why a test of another user's jobs cannot run here, or false. */
export const needsRootAndUseradd =
  process.getuid?.() !== 0 ? "needs root (a daemon changes identity only as root)" : !fs.existsSync('/usr/sbin/useradd') ? 'needs useradd' : false;

/** A new local account, removed at the end of the test. */
export function addTestUser(t: Test, tag: string): { name: string; uid: number; gid: number } {
  const name = `tc${tag}${process.pid % 100000}`;
  execFileSync('/usr/sbin/useradd', ['-M', '-s', '/usr/sbin/nologin', name]);
  t.teardown(() => execFileSync('/usr/sbin/userdel', [name]));
  const id = (flag: string) => Number(execFileSync('/usr/bin/id', [flag, name], { encoding: 'utf8' }).trim());
  return { name, uid: id('-u'), gid: id('-g') };
}

/** A REST call with the pool token that must succeed: its JSON reply. */
async function restOk(pool: TestPool, method: string, route: string, body?: unknown): Promise<Record<string, unknown>> {
  const reply = await rest(pool, method, route, body);
  if (reply.status >= 400) throw new Error(`${method} ${route}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

/**
 * Submits job `template` (a held job of this pool) again as `owner`'s, with `changes` (attribute name to
 * ClassAd expression text); returns the new cluster.
 */
export async function resubmitAs(pool: TestPool, template: string, owner: string, changes: Record<string, string> = {}): Promise<number> {
  const { ad } = (await restOk(pool, 'GET', `/v1/jobs/${template}`)) as { ad: Record<string, string> };
  const { clusterId } = (await restOk(pool, 'POST', '/v1/clusters')) as { clusterId: number };
  const theirs: Record<string, string> = { ...ad, ClusterId: String(clusterId), JobStatus: '1', Owner: JSON.stringify(owner), User: JSON.stringify(`${owner}@localhost`), ...changes };
  for (const held of ['HoldReason', 'HoldReasonCode', 'HoldReasonSubCode', 'GlobalJobId', 'LastJobStatus']) delete theirs[held];
  await restOk(pool, 'POST', `/v1/clusters/${clusterId}/procs`, { procs: [theirs] });
  return clusterId;
}

/**
 * A pool whose submit directory belongs to `user`, beside files only root may read or write: `secret` (a
 * root-only file) and `rootOnly` (a directory only root may write). The pool's parent directory is opened so
 * that the user reaches her files, as on any submit host.
 */
export function userSubmitDirectory(pool: TestPool, user: { uid: number; gid: number }): { base: string; secret: string; rootOnly: string } {
  const base = path.dirname(pool.home);
  fs.chmodSync(base, 0o711);
  fs.chownSync(pool.dir, user.uid, user.gid);
  const secret = path.join(base, 'secret');
  fs.writeFileSync(secret, 'root only\n', { mode: 0o600 });
  const rootOnly = path.join(base, 'root-only');
  fs.mkdirSync(rootOnly, { mode: 0o755 });
  return { base, secret, rootOnly };
}

/**
 * Why a test user cannot run this checkout's commands (a job calling `condor_chirp` by its path), or false:
 * a directory on the way that others may not enter (a clone under `mktemp -d`, mode 0700).
 */
export function closedToOthers(file: string): string | false {
  for (let dir = path.dirname(path.resolve(file)); ; dir = path.dirname(dir)) {
    if ((fs.statSync(dir).mode & 0o001) === 0) return `${dir} is closed to other users, who cannot run this checkout's commands`;
    if (dir === path.dirname(dir)) return false;
  }
}
