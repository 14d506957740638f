// Who may act on whose jobs in the queue, as HTCondor's schedd reads it (qmgmt.cpp InitQmgmt, at each
// reconfig): the queue superusers (QUEUE_SUPER_USERS), QUEUE_ALL_USERS_TRUSTED, QUEUE_SUPER_USER_MAY_IMPERSONATE,
// and CONDOR_Q_ONLY_MY_JOBS (which the schedd reads for each query and edit).
import { paramBoolean } from './condor-config.js';
import { splitList } from './submit/queue.js';

/** QUEUE_SUPER_USERS' default (param_info.in), and who it is when set empty (qmgmt.cpp's default_super_user). */
export const DEFAULT_QUEUE_SUPER_USERS = 'root, condor';
const EMPTY_QUEUE_SUPER_USERS = 'root';

/** A Unix group's members as getgrnam gives them (gr_mem: not those whose primary group it is); undefined: no such group. */
export type GroupMembers = (group: string) => readonly string[] | undefined;

export interface QueueAccess {
  /**
   * The queue superusers, `user` or `user@domain`, and `%group`, a Unix group's members: they act on every job
   * and change protected attributes.
   */
  superUsers: readonly string[];
  /** The members of a `%group` of superUsers. */
  groupMembers: GroupMembers;
  /** UID_DOMAIN: the domain of a user named without one. */
  uidDomain: string;
  /** QUEUE_ALL_USERS_TRUSTED: every user acts on every job, changes protected attributes, submits for anyone. */
  allUsersTrusted: boolean;
  /** QUEUE_SUPER_USER_MAY_IMPERSONATE: the owners a queue superuser may submit jobs for; any when unset. */
  mayImpersonate: RegExp | undefined;
  /** CONDOR_Q_ONLY_MY_JOBS: a query or edit asking for only the caller's jobs gets them; false: every job. */
  onlyMyJobs: boolean;
}

/**
 * The queue's access rules as InitQmgmt reads them. QUEUE_SUPER_USERS: names split on commas and blanks,
 * param_info.in's `root, condor` when unset, `root` when set empty; the user the schedd runs as (`scheddUser`,
 * HTCondor's get_condor_username) is one too unless PERSONAL_CONDOR_IS_SUPER_USER is false. `%group` names
 * a Unix group whose members `groupMembers` gives (none without it). What cannot be read as HTCondor reads it
 * is said in `problems`: a QUEUE_SUPER_USER_MAY_IMPERSONATE that is no regular expression (HTCondor's schedd
 * exits; here a superuser may then submit only for herself).
 */
export function queueAccess(
  value: (knob: string) => string | undefined,
  scheddUser: string,
  defaultUidDomain: string,
  problems: string[] = [],
  groupMembers: GroupMembers = () => undefined,
): QueueAccess {
  const configured = value('QUEUE_SUPER_USERS');
  const superUsers = splitList(configured === undefined ? DEFAULT_QUEUE_SUPER_USERS : configured.trim() === '' ? EMPTY_QUEUE_SUPER_USERS : configured);
  if (paramBoolean(value('PERSONAL_CONDOR_IS_SUPER_USER'), 'PERSONAL_CONDOR_IS_SUPER_USER', true, problems) && !superUsers.includes(scheddUser)) {
    superUsers.push(scheddUser);
  }
  const uidDomain = value('UID_DOMAIN')?.trim() || defaultUidDomain;
  const allUsersTrusted = paramBoolean(value('QUEUE_ALL_USERS_TRUSTED'), 'QUEUE_ALL_USERS_TRUSTED', false, problems);
  let mayImpersonate: RegExp | undefined;
  const impersonate = value('QUEUE_SUPER_USER_MAY_IMPERSONATE');
  if (impersonate !== undefined && impersonate.trim() !== '') {
    try {
      mayImpersonate = new RegExp(impersonate.trim());
    } catch {
      problems.push(`QUEUE_SUPER_USER_MAY_IMPERSONATE is an invalid regular expression: ${impersonate.trim()}`);
      mayImpersonate = /(?!)/;
    }
  }
  const onlyMyJobs = paramBoolean(value('CONDOR_Q_ONLY_MY_JOBS'), 'CONDOR_Q_ONLY_MY_JOBS', true, problems);
  return { superUsers, groupMembers, uidDomain, allUsersTrusted, mayImpersonate, onlyMyJobs };
}

/**
 * is_same_domain with COMPARE_DOMAIN_PREFIX: the same domain, without regard to case, or one is the other's
 * prefix up to a dot (`tonic` is `tonic.cs.wisc.edu`); a missing domain (or `.`) is `uidDomain`.
 */
function isSameDomain(a: string, b: string, uidDomain: string): boolean {
  const x = (a === '' || a === '.' ? uidDomain : a).toLowerCase();
  const y = (b === '' || b === '.' ? uidDomain : b).toLowerCase();
  if (x === y) return true;
  const [shorter, longer] = x.length < y.length ? [x, y] : [y, x];
  return longer.startsWith(shorter) && longer[shorter.length] === '.';
}

/** is_same_user (COMPARE_DOMAIN_PREFIX | ASSUME_UID_DOMAIN): `user` and `user@domain` names, user names compared exactly. */
export function isSameUser(a: string, b: string, uidDomain: string): boolean {
  const at = (name: string) => (name.includes('@') ? name.indexOf('@') : name.length);
  if (a.slice(0, at(a)) !== b.slice(0, at(b))) return false;
  return isSameDomain(a.slice(at(a) + 1), b.slice(at(b) + 1), uidDomain);
}

/**
 * isQueueSuperUser (ContainsUserName): whether `user` is one of the queue superusers: named (is_same_user), or,
 * a local user, a member of a `%group`. A local user is one whose domain, or UID_DOMAIN when she is named
 * without one, is UID_DOMAIN, as ContainsUserName's comment has it.
 */
export function isQueueSuperUser(access: QueueAccess, user: string): boolean {
  const at = user.lastIndexOf('@');
  const bare = at < 0 ? user : user.slice(0, at);
  const domain = at < 0 ? '' : user.slice(at + 1);
  const local = domain === '' || domain === '.' || domain.toLowerCase() === access.uidDomain.toLowerCase();
  return access.superUsers.some((name) => {
    if (!name.startsWith('%')) return isSameUser(user, name, access.uidDomain);
    return local && (access.groupMembers(name.slice(1))?.includes(bare) ?? false);
  });
}

/** The members of `group` in group(5) text (`getent group` output, /etc/group): undefined when it has no such group. */
export function groupMembersIn(text: string, group: string): string[] | undefined {
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields.length >= 4 && fields[0] === group) return fields[3]!.split(',').map((member) => member.trim()).filter((member) => member !== '');
  }
  return undefined;
}

/**
 * Whether `user` may submit a job owned by `owner` (SetAttribute of Owner): her own, anyone's when all users
 * are trusted, and a queue superuser's for the owners QUEUE_SUPER_USER_MAY_IMPERSONATE matches (a partial
 * match is one, as PCRE's), for any owner when it is unset. HTCondor's schedd lets a superuser submit only
 * for owners who have had a job in its queue when it is unset: here, for anyone.
 */
export function maySubmitFor(access: QueueAccess, user: string, superUser: boolean, owner: string): boolean {
  if (owner === user || access.allUsersTrusted) return true;
  return superUser && (access.mayImpersonate === undefined || access.mayImpersonate.test(owner));
}
