import type { ClassAd } from '@tinycondor/shared/classad/index';
import { limitMaximum, limitReached, limitsRejectionReason, type LimitsInUse, type NumberKnob } from '@tinycondor/shared/concurrency-limits';
import { limitPermits, spinPie, type ShareSubmitter, type TurnResult } from '@tinycondor/shared/fair-share';
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
  /** A claim kept idle for this submitter (KeepClaimIdle): only its jobs start on the slot. */
  readonly claimedBy?: string;
  /**
   * A partitionable slot's: whether it has room for another dynamic slot. A job placed on it gets a dynamic slot
   * carved from it, and it stays a candidate for the next jobs while it has room.
   */
  readonly roomLeft?: () => boolean;
  /**
   * What a match with it costs of a submitter's share (SLOT_WEIGHT: its Cpus); 1 when not given. A
   * partitionable slot's match costs the dynamic slot's: the job's requested cpus (MatchmakingQueue.cpusOf).
   */
  readonly weight?: number;
}

function weightOf<S>(c: Candidate<S>): number {
  return c.roomLeft !== undefined ? 1 : (c.weight ?? 1);
}

/** What a pass's turns share: the slots left, the queued jobs not served yet, the newly idle jobs it may still try. */
interface TurnContext<J, S> {
  freeLeft: Candidate<S>[];
  queueLeft: Candidate<S>[];
  queue: MatchmakingQueue<J, S>;
  limitsInUse: () => LimitsInUse;
  maximum: (name: string) => number;
  /** Newly idle jobs a pass may still try; `exhausted` once one was left for the next pass. */
  budget: { left: number; exhausted: boolean };
  queued: J[];
}

/** How a pass reads the queue and places a job: `place` acts at once (the start is stored before the next is tried). */
export interface MatchmakingQueue<J, S> {
  /** The job, when it is still idle. */
  idleJob(jobId: string): J | undefined;
  /** Every idle job not queued on a busy slot (of the submitter, when given), in the order they are to be tried (best first: compareJobPlaces). */
  idleJobs(submitter?: string): Iterable<J>;
  /** Who the job is accounted to (see ShareState). */
  submitterOf(job: J): string;
  /** The cpus the job asks for: what a dynamic slot carved for it weighs. */
  cpusOf(job: J): number;
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
  /** Whether starts on free slots are paused now (the schedd's start pacing): asked after each start. */
  startsPaused(): boolean;
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

