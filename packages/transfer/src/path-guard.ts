/**
 * Judges the paths a daemon reads and writes for a job: a refusal says why it may not (the schedd's
 * PoolFileGuard keeps a job's files out of the pool's own directory). `ownDirs` are the job's own
 * directories inside it.
 */
export interface PathGuard {
  refusal(target: string, ownDirs?: readonly string[]): string | undefined;
  /** As `refusal`, for a path read whole (a directory must not hold the protected one either). */
  readRefusal(source: string, ownDirs?: readonly string[]): string | undefined;
}
