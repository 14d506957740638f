import type { Logger } from 'pino';
import { formatJobId } from '@tinycondor/shared/job-id';
import { compareJobPlaces, type JobPlace } from '@tinycondor/shared/job-order';
import { JobStatus } from '@tinycondor/shared/job-status';
import type { JobStore, StoredJob } from './job-store.js';
import type { Matchmaker } from './matchmaker.js';
import { launched, mayTakeBack, queuedStart, takeBack, type QueuedStart } from './queued-start.js';
import { slotKey, type Slot, type StartdConnection, type StartdRegistry } from './startd-registry.js';

/** What the queued starts need of the schedd. */
export interface QueuedStartsContext {
  store: Pick<JobStore, 'getJob' | 'newRunId' | 'recordQueuedStart' | 'forgetQueuedStart' | 'storedQueuedStarts' | 'savepoint'>;
  /** Where an `unqueue` goes. */
  registry: Pick<StartdRegistry, 'get'>;
  matchmaker: Pick<Matchmaker, 'jobBecameIdle' | 'queueSlotChanged'>;
  /** Starts the job's run in the queue on `slot`, with the run id the startd launched it under. */
  beginRun(job: StoredJob, slot: Slot, runId: string, fetchInput: boolean): void;
  scheduleMatchmaking(): void;
  log: Logger;
}

/**
 * The jobs queued on busy slots, in memory and in the queue's `queued_starts`: the one place that keeps
 * them. When each moves through its lifecycle is said here; what each move does to it, in queued-start.ts.
 */
export class QueuedStarts {
  /** By job id: a job is queued on one slot at most. */
  private readonly byJob = new Map<string, QueuedStart>();

  constructor(private readonly context: QueuedStartsContext) {}

  /** Whether the job waits queued on a busy slot (it is held out of matchmaking until taken back). */
  has(jobId: string): boolean {
    return this.byJob.has(jobId);
  }

  get(jobId: string): QueuedStart | undefined {
    return this.byJob.get(jobId);
  }

  /** The starts queued on the startd's slots; a copy, so each may be released while it is walked. */
  onStartd(startdName: string): QueuedStart[] {
    return [...this.byJob.values()].filter((queued) => queued.startdName === startdName);
  }

  /**
   * The starts a schedd that stopped had queued on busy slots: each startd may have launched its job since,
   * so the job stays out of matchmaking until that startd's hello says (or its lease ends). Returns the
   * startds concerned.
   */
  restore(): string[] {
    const { store } = this.context;
    const startds: string[] = [];
    for (const stored of store.storedQueuedStarts()) {
      const [cluster, proc] = stored.jobId.split('.').map(Number);
      const job = store.getJob(cluster, proc);
      if (job?.status !== JobStatus.Idle) {
        store.forgetQueuedStart(stored.jobId);
        continue;
      }
      this.byJob.set(stored.jobId, queuedStart(stored, job.place, job.submitter));
      startds.push(stored.startdName);
    }
    return startds;
  }

  /**
   * Queues the idle job on the busy slot under a new run id. It is stored before the caller sends the start
   * (after the commit), so a schedd killed after the startd launched it knows.
   */
  add(job: StoredJob, slot: Slot, fetchInput: boolean, limits: string | undefined): QueuedStart {
    const { store } = this.context;
    const jobId = formatJobId(job.cluster, job.proc);
    const queued = queuedStart({ jobId, runId: store.newRunId(), startdName: slot.startdName, slotName: slot.description.name, fetchInput }, job.place, job.submitter);
    store.recordQueuedStart(queued);
    this.byJob.set(jobId, queued);
    slot.queued = { cluster: job.cluster, proc: job.proc, runId: queued.runId, limits };
    return queued;
  }

  /** The job changed: a start queued for it is taken back, since it would be sent as it was. */
  jobChanged(jobId: string): void {
    const queued = this.byJob.get(jobId);
    if (queued) this.takeBack(queued, 'hard');
  }

