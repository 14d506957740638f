// The job actions of condor_rm, condor_hold, condor_release, condor_vacate_job, condor_suspend and
// condor_continue, with HTCondor's words for their results (dc_schedd.cpp's JobActionResults, rm.cpp's
// actionWord) and the job states each acts on (schedd.cpp's actOnJobs).
import { HoldCode, JobStatus } from './job-status.js';

/** JA_*_JOBS: remove-x is condor_rm -forcex, vacate-fast condor_vacate_job -fast. */
export type ToolAction = 'remove' | 'remove-x' | 'hold' | 'release' | 'vacate' | 'vacate-fast' | 'suspend' | 'continue';

/** action_result_t, as a job's result of an action. */
export type ActionResultCode = 'success' | 'error' | 'not-found' | 'bad-status' | 'already-done' | 'permission-denied' | 'limit-exceeded';

/** rm.cpp's actionWord: what the tool says it did (past) or could not do. */
export function actionWord(action: ToolAction, past: boolean): string {
  const words: Record<ToolAction, [string, string]> = {
    remove: ['remove', 'marked for removal'],
    'remove-x': ['remove', 'removed locally (remote state unknown)'],
    hold: ['hold', 'held'],
    release: ['release', 'released'],
    vacate: ['vacate', 'vacated'],
    'vacate-fast': ['fast-vacate', 'fast-vacated'],
    suspend: ['suspend', 'suspended'],
    continue: ['continue', 'continued'],
  };
  return words[action][past ? 1 : 0];
}

/** JobActionResults::getResultString: the line a tool prints for a job named by id. */
export function resultString(action: ToolAction, jobId: string, code: ActionResultCode): string {
  switch (code) {
    case 'success':
      return `Job ${jobId} ${actionWord(action, true)}`;
    case 'error':
      return `No result found for job ${jobId}`;
    case 'not-found':
      return `Job ${jobId} not found`;
    case 'permission-denied': {
      const verb: Record<ToolAction, string> = {
        remove: 'remove',
        'remove-x': 'force removal of',
        hold: 'hold',
        release: 'release',
        vacate: 'vacate',
        'vacate-fast': 'fast-vacate',
        suspend: 'suspend',
        continue: 'continue',
      };
      return `Permission denied to ${verb[action]} job ${jobId}`;
    }
    case 'bad-status': {
      const badStatus: Partial<Record<ToolAction, string>> = {
        release: 'not held to be released',
        'remove-x': "not in `X' state to be forcibly removed",
        vacate: 'not running to be vacated',
        'vacate-fast': 'not running to be fast-vacated',
        suspend: 'not running to be suspended',
        continue: 'not running to be continued',
      };
      const text = badStatus[action];
      return text === undefined ? `Invalid result for job ${jobId}` : `Job ${jobId} ${text}`;
    }
    case 'already-done': {
      const alreadyDone: Partial<Record<ToolAction, string>> = {
        hold: 'already held',
        remove: 'already marked for removal',
        suspend: 'already suspended',
        continue: 'already running',
        'remove-x': 'already marked for forced removal',
      };
      const text = alreadyDone[action];
      return text === undefined ? `Invalid result for job ${jobId}` : `Job ${jobId} ${text}`;
    }
    case 'limit-exceeded':
      return `Job ${jobId} cannot be released again, has reached SYSTEM_PERIODIC_RELEASES limit`;
  }
}

/** The counts condor_rm -totals prints. */
export type ActionTotals = Record<ActionResultCode, number>;

export function emptyTotals(): ActionTotals {
  return { success: 0, error: 0, 'not-found': 0, 'bad-status': 0, 'already-done': 0, 'permission-denied': 0, 'limit-exceeded': 0 };
}

/** rm.cpp's -totals line. */
export function totalsLine(totals: ActionTotals): string {
  return `${totals.success} Succeeded, ${totals.error} Failed, ${totals['not-found']} Not Found, ${totals['bad-status']} Bad Status, ${totals['already-done']} Already Done, ${totals['permission-denied']} Permission Denied`;
}

/**
 * actOnJobs' clause for an action on a constraint: the jobs in a state the action applies to. A job outside
 * it is not selected (rather than refused), so `condor_release 5` releases the held jobs of cluster 5 and
 * says nothing of its idle ones.
 */
export function actionSelects(action: ToolAction, status: number | undefined, statusOnRelease: number | undefined, holdReasonCode: number | undefined): boolean {
  switch (action) {
    case 'remove':
      return status !== JobStatus.Removed;
    case 'remove-x':
      return status === JobStatus.Removed || (status === JobStatus.Held && statusOnRelease === JobStatus.Removed);
    case 'hold':
      return status !== JobStatus.Removed && status !== JobStatus.Completed;
    case 'release':
      return status === JobStatus.Held && holdReasonCode !== HoldCode.SpoolingInput;
    case 'suspend':
    case 'vacate':
    case 'vacate-fast':
      return status === JobStatus.Running || status === JobStatus.TransferringOutput;
    case 'continue':
      return status === JobStatus.Suspended;
  }
}