  get size(): number {
    return this.placeOf.size;
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
 * How a pass shares the slots among submitters (shared/fair-share.ts spinPie): each submitter's turn places
 * its own jobs, in their order, up to its limit.
 */
export interface ShareState {
  /** The submitters with idle jobs: their effective priority, and the slot weight their runs and queued starts hold. */
  submitters(): ShareSubmitter[];
  /** The pie: the weight of every slot's run, and of every busy slot's queued start (a busy slot has both). */
  total: number;
}

/**
 * Where idle jobs go: free slots first, then queued behind the run of a busy slot (one job each). Submitters
 * take turns as the negotiator's pie spin gives them (see ShareState); within a turn a submitter's jobs are
 * tried best first (compareJobPlaces: HTCondor's order of a submitter's jobs), so a slot goes to the best
 * job that fits it, up to the submitter's limit. What it remembers between passes makes a pass cost what
 * changed: a submitter's whole idle queue is scanned only for slots not yet found to fit none of its idle
 * jobs (they freed or came since), so a queue of jobs that cannot run costs nothing on every later state
 * change; jobs that became idle since the last pass are tried against every slot, in the same order, merged
 * with the scan. Jobs queued on busy slots go in that order too: a free slot that one of them fits before
 * any better idle job of its submitter does is kept for it, its queued start taken back. The schedd tells
 * it of jobs that become idle and of slots whose state changed.
 */
export class Matchmaker {
  /** By submitter ('' for jobs of a pass without shares). */
  private readonly newlyIdle = new Map<string, NewlyIdle>();
  /** Free slots a full scan of a submitter's idle jobs found none for; only its newly idle jobs are tried on them. */
  private readonly exhaustedSlots = new Map<string, Set<string>>();
  /** Busy slots a full scan of a submitter's idle jobs found none to queue on. */
  private readonly exhaustedQueueSlots = new Map<string, Set<string>>();
  /**
   * The limits that left jobs idle, with their use and maximum then: when either changes (a run holding one
   * ended, the configuration changed), the slots found to fit no idle job are explored again.
   */
  private limitsWatched = new Map<string, string>();
  /**
   * The submitters with idle jobs at the last pass (undefined before the first). One that had none then has
   * no idle job but those that became idle since (newly idle, tried against every slot): the slots are
   * explored for it already, so its first turn does not scan its whole queue (a submission of 100 000 jobs
   * no slot fits would hold the schedd for a second), as a slot explored for all jobs was before shares.
   */
  private lastPresent: ReadonlySet<string> | undefined;

  /** The job became idle at this place (or its place or its submitter changed). */
  jobBecameIdle(jobId: string, place: JobPlace, submitter = ''): void {
    for (const [name, newly] of this.newlyIdle) if (name !== submitter) newly.delete(jobId);
    let newly = this.newlyIdle.get(submitter);
    if (!newly) this.newlyIdle.set(submitter, (newly = new NewlyIdle()));
    newly.add(jobId, place);
  }

  /** A slot freed, or came (back): every idle job may fit it again. */
  slotChanged(key: string): void {
    for (const slots of this.exhaustedSlots.values()) slots.delete(key);
    for (const slots of this.exhaustedQueueSlots.values()) slots.delete(key);
  }

  /** A busy slot's queued start left (launched or dropped): another job may be queued on it. */
  queueSlotChanged(key: string): void {
    for (const slots of this.exhaustedQueueSlots.values()) slots.delete(key);
  }

  /** A submitter with newly idle jobs only: the slots count as explored for it (see lastPresent). */
  private exploredFor<S>(submitter: string, candidates: Candidate<S>[]): void {
    if (this.exhaustedSlots.has(submitter) || this.exhaustedQueueSlots.has(submitter)) return;
    this.exhaustedSlots.set(submitter, new Set(candidates.map((c) => c.key)));
    this.exhaustedQueueSlots.set(submitter, new Set(candidates.map((c) => c.key)));
  }

  private setOf(map: Map<string, Set<string>>, submitter: string): Set<string> {
    let set = map.get(submitter);
    if (!set) map.set(submitter, (set = new Set()));
    return set;
  }

  /**
   * One pass over `free` and `queueable` slots, shared among submitters as `share` says (asked for only when
   * there are slots; without it, the jobs of all go in one order, unlimited); returns whether newly idle jobs
   * remain for another pass.
   */
  pass<J, S>(free: Candidate<S>[], queueable: Candidate<S>[], queue: MatchmakingQueue<J, S>, limits: LimitsState, share?: () => ShareState): { more: boolean } {
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
    const budget = { left: NEWLY_IDLE_PER_PASS, exhausted: false };
    // Jobs queued on busy slots, best first: each served in its submitter's turn.
    const queued = freeLeft.length > 0 ? [...queue.queuedJobs()] : [];
    const context: TurnContext<J, S> = { freeLeft, queueLeft, queue, limitsInUse, maximum, budget, queued };
    if (share === undefined) this.turn(context, undefined, Infinity);
    else {
      const { submitters, total } = share();
      const present = submitters();
      const names = new Set(present.map((s) => s.name));
      this.forgetOthers(names);
      for (const name of names) if (this.lastPresent !== undefined && !this.lastPresent.has(name)) this.exploredFor(name, [...freeLeft, ...queueLeft]);
      this.lastPresent = names;
      const weights = [...freeLeft, ...queueLeft].map(weightOf);
      spinPie(present, total, Math.min(...weights), (name, limit) => this.turn(context, name, limit));
    }
    return { more: budget.exhausted && (freeLeft.length > 0 || queueLeft.length > 0) };
  }

  /** What was learnt of submitters that have no idle job now (none of their jobs waits to be tried). */
  private forgetOthers(present: ReadonlySet<string>): void {
    for (const map of [this.exhaustedSlots, this.exhaustedQueueSlots]) for (const name of map.keys()) if (!present.has(name)) map.delete(name);
    for (const [name, newly] of this.newlyIdle) if (!present.has(name) && newly.size === 0) this.newlyIdle.delete(name);
  }

  /** A submitter's turn (all jobs when undefined): its jobs placed, best first, while its limit permits (negotiate). */
  private turn<J, S>(context: TurnContext<J, S>, submitter: string | undefined, limit: number): TurnResult {
    const { freeLeft, queueLeft, queue, limitsInUse, maximum, budget } = context;
    const key = submitter ?? '';
    const exhausted = this.setOf(this.exhaustedSlots, key);
    const exhaustedQueue = this.setOf(this.exhaustedQueueSlots, key);
    const ofSubmitter = (job: J): boolean => submitter === undefined || queue.submitterOf(job) === submitter;
    let matched = 0;
    /** Set when the limit stopped the turn (MM_RESUME): its jobs left may go in a later spin. */
    let limited = false;
    /** What the match of `job` (any job when undefined: the least) with the candidate costs of the submitter's share. */
    const weightFor = (c: Candidate<S>, job?: J): number => (c.roomLeft !== undefined && job !== undefined ? queue.cpusOf(job) : weightOf(c));
    const permits = (c: Candidate<S>, job?: J): boolean => limitPermits(matched, weightFor(c, job), limit);
    /**
     * Whether the job may start on the candidate: a claim kept idle only if it is its submitter's, whose it is
     * already (the schedd gives it to their next job without negotiating); another slot if its share permits.
     */
    const permitsJob = (c: Candidate<S>, job: J): boolean => (c.claimedBy === undefined ? permits(c, job) : c.claimedBy === queue.submitterOf(job));
    const anyPermitted = (): boolean => {
      if (freeLeft.some((c) => permits(c) || (c.claimedBy !== undefined && c.claimedBy === submitter)) || queueLeft.some((c) => permits(c))) return true;
      if (freeLeft.length > 0 || queueLeft.length > 0) limited = true;
      return false;
    };
    // Slots not yet found to fit no idle job of the submitter (they freed or came since): its whole idle queue is read for them.
    const unexplored = freeLeft.filter((c) => !exhausted.has(c.key));
    const unexploredQueue = queueLeft.filter((c) => !exhaustedQueue.has(c.key));
    /** Every list a slot taken leaves. */
    const lists: Candidate<S>[][] = [freeLeft, queueLeft, unexplored, unexploredQueue];
    const take = (chosen: Candidate<S>, job: J): void => {
      matched += weightFor(chosen, job);
      if (chosen.roomLeft !== undefined) {
        if (chosen.roomLeft()) return;
        // Full, it fits no job until a dynamic slot of it is given back (slotChanged).
        exhausted.add(chosen.key);
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
          if (!permitsJob(c, job) || !queue.fits(job, c.ad)) return false;
          const verdict = limitsAllow(c, how);
          limitsTaken = verdict.take;
          return verdict.allowed;
        });
        if (!chosen) continue;
        if (limitsTaken !== undefined) limitsInUse().add(limitsTaken);
        queue.place(job, chosen.slot, how);
        // After the placement: a partitionable slot's room is what the dynamic slot carved for the job left.
        take(chosen, job);
        // Paused by this start, the free slots left are explored again once starts may go on.
        if (how === 'start' && queue.startsPaused()) for (const list of [freeLeft, unexplored]) list.length = 0;
        return;
      }
      if (reached.size > 0) queue.limitedBy(job, limitsRejectionReason(reached));
    };
    // The submitter's jobs queued on busy slots, best first, each served (below) before the idle jobs it goes before.
    const queued = context.queued.filter(ofSubmitter);
    let nextQueued = 0;
    /** The queued jobs that go before `before` (all of them when undefined) each keep the first free slot they fit. */
    const serveQueued = (before?: JobPlace): void => {
      for (; nextQueued < queued.length && freeLeft.length > 0; nextQueued++) {
        const job = queued[nextQueued];
        if (before !== undefined && compareJobPlaces(queue.placeOf(job), before) > 0) return;
        const chosen = freeLeft.find((c) => permitsJob(c, job) && queue.fits(job, c.ad) && queue.mayMoveTo(job, c.ad));
        if (!chosen) continue;
        // Left unexplored (if it was): until the job comes back idle, each pass keeps the slot for it again.
        take(chosen, job);
        context.queued.splice(context.queued.indexOf(job), 1);
        queue.takeBack(job);
      }
    };
    const newlyIdle = this.newlyIdle.get(key);
    // The idle queue in its order, for the slots not yet explored. A newly idle job met on the way may take any
    // slot; an older one fits no slot already explored.
    if (unexplored.length > 0 || unexploredQueue.length > 0) {
      let complete = true;
      for (const job of queue.idleJobs(submitter)) {
        if (unexplored.length === 0 && unexploredQueue.length === 0) break;
        if (!anyPermitted()) {
          complete = false;
          break;
        }
        serveQueued(queue.placeOf(job));
        if (newlyIdle?.delete(queue.jobIdOf(job))) place(job, freeLeft, queueLeft);
        else place(job, unexplored, unexploredQueue);
      }
      // Those left fit no idle job of the submitter.
      if (complete) {
        for (const c of unexplored) exhausted.add(c.key);
        for (const c of unexploredQueue) exhaustedQueue.add(c.key);
      }
    }
    // Jobs that became idle since the last pass and were not met above, best first, on the slots left (each read only when a slot is left).
    for (const { jobId, place: at } of newlyIdle ?? []) {
      if ((freeLeft.length === 0 && queueLeft.length === 0) || limited || !anyPermitted()) break;
      if (budget.left === 0) {
        budget.exhausted = true;
        break;
      }
      budget.left--;
      newlyIdle?.delete(jobId);
      const job = queue.isQueued(jobId) ? undefined : queue.idleJob(jobId);
      if (!job || !ofSubmitter(job)) continue;
      serveQueued(at);
      place(job, freeLeft, queueLeft);
    }
    // Newly idle jobs left for another pass may go before the queued jobs not served yet.
    if (!budget.exhausted && !limited) serveQueued();
    return { matched, done: !limited && !budget.exhausted };
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
