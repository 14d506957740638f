import type { Logger } from 'pino';
import type { ClassAd } from '@tinycondor/shared/classad/index';
import { formatJobId } from '@tinycondor/shared/job-id';
import { DEFAULT_DELAYED_UPDATE_PREFIX } from '@tinycondor/shared/chirp/access';
import { acceptedDelayedUpdates } from '@tinycondor/shared/chirp/remote-edits';
import { hostPortEdits } from '@tinycondor/shared/container-services';
import type { JobAttrRules } from '@tinycondor/shared/job-edit';
import { splitList } from '@tinycondor/shared/submit/queue';
import { beginExecution, editJob, executionRestarted, jobExited, jobSuspended, jobUnsuspended, runErrored, runEvicted, runFailed, type Transition } from '@tinycondor/shared/job-state';
import { JobStatus, VacateCode } from '@tinycondor/shared/job-status';
import { keptIdleSeconds, type RunEnd } from '@tinycondor/shared/keep-claim-idle';
import type { RunReportMessage } from '@tinycondor/shared/protocol';
import type { TransferClassName } from '@tinycondor/shared/epoch-history';
import type { TransformSettings } from '@tinycondor/shared/job-transform';
import { decidedOnShadowCopy } from '@tinycondor/shared/run-copy';
import { scheddUniverse } from '@tinycondor/shared/local-universe';
import { usesFileTransfer } from '@tinycondor/shared/transfer-files';
import { runKept, type JobStore, type RunAssignment, type StoredJob } from './job-store.js';
import type { KeptClaims } from './kept-claims.js';
import type { Matchmaker } from './matchmaker.js';
import type { QueuedStarts } from './queued-starts.js';
import type { ScheddObserver } from './schedd-observer.js';
import { slotKey, type Slot, type StartdConnection } from './startd-registry.js';
import { emptyTransferEvents } from './transfer-events.js';

/** The attributes a delayed update may set: CHIRP_DELAYED_UPDATE_PREFIX's default (the schedd reads no knobs). */
export const DELAYED_UPDATE_PATTERNS = splitList(DEFAULT_DELAYED_UPDATE_PREFIX);

/** What handling a startd's run reports needs of the schedd. */
export interface RunReportsContext {
  store: Pick<JobStore, 'getJob' | 'recordTimeline'>;
  queuedStarts: Pick<QueuedStarts, 'get' | 'launched' | 'release'>;
  keptClaims: Pick<KeptClaims, 'keep'>;
  matchmaker: Pick<Matchmaker, 'slotChanged' | 'queueSlotChanged'>;
  observer: Pick<ScheddObserver, 'slotChanged' | 'startdChanged'>;
  /** Stores a job's transition and tells whom it concerns (Schedd.commit). */
  commit(job: StoredJob, transition: Transition, run: RunAssignment | null): void;
  scheduleMatchmaking(): void;
  /** A checkpoint that failed to restore is given up (Schedd.checkpointInvalid). */
  checkpointInvalid(job: StoredJob, checkpointNumber: number): void;
  /** A transfer's plugin result list: the run's INPUT, OUTPUT or CHECKPOINT epoch record. */
  recordTransfer(job: StoredJob, transferClass: TransferClassName, resultList: string): void;
  /** The immutable, protected and secure job attributes as configured now (Schedd.jobAttrRules). */
  jobAttrRules(): JobAttrRules;
  /** What a job's eviction transforms (TransformOnEvict) are given. */
  evictTransforms(): Omit<TransformSettings, 'log'>;
  /** The slot's ad, as the starter's ad shows it (StartdRegistry.slotAd). */
  slotAd(slot: Slot, now: Date): ClassAd;
  now(): Date;
  log: Logger;
}

/**
 * The reports a startd makes on its channel about its runs, each turned into the job's transition (asked of
 * job-state.ts) and its slot's new state. A report about a run that is no longer the job's current one (late,
 * or resent after a reconnect) changes no job; a run's end still frees its slot.
 */
export class RunReports {
  constructor(private readonly context: RunReportsContext) {}

  /** The job's current run, if `runId` is it and it runs on `startdName`; late or duplicate messages get undefined. */
  currentRun(jobId: string, runId: string, startdName: string): StoredJob | undefined {
    const [cluster, proc] = jobId.split('.').map(Number);
    const job = this.context.store.getJob(cluster, proc);
    if (!job || job.runId !== runId || job.startd !== startdName) return undefined;
    return job;
  }

