import type { ClassAd } from './classad/index.js';

/**
 * A job's lease (JobLeaseDuration): how long its run may go on without the submit side, and how long the schedd
 * waits to reconnect to it. Pure decisions; the schedd and the startd keep the timers.
 */

/** The 022 event's reason when a startd's channel closes (UniShadow::resourceDisconnected). */
export const DISCONNECTED_REASON = 'Socket between submit and execute hosts closed unexpectedly';
/** The 022 event's reason for a run the schedd finds in its queue as it starts (Scheduler::makeReconnectRecordFromJob). */
export const SCHEDD_RESTARTED_REASON = 'Local schedd and job shadow died, schedd now running again';
/** The 024 event's reason of a job without a lease (RemoteResource::disconnectClaimSock). */
export const RECONNECT_NOT_SUPPORTED = 'Reconnect is not supported';
/** The 024 event's reason when the startd is back without the run (RemoteResource::locateReconnectStarter, CA_FAILURE). */
export const JOB_NOT_FOUND = 'Job not found at execution machine';

/** JobLeaseDuration as an integer (LookupInteger: an expression is evaluated; a real is truncated), else undefined. */
export function jobLeaseSeconds(ad: ClassAd): number | undefined {
  const value = ad.evaluate('JobLeaseDuration');
  if (value.type === 'int') return value.value;
  if (value.type === 'real' && Number.isFinite(value.value)) return Math.trunc(value.value);
  if (value.type === 'bool') return value.value ? 1 : 0;
  return undefined;
}

/** The 024 event's reason when the lease ran out (RemoteResource::reconnect). */
export function leaseExpiredReason(ad: ClassAd): string {
  return `Job disconnected too long: JobLeaseDuration (${jobLeaseSeconds(ad) ?? -1} seconds) expired`;
}

/**
 * Milliseconds of the lease left `nowMs`, counted from the last contact: JobLeaseDuration less the time since
 * (RemoteResource::remainingLeaseDuration, JICShadow::syscall_sock_disconnect); 0 without a lease.
 */
export function leaseRemainingMs(ad: ClassAd, lastContactMs: number, nowMs: number): number {
  const lease = jobLeaseSeconds(ad);
  if (lease === undefined || lease <= 0) return 0;
  return Math.max(0, lease * 1000 - Math.max(0, nowMs - lastContactMs));
}

export type LeaseDecision = { kind: 'reconnect'; remainingMs: number; reason: string } | { kind: 'fail'; reason: string } | { kind: 'stop' };

/**
 * A run's startd closed its channel: with a lease (RemoteResource::supportsReconnect: JobLeaseDuration > 0) the
 * job waits for it (022, then 023 or 024), else the reconnect fails at once (024, then 004).
 */
export function onStartdLost(ad: ClassAd): LeaseDecision {
  const lease = jobLeaseSeconds(ad);
  if (lease === undefined || lease <= 0) return { kind: 'fail', reason: RECONNECT_NOT_SUPPORTED };
  return { kind: 'reconnect', remainingMs: lease * 1000, reason: DISCONNECTED_REASON };
}

/**
 * The schedd starts with a run in its queue: it waits for the startd (022) if the lease is still valid
 * (jobLeaseIsValid: JobLeaseDuration and LastJobLeaseRenewal defined, time left), else the job is stopped,
 * back to Idle without an event (mark_idle's mark_job_stopped).
 */
export function onScheddRestart(ad: ClassAd, nowMs: number): LeaseDecision {
  const lease = jobLeaseSeconds(ad);
  const renewed = ad.getInt('LastJobLeaseRenewal');
  if (lease === undefined || renewed === undefined) return { kind: 'stop' };
  const remainingMs = lease * 1000 - (Math.floor(nowMs / 1000) - renewed) * 1000;
  if (remainingMs <= 0) return { kind: 'stop' };
  return { kind: 'reconnect', remainingMs, reason: SCHEDD_RESTARTED_REASON };
}

/** ALIVE_INTERVAL's default (param_info.in), in seconds. */
export const ALIVE_INTERVAL_SECONDS = 300;

/**
 * The alive interval once a job with this ad runs, from the current one: every interval the schedd renews the
 * LastJobLeaseRenewal of each run on a connected startd (Scheduler::checkClaimLeases), and a lease shortens it
 * to a third of itself, 10 seconds at least; it never grows back (Scheduler::RecomputeAliveInterval).
 */
export function aliveInterval(ad: ClassAd, currentSeconds: number): number {
  const lease = jobLeaseSeconds(ad);
  if (lease === undefined || lease <= 0) return currentSeconds;
  return Math.min(currentSeconds, Math.max(10, Math.floor(lease / 3)));
}
