import type { ClassAd } from '@tinycondor/shared/classad/index';
import { limitMaximum, limitReached, limitsRejectionReason, type LimitsInUse, type NumberKnob } from '@tinycondor/shared/concurrency-limits';
import { compareJobPlaces, type JobPlace } from '@tinycondor/shared/job-order';

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
  /**
   * A partitionable slot's: whether it has room for another dynamic slot. A job placed on it gets a dynamic slot
   * carved from it, and it stays a candidate for the next jobs while it has room.
   */
  readonly roomLeft?: () => boolean;
}

/** How a pass reads the queue and places a job: `place` acts at once (the start is stored before the next is tried). */
export interface MatchmakingQueue<J, S> {
  /** The job, when it is still idle. */
  idleJob(jobId: string): J | undefined;
  /** Every idle job not queued on a busy slot, in the order they are to be tried (best first: compareJobPlaces). */
  idleJobs(): Iterable<J>;
  jobIdOf(job: J): string;
  /** The job's place in that order. */
  placeOf(job: J): JobPlace;
  /**
   * The jobs queued on busy slots whose start may still be taken back (not yet launched), best first. A free
   * slot goes to the best job that fits it, queued or not, as HTCondor's schedd gives a claim to the best
   * runnable job (FindRunnableJob): a queued job takes a free slot before worse idle jobs do.
   */
  queuedJobs(): Iterable<J>;
  /** Whether the queued job's concurrency limits let it start on the free slot (what its queued start holds left out). */
  mayMoveTo(job: J, slotAd: ClassAd): boolean;
  /** The queued job is to start on a free slot instead: its start is taken back, and it is matched again once the startd lets go of it. */
  takeBack(job: J): void;
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

/** Leading entries of NewlyIdle gone past this many, and past half of them, are dropped at once. */
const DROP_GONE_AT = 1_024;

/** Jobs that became idle since they were last tried, best first (compareJobPlaces), whatever order they came in. */
class NewlyIdle {
  private readonly placeOf = new Map<string, JobPlace>();
  /** In order once sorted; an entry whose job was deleted or added again since is gone, and skipped. */
  private entries: { jobId: string; place: JobPlace }[] = [];
  /** Entries before this one are all gone. */
  private head = 0;
  /** Whether `entries` is in order: jobs mostly come in it (a submission's procs), so most walks need no sort. */
  private sorted = true;

  add(jobId: string, place: JobPlace): void {
    const current = this.placeOf.get(jobId);
    if (current !== undefined && compareJobPlaces(current, place) === 0) return;
    this.placeOf.set(jobId, place);
    const last = this.entries[this.entries.length - 1];
    if (last !== undefined && compareJobPlaces(last.place, place) > 0) this.sorted = false;
    this.entries.push({ jobId, place });
    // Without walks (no slot), jobs that move (condor_prio) would leave their old entries piling up.
    if (this.entries.length - this.head > 2 * this.placeOf.size + DROP_GONE_AT) {
      this.entries = this.entries.slice(this.head).filter((entry) => !this.gone(entry));
      this.head = 0;
    }
  }

  /** Whether the job was there. */
  delete(jobId: string): boolean {
    return this.placeOf.delete(jobId);
  }

  private gone(entry: { jobId: string; place: JobPlace }): boolean {
    return this.placeOf.get(entry.jobId) !== entry.place;
  }

