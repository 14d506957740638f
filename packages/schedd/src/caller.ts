import os from 'node:os';
import type { FastifyRequest } from 'fastify';

/** Who a request acts as, established by its credential (never by what the request says of itself). */
export interface Caller {
  user: string;
  /** A queue superuser (QUEUE_SUPER_USERS): may act on every job. */
  superUser: boolean;
  /** Holds the pool token, the daemons' credential (startd channel and transfers, startd faults, user tokens). */
  poolToken: boolean;
}

/**
 * The caller of a request with the pool token or a dashboard session: the user the schedd runs as, a queue
 * superuser, or the user it names (`claimed`, as condor_rm sends it): a superuser may act as anyone.
 */
export function poolCaller(superUsers: string[], claimed?: string): Caller {
  const user = claimed ?? os.userInfo().username;
  return { user, superUser: superUsers.includes(user), poolToken: true };
}

/** The caller of a request with a user's own token: that user, whatever the request names. */
export function userCaller(superUsers: string[], user: string): Caller {
  return { user, superUser: superUsers.includes(user), poolToken: false };
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

/** HTCondor's rule: the owner acts on her own jobs, a queue superuser on all. */
export function mayActOn(caller: Caller, owner: string | undefined): boolean {
  return caller.superUser || (owner !== undefined && owner === caller.user);
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