  /** A startd's report about one of its runs. */
  handle(connection: StartdConnection, message: RunReportMessage): void {
    const { store } = this.context;
    const startdName = connection.identity.startdName;
    // A queued job's run is current by now: the end of the slot's earlier run was reported before it (freeSlot).
    const job = this.currentRun(message.jobId, message.runId, startdName);
    const now = this.context.now();
    switch (message.type) {
      case 'executing':
        // A report resent after a reconnect must not start the run a second time.
        if (!job || job.ad.has('JobCurrentStartExecutingDate')) break;
        this.beginExecution(connection, job, now);
        return;
      case 'exited': {
        // The shadow decides the run's end on its copy of the ad: edits not forwarded to it do not count.
        const exited =
          job &&
          decidedOnShadowCopy(job.ad, job.runEdits, (ad) =>
            jobExited(ad, {
              now,
              exit: message.exit,
              usage: message.usage,
              bytesSent: message.bytesSent,
              bytesReceived: message.bytesReceived,
              execution: message.execution,
              // A scheduler universe job's end is scheduler_univ_job_exit's, which tries no TransformOnEvict.
              evictTransforms: scheddUniverse(job.ad.getInt('JobUniverse')) === 'scheduler' ? undefined : this.context.evictTransforms(),
              evictLog: (line) => this.context.log.info({ jobId: message.jobId }, line),
            }),
          );
        // JOB_EXITED when the job leaves the queue completed; held or requeued by its exit policy it is not.
        this.freeSlot(connection, message.jobId, message.runId, message.claimClosing, exited?.ad.getInt('JobStatus') === JobStatus.Completed ? 'exited' : 'other');
        if (job && exited) {
          // Output the startd did not send (nothing would have been placed) is logged as an empty transfer.
          const outputEvents = !message.outputSent && usesFileTransfer(job.ad) ? emptyTransferEvents(job, now, [5, 6]) : [];
          this.context.commit(job, { ...exited, events: [...outputEvents, ...exited.events] }, null);
        }
        return;
      }
      case 'run-failed':
        this.freeSlot(connection, message.jobId, message.runId, message.claimClosing);
        if (job) {
          const evictLog = (line: string): void => this.context.log.info({ jobId: message.jobId }, line);
          this.context.commit(job, runFailed(job.ad, { now, stage: message.stage, reason: message.reason, subCode: message.subCode, evictTransforms: this.context.evictTransforms(), evictLog }), null);
        }
        return;
      case 'suspended':
        if (job?.status === JobStatus.Running) this.context.commit(job, jobSuspended(job.ad, { now, numPids: message.numPids }), runKept(job));
        return;
      case 'continued':
        if (job?.status === JobStatus.Suspended) this.context.commit(job, jobUnsuspended(job.ad, { now }), runKept(job));
        return;
      case 'checkpoint-restarted':
        if (job) {
          const base = { runId: job.runId, checkpoint: message.checkpoint };
          store.recordTimeline(job.cluster, job.proc, { time: message.exitedAt, kind: 'checkpoint-exit', ...base });
          store.recordTimeline(job.cluster, job.proc, { time: message.restartedAt, kind: 'checkpoint-restart', ...base });
          if (message.executionStartedAt !== undefined) {
            this.context.commit(job, executionRestarted(job.ad, { startedAt: message.executionStartedAt, exitedAt: message.exitedAt }), runKept(job));
          }
        }
        return;
      case 'checkpoint-invalid':
        this.freeSlot(connection, message.jobId, message.runId, message.claimClosing);
        if (job) {
          this.context.checkpointInvalid(job, message.checkpoint);
          this.context.commit(job, runErrored(job.ad, { now, executeHost: `${job.slot ?? ''}@${startdName}`, message: message.message }), null);
        }
        return;
      case 'plugin-results':
        if (job) this.context.recordTransfer(job, message.transferClass, message.resultList);
        return;
      case 'job-update':
        if (job) this.applyDelayedUpdates(job, message.attributes);
        return;
      case 'host-ports': {
        const edits = hostPortEdits(message.ports);
        if (job && edits.length > 0) this.context.commit(job, editJob(job.ad, edits), runKept(job));
        return;
      }
      case 'run-ended':
        this.freeSlot(connection, message.jobId, message.runId, message.claimClosing, this.removed(message.jobId) ? 'removed' : 'other');
        if (job) {
          const reason = message.vacate?.reason ?? job.ad.getString('VacateReason') ?? 'Unspecified job interruption';
          const reasonCode = message.vacate?.code ?? job.ad.getInt('VacateReasonCode') ?? VacateCode.JobShouldRequeue;
          this.context.commit(job, runEvicted(job.ad, { now, reason, reasonCode, usage: message.usage, execution: message.execution }), null);
        }
        return;
    }
    this.context.log.debug({ startd: startdName, message: message.type, jobId: message.jobId, runId: message.runId }, 'ignored message for a run that is not current');
  }

  /** Whether condor_rm stopped the job's run (JOB_SHOULD_REMOVE, JOB_KILLED): it is Removed, or has left the queue. */
  private removed(jobId: string): boolean {
    const [cluster, proc] = jobId.split('.').map(Number);
    const status = this.context.store.getJob(cluster, proc)?.status;
    return status === undefined || status === JobStatus.Removed;
  }

