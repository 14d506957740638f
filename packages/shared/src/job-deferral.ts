// When a deferred job may start on its execute machine (Starter::jobWaitUntilExecuteTime).
import type { ClassAd } from './classad/index.js';

/** The hold reason the schedd gives a job whose starter found its deferral time missed (schedd.cpp, JOB_MISSED_DEFERRAL_TIME). */
export const MISSED_DEFERRAL_HOLD_REASON = 'Job missed deferred execution time';

/** Start in `delaySeconds` (0: now), or never: the starter's reason, which it logs before it gives the job back. */
export type DeferredStart = { delaySeconds: number } | { missed: string };

/**
 * A job without DeferralTime starts now. Otherwise at DeferralTime (evaluated here, as the starter evaluates
 * it), the clock shifted back by DeferralOffset; late by no more than DeferralWindow it starts at once, later
 * it is not started. A DeferralTime that is no positive integer is missed too.
 */
export function deferredStart(jobAd: ClassAd, nowSeconds: number, jobId: string): DeferredStart {
  if (!jobAd.has('DeferralTime')) return { delaySeconds: 0 };
  const deferralTime = jobAd.getInt('DeferralTime');
  if (deferralTime === undefined) return { missed: `Invalid deferred execution time for Job ${jobId}.` };
  if (deferralTime <= 0) return { missed: `Invalid execution time '${deferralTime}' for Job ${jobId}.` };
  const now = nowSeconds - (jobAd.getInt('DeferralOffset') ?? 0);
  const window = jobAd.getInt('DeferralWindow') ?? 0;
  const delta = deferralTime - now;
  if (delta >= 0) return { delaySeconds: delta };
  return -delta > window ? { missed: `Job ${jobId} missed its execution time.` } : { delaySeconds: 0 };
}

/**
 * Whether a deferred job's requirements let it match now (SetRequirements' clause: from DeferralPrepTime before
 * DeferralTime, less a ScheddInterval, until its window closes); false for a job that is not deferred.
 */
export function deferralWindowOpen(jobAd: ClassAd, nowSeconds: number): boolean {
  const deferralTime = jobAd.getInt('DeferralTime');
  if (deferralTime === undefined) return false;
  const opens = deferralTime - (jobAd.getInt('DeferralPrepTime') ?? 0) - (jobAd.getInt('ScheddInterval') ?? 0);
  return nowSeconds >= opens && nowSeconds < deferralTime + (jobAd.getInt('DeferralWindow') ?? 0);
}
