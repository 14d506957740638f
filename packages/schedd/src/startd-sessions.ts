import type { Logger } from 'pino';
import { formatJobId } from '@tinycondor/shared/job-id';
import { holdsRun, runDropped, runEvicted, type Transition } from '@tinycondor/shared/job-state';
import { VacateCode } from '@tinycondor/shared/job-status';
import type { JobStore, RunAssignment, StoredJob } from './job-store.js';
import type { Matchmaker } from './matchmaker.js';
import type { QueuedStarts } from './queued-starts.js';
import type { ReportOrder } from './report-order.js';
import type { ScheddObserver } from './schedd-observer.js';
import type { StartdKeys } from './startd-keys.js';
import { slotKey, type Slot, type StartdConnection, type StartdRegistry } from './startd-registry.js';

/** A run a startd names in its hello: what it still has on its slots. */
export interface ReportedRun {
  jobId: string;
  runId: string;
  slotName: string;
}

/** Waits for a lease to end: real timers by default, a test's own otherwise. */
export interface LeaseClock {
  /** Calls `expire` after `ms` unless the returned cancel is called first. */
  after(ms: number, expire: () => void): () => void;
}

/** Real timers, unref'd: a lease never keeps the process alive. */
export const timerLeaseClock: LeaseClock = {
  after(ms, expire) {
    const timer = setTimeout(expire, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};

/** What startd sessions need of the schedd. */
export interface StartdSessionsContext {
  store: Pick<JobStore, 'jobsOnStartd' | 'apply'>;
  registry: Pick<StartdRegistry, 'add' | 'remove' | 'get'>;
  startdKeys: Pick<StartdKeys, 'holds' | 'issue' | 'revoke'>;
  reportOrder: Pick<ReportOrder, 'restart'>;
  queuedStarts: Pick<QueuedStarts, 'onStartd' | 'launched' | 'release'>;
  matchmaker: Pick<Matchmaker, 'slotChanged'>;
  observer: Pick<ScheddObserver, 'startdChanged'>;
  /** Stores a job's transition and tells whom it concerns (Schedd.commit). */
  commit(job: StoredJob, transition: Transition, run: RunAssignment | null): void;
  /** The job's concurrency limits on the slot, which its run holds (Schedd.limitsOn). */
  limitsOn(job: StoredJob, slot: Slot): string | undefined;
  scheduleMatchmaking(): void;
  now(): Date;
  log: Logger;
  /** How long the runs of a startd that went away keep their slot before they are requeued. */
  leaseSeconds: number;
  clock: LeaseClock;
}

/**
 * Each startd's session with the schedd: its admission (the key it proves its name with), its hello
 * (its slots registered, the runs it reports reconciled with the queue), and its lease: when its channel
 * goes, its runs keep their slots for `leaseSeconds`, then are requeued unless it came back.
 */
export class StartdSessions {
  /** Cancels the running lease of each startd that is away (or not yet back after a restart of the schedd). */
  private readonly leases = new Map<string, () => void>();

  constructor(private readonly context: StartdSessionsContext) {}

  /**
   * The key of a startd saying hello, or why it is refused. A startd's name is only a name: a hello for a
   * startd that is connected is refused unless it presents that startd's key (its own reconnect), so
   * nobody can take over a connected startd's slots and runs by naming it.
   */
  admit(startdName: string, presentedKey: string | undefined): { key: string } | { refused: string } {
    const { startdKeys, registry, reportOrder } = this.context;
    if (startdKeys.holds(startdName, presentedKey)) return { key: presentedKey as string };
    if (registry.get(startdName)) return { refused: `startd ${startdName} is already connected` };
    reportOrder.restart(startdName);
    return { key: startdKeys.issue(startdName) };
  }

  /** A startd said hello: register its slots and reconcile the runs it reports with the queue. */
  connected(connection: StartdConnection, reportedRuns: ReportedRun[]): void {
    const { store, registry, queuedStarts, matchmaker, observer, log } = this.context;
    const name = connection.identity.startdName;
    const previous = registry.add(connection);
    if (previous) previous.close('replaced by a new connection');
    this.cancelLease(name);
    const reported = new Map(reportedRuns.map((r) => [r.runId, r]));
    for (const job of store.jobsOnStartd(name)) {
      const run = reported.get(job.runId);
      const slot = run && connection.slots.get(run.slotName);
      if (run && slot && run.jobId === formatJobId(job.cluster, job.proc)) {
        slot.run = { cluster: job.cluster, proc: job.proc, runId: job.runId, limits: this.context.limitsOn(job, slot) };
        reported.delete(job.runId);
      } else {
        this.evict(job, 'The startd no longer had the job running');
      }
    }
    // A job queued on this startd was launched if the startd names its run; one that was not is matched again.
    for (const queued of queuedStarts.onStartd(name)) {
      const run = reported.get(queued.runId);
      const slot = run?.jobId === queued.jobId ? connection.slots.get(run.slotName) : undefined;
      if (slot) {
        reported.delete(queued.runId);
        queuedStarts.launched(connection, slot, queued);
      } else queuedStarts.release(queued);
    }
    // Runs the queue no longer knows (removed or given away meanwhile) are killed; their slots stay busy until they end.
    for (const stale of reported.values()) {
      const slot = connection.slots.get(stale.slotName);
      const [cluster, proc] = stale.jobId.split('.').map(Number);
      if (slot) slot.run = { cluster, proc, runId: stale.runId };
      connection.send({ type: 'kill', jobId: stale.jobId, runId: stale.runId, signal: 9, graceSeconds: 0 });
    }
    for (const slot of connection.slots.values()) {
      // A dynamic slot whose run has ended: the startd drops it once it has our ack of that end.
      if (slot.description.parent !== undefined && slot.run === undefined) connection.slots.delete(slot.description.name);
      else matchmaker.slotChanged(slotKey(slot));
    }
    observer.startdChanged(connection, true);
    log.info({ startd: name, slots: connection.slots.size }, 'startd connected');
    this.context.scheduleMatchmaking();
  }

  disconnected(connection: StartdConnection): void {
    if (!this.context.registry.remove(connection)) return;
    this.context.observer.startdChanged(connection, false);
    this.context.log.warn({ startd: connection.identity.startdName }, 'startd disconnected; its jobs keep their lease');
    this.startLease(connection.identity.startdName);
  }

  /** The startd's runs and queued starts keep their slots until it says hello, for `leaseSeconds` at most. */
  startLease(startdName: string): void {
    this.cancelLease(startdName);
    const cancel = this.context.clock.after(this.context.leaseSeconds * 1000, () => {
      this.leases.delete(startdName);
      this.leaseEnded(startdName);
    });
    this.leases.set(startdName, cancel);
  }

  /** The schedd stops: no lease ends after it. */
  stop(): void {
    for (const cancel of this.leases.values()) cancel();
    this.leases.clear();
  }

  /** The startd did not come back: its key no longer admits it, its runs are requeued, its queued starts matched again. */
  private leaseEnded(startdName: string): void {
    const { registry, startdKeys, store, queuedStarts } = this.context;
    if (registry.get(startdName)) return;
    startdKeys.revoke(startdName);
    for (const job of store.jobsOnStartd(startdName)) this.evict(job, 'Job lease expired: the execute node stopped answering');
    for (const queued of queuedStarts.onStartd(startdName)) queuedStarts.release(queued);
  }

  private cancelLease(startdName: string): void {
    this.leases.get(startdName)?.();
    this.leases.delete(startdName);
  }

  /** The startd no longer has the job's run: a job running (or suspended) there goes back to Idle (004); any other only forgets the run. */
  private evict(job: StoredJob, reason: string): void {
    if (!holdsRun(job.status)) {
      this.context.store.apply(job, runDropped(job.ad), null);
      return;
    }
    this.context.commit(job, runEvicted(job.ad, { now: this.context.now(), reason, reasonCode: VacateCode.JobShouldRequeue }), null);
  }
}
