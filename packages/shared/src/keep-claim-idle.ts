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

/**
 * When a claim kept idle at `now` for `keepSeconds` is released (ms), and why: at its KeepClaimIdle deadline,
 * or sooner when the claim, begun at `claimStartedAt` (ms; unknown after the schedd restarted), passes its
 * startd's CLAIM_WORKLIFE (negative: none): a startd ends an idle claim then (ResState.cpp: "idle claim
 * shutting down due to CLAIM_WORKLIFE", Resource::claimWorklifeExpired).
 */
export function keptClaimEnd(now: number, keepSeconds: number, claimStartedAt: number | undefined, worklifeSeconds: number): { at: number; by: 'KeepClaimIdle' | 'CLAIM_WORKLIFE' } {
  const deadline = now + keepSeconds * 1000;
  if (claimStartedAt === undefined || worklifeSeconds < 0) return { at: deadline, by: 'KeepClaimIdle' };
  const worklifeEnd = Math.max(now, claimStartedAt + worklifeSeconds * 1000);
  return worklifeEnd < deadline ? { at: worklifeEnd, by: 'CLAIM_WORKLIFE' } : { at: deadline, by: 'KeepClaimIdle' };
}
