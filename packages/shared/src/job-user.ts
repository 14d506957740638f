import fs from 'node:fs';

/** The identity a job's processes run with. */
export interface JobUser {
  name: string;
  uid: number;
  gid: number;
  /** Supplementary groups (the user's memberships in /etc/group). */
  groups: number[];
}

/** The lines of /etc/passwd: name → uid, primary gid. */
export function parsePasswd(text: string): Map<string, { uid: number; gid: number }> {
  const users = new Map<string, { uid: number; gid: number }>();
  for (const line of text.split('\n')) {
    const [name, , uid, gid] = line.split(':');
    if (name === undefined || name === '' || name.startsWith('#') || !/^\d+$/.test(uid ?? '') || !/^\d+$/.test(gid ?? '')) continue;
    if (!users.has(name)) users.set(name, { uid: Number(uid), gid: Number(gid) });
  }
  return users;
}

/** The lines of /etc/group: user name → the gids of the groups that list it as a member. */
export function parseGroupMemberships(text: string): Map<string, number[]> {
  const memberships = new Map<string, number[]>();
  for (const line of text.split('\n')) {
    const [name, , gid, members] = line.split(':');
    if (name === undefined || name === '' || name.startsWith('#') || !/^\d+$/.test(gid ?? '')) continue;
    for (const member of (members ?? '').split(',').map((m) => m.trim()).filter(Boolean)) {
      const gids = memberships.get(member) ?? [];
      gids.push(Number(gid));
      memberships.set(member, gids);
    }
  }
  return memberships;
}

/** The lines of /etc/group: group name → gid. */
export function parseGroupIds(text: string): Map<string, number> {
  const ids = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [name, , gid] = line.split(':');
    if (name === undefined || name === '' || name.startsWith('#') || !/^\d+$/.test(gid ?? '')) continue;
    if (!ids.has(name)) ids.set(name, Number(gid));
  }
  return ids;
}

/**
 * primary_unix_group (uids.cpp new_group): the job runs with the group named as its primary group, which must
 * be one of its user's groups and not gid 0; a string saying why not otherwise.
 */
export function withPrimaryGroup(user: JobUser, groupName: string, groupIds: Map<string, number>): JobUser | string {
  const gid = groupIds.get(groupName);
  if (gid === undefined || gid === 0 || !user.groups.includes(gid)) return `Could not install primary unix group ${groupName} from supplmental groups`;
  return { ...user, gid };
}

/** The user HTCondor runs jobs as when their owner has no account on the execute machine. */
export const NOBODY = 'nobody';

/**
 * Whom a daemon acts as for a job, as HTCondor's starter (running the job) and schedd/shadow (reading
 * its inputs, writing its outputs and user log) decide on Unix: a daemon that is not root acts as itself
 * (undefined); a root daemon acts as the job's Owner when that account exists here, else as `nobody`.
 * A job owned by root is served as root: HTCondor's schedd refuses such jobs at submit, tinycondor keeps
 * them (pools started by root in containers and CI submit as root).
 */
export function resolveJobUser(
  owner: string | undefined,
  daemonUid: number,
  accounts: { users: Map<string, { uid: number; gid: number }>; memberships: Map<string, number[]> },
): JobUser | undefined {
  if (daemonUid !== 0) return undefined;
  const name = owner !== undefined && accounts.users.has(owner) ? owner : NOBODY;
  const account = accounts.users.get(name);
  if (account === undefined) throw new Error(`the job's owner ${owner ?? '(none)'} has no account here, and neither has ${NOBODY}`);
  if (account.uid === 0) return undefined;
  const groups = [...new Set([account.gid, ...(accounts.memberships.get(name) ?? [])])];
  return { name, uid: account.uid, gid: account.gid, groups };
}

/** /etc/passwd and /etc/group as they are now (accounts may be added while a daemon runs). */
export function readAccounts(): Required<Accounts> {
  const read = (file: string) => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return '';
    }
  };
  const groups = read('/etc/group');
  return { users: parsePasswd(read('/etc/passwd')), memberships: parseGroupMemberships(groups), groupIds: parseGroupIds(groups) };
}

export interface Accounts {
  users: Map<string, { uid: number; gid: number }>;
  memberships: Map<string, number[]>;
  /** Group name → gid (for primary_unix_group). */
  groupIds?: Map<string, number>;
}

/** How long accounts read are trusted; an owner not in them has them read again after a second. */
const ACCOUNTS_MAX_AGE_MS = 60_000;
const UNKNOWN_OWNER_RECHECK_MS = 1_000;

/**
 * Whom a daemon acts as for each job (resolveJobUser), with /etc/passwd and /etc/group read again at most
 * once a minute, or once a second while an owner is not in them: accounts may be added while a daemon
 * runs, and every start and transfer asks.
 */
export class JobUsers {
  private accounts: Accounts | undefined;
  private readAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly daemonUid: number = process.getuid?.() ?? -1,
    private readonly read: () => Accounts = readAccounts,
  ) {}

  /** The gid of each group named in /etc/group, as last read (of() reads them). */
  groupIds(): Map<string, number> {
    return this.accounts?.groupIds ?? new Map();
  }

  of(owner: string | undefined): JobUser | undefined {
    // A daemon that is not root acts as itself: no account is looked up.
    if (this.daemonUid !== 0) return undefined;
    const age = performance.now() - this.readAt;
    const unknown = owner !== undefined && !this.accounts?.users.has(owner);
    if (this.accounts === undefined || age > ACCOUNTS_MAX_AGE_MS || (unknown && age > UNKNOWN_OWNER_RECHECK_MS)) {
      this.accounts = this.read();
      this.readAt = performance.now();
    }
    return resolveJobUser(owner, this.daemonUid, this.accounts);
  }
}
