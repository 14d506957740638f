import type { ClassAd } from './classad/index.js';

/** HTCondor's JobStatus codes (proc.h; docs/codes-other-values/job-status-codes.rst). */
export const JobStatus = {
  Idle: 1,
  Running: 2,
  Removed: 3,
  Completed: 4,
  Held: 5,
  TransferringOutput: 6,
  Suspended: 7,
  Failed: 8,
  Blocked: 9,
} as const;
export type JobStatusCode = (typeof JobStatus)[keyof typeof JobStatus];

const LETTERS: Readonly<Record<JobStatusCode, string>> = { 1: 'I', 2: 'R', 3: 'X', 4: 'C', 5: 'H', 6: '>', 7: 'S', 8: 'F', 9: 'B' };

/** encode_status(): the one-letter state condor_q prints in its ST column (a blank for an unknown one). */
export function statusLetter(status: number | undefined): string {
  return LETTERS[status as JobStatusCode] ?? ' ';
}

/** JobUniverse of DAGMan and other scheduler-universe jobs, counted apart in queue totals. */
export const SCHEDULER_UNIVERSE = 7;

/** Per-state job counts, as in the schedd's query summary ad (LiveJobCounters). */
export interface JobTotals {
  jobs: number;
  completed: number;
  removed: number;
  idle: number;
  running: number;
  held: number;
  suspended: number;
}

export function emptyTotals(): JobTotals {
  return { jobs: 0, completed: 0, removed: 0, idle: 0, running: 0, held: 0, suspended: 0 };
}

/**
 * Adds `count` jobs in `status` to the totals as IncrementLiveJobCounter does: transferring output counts as
 * running, failed as completed; blocked jobs are in none of the counts.
 */
export function addToTotals(totals: JobTotals, status: number, count: number): void {
  switch (status === JobStatus.TransferringOutput ? JobStatus.Running : status === JobStatus.Failed ? JobStatus.Completed : status) {
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

/** The totals of job ads the way the schedd fills its summary ad: scheduler-universe jobs (DAGMan) are left out. */
export function countJobs(jobs: Iterable<ClassAd>): JobTotals {
  const totals = emptyTotals();
  for (const job of jobs) {
    if (job.getInt('JobUniverse') === SCHEDULER_UNIVERSE) continue;
    addToTotals(totals, job.getInt('JobStatus') ?? 0, 1);
  }
  return totals;
}

/** Hold reason codes used by tinycondor (src/condor_utils/condor_holdcodes.h). */
export const HoldCode = {
  UserRequest: 1,
  JobPolicy: 3,
  JobPolicyUndefined: 5,
  FailedToCreateProcess: 6,
  UnableToOpenOutputStream: 9,
  UnableToOpenInputStream: 10,
  TransferOutputError: 12,
  TransferInputError: 13,
  SubmittedOnHold: 15,
  UnableToInitUserLog: 22,
  FailedToAccessUserAccount: 23,
  InvalidCronSettings: 25,
  SpoolingInput: 16,
  MissedDeferredExecutionTime: 20,
  MaxTransferInputSizeExceeded: 32,
  MaxTransferOutputSizeExceeded: 33,
  JobOutOfResources: 34,
  InvalidDockerImage: 35,
  FailedToCheckpoint: 36,
  JobDurationExceeded: 46,
  JobExecuteExceeded: 47,
  CannotSwitchPrimaryGroup: 49,
} as const;

/** HoldReasonSubCodes of JobOutOfResources (condor_holdcodes.h, OUT_OF_RESOURCES_SUB_CODE). */
export const OutOfResourcesSubCode = {
  Memory: 102,
  Disk: 104,
} as const;

/** Vacate reason codes (>= 1000, condor_holdcodes.h). */
export const VacateCode = {
  JobPolicyVacate: 1000,
  JobShouldRequeue: 1005,
  ReconnectFailed: 1008,
  ScheddVacate: 1022,
  JobRemoved: 1023,
  SuccessfulCheckpoint: 1025,
} as const;
