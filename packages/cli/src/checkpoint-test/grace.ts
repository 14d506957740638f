import type { CommittedState } from './capture.js';

/** What a vacated job did with its grace (KillSig, then job_max_vacate_time before SIGKILL). */
export interface GraceReport {
  /** Files reached SPOOL at the eviction (when_to_transfer_output = ON_EXIT_OR_EVICT). */
  sentAtEviction: boolean;
  /** Files the eviction's transfer changed in SPOOL: the state the job saved in its grace. */
  savedFiles: string[];
  message: string;
}

/**
 * From a run's commits into SPOOL (checkpoints and the transfer at eviction, in order): whether the job
 * used the grace of a vacate to save state that reached SPOOL.
 */
export function judgeGrace(commits: CommittedState[], onExitOrEvict: boolean): GraceReport {
  if (!onExitOrEvict) {
    return { sentAtEviction: false, savedFiles: [], message: 'when_to_transfer_output is ON_EXIT: nothing is sent at an eviction, so whatever the job saved in its grace was lost' };
  }
  const at = commits.findIndex((c) => c.checkpoint === undefined);
  if (at < 0) return { sentAtEviction: false, savedFiles: [], message: 'nothing reached SPOOL at the eviction (ON_EXIT_OR_EVICT): the next run started from the last checkpoint' };
  const before = at > 0 ? commits[at - 1].spool : {};
  const sent = commits[at].spool;
  const savedFiles = Object.keys(sent).filter((name) => sent[name] !== before[name]);
  return {
    sentAtEviction: true,
    savedFiles,
    message:
      savedFiles.length > 0
        ? `the job used its grace: the files sent at eviction (ON_EXIT_OR_EVICT) saved new state in ${savedFiles.join(', ')}`
        : 'the files sent at eviction (ON_EXIT_OR_EVICT) held nothing newer than the last checkpoint: the grace saved no state',
  };
}
