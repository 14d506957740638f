import type { FastifyBaseLogger } from 'fastify';

/**
 * A transfer into SPOOL held job files under a name the commit reserves (`.ccommit.con`): they were not
 * committed, as HTCondor's CommitFiles never commits them, so the job will not find them when it restarts.
 */
export function warnWithheld(log: FastifyBaseLogger, jobId: string, withheld: string[]): void {
  if (withheld.length === 0) return;
  log.warn({ jobId, names: withheld }, 'job files named like the SPOOL commit marker were received but not committed (as in HTCondor); the job will not find them when it restarts');
}