  /** A run's delayed Chirp updates: those the shadow's rules allow are set in the job (one transaction); the others are dropped, as the shadow drops them. */
  private applyDelayedUpdates(job: StoredJob, attributes: Record<string, string>): void {
    const jobId = formatJobId(job.cluster, job.proc);
    const { accepted, refused } = acceptedDelayedUpdates(job.ad, jobId, attributes, DELAYED_UPDATE_PATTERNS, this.context.jobAttrRules());
    for (const { name, reason } of refused) this.context.log.info({ jobId, attribute: name, reason }, 'delayed update not set');
    if (accepted.length > 0) this.context.commit(job, editJob(job.ad, accepted), runKept(job));
  }

  /** The run began executing (001): on the slot `connection` gave it. */
  private beginExecution(connection: StartdConnection, job: StoredJob, now: Date): void {
    const startdName = connection.identity.startdName;
    const slotName = job.slot ?? '';
    const slotEntry = connection.slots.get(slotName);
    const slot = slotEntry?.description;
    // The slot's MachineResources, as the shadow copies them from the starter's ad (CopyMachineResources).
    const resources: Record<string, number> = slot ? { Cpus: slot.cpus, Disk: slot.diskKb, Memory: slot.memoryMb } : {};
    for (const share of slot?.resources ?? []) resources[share.tag] = share.quantity;
    const slotAd = slotEntry && (() => this.context.slotAd(slotEntry, now));
    const execution = beginExecution(job.ad, { now, executeHost: connection.sinfulAddress, slotName: `${slotName}@${startdName}`, resources, slotAd });
    this.context.commit(job, execution, { runId: job.runId, startd: startdName, slot: slotName, ...(job.runEdits ? { edits: job.runEdits } : {}) });
  }

  /**
   * The run ended on its slot: the slot is free, or the job queued on it has started (the startd launched it at
   * this end). When the startd says the slot's claim is closing (past its CLAIM_WORKLIFE) it launched none: the
   * job queued is matched again and the slot given back, as HTCondor's schedd drops the match on
   * JOB_EXITED_AND_CLAIM_CLOSING. Otherwise, with no job queued on it, the claim is kept idle when the run asked
   * for it (KeepClaimIdle) and ended as `end` allows (keptIdleSeconds), a dynamic slot with it.
   */
  private freeSlot(connection: StartdConnection, jobId: string, runId: string, claimClosing = false, end: RunEnd = 'other'): void {
    const { queuedStarts, matchmaker, observer, keptClaims } = this.context;
    const queued = queuedStarts.get(jobId);
    for (const slot of connection.slots.values()) {
      if (slot.queued?.runId === runId && formatJobId(slot.queued.cluster, slot.queued.proc) === jobId) {
        // A queued start the startd dropped when it was taken back.
        slot.queued = undefined;
        matchmaker.queueSlotChanged(slotKey(slot));
      }
      if (slot.run?.runId === runId && formatJobId(slot.run.cluster, slot.run.proc) === jobId) {
        const ended = slot.run;
        slot.run = undefined;
        const next = slot.queued && queuedStarts.get(formatJobId(slot.queued.cluster, slot.queued.proc));
        if (next && claimClosing) {
          this.context.log.info({ jobId: next.jobId, slot: slotKey(slot) }, 'claim closing (CLAIM_WORKLIFE): the job queued on the slot is matched again');
          slot.queued = undefined;
          queuedStarts.release(next);
          matchmaker.queueSlotChanged(slotKey(slot));
        } else if (next) queuedStarts.launched(connection, slot, next);
        const { keep } = ended;
        const keepSeconds = keep === undefined ? 0 : keptIdleSeconds({ keepClaimIdle: keep.seconds, end, claimClosing, nextJob: slot.run !== undefined });
        if (keep !== undefined && keepSeconds > 0) {
          keptClaims.keep(connection, slot, { ...ended, keep }, keepSeconds);
          continue;
        }
        if (slot.run === undefined) slot.claimStartedAt = undefined;
        const parent = slot.description.parent === undefined ? undefined : connection.slots.get(slot.description.parent);
        if (parent && slot.run === undefined) {
          // A dynamic slot lives as long as its claim has a job to run: its resources go back to its partitionable slot.
          connection.slots.delete(slot.description.name);
          observer.startdChanged(connection, true);
          matchmaker.slotChanged(slotKey(parent));
          continue;
        }
        observer.slotChanged(slot);
        // Jobs may have become idle while the slot was busy without being tried against it.
        matchmaker.slotChanged(slotKey(slot));
      }
    }
    if (queued?.runId === runId && queued.startdName === connection.identity.startdName) queuedStarts.release(queued);
    this.context.scheduleMatchmaking();
  }
}
