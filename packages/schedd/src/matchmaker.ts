import type { ClassAd } from '@tinycondor/shared/classad/index';
import { limitMaximum, limitReached, limitsRejectionReason, type LimitsInUse, type NumberKnob } from '@tinycondor/shared/concurrency-limits';

/** A slot a job may be placed on, its machine ad built only when a job is tried on it. */
export interface Candidate<S> {
  slot: S;
  /** `slot@startd`: the slot's name across passes. */
  key: string;
  readonly ad: ClassAd;
  /**
   * A busy slot's: the concurrency limits its run holds. A job queued on it with the same limits takes them
   * over when the run ends, as HTCondor's schedd reuses a claim for a job whose limits are the claim's
   * (CLAIM_RECYCLING_CONSIDER_LIMITS), so it is not checked against them again.
   */
  readonly heldLimits?: string;
}

/** How a pass reads the queue and places a job: `place` acts at once (the start is stored before the next is tried). */
export interface MatchmakingQueue<J, S> {
  /** The job, when it is still idle. */
  idleJob(jobId: string): J | undefined;
  /** Every idle job not queued on a busy slot, in the order they are to be tried (best first). */
  idleJobs(): Iterable<J>;
  jobIdOf(job: J): string;
  /** Whether the job waits queued on a busy slot (it is matched again only once taken back). */
  isQueued(jobId: string): boolean;
  fits(job: J, slotAd: ClassAd): boolean;
  place(job: J, slot: S, how: 'start' | 'queue'): void;
  /** The job's concurrency limits for a match with the slot (see jobConcurrencyLimits: the ad is read only for an expression), undefined when it declares none. */
  concurrencyLimits(job: J, slotAd: () => ClassAd): string | undefined;
  /** The job was left idle because it would take these limits over their maximum (its LastRejMatchReason). */
  limitedBy(job: J, reason: string): void;
}

/** What the concurrency limits stand at: read only when a job declaring limits is tried. */
export interface LimitsState {
  /** The limits the runs and queued starts hold now (each queued start but one that takes over its slot's run's limits). */
  inUse(): LimitsInUse;
  /** The pool's knobs, as numbers: `<NAME>_LIMIT`, CONCURRENCY_LIMIT_DEFAULT[_<SET>]. */
  knob: NumberKnob;
}

/** Newly idle jobs tried in one pass at most: a big submission is tried in slices, other requests served between. */
export const NEWLY_IDLE_PER_PASS = 2_000;

/** Jobs that became idle since they were last tried, best first: by JobPrio (highest first), then in the order they came. */
class NewlyIdle {
  private readonly byPrio = new Map<number, Set<string>>();
  private readonly prioOf = new Map<string, number>();
  /** The priorities present, highest first. */
  private prios: number[] = [];

  get size(): number {
    return this.prioOf.size;
  }

  add(jobId: string, prio: number): void {
    if (this.prioOf.get(jobId) === prio) return;
    this.delete(jobId);
    let jobs = this.byPrio.get(prio);
    if (!jobs) {
      this.byPrio.set(prio, (jobs = new Set()));
      this.prios = [...this.byPrio.keys()].sort((a, b) => b - a);
    }
    jobs.add(jobId);
    this.prioOf.set(jobId, prio);
  }

  /** Whether the job was there. */
  delete(jobId: string): boolean {
    const prio = this.prioOf.get(jobId);
    if (prio === undefined) return false;
    this.prioOf.delete(jobId);
    const jobs = this.byPrio.get(prio) as Set<string>;
    jobs.delete(jobId);
    if (jobs.size === 0) {
      this.byPrio.delete(prio);
      this.prios = this.prios.filter((p) => p !== prio);
    }
    return true;
  }

  /** Best first; a job deleted meanwhile is not visited. */
  *[Symbol.iterator](): Generator<string> {
    for (const prio of [...this.prios]) for (const jobId of this.byPrio.get(prio) ?? []) yield jobId;
  }
}

/**
 * Where idle jobs go: free slots first, then queued behind the run of a busy slot (one job each). What it
 * remembers between passes makes a pass cost what changed: the whole idle queue is scanned, in its order
 * (JobPrio, then job id), only for slots not yet found to fit no idle job (they freed or came since), so a
 * queue of jobs that cannot run costs nothing on every later state change; jobs that became idle since the
 * last pass are tried against every slot (best first: JobPrio, then the order they came). The scan comes
 * first, so a slot that frees goes to the best idle job, old or new, as HTCondor's negotiator orders them.
 * The schedd tells it of jobs that become idle and of slots whose state changed.
 */
export class Matchmaker {
  private readonly newlyIdle = new NewlyIdle();
  /** Free slots a full scan found no idle job for; only newly idle jobs are tried on them. */
  private readonly exhaustedSlots = new Set<string>();
  /** Busy slots a full scan found no idle job to queue on. */
  private readonly exhaustedQueueSlots = new Set<string>();
  /**
   * The limits that left jobs idle, with their use and maximum then: when either changes (a run holding one
   * ended, the configuration changed), the slots found to fit no idle job are explored again.
   */
  private limitsWatched = new Map<string, string>();

