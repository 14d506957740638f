/**
 * The largest submission (a cluster's shared ad and its procs' own attributes, as condor_submit sends them)
 * the schedd takes in one request. Procs are sent compactly, each with only what differs from the cluster's
 * ad: a million procs with their ProcId alone take about 20 MB, and HTCondor's own default
 * MAX_JOBS_PER_SUBMISSION of 20 000 procs leaves more than 3 KB to each. The request is parsed in memory
 * (about six times its size), so the limit is what bounds a submission's memory.
 */
export const MAX_SUBMIT_BODY_BYTES = 64 * 1024 * 1024;

/** Why a submission too large for the schedd is refused; `bytes` when the size is known. */
export function submissionTooLarge(bytes?: number): string {
  const size = bytes === undefined ? '' : ` of ${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `the submission${size} is larger than the schedd accepts in one request (${MAX_SUBMIT_BODY_BYTES / 1024 / 1024} MiB): split the cluster into several submit files or queue statements`;
}
