import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { derivedFromConfig } from './configured.js';
import { configValue, type CondorConfig } from '@tinycondor/shared/condor-config';
import { groupMembersIn, isQueueSuperUser, maySubmitFor, queueAccess, type GroupMembers, type QueueAccess } from '@tinycondor/shared/queue-access';

/** The UID_DOMAIN the schedd writes into condor_config.pool; the domain of a user named without one. */
export const POOL_UID_DOMAIN = 'localhost';

/** Who a request acts as, established by its credential (never by what the request says of itself). */
export interface Caller {
  user: string;
  /** A queue superuser (QUEUE_SUPER_USERS): may act on every job. */
  superUser: boolean;
  /** Holds the pool token, the daemons' credential (startd channel and transfers, startd faults, user tokens). */
  poolToken: boolean;
  /** The queue's access rules as configured when the request came (QUEUE_ALL_USERS_TRUSTED and the others). */
  access: QueueAccess;
}

let scheddUserName: string | undefined;

/** The user the schedd runs as (looked up once: the lookup reads the password database). */
export function scheddUser(): string {
  scheddUserName ??= os.userInfo().username;
  return scheddUserName;
}

/**
 * getgrnam's members of a group: `getent group` (the system's group databases, as getgrnam reads them), or
 * /etc/group where there is no getent. Undefined when there is no such group, or it cannot be read; said in
 * HTCondor's words when there is none.
 */
function unixGroupMembers(group: string, log: Logger): readonly string[] | undefined {
  const notFound = () => {
    log.warn(`Group name "${group}" was not found in defined user groups`);
    return undefined;
  };
  if (group === '') return notFound();
  try {
    return groupMembersIn(execFileSync('getent', ['group', group], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }), group) ?? notFound();
  } catch (err) {
    const { code, status } = err as NodeJS.ErrnoException & { status?: number };
    if (status === 2) return notFound();
    if (code !== 'ENOENT') {
      log.warn({ err, group }, `getent group ${group} failed: the group's members are not queue superusers`);
      return undefined;
    }
  }
  try {
    return groupMembersIn(fs.readFileSync('/etc/group', 'utf8'), group) ?? notFound();
  } catch (err) {
    log.warn({ err, group }, `cannot read /etc/group for group ${group}: its members are not queue superusers`);
    return undefined;
  }
}

/**
 * QUEUE_SUPER_USERS' `%group` members, each group looked up once for the configuration (HTCondor keeps a user's
 * superuser standing until the next reconfig).
 */
function groupMembersOnce(log: Logger): GroupMembers {
  const known = new Map<string, readonly string[] | undefined>();
  return (group) => {
    if (!known.has(group)) known.set(group, unixGroupMembers(group, log));
    return known.get(group);
  };
}

/** The queue's access rules of a schedd without a configuration: HTCondor's defaults. */
export function defaultQueueAccess(): QueueAccess {
  return queueAccess(() => undefined, scheddUser(), POOL_UID_DOMAIN);
}

/**
 * The queue's access rules of the schedd's configuration, read again when it changed (HTCondor: InitQmgmt
 * at each reconfig), with what it logs then; HTCondor's defaults without a configuration.
 */
export function configuredQueueAccess(config: () => CondorConfig | undefined, log: Logger): () => QueueAccess {
  return derivedFromConfig(
    config,
    (current) => {
      const problems: string[] = [];
      const access = queueAccess((name) => configValue(current, name), scheddUser(), POOL_UID_DOMAIN, problems, groupMembersOnce(log));
      for (const problem of problems) log.warn(problem);
      log.info(`Queue Management Super Users: ${access.superUsers.join(', ')}`);
      if (access.allUsersTrusted) log.warn('NOTE: QUEUE_ALL_USERS_TRUSTED=TRUE - all queue access checks disabled!');
      return access;
    },
    defaultQueueAccess(),
  );
}

/** `user` as a caller under the queue's access rules now. */
export function queueCaller(access: QueueAccess, user: string, poolToken: boolean): Caller {
  return { user, superUser: isQueueSuperUser(access, user), poolToken, access };
}

/**
 * The caller of a request with the pool token or a dashboard session: the user the schedd runs as, a queue
 * superuser, or the user it names (`claimed`, as condor_rm sends it): a superuser may act as anyone.
 */
export function poolCaller(access: QueueAccess, claimed?: string): Caller {
  return queueCaller(access, claimed ?? scheddUser(), true);
}

/** The caller of a request with a user's own token: that user, whatever the request names. */
export function userCaller(access: QueueAccess, user: string): Caller {
  return queueCaller(access, user, false);
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the request acts as, from its credential (set before any route runs; public pages have none). */
    caller: Caller | undefined;
  }
}

/** The caller of a route that requires credentials (the onRequest hook refused the request otherwise). */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new Error(`no caller established for ${request.url}`);
  return request.caller;
}

/** HTCondor's rule (UserCheck): the owner acts on her own jobs, a queue superuser on all, everyone on all when QUEUE_ALL_USERS_TRUSTED. */
export function mayActOn(caller: Caller, owner: string | undefined): boolean {
  return caller.superUser || caller.access.allUsersTrusted || (owner !== undefined && owner === caller.user);
}

/** Whether `caller` may submit a job owned by `owner` (maySubmitFor). */
export function maySubmitAs(caller: Caller, owner: string | undefined): boolean {
  return owner !== undefined && maySubmitFor(caller.access, caller.user, caller.superUser, owner);
}

/** Why `caller` may not act on job `jobId` of `owner`, or undefined when she may (mayActOn). */
export function permissionDenied(caller: Caller, jobId: string, owner: string | undefined): string | undefined {
  return mayActOn(caller, owner) ? undefined : `Job ${jobId}: permission denied (owned by ${owner ?? 'nobody'}, not ${caller.user})`;
}

/** An error a route answers with `statusCode` (the app's error handler sends 4xx as they are). */
export function refusal(statusCode: 403 | 404, message: string): Error {
  return Object.assign(new Error(message), { statusCode });
}

/** For routes only the pool's daemons and its superuser use: a user token is refused. */
export function requirePoolToken(caller: Caller, what: string): void {
  if (!caller.poolToken) throw refusal(403, `${what} needs the pool token; a user token (of ${caller.user}) may not`);
}
