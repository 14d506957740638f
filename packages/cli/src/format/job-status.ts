import { JobStatus } from '@tinycondor/shared/job-status';
import type { ClassAd } from './classad.js';

export { JobStatus, statusLetter } from '@tinycondor/shared/job-status';

/** JobUniverse of DAGMan and other scheduler-universe jobs, counted apart in queue totals. */
export const SCHEDULER_UNIVERSE = 7;

/** Per-state job counts, as in the schedd's query summary ad. */
export interface JobTotals {
  jobs: number;
  completed: number;
  removed: number;
  idle: number;
  running: number;
  held: number;
  suspended: number;
}

/**
 * Counts jobs the way the schedd fills its summary ad: transferring-output counts as running,
 * and scheduler-universe jobs (DAGMan) are left out of these totals.
 */
export function countJobs(jobs: readonly ClassAd[]): JobTotals {
  const totals = emptyTotals();
  for (const job of jobs) {
    if (job.getInt('JobUniverse') === SCHEDULER_UNIVERSE) continue;
    addToTotals(totals, job.getInt('JobStatus') ?? 0, 1);
  }
  return totals;
}

export function emptyTotals(): JobTotals {
  return { jobs: 0, completed: 0, removed: 0, idle: 0, running: 0, held: 0, suspended: 0 };
}

/** Adds `count` jobs in `status` to the totals (transferring output counts as running). */
export function addToTotals(totals: JobTotals, status: number, count: number): void {
  switch (status === JobStatus.TransferringOutput ? JobStatus.Running : status) {
    case JobStatus.Idle: totals.idle += count; break;
    case JobStatus.Running: totals.running += count; break;
    case JobStatus.Removed: totals.removed += count; break;
    case JobStatus.Completed: totals.completed += count; break;
    case JobStatus.Held: totals.held += count; break;
    case JobStatus.Suspended: totals.suspended += count; break;
    default: return;
  }
  totals.jobs += count;
}
