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

/** Hold reason codes used by tinycondor (src/condor_utils/condor_holdcodes.h). */
export const HoldCode = {
  UserRequest: 1,
  JobPolicy: 3,
  JobPolicyUndefined: 5,
  FailedToCreateProcess: 6,
  UnableToOpenOutputStream: 9,
  TransferOutputError: 12,
  TransferInputError: 13,
  SubmittedOnHold: 15,
  UnableToInitUserLog: 22,
  FailedToAccessUserAccount: 23,
  SpoolingInput: 16,
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
  ScheddVacate: 1022,
  JobRemoved: 1023,
  SuccessfulCheckpoint: 1025,
} as const;
