import type { Logger } from 'pino';
import { formatJobId } from '@tinycondor/shared/job-id';
import { ALIVE_INTERVAL_SECONDS, JOB_NOT_FOUND, aliveInterval, leaseExpiredReason, onScheddRestart, onStartdLost } from '@tinycondor/shared/job-lease';
import type { ClassAd } from '@tinycondor/shared/classad/index';
import { holdsRun, runDisconnected, runDropped, runEvicted, runReconnected, runReconnectFailed, runStopped, type Transition } from '@tinycondor/shared/job-state';
import { VacateCode } from '@tinycondor/shared/job-status';
import { runKept, type JobStore, type RunAssignment, type StoredJob } from './job-store.js';
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
  store: Pick<JobStore, 'jobsOnStartd' | 'apply' | 'transaction'>;
  registry: Pick<StartdRegistry, 'add' | 'remove' | 'get' | 'allSlots'>;
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
  /**
   * How long a startd that went away keeps its key, slots and queued starts (at least: as long as one of its
   * runs waits for it within its job's lease).
   */
  leaseSeconds: number;
  clock: LeaseClock;
}

/**
 * Each startd's session with the schedd: its admission (the key it proves its name with), its hello
 * (its slots registered, the runs it reports reconciled with the queue), and its lease: when its channel
 * goes, each run waits for it within its job's lease (JobLeaseDuration, job-lease.ts) as HTCondor's shadow
 * tries to reconnect (events 022, then 023 or 024), and the startd keeps its key, slots and queued starts
 * for `leaseSeconds`, or as long as one of its runs waits.
 */
