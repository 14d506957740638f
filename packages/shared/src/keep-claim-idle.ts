import type { ClassAd } from './classad/index.js';

/**
 * The job's KeepClaimIdle (keep_claim_idle), as the schedd copies it to the claim when the job starts on it
 * (Scheduler::StartJob: GetAttributeInt, an expression evaluated in the job's ad, reals truncated): the seconds
 * the claim is kept after the job ends; 0 (not kept) when absent, not a number, or not positive.
 */
export function keepClaimIdleOf(jobAd: ClassAd): number {
  if (!jobAd.has('KeepClaimIdle')) return 0;
  const seconds = jobAd.getInt('KeepClaimIdle');
  return seconds !== undefined && seconds > 0 ? seconds : 0;
}

/**
 * How a run's end reached the schedd, as the shadow's exit code tells it (exit.h): 'exited', the job exited
 * and leaves the queue completed (JOB_EXITED); 'removed', condor_rm stopped it (JOB_SHOULD_REMOVE, JOB_KILLED);
 * 'other', anything else (held, requeued, evicted, failed to start, a checkpoint that failed).
 */
export type RunEnd = 'exited' | 'removed' | 'other';

/**
 * child_exit: the seconds the slot's claim is kept idle for its user's next job once the run has ended, 0 when
 * it is released (or goes on with a job queued on it). It is kept only when the run asked for it (its
 * KeepClaimIdle), ended as 'exited' or 'removed', no job of the claim is to run next (a job queued on the slot
 * goes on with the claim), and the startd did not close the claim (JOB_EXITED_AND_CLAIM_CLOSING: past its
 * CLAIM_WORKLIFE).
 */
export function keptIdleSeconds(run: { keepClaimIdle: number; end: RunEnd; claimClosing: boolean; nextJob: boolean }): number {
  if (run.nextJob || run.claimClosing || run.end === 'other') return 0;
  return Math.max(0, run.keepClaimIdle);
}