  /**
   * A job of `submitter` at `place` became idle: jobs queued on slots that go after it are taken back, so that
   * the next pass may queue it before them (as HTCondor gives the next free slot to the best job); one
   * already launched runs. After it go its submitter's jobs that are worse placed (compareJobPlaces), and the
   * jobs of submitters whose effective priority is worse (higher) than its submitter's.
   */
  yieldTo(place: JobPlace, submitter: string, priorityOf: (submitter: string) => number): void {
    const priority = priorityOf(submitter);
    for (const queued of this.byJob.values()) {
      if (!mayTakeBack(queued)) continue;
      const after = queued.submitter === submitter ? compareJobPlaces(queued.place, place) > 0 : priorityOf(queued.submitter) > priority;
      if (after) this.takeBack(queued, 'soft');
    }
  }

  /**
   * The queued starts a free slot may still take over, best first: those the startd has not launched, and
   * not taken back because their job changed (one taken back for a free slot still waits for it). Only on
   * startds connected, which answer a take-back at once: one restored after a restart whose startd has not
   * come back may have been launched, and a slot is not kept for it until its lease ends.
   */
  movable(): QueuedStart[] {
    const { registry } = this.context;
    return [...this.byJob.values()]
      .filter((queued) => queued.waiting && queued.cancel !== 'hard' && registry.get(queued.startdName) !== undefined)
      .sort((a, b) => compareJobPlaces(a.place, b.place));
  }

  /** The queued job is to start on a free slot: its start is taken back (soft: one the startd launched meanwhile runs). */
  takeBackForFreeSlot(jobId: string): void {
    const queued = this.byJob.get(jobId);
    if (queued) this.takeBack(queued, 'soft');
  }

  /** The queued job is no longer held out: it is matched again. */
  release(queued: QueuedStart): void {
    if (this.byJob.get(queued.jobId) !== queued) return;
    this.byJob.delete(queued.jobId);
    this.context.store.forgetQueuedStart(queued.jobId);
    // At its place now: a job changed meanwhile (which took its start back) may have moved.
    const job = this.context.store.getJob(queued.cluster, queued.proc);
    if (job) this.context.matchmaker.jobBecameIdle(queued.jobId, job.place, job.submitter);
    this.context.scheduleMatchmaking();
  }

  /**
   * The startd has launched the queued job on `slot`: the slot's earlier run ended with the start still
   * queued (a start the startd drops is reported dropped before that end), or the startd reported on the run
   * or named it in its hello. Its run starts in the queue, even if it was taken back for another slot; one
   * taken back because the job changed is killed instead.
   */
  launched(connection: StartdConnection, slot: Slot, queued: QueuedStart): void {
    const { store, matchmaker, log } = this.context;
    const limits = slot.queued?.runId === queued.runId ? slot.queued.limits : undefined;
    if (slot.queued?.runId === queued.runId) slot.queued = undefined;
    const job = store.getJob(queued.cluster, queued.proc);
    // (A job gone is not idle: `job === undefined` only tells the compiler so.)
    if (launched(queued, job?.status === JobStatus.Idle) === 'kill' || job === undefined) {
      // Busy until the run's end is reported, which releases the job; its limits are held till then.
      slot.run = { cluster: queued.cluster, proc: queued.proc, runId: queued.runId, limits };
      connection.send({ type: 'kill', jobId: queued.jobId, runId: queued.runId, signal: 9, graceSeconds: 0 });
      return;
    }
    this.byJob.delete(queued.jobId);
    store.savepoint(() => {
      store.forgetQueuedStart(queued.jobId);
      this.context.beginRun(job, slot, queued.runId, queued.fetchInput);
    });
    matchmaker.queueSlotChanged(slotKey(slot));
    log.info({ jobId: queued.jobId, runId: queued.runId, slot: slotKey(slot) }, 'queued job started');
  }

  /** Takes a queued start back (see QueuedStart.cancel); the startd is told once. */
  private takeBack(queued: QueuedStart, how: 'soft' | 'hard'): void {
    if (takeBack(queued, how).tellStartd) this.context.registry.get(queued.startdName)?.send({ type: 'unqueue', jobId: queued.jobId, runId: queued.runId });
  }
}