  /** Best first; a job deleted meanwhile is not visited, one added meanwhile may be (out of order until the next walk). */
  *[Symbol.iterator](): Generator<{ jobId: string; place: JobPlace }> {
    if (!this.sorted) {
      this.entries = this.entries.filter((entry) => !this.gone(entry)).sort((a, b) => compareJobPlaces(a.place, b.place));
      this.head = 0;
      this.sorted = true;
    }
    while (this.head < this.entries.length && this.gone(this.entries[this.head])) this.head++;
    if (this.head > DROP_GONE_AT && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    // This array, though add() may put another in its place meanwhile.
    const { entries } = this;
    for (let i = this.head; i < entries.length; i++) if (!this.gone(entries[i])) yield entries[i];
  }
}

/**
 * Where idle jobs go: free slots first, then queued behind the run of a busy slot (one job each). Jobs are
 * tried best first (compareJobPlaces: HTCondor's order of a submitter's jobs), so a slot goes to the best
 * job that fits it. What it remembers between passes makes a pass cost what changed: the whole idle queue
 * is scanned only for slots not yet found to fit no idle job (they freed or came since), so a queue of jobs
 * that cannot run costs nothing on every later state change; jobs that became idle since the last pass are
 * tried against every slot, in the same order, merged with the scan. Jobs queued on busy slots go in that
 * order too: a free slot that one of them fits before any better idle job does is kept for it, its queued
 * start taken back. The schedd tells it of jobs that become idle and of slots whose state changed.
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

  /** The job became idle at this place (or its place changed). */
  jobBecameIdle(jobId: string, place: JobPlace): void {
    this.newlyIdle.add(jobId, place);
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

  /** One pass over `free` and `queueable` slots; returns whether newly idle jobs remain for another pass. */
  pass<J, S>(free: Candidate<S>[], queueable: Candidate<S>[], queue: MatchmakingQueue<J, S>, limits: LimitsState): { more: boolean } {
    const freeLeft = [...free];
    const queueLeft = [...queueable];
    if (freeLeft.length === 0 && queueLeft.length === 0) return { more: false };
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
    // Slots not yet found to fit no idle job (they freed or came since): the whole idle queue is read for them.
    const unexplored = freeLeft.filter((c) => !this.exhaustedSlots.has(c.key));
    const unexploredQueue = queueLeft.filter((c) => !this.exhaustedQueueSlots.has(c.key));
    /** Every list a slot taken leaves. */
    const lists: Candidate<S>[][] = [freeLeft, queueLeft, unexplored, unexploredQueue];
    const take = (chosen: Candidate<S>): void => {
      if (chosen.roomLeft !== undefined) {
        if (chosen.roomLeft()) return;
        // Full, it fits no job until a dynamic slot of it is given back (slotChanged).
        this.exhaustedSlots.add(chosen.key);
      }
      for (const list of lists) if (list.includes(chosen)) list.splice(list.indexOf(chosen), 1);
    };
    /** Places the job on the first of `freeCandidates` that fits it, else of `queueCandidates`. */
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
        let limitsTaken: string | undefined;
        const chosen = candidates.find((c) => {
          if (!queue.fits(job, c.ad)) return false;
          const verdict = limitsAllow(c, how);
          limitsTaken = verdict.take;
          return verdict.allowed;
        });
        if (!chosen) continue;
        if (limitsTaken !== undefined) limitsInUse().add(limitsTaken);
        queue.place(job, chosen.slot, how);
        // After the placement: a partitionable slot's room is what the dynamic slot carved for the job left.
        take(chosen);
        return;
      }
      if (reached.size > 0) queue.limitedBy(job, limitsRejectionReason(reached));
    };
    // Jobs queued on busy slots, best first, each served (below) before the idle jobs it goes before.
    const queued = freeLeft.length > 0 ? [...queue.queuedJobs()] : [];
    let nextQueued = 0;
    /** The queued jobs that go before `before` (all of them when undefined) each keep the first free slot they fit. */
    const serveQueued = (before?: JobPlace): void => {
      for (; nextQueued < queued.length && freeLeft.length > 0; nextQueued++) {
        const job = queued[nextQueued];
        if (before !== undefined && compareJobPlaces(queue.placeOf(job), before) > 0) return;
        const chosen = freeLeft.find((c) => queue.fits(job, c.ad) && queue.mayMoveTo(job, c.ad));
        if (!chosen) continue;
        // Left unexplored (if it was): until the job comes back idle, each pass keeps the slot for it again.
        take(chosen);
        queue.takeBack(job);
      }
    };
    // The idle queue in its order, for the slots not yet explored. A newly idle job met on the way may take any
    // slot; an older one fits no slot already explored.
    if (unexplored.length > 0 || unexploredQueue.length > 0) {
      for (const job of queue.idleJobs()) {
        if (unexplored.length === 0 && unexploredQueue.length === 0) break;
        serveQueued(queue.placeOf(job));
        if (this.newlyIdle.delete(queue.jobIdOf(job))) place(job, freeLeft, queueLeft);
        else place(job, unexplored, unexploredQueue);
      }
      // Those left fit no idle job.
      for (const c of unexplored) this.exhaustedSlots.add(c.key);
      for (const c of unexploredQueue) this.exhaustedQueueSlots.add(c.key);
    }
    // Jobs that became idle since the last pass and were not met above, best first, on the slots left (each read only when a slot is left).
    let budget = NEWLY_IDLE_PER_PASS;
    for (const { jobId, place: at } of this.newlyIdle) {
      if ((freeLeft.length === 0 && queueLeft.length === 0) || budget-- === 0) break;
      this.newlyIdle.delete(jobId);
      const job = queue.isQueued(jobId) ? undefined : queue.idleJob(jobId);
      if (!job) continue;
      serveQueued(at);
      place(job, freeLeft, queueLeft);
    }
    const more = budget < 0 && (freeLeft.length > 0 || queueLeft.length > 0);
    // Newly idle jobs left for another pass may go before the queued jobs not served yet.
    if (!more) serveQueued();
    return { more };
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