export class StartdSessions {
  /** Cancels the running lease of each startd that is away (or not yet back after a restart of the schedd). */
  private readonly leases = new Map<string, () => void>();
  /** Each run waiting for its startd, by job id: the end of its wait, and whether it began at the schedd's start. */
  private readonly waiting = new Map<string, { startdName: string; cancel: () => void; afterRestart: boolean; endsAt: number }>();
  /** How often the leases of the runs on connected startds are renewed (seconds), and when next (ms). */
  private aliveIntervalSeconds = ALIVE_INTERVAL_SECONDS;
  private nextRenewal = 0;

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
      const waited = this.stopWaiting(job);
      if (run && slot && run.jobId === formatJobId(job.cluster, job.proc)) {
        slot.run = { cluster: job.cluster, proc: job.proc, runId: job.runId, limits: this.context.limitsOn(job, slot) };
        reported.delete(job.runId);
        if (waited && holdsRun(job.status)) {
          this.context.commit(job, runReconnected(job.ad, { now: this.context.now(), startdName: slotNameOf(job), startdAddr: connection.sinfulAddress }), runKept(job));
        }
      } else if (waited && holdsRun(job.status)) {
        this.reconnectFailed(job, JOB_NOT_FOUND, waited.afterRestart);
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

  /**
   * The startd's channel closed: each of its runs waits for it within its job's lease (022), or, without a
   * lease, cannot be reconnected to (024, 004) (RemoteResource::disconnectClaimSock).
   */
  disconnected(connection: StartdConnection): void {
    const { registry, store, observer, log } = this.context;
    if (!registry.remove(connection)) return;
    observer.startdChanged(connection, false);
    const name = connection.identity.startdName;
    log.warn({ startd: name }, 'startd disconnected; its jobs wait for it within their job leases');
    const now = this.context.now();
    for (const job of store.jobsOnStartd(name)) {
      if (!holdsRun(job.status)) continue;
      const decision = onStartdLost(job.ad);
      if (decision.kind === 'reconnect') {
        this.context.commit(job, runDisconnected(job.ad, { now, reason: decision.reason, startdName: slotNameOf(job), startdAddr: connection.sinfulAddress, setDate: true }), runKept(job));
        this.wait(job, name, decision.remainingMs, false);
      } else if (decision.kind === 'fail') {
        this.reconnectFailed(job, decision.reason, false);
      }
    }
    this.startLease(name);
  }

  /**
   * The schedd starts with runs on the startd in its queue: each whose lease is still valid waits for it (022),
   * any other goes back to Idle without an event (qmgmt.cpp mark_idle).
   */
  recover(startdName: string): void {
    const now = this.context.now();
    for (const job of this.context.store.jobsOnStartd(startdName)) {
      if (!holdsRun(job.status)) continue;
      const decision = onScheddRestart(job.ad, now.getTime());
      if (decision.kind === 'reconnect') {
        this.runStarted(job.ad);
        const startdAddr = job.ad.getString('StartdIpAddr') ?? '';
        this.context.commit(job, runDisconnected(job.ad, { now, reason: decision.reason, startdName: slotNameOf(job), startdAddr, setDate: false }), runKept(job));
        this.wait(job, startdName, decision.remainingMs, true);
      } else {
        this.context.commit(job, runStopped(job.ad, { now }), null);
      }
    }
    this.startLease(startdName);
  }

  /** A run of a job with this ad begins: its lease may shorten the alive interval, the next renewal 10 s away at most (RecomputeAliveInterval). */
  runStarted(ad: ClassAd): void {
    const interval = aliveInterval(ad, this.aliveIntervalSeconds);
    if (interval >= this.aliveIntervalSeconds) return;
    this.aliveIntervalSeconds = interval;
    this.nextRenewal = Math.min(this.nextRenewal, this.context.now().getTime() + 10_000);
  }

  /**
   * Each alive interval, LastJobLeaseRenewal of each run on a connected startd is now (Scheduler::checkClaimLeases):
   * a schedd that starts again reconnects to the runs whose lease it renewed last less than the lease ago.
   */
  renewLeases(): void {
    const { registry, store } = this.context;
    const now = this.context.now();
    if (now.getTime() < this.nextRenewal) return;
    this.nextRenewal = now.getTime() + this.aliveIntervalSeconds * 1000;
    const startds = new Set(registry.allSlots().flatMap((slot) => (slot.run ? [slot.startdName] : [])));
    store.transaction(() => {
      for (const name of startds) {
        for (const job of store.jobsOnStartd(name)) {
          if (!holdsRun(job.status) || this.waiting.has(formatJobId(job.cluster, job.proc))) continue;
          const ad = job.ad.clone();
          ad.set('LastJobLeaseRenewal', Math.floor(now.getTime() / 1000));
          store.apply(job, { ad, events: [], leaveQueue: false, killRun: false }, runKept(job));
        }
      }
    });
  }

  /** The startd keeps its key, slots and queued starts until it says hello: `leaseSeconds`, or as long as one of its runs waits. */
  startLease(startdName: string): void {
    this.cancelLease(startdName);
    let ms = this.context.leaseSeconds * 1000;
    const now = this.context.now().getTime();
    for (const wait of this.waiting.values()) if (wait.startdName === startdName) ms = Math.max(ms, wait.endsAt - now);
    const cancel = this.context.clock.after(ms, () => {
      this.leases.delete(startdName);
      this.leaseEnded(startdName);
    });
    this.leases.set(startdName, cancel);
  }

  /** The schedd stops: no lease ends after it. */
  stop(): void {
    for (const cancel of this.leases.values()) cancel();
    this.leases.clear();
    for (const wait of this.waiting.values()) wait.cancel();
    this.waiting.clear();
  }

  /** The run waits `ms` for its startd; then, the startd not back, its lease has expired (RemoteResource::reconnect). */
  private wait(job: StoredJob, startdName: string, ms: number, afterRestart: boolean): void {
    const id = formatJobId(job.cluster, job.proc);
    this.waiting.get(id)?.cancel();
    const cancel = this.context.clock.after(ms, () => {
      this.waiting.delete(id);
      if (this.context.registry.get(startdName)) return;
      const current = this.context.store.jobsOnStartd(startdName).find((j) => j.cluster === job.cluster && j.proc === job.proc && j.runId === job.runId);
      if (current === undefined) return;
      if (holdsRun(current.status)) this.reconnectFailed(current, leaseExpiredReason(current.ad), afterRestart);
      else this.context.store.apply(current, runDropped(current.ad), null);
    });
    this.waiting.set(id, { startdName, cancel, afterRestart, endsAt: this.context.now().getTime() + ms });
  }

  /** The run's wait for its startd, ended (undefined: it was not waiting). */
  private stopWaiting(job: StoredJob): { afterRestart: boolean } | undefined {
    const id = formatJobId(job.cluster, job.proc);
    const wait = this.waiting.get(id);
    if (wait === undefined) return undefined;
    wait.cancel();
    this.waiting.delete(id);
    return wait;
  }

  /** 024, then the job back to Idle (BaseShadow::reconnectFailed). */
  private reconnectFailed(job: StoredJob, reason: string, afterRestart: boolean): void {
    this.context.commit(job, runReconnectFailed(job.ad, { now: this.context.now(), reason, startdName: slotNameOf(job), afterRestart }), null);
  }

  /** The startd did not come back: its key no longer admits it, its runs are requeued, its queued starts matched again. */
  private leaseEnded(startdName: string): void {
    const { registry, startdKeys, store, queuedStarts } = this.context;
    if (registry.get(startdName)) return;
    startdKeys.revoke(startdName);
    // A run still waiting for it ends with its own lease (wait).
    for (const job of store.jobsOnStartd(startdName)) if (!this.waiting.has(formatJobId(job.cluster, job.proc))) this.evict(job, 'Job lease expired: the execute node stopped answering');
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

/** The slot the job runs on, as `slot@startd` (the name HTCondor's shadow gives the startd in events 022 to 024). */
function slotNameOf(job: StoredJob): string {
  return job.ad.getString('RemoteHost') ?? `${job.slot ?? ''}@${job.startd ?? ''}`;
}
