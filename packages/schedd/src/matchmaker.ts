import type { ClassAd } from '@tinycondor/shared/classad/index';

/** A slot a job may be placed on, its machine ad built only when a job is tried on it. */
export interface Candidate<S> {
  slot: S;
  /** `slot@startd`: the slot's name across passes. */
  key: string;
  readonly ad: ClassAd;
}

/** How a pass reads the queue and places a job: `place` acts at once (the start is stored before the next is tried). */
export interface MatchmakingQueue<J, S> {
  /** The job, when it is still idle. */
  idleJob(jobId: string): J | undefined;
  /** Every idle job, in the order they are to be tried (best first). */
  idleJobs(): Iterable<J>;
  jobIdOf(job: J): string;
  /** Whether the job waits queued on a busy slot (it is matched again only once taken back). */
  isQueued(jobId: string): boolean;
  fits(job: J, slotAd: ClassAd): boolean;
  place(job: J, slot: S, how: 'start' | 'queue'): void;
}

/** Newly idle jobs tried in one pass at most: a big submission is tried in slices, other requests served between. */
export const NEWLY_IDLE_PER_PASS = 2_000;

/**
 * Where idle jobs go: free slots first, then queued behind the run of a busy slot (one job each). What it
 * remembers between passes makes a pass cost what changed: jobs that became idle since the last pass are
 * tried against every slot; the whole idle queue is scanned only for a slot not yet found to fit no idle
 * job, so a queue of jobs that cannot run costs nothing on every later state change. The schedd tells it
 * of jobs that become idle and of slots whose state changed.
 */
export class Matchmaker {
  private readonly newlyIdle = new Set<string>();
  /** Free slots a full scan found no idle job for; only newly idle jobs are tried on them. */
  private readonly exhaustedSlots = new Set<string>();
  /** Busy slots a full scan found no idle job to queue on. */
  private readonly exhaustedQueueSlots = new Set<string>();

  jobBecameIdle(jobId: string): void {
    this.newlyIdle.add(jobId);
  }

  /** A slot freed, or came (back): every idle job may fit it again. */
  slotChanged(key: string): void {
    this.exhaustedSlots.delete(key);
    this.exhaustedQueueSlots.delete(key);
  }

  /** A busy slot's queued start left (launched or dropped): another job may be queued on it. */
  queueSlotChanged(key: string): void {
    this.exhaustedQueueSlots.delete(key);
  }

  /**
   * One pass over `free` and `queueable` slots; returns the free slots left without a job (they may take
   * back a job queued elsewhere) and whether newly idle jobs remain for another pass.
   */
  pass<J, S>(free: Candidate<S>[], queueable: Candidate<S>[], queue: MatchmakingQueue<J, S>): { unplacedFree: Candidate<S>[]; more: boolean } {
    const freeLeft = [...free];
    const queueLeft = [...queueable];
    if (freeLeft.length === 0 && queueLeft.length === 0) return { unplacedFree: freeLeft, more: false };
    const place = (job: J, freeCandidates: Candidate<S>[], queueCandidates: Candidate<S>[]): void => {
      for (const [candidates, all, how] of [
        [freeCandidates, freeLeft, 'start'],
        [queueCandidates, queueLeft, 'queue'],
      ] as const) {
        const index = candidates.findIndex((c) => queue.fits(job, c.ad));
        if (index < 0) continue;
        const [chosen] = candidates.splice(index, 1);
        all.splice(all.indexOf(chosen), 1);
        queue.place(job, chosen.slot, how);
        return;
      }
    };
    let budget = NEWLY_IDLE_PER_PASS;
    for (const jobId of this.newlyIdle) {
      if ((freeLeft.length === 0 && queueLeft.length === 0) || budget-- === 0) break;
      this.newlyIdle.delete(jobId);
      if (queue.isQueued(jobId)) continue;
      const job = queue.idleJob(jobId);
      if (job) place(job, [...freeLeft], [...queueLeft]);
    }
    const more = budget < 0 && (freeLeft.length > 0 || queueLeft.length > 0);
    const unexplored = freeLeft.filter((c) => !this.exhaustedSlots.has(c.key));
    const unexploredQueue = queueLeft.filter((c) => !this.exhaustedQueueSlots.has(c.key));
    if (unexplored.length > 0 || unexploredQueue.length > 0) {
      for (const job of queue.idleJobs()) {
        if (unexplored.length === 0 && unexploredQueue.length === 0) break;
        if (!queue.isQueued(queue.jobIdOf(job))) place(job, unexplored, unexploredQueue);
      }
      for (const c of unexplored) this.exhaustedSlots.add(c.key);
      for (const c of unexploredQueue) this.exhaustedQueueSlots.add(c.key);
    }
    return { unplacedFree: freeLeft, more };
  }
}