  /** The job became idle with this JobPrio. */
  jobBecameIdle(jobId: string, prio: number): void {
    this.newlyIdle.add(jobId, prio);
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
  pass<J, S>(free: Candidate<S>[], queueable: Candidate<S>[], queue: MatchmakingQueue<J, S>, limits: LimitsState): { unplacedFree: Candidate<S>[]; more: boolean } {
    const freeLeft = [...free];
    const queueLeft = [...queueable];
    if (freeLeft.length === 0 && queueLeft.length === 0) return { unplacedFree: freeLeft, more: false };
    let inUse: LimitsInUse | undefined;
    const limitsInUse = (): LimitsInUse => (inUse ??= limits.inUse());
    // Each maximum read once a pass: a knob read may look at the configuration's files.
    const maximums = new Map<string, number>();
    const maximum = (name: string): number => {
      let max = maximums.get(name);
      if (max === undefined) maximums.set(name, (max = limitMaximum(name, limits.knob)));
      return max;
    };
    this.exploreAgainIfLimitsChanged(limitsInUse, maximum);
    /** Places the job on the first of `freeCandidates` that fits it, else of `queueCandidates`; a slot taken leaves every list. */
    const lists: Candidate<S>[][] = [freeLeft, queueLeft];
    const place = (job: J, freeCandidates: Candidate<S>[], queueCandidates: Candidate<S>[]): void => {
      const reached = new Set<string>();
      /** Whether the job's limits, if any, have room for it on the candidate (the negotiator's rejectForConcurrencyLimits). */
      const limitsAllow = (c: Candidate<S>, how: 'start' | 'queue'): { allowed: boolean; take?: string } => {
        const jobLimits = queue.concurrencyLimits(job, () => c.ad);
        if (jobLimits === undefined) return { allowed: true };
        if (how === 'queue' && jobLimits === c.heldLimits) return { allowed: true };
        const name = limitReached(jobLimits, limitsInUse(), maximum);
        if (name === undefined) return { allowed: true, take: jobLimits };
        reached.add(name);
        this.limitsWatched.set(name, `${limitsInUse().count(name)}/${maximum(name)}`);
        return { allowed: false };
      };
      for (const [candidates, how] of [
        [freeCandidates, 'start'],
        [queueCandidates, 'queue'],
      ] as const) {
        let take: string | undefined;
        const chosen = candidates.find((c) => {
          if (!queue.fits(job, c.ad)) return false;
          const verdict = limitsAllow(c, how);
          take = verdict.take;
          return verdict.allowed;
        });
        if (!chosen) continue;
        for (const list of lists) if (list.includes(chosen)) list.splice(list.indexOf(chosen), 1);
        if (take !== undefined) limitsInUse().add(take);
        queue.place(job, chosen.slot, how);
        return;
      }
      if (reached.size > 0) queue.limitedBy(job, limitsRejectionReason(reached));
    };
    // Slots not yet found to fit no idle job (they freed or came since): the whole idle queue is read for them,
    // in its order, so an older idle job of higher JobPrio goes before a job that just became idle. A newly
    // idle job met on the way may take any slot; an older one fits no slot already explored.
    const unexplored = freeLeft.filter((c) => !this.exhaustedSlots.has(c.key));
    const unexploredQueue = queueLeft.filter((c) => !this.exhaustedQueueSlots.has(c.key));
    lists.push(unexplored, unexploredQueue);
    if (unexplored.length > 0 || unexploredQueue.length > 0) {
      for (const job of queue.idleJobs()) {
        if (unexplored.length === 0 && unexploredQueue.length === 0) break;
        if (this.newlyIdle.delete(queue.jobIdOf(job))) place(job, freeLeft, queueLeft);
        else place(job, unexplored, unexploredQueue);
      }
      // Those left fit no idle job.
      for (const c of unexplored) this.exhaustedSlots.add(c.key);
      for (const c of unexploredQueue) this.exhaustedQueueSlots.add(c.key);
    }
    // Jobs that became idle since the last pass and were not met above, best first, on the slots left (each read only when a slot is left).
    let budget = NEWLY_IDLE_PER_PASS;
    for (const jobId of this.newlyIdle) {
      if ((freeLeft.length === 0 && queueLeft.length === 0) || budget-- === 0) break;
      this.newlyIdle.delete(jobId);
      const job = queue.isQueued(jobId) ? undefined : queue.idleJob(jobId);
      if (job) place(job, freeLeft, queueLeft);
    }
    const more = budget < 0 && (freeLeft.length > 0 || queueLeft.length > 0);
    return { unplacedFree: freeLeft, more };
  }

  /** A limit that left jobs idle is used less, or its maximum changed: every slot is explored again. */
  private exploreAgainIfLimitsChanged(limitsInUse: () => LimitsInUse, maximum: (name: string) => number): void {
    if (this.limitsWatched.size === 0) return;
    for (const [name, then] of this.limitsWatched) {
      if (`${limitsInUse().count(name)}/${maximum(name)}` === then) continue;
      this.exhaustedSlots.clear();
      this.exhaustedQueueSlots.clear();
      this.limitsWatched = new Map();
      return;
    }
  }
}
