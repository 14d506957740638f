import type { JobPlace } from '@tinycondor/shared/job-order';
import type { StoredQueuedStart } from './job-store.js';

/**
 * A job queued on a busy slot. The startd starts it the moment the slot's run ends, and the schedd starts
 * its run in the queue when it learns of that end: a slot goes from one job to the next without a round
 * trip. Until then the job stays Idle in the queue, held out of matchmaking. Its record is stored
 * (queued_starts) before the start is sent, so a schedd that restarts knows the startd may have launched it.
 *
 * Its lifecycle, decided here and nowhere else:
 *   waiting ── takeBack(soft|hard) ──> waiting, taken back (an `unqueue` goes to the startd, once)
 *   waiting ── the slot's run ended ──> launched: its run starts in the queue, unless it was taken back
 *                                        hard or the job is no longer idle: then the launched run is killed
 *   any ──── the startd dropped it, or its lease ended ──> released (the job is matched again)
 */
export interface QueuedStart extends StoredQueuedStart {
  cluster: number;
  proc: number;
  /** The job's place among idle jobs when it was queued (it changes only with the job, which takes the start back). */
  place: JobPlace;
  /** Who the job is accounted to (it changes only with the job, which takes the start back). */
  submitter: string;
  /** true while the slot's earlier run goes on; false once the startd launched it (only one taken back hard stays so, until it ends). */
  waiting: boolean;
  /**
   * Taken back (an `unqueue` was sent): 'soft', another slot fits the job, and a run already launched is kept;
   * 'hard', the job changed, and a run already launched is killed. The job stays held out until the startd
   * has answered: the start dropped (reported as a run that ended) or launched.
   */
  cancel: 'soft' | 'hard' | undefined;
}

/** A start just queued, or restored from its stored record after a restart: waiting, not taken back. */
export function queuedStart(stored: StoredQueuedStart, place: JobPlace, submitter: string): QueuedStart {
  return { ...stored, cluster: place.cluster, proc: place.proc, place, submitter, waiting: true, cancel: undefined };
}

/** Whether a queued start may still be taken back for another slot or a better job: not yet launched, nor taken back already. */
export function mayTakeBack(queued: QueuedStart): boolean {
  return queued.waiting && queued.cancel === undefined;
}

/**
 * Takes a queued start back: 'hard' (the job changed) overrides 'soft' (another slot fits it), never the
 * reverse. Returns whether the startd must be told (`unqueue`): the first time, while it still waits.
 */
export function takeBack(queued: QueuedStart, how: 'soft' | 'hard'): { tellStartd: boolean } {
  const first = queued.cancel === undefined;
  if (how === 'hard') queued.cancel = 'hard';
  else queued.cancel ??= 'soft';
  // Once the earlier run has ended the startd has launched it or dropped it already.
  return { tellStartd: first && queued.waiting };
}

/**
 * The startd launched the queued job: its run becomes the job's current run ('start-run'), unless the
 * start was taken back hard or the job is no longer idle ('kill': the run is killed, the slot stays busy
 * until its end is reported).
 */
export function launched(queued: QueuedStart, jobIdle: boolean): 'start-run' | 'kill' {
  queued.waiting = false;
  return queued.cancel === 'hard' || !jobIdle ? 'kill' : 'start-run';
}
