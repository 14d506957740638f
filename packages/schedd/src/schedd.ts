import type { Logger } from 'pino';
import { quoteString, type ClassAd, type EvalContext } from '@tinycondor/shared/classad/index';
import type { AdReader } from '@tinycondor/shared/proc-ad-view';
import type { JobEvent } from '@tinycondor/shared/eventlog/index';
import { formatJobId } from '@tinycondor/shared/job-id';
import { jobOrderKey } from '@tinycondor/shared/job-order';
import { Accountant, accountantSettings, type AccountantSettings } from '@tinycondor/shared/accountant';
import { submitterName, submitterOf, type ShareSubmitter } from '@tinycondor/shared/fair-share';
import { ulogInfoText } from '@tinycondor/shared/chirp/protocol';
import { remoteEditVerdict, type RemoteEditRefusal } from '@tinycondor/shared/chirp/remote-edits';
import { DEFAULT_JOB_ATTR_RULES, type JobAttrRules } from '@tinycondor/shared/job-edit';
import type { QueueAccess } from '@tinycondor/shared/queue-access';
import type { UserPrioBody, UserPrioReply } from '@tinycondor/shared/rest-schemas';
import {
  checkpointCommitted,
  checkpointUploadFailed,
  dataflowJobSkipped,
  inputSpooled,
  isRefusal,
  outputFetched,
  setJobPriority,
  suspendRefusal,
  continueRefusal,
  editJob,
  holdsRun,
  matchRejected,
  noopCompleted,
  periodicHoldOfRun,
  runDropped,
  runStopped,
  startRun,
  type Refusal,
  type Transition,
} from '@tinycondor/shared/job-state';
import { HoldCode, JobStatus } from '@tinycondor/shared/job-status';
import { cronScheduleUpdate, needsCronTab } from '@tinycondor/shared/crontab';
import { deferralWindowOpen } from '@tinycondor/shared/job-deferral';
import { evaluatePeriodicPolicy, wantsGracefulRemoval } from '@tinycondor/shared/job-policy';
import { jobFitsSlot, slotClaimOf } from '@tinycondor/shared/machine-ad';
import { keepClaimIdleOf } from '@tinycondor/shared/keep-claim-idle';
import { DEFAULT_START_PACING, nextJobStartDelay, StartPacer, type StartPacingSettings } from '@tinycondor/shared/start-pacing';
import { carveDynamicSlot, nextDynamicName, remainingOf } from '@tinycondor/shared/slot-layout';
import { jobConcurrencyLimits, LimitsInUse, limitMaximum, limitReached, type NumberKnob } from '@tinycondor/shared/concurrency-limits';
import type { TimelineEntry } from '@tinycondor/shared/job-timeline';
import type { RunReportMessage } from '@tinycondor/shared/protocol';
import { signalNumber } from '@tinycondor/shared/signals';
import { namesInputFiles, usesFileTransfer } from '@tinycondor/shared/transfer-files';
import { defaultQueueAccess, maySubmitAs, permissionDenied, queueCaller, type Caller } from './caller.js';
import { planEdit, type EditOutcome, type EditRequest } from './job-edits.js';
import {
  actionTransition,
  actOnSelection,
  actionResult,
  KILL_SIGNAL_ATTRIBUTE,
  type ActionResult,
  type ActionSummary,
  type JobAction,
  type Selection,
} from './job-actions.js';
import type { Db } from './db.js';
import { outputsUpToDate } from './dataflow-skip.js';
import { EventLogWriter, type LoggedJob } from './event-log-writer.js';
import { OwnerRights } from './owner-rights.js';
import { sendActionMail, sendExitMail, sendStartMail } from './notify-mail.js';
import { JobStore, runKept, type RunAssignment, type StoredJob } from './job-store.js';
import { KeptClaims } from './kept-claims.js';
import { Matchmaker, type Candidate, type ShareState } from './matchmaker.js';
import { RunDescriptors } from './run-file-calls.js';
import { PoolFileGuard } from './pool-file-guard.js';
import { QueuedStarts } from './queued-starts.js';
import type { ScheddObserver } from './schedd-observer.js';
import { SCAN_LIMITS, slices } from './slices.js';
import type { SpoolStore } from './spool-store.js';
import { spooledInputRewrites } from './spooled-job.js';
import { JobTransformFailed, type JobTransforms } from './job-transforms.js';
import type { TransformSettings } from '@tinycondor/shared/job-transform';
import { scheddAd, SubmitRequirementNotMet, type SubmitRequirements } from './submit-requirements.js';
import { SubmitWarnings } from '@tinycondor/shared/submit-requirements';
import { actionSelects } from '@tinycondor/shared/job-action-results';
import { submitEvents, submittedClusterAd, SubmittedProcs, withoutSecureAttributes, type SecureAttributes } from './submission.js';
import { factoryState, JobFactories, procsToMaterialize } from './job-factories.js';
import { ClusterAd, type ProcOverlay } from '@tinycondor/shared/cluster-ad';
import { SubmitError } from '@tinycondor/shared/submit/errors';
import { ProcFactory, type FactorySubmission } from '@tinycondor/shared/submit/factory';
import { requestKnobs } from '@tinycondor/shared/submit/evict-checks';
import { constraintHolds } from './constraint-jobs.js';
import { CommitRefused, SubmitRejected } from './job-store.js';
import { StartdKeys } from './startd-keys.js';
import { ReportOrder } from './report-order.js';
import { DELAYED_UPDATE_PATTERNS, RunReports } from './run-reports.js';
import { StartdSessions, timerLeaseClock, type ReportedRun } from './startd-sessions.js';
import { slotKey, StartdRegistry, type Slot, type SlotRun, type StartdConnection } from './startd-registry.js';
import { emptyTransferEvents } from './transfer-events.js';
import type { CheckpointCleanup } from './checkpoint-cleanup.js';
import { EpochHistory } from './epoch-history.js';
import { HistoryFile } from './history-file.js';
import { historyFileSettings, type HistoryFileSettings } from '@tinycondor/shared/job-history-file';
import { LocalRuns, LOCAL_STARTD } from './local-runs.js';
import {
  localUnivExecuteDir,
  mayStartInScheddUniverse,
  scheddJobUser,
  scheddUniverse,
  START_LOCAL_UNIVERSE_DEFAULT,
  START_SCHEDULER_UNIVERSE_DEFAULT,
  type ScheddUniverse,
} from '@tinycondor/shared/local-universe';
import { readAccounts, type JobUser } from '@tinycondor/shared/job-user';
import type { DockerCredentialsAnswer } from '@tinycondor/shared/docker-credentials';
import { dockerCredentials } from './docker-credentials.js';
import { recordRunEdits, shadowCopy, starterCopy } from '@tinycondor/shared/run-copy';
import type { PathGuard } from '@tinycondor/transfer/path-guard';
import { DirectoryLimits, limitedGuard } from './directory-limits.js';
import os from 'node:os';
import path from 'node:path';
import { epochSettings, type EpochSettings, type TransferClassName } from '@tinycondor/shared/epoch-history';

export interface ScheddSettings {
  name: string;
  /** `<host:port?addrs=…>` as the event log prints the submit host. */
  sinfulAddress: string;
  /** How long the jobs of a startd that went away keep their slot before they are requeued. */
  leaseSeconds: number;
  /** Default grace between the kill signal and SIGKILL (job_max_vacate_time). */
  killGraceSeconds: number;
  /** How often periodic_hold/_release/_remove are evaluated (PERIODIC_EXPR_INTERVAL). */
  periodicSeconds: number;
  /** The pool's own directory (queue, SPOOL, logs, token, EXECUTE): no job's files are read or written there. */
  poolRoot: string;
}

const SIGTERM = 15;
const SIGKILL = 9;

/** What a submission stored: its number of procs, and the submit requirements' warnings (HTCondor's WarningReason). */
export interface Submitted {
  procs: number;
  warning: string | undefined;
}

/** A cluster of more procs than this puts no submit event on the timelines: it would only push every other job's out. */
const MAX_TIMELINE_SUBMISSION = 10_000;

/** A commit into a job's SPOOL directory: a checkpoint (its number), or files sent at eviction. */
export interface SpoolCommit {
  jobId: string;
  runId: string;
  checkpoint: number | undefined;
  /** The job's SPOOL directory, now holding what the next sandbox receives. */
  dir: string;
}

/**
 * The schedd's core: the job queue, the startds and their slots, matchmaking on every state change.
 * REST routes and the startd channel both call into this class; it changes jobs only through the
 * shared state machine and the job store.
 */
export class Schedd {
  readonly store: JobStore;
  readonly registry = new StartdRegistry((cluster, proc) => this.store.getJob(cluster, proc)?.ad);
  /** The startds' credentials for their transfers. */
  readonly startdKeys = new StartdKeys();
  /** How far each startd's reports are handled: its transfers wait for the reports made before them. */
  readonly reportOrder = new ReportOrder();
  /**
   * Told of every commit into a job's SPOOL directory before the startd hears of it, so while a
   * checkpointing job waits for its restart (`tinycondor test-checkpointing` records each checkpoint).
   */
  spoolCommitObserver: ((commit: SpoolCommit) => void) | undefined;
  /** Deletes checkpoints kept at a checkpoint_destination (server.ts sets it from the pool's knobs). */
  checkpointCleanup: CheckpointCleanup | undefined;
  /** JOB_TRANSFORM_NAMES, applied to each submitted proc (server.ts sets it from the pool's configuration). */
  jobTransforms: JobTransforms | undefined;
  /** SUBMIT_REQUIREMENT_NAMES, checked on each submitted proc once transformed (server.ts sets it from the pool's configuration). */
  submitRequirements: SubmitRequirements | undefined;
  /** IMMUTABLE_, PROTECTED_ and SECURE_JOB_ATTRS with their SYSTEM_ lists, as configured now (server.ts sets it from the pool's configuration). */
  jobAttrRules: () => JobAttrRules = () => DEFAULT_JOB_ATTR_RULES;
  /** Who may act on whose jobs (QUEUE_SUPER_USERS, QUEUE_ALL_USERS_TRUSTED …), as configured now (server.ts sets it from the pool's configuration). */
  queueAccess: () => QueueAccess = () => this.defaultAccess;
  private readonly defaultAccess = defaultQueueAccess();
  /** What the schedd's evaluations of transforms, requirements and constraints are given: its userMap() maps (server.ts sets it). */
  evalContext: () => EvalContext = () => ({});
  /** The epoch history's knobs, read when the first record is made (server.ts sets it from the pool's knobs). */
  epochSettings: () => EpochSettings;
  /** The history file's knobs, read when the first job leaves the queue (server.ts sets it from the pool's knobs). */
  historyFileSettings: () => HistoryFileSettings;
  /** The concurrency limits' knobs as numbers, read at each pass that tries a job declaring limits (server.ts sets it from the pool's knobs). */
  limitsKnob: NumberKnob = () => undefined;
  /** The pool's knobs as text (START_LOCAL_UNIVERSE, START_SCHEDULER_UNIVERSE, LOCAL_UNIV_EXECUTE; server.ts sets it). */
  knob: (name: string) => string | undefined = () => undefined;
  /** JOB_START_DELAY, JOB_START_COUNT and MAX_NEXT_JOB_START_DELAY, as configured now (server.ts sets it from the pool's configuration). */
  startPacing: () => StartPacingSettings = () => DEFAULT_START_PACING;
  /** The accountant's knobs and ACCOUNTING_DOMAIN, as configured now (server.ts sets it from the pool's configuration). */
  accountantKnobs: () => { settings: AccountantSettings; accountingDomain: string } = () => accountantSettings(() => undefined, this.queueAccess().uidDomain);
  /** Each submitter's priority and usage (the negotiator's accountant), kept in the queue's database. */
  readonly accountant: Accountant;
  /** When the accountant was last saved (ms), and whether it changed since. */
  private accountantSavedAt = 0;
  private accountantChanged = false;
  /** The submitter of each run and queued start on a slot, by run id (a run's job keeps its submitter). */
  private runSubmitters = new Map<string, string>();
  /** The local and scheduler universe runs, on this host. */
  readonly localRuns: LocalRuns;
  /** Idle local and scheduler universe jobs, by job id, in the order they became idle: started by the schedd, never matched. */
  private readonly scheddUniverseIdle = new Set<string>();
  /** Idle no-op jobs, completed at the next matchmaking pass (completeNoopJobs). */
  private readonly noopIdle = new Set<string>();
  private readonly events: EventLogWriter;
  /** The clusters' job factories (late materialization). */
  private readonly factories: JobFactories;
  /** The job epoch history (JOB_EPOCH_HISTORY): a record per run start, plugin transfer and run end. */
  private readonly epochs: EpochHistory;
  /** The job history file (HISTORY), rotated as HTCondor's schedd rotates it; the history table keeps what it keeps. */
  private readonly historyFile: HistoryFile;
  /** Judges the paths of a job's inputs, outputs and user log (see PoolFileGuard). */
  readonly fileGuard: PoolFileGuard;
  /** Whose rights a job's files (inputs, outputs, user log) are handled with. */
  readonly ownerRights = new OwnerRights();
  /** The descriptors running jobs opened through Chirp, each run's closed when it is over. */
  readonly runDescriptors: RunDescriptors;
  private matchScheduled = false;
  private policyTimer: NodeJS.Timeout | undefined;
  /** The periodic policy's pass under way, if any. */
  private policyPass: Promise<void> | undefined;
  /** Set by stop(): scans under way end at their next slice. */
  private stopped = false;
  /** Where idle jobs go (what became idle, which slots fit no idle job). */
  private readonly matchmaker = new Matchmaker();
  /** Jobs queued on busy slots. */
  private readonly queuedStarts: QueuedStarts;
  /** Claims kept idle for their user's next job (KeepClaimIdle). */
  private readonly keptClaims: KeptClaims;
  /** When the next job may start on a slot (JOB_START_DELAY, JOB_START_COUNT, a job's NextJobStartDelay). */
  private readonly startPacer = new StartPacer();
  /** The timer that matches again once starts may go on: when it fires, and its cancel. */
  private pacingTimer: { at: number; cancel: () => void } | undefined;
  /** Each startd's admission, hello and lease. */
  private readonly startdSessions: StartdSessions;
  /** What a startd reports about its runs, brought into the queue. */
  private readonly runReports: RunReports;

  constructor(
    db: Db,
    readonly spool: SpoolStore,
    readonly settings: ScheddSettings,
    private readonly log: Logger,
    /** Told of every committed change (the dashboard's event stream, /v1/events). */
    private readonly observer: ScheddObserver,
  ) {
    this.store = new JobStore(db);
    const stored = this.store.accountant();
    this.accountant = new Accountant(this.accountantKnobs().settings, stored.lastUpdateTime);
    for (const [name, record] of stored.records) this.accountant.records.set(name, record);
    this.factories = new JobFactories(this.store, () => this.evalContext(), () => requestKnobs(this.knob));
    this.epochSettings = () => epochSettings(() => undefined, spool.spoolDir).settings;
    this.historyFileSettings = () => historyFileSettings(() => undefined, spool.spoolDir).settings;
    this.epochs = new EpochHistory(db, () => this.epochSettings(), log.child({ component: 'epoch-history' }));
    this.historyFile = new HistoryFile(db, () => this.historyFileSettings(), log.child({ component: 'history-file' }));
    this.store.history = this.historyFile;
    this.fileGuard = new PoolFileGuard(settings.poolRoot);
    this.runDescriptors = new RunDescriptors((jobId, runId, startd) => this.currentRun(jobId, runId, startd) !== undefined, log);
    this.queuedStarts = new QueuedStarts({
      store: this.store,
      registry: this.registry,
      matchmaker: this.matchmaker,
      beginRun: (job, slot, runId, fetchInput) => this.beginRun(job, slot, runId, fetchInput, this.now()),
      scheduleMatchmaking: () => this.scheduleMatchmaking(),
      log,
    });
    this.keptClaims = new KeptClaims({
      registry: this.registry,
      matchmaker: this.matchmaker,
      observer,
      scheduleMatchmaking: () => this.scheduleMatchmaking(),
      clock: timerLeaseClock,
      now: () => this.now(),
      log,
    });
    // A startd's session and its run reports change jobs through commit, as every other change does.
    const core = {
      store: this.store,
      queuedStarts: this.queuedStarts,
      keptClaims: this.keptClaims,
      matchmaker: this.matchmaker,
      observer,
      commit: (job: StoredJob, transition: Transition, run: RunAssignment | null) => this.commit(job, transition, run),
      scheduleMatchmaking: () => this.scheduleMatchmaking(),
      checkpointInvalid: (job: StoredJob, checkpointNumber: number) => this.checkpointInvalid(job, checkpointNumber),
      recordTransfer: (job: StoredJob, transferClass: TransferClassName, resultList: string) => this.epochs.transfer(job.ad, transferClass, resultList, this.now()),
      jobAttrRules: () => this.jobAttrRules(),
      evictTransforms: () => this.evictTransforms(),
      slotAd: (slot: Slot, now: Date) => this.registry.slotAd(slot, now),
      now: () => this.now(),
      log,
    };
    this.startdSessions = new StartdSessions({
      ...core,
      registry: this.registry,
      startdKeys: this.startdKeys,
      reportOrder: this.reportOrder,
      limitsOn: (job, slot) => this.limitsOn(job, slot, this.now()),
      leaseSeconds: settings.leaseSeconds,
      clock: timerLeaseClock,
    });
    this.runReports = new RunReports(core);
    this.localRuns = new LocalRuns({
      sinfulAddress: () => this.settings.sinfulAddress,
      executeDir: () => localUnivExecuteDir(this.knob('LOCAL_UNIV_EXECUTE'), spool.spoolDir),
      poolRoot: settings.poolRoot,
      report: (connection, message) => {
        this.store.transaction(() => this.runReports.handle(connection, message));
      },
      log: log.child({ component: 'local-runs' }),
    });
    this.events = new EventLogWriter(db, log, (jobs, reason) => this.holdForUserLog(jobs, reason), this.fileGuard, [spool.userLogsDir], (owner) =>
      this.ownerRights.forOwner(owner),
    );
  }

  /** Recovery at start: flush events a crash left in the outbox, runs whose job lease is valid wait for their startd. */
  start(): void {
    const noOwnerRights = this.ownerRights.unavailable();
    if (noOwnerRights !== undefined) this.log.warn(noOwnerRights);
    this.spool.finishAllInterruptedCommits();
    this.events.flush();
    this.epochs.flush();
    this.historyFile.flush();
    this.policyTimer = setInterval(() => {
      this.runDescriptors.sweep();
      this.startdSessions.renewLeases();
      // A pass still going (a big queue, slow expressions) is not started over beside itself.
      if (this.policyPass) return;
      this.policyPass = this.evaluatePeriodicPolicies()
        .catch((err: unknown) => this.log.error({ err }, 'periodic policy evaluation failed'))
        .finally(() => {
          this.policyPass = undefined;
        });
    }, this.settings.periodicSeconds * 1000);
    this.policyTimer.unref();
    const startds = new Set(this.store.startdsWithRuns());
    for (const startd of this.queuedStarts.restore()) startds.add(startd);
    // The schedd's own runs did not survive it, and local and scheduler universe jobs cannot reconnect: back to
    // Idle at once, as HTCondor's mark_idle stops them (mark_job_stopped); a startd's runs wait for its lease.
    if (startds.delete(LOCAL_STARTD)) this.stopLocalRuns();
    this.localRuns.clearExecuteDir();
    for (const startd of startds) this.startdSessions.recover(startd);
    for (const job of this.store.idleJobs()) {
      this.noteIdle(formatJobId(job.cluster, job.proc), job.ad.getInt('JobUniverse'));
      this.noteNoop(formatJobId(job.cluster, job.proc), job.ad);
    }
    this.scheduleMatchmaking();
  }

  private stopLocalRuns(): void {
    const now = this.now();
    for (const job of this.store.jobsOnStartd(LOCAL_STARTD)) {
      if (holdsRun(job.status)) this.commit(job, runStopped(job.ad, { now }), null);
      else this.store.transaction(() => this.store.apply(job, runDropped(job.ad), null));
    }
  }

  /**
   * At start, each factory goes on from its cluster's JobMaterializeNextProcId, as committed before the schedd
   * stopped. Called once the job transforms and the submit requirements, which its procs go through, are set.
   */
  resumeFactories(): void {
    for (const clusterId of this.factories.all()) this.store.transaction(() => this.materialize(clusterId));
  }

  stop(): void {
    this.stopped = true;
    try {
      // What the runs used since the last save (at most a second's) is kept.
      this.updateAccountant(this.now());
      if (this.accountantChanged) this.saveAccountant(this.now());
    } catch (err) {
      this.log.error({ err }, 'the accountant could not be saved');
    }
    if (this.policyTimer) clearInterval(this.policyTimer);
    this.pacingTimer?.cancel();
    this.keptClaims.stop();
    this.runDescriptors.closeAll();
    this.startdSessions.stop();
    this.localRuns.close();
    this.registry.closeAll('schedd shutting down');
    this.observer.close('schedd shutting down');
    this.events.flush();
    this.epochs.flush();
    this.historyFile.flush();
  }

  private now(): Date {
    return new Date();
  }

  /** Returns the proc's ad over its cluster's as now stored; undefined when the job left the queue. */
  private commit(job: StoredJob, transition: Transition, run: RunAssignment | null): ProcOverlay | undefined {
    const jobId = formatJobId(job.cluster, job.proc);
    this.queuedStarts.jobChanged(jobId);
    // A cron job back to Idle (its run ended, it was released) gets its next run time (check_zombie's forced calculation).
    if (!transition.leaveQueue && job.status !== JobStatus.Idle && transition.ad.getInt('JobStatus') === JobStatus.Idle && needsCronTab(transition.ad)) {
      const update = cronScheduleUpdate(transition.ad, Math.floor(this.now().getTime() / 1000), true);
      if (update !== undefined && 'deferralTime' in update) transition.ad.set('DeferralTime', update.deferralTime);
    }
    const overlay = this.store.transaction(() => {
      const stored = this.store.apply(job, transition, run);
      this.recordEpochs(job, transition, run);
      // A proc that leaves the queue, or stops being idle, may make room for the factory's next ones.
      if (this.factories.has(job.cluster)) this.materialize(job.cluster);
      return stored;
    });
    this.observer.jobChanged(job, transition);
    this.sendMails(job, transition);
    if (!transition.leaveQueue && transition.ad.getInt('JobStatus') === JobStatus.Idle) {
      const place = { key: jobOrderKey(transition.ad), cluster: job.cluster, proc: job.proc };
      const submitter = submitterOf(transition.ad);
      this.matchmaker.jobBecameIdle(jobId, place, submitter);
      this.queuedStarts.yieldTo(place, submitter, (name) => this.effectivePriority(name));
      this.noteIdle(jobId, transition.ad.getInt('JobUniverse'));
      this.noteNoop(jobId, transition.ad);
    }
    if (transition.leaveQueue) {
      // The MANIFESTs move out of SPOOL for their clean-up before the job's directory goes.
      this.checkpointCleanup?.jobLeftQueue(transition.ad, this.spool.jobDir(job.cluster, job.proc));
      this.spool.removeJobDir(job.cluster, job.proc);
    }
    this.events.schedule();
    this.scheduleMatchmaking();
    return overlay;
  }

  /**
   * The mails HTCondor's shadow sends as it writes these events (notify-mail.ts): at the start, at the exit, and
   * when it holds its running job (BaseShadow::holdJob; a condor_hold is the schedd's; a local or scheduler
   * universe job has no shadow). Of the schedd's own holds, only those of a cron schedule that does not parse and
   * of an owner it cannot switch to mail (holdJob's email_user in CronTab validation and the local and scheduler
   * universe starts).
   */
  private sendMails(job: StoredJob, transition: Transition): void {
    const mail = { knob: (name: string) => this.knob(name), log: this.log };
    const shadowed = job.runId !== '' && scheddUniverse(job.ad.getInt('JobUniverse')) === undefined;
    for (const event of transition.events) {
      if (event.code === 1) sendStartMail(transition.ad, event, mail);
      if (event.code === 5) sendExitMail(job.ad, transition.ad, event, { ...mail, now: event.time });
      const schedds = event.code === 12 && (event.reasonCode === HoldCode.InvalidCronSettings || event.reasonCode === HoldCode.FailedToAccessUserAccount);
      if (event.code === 12 && (schedds || (shadowed && event.reasonCode !== HoldCode.UserRequest))) {
        sendActionMail(transition.ad, formatJobId(job.cluster, job.proc), 'hold', event.reason ?? '', mail);
      }
    }
  }

  /**
   * The epoch records of a change that starts or ends a run, as the shadow writes them: SPAWN when it starts
   * (its job ad), EPOCH when it ends (the job ad then, with the RemoteHost and ShadowBday the shadow's ad
   * still held). A self-checkpointing job restarted in place stays in its run: one shadow, one epoch.
   */
  private recordEpochs(job: StoredJob, transition: Transition, run: RunAssignment | null): void {
    const before = runKept(job);
    const now = this.now();
    if (before !== null && run?.runId !== before.runId) {
      const ad = transition.ad.clone();
      for (const name of ['RemoteHost', 'ShadowBday']) {
        const expr = job.ad.get(name);
        if (expr !== undefined && !ad.has(name)) ad.insert(name, expr);
      }
      this.epochs.record(ad, 'EPOCH', now);
    }
    if (run !== null && before?.runId !== run.runId) this.epochs.record(transition.ad, 'SPAWN', now);
  }

  /**
   * Judges the paths of a job's files on the submit side as its shadow would: the pool's guard, and the
   * job's directory limits (LIMIT_DIRECTORY_ACCESS, or its LimitDirectoryAccess, with its SPOOL directory).
   */
  jobFileGuard(job: StoredJob): PathGuard {
    return limitedGuard(this.fileGuard, this.directoryLimits(job));
  }

  /** The job's directory limits as its shadow reads them (its copy of the job ad); undefined when none. */
  directoryLimits(job: StoredJob): DirectoryLimits | undefined {
    return DirectoryLimits.forJob(this.knob('LIMIT_DIRECTORY_ACCESS'), shadowCopy(job.ad, job.runEdits), this.spool.jobDir(job.cluster, job.proc));
  }

  // ---- submission -------------------------------------------------------------------------------

  reserveCluster(): number {
    return this.store.reserveCluster(this.now());
  }

  /**
   * Validates and stores the procs of a reserved cluster, then logs their submit events. `common` is the
   * ad the procs share (absent: each proc is a whole ad); each proc holds what differs from it. A submission
   * sent again under the id it was stored with (its reply was lost) is answered as it was, and stored once.
   * Returns the number of procs, and the submit requirements' warnings as HTCondor's schedd sends them.
   */
  submitCluster(clusterId: number, submissionId: string | undefined, common: Record<string, string> | undefined, procs: ProcOverlay[], caller: Caller): Submitted {
    const earlier = submissionId === undefined ? undefined : this.store.submission(clusterId);
    if (earlier?.stored && earlier.submissionId === submissionId) return { procs: earlier.procs, warning: undefined };
    const now = this.now();
    const secure = this.secureAttributes(clusterId, caller);
    let stored: ReturnType<typeof this.submission>;
    try {
      // The cluster ad first, as condor_submit sends it (job C.-1), then each proc's.
      const cluster = submittedClusterAd(common && withoutSecureAttributes(common, formatJobId(clusterId, -1), secure), procs.length);
      stored = this.submission(clusterId, cluster, procs, caller, now, secure);
      this.store.submitCluster(clusterId, submissionId, cluster, stored.submission.rows(), stored.eventsFor, procs.length <= MAX_TIMELINE_SUBMISSION);
    } catch (err) {
      if (err instanceof CommitRefused) this.logRefusal(clusterId, caller, err);
      throw err;
    }
    const { submission, submitted } = stored;
    this.procsSubmitted(clusterId, procs.length, submission, submitted);
    return { procs: procs.length, warning: submission.warnings.empty ? undefined : submission.warnings.text() };
  }

  /** A submission the commit refused (a submit requirement, a secure attribute), as the SchedLog says it. */
  private logRefusal(clusterId: number, caller: Caller, err: CommitRefused): void {
    const rval = err instanceof SubmitRequirementNotMet ? { rval: err.rval } : {};
    this.log.info({ cluster: clusterId, user: caller.user, ...rval }, `submission refused: ${err.words.trimEnd()}`);
  }

  /** The secure job attributes as configured now, an ignored attempt to set one logged as HTCondor's schedd logs it. */
  private secureAttributes(clusterId: number, caller: Caller): SecureAttributes {
    return { rules: this.jobAttrRules(), ignored: (note) => this.log.info({ cluster: clusterId, user: caller.user }, note) };
  }

  /** Procs of a cluster as the queue stores them (see SubmittedProcs), and their submit events as they are stored. */
  private submission(clusterId: number, cluster: ClusterAd, procs: ProcOverlay[], caller: Caller, now: Date, secure: SecureAttributes) {
    const submission = new SubmittedProcs(clusterId, cluster, procs, caller, {
      scheddName: this.settings.name,
      spool: this.spool,
      fileGuard: this.fileGuard,
      now,
      secure,
      transforms: this.jobTransforms?.active() ? this.jobTransforms : undefined,
      requirements: this.submitRequirements?.active() ? { check: this.submitRequirements, scheddAd: scheddAd(this.settings) } : undefined,
    });
    const listening = this.observer.listening;
    const submitted: JobEvent[] = [];
    const eventsFor = (ad: AdReader): JobEvent[] => {
      const events = submitEvents(ad, clusterId, now, this.settings.sinfulAddress, submission.warningsOf(ad.getInt('ProcId') ?? 0));
      if (listening) submitted.push(...events);
      return events;
    };
    return { submission, eventsFor, submitted };
  }

  /** Once stored (committed): the idle procs go to matchmaking, their events to the logs. */
  private procsSubmitted(clusterId: number, procs: number, submission: SubmittedProcs, submitted: JobEvent[]): void {
    this.observer.clusterSubmitted(clusterId, procs, this.observer.listening ? submitted : []);
    for (const [jobId, place, submitter] of submission.idle) this.matchmaker.jobBecameIdle(jobId, place, submitter);
    // JobUniverse is a cluster attribute: one proc tells the cluster's.
    const first = submission.idle[0]?.[0];
    const universe = first === undefined ? undefined : this.store.getJob(clusterId, Number(first.split('.')[1]))?.ad.getInt('JobUniverse');
    for (const [jobId] of submission.idle) this.noteIdle(jobId, universe);
    this.scheduleSubmittedCronJobs(clusterId, submission.idle.map(([jobId]) => Number(jobId.split('.')[1])));
    // Procs are looked at one by one only in a cluster whose first proc has IsNoopJob (DAGMan's NOOP nodes).
    if (first !== undefined && this.store.getJob(clusterId, Number(first.split('.')[1]))?.ad.has('IsNoopJob')) {
      for (const [jobId] of submission.idle) {
        const job = this.store.getJob(clusterId, Number(jobId.split('.')[1]));
        if (job) this.noteNoop(jobId, job.ad);
      }
    }
    for (const best of submission.bestIdlePlaces) this.queuedStarts.yieldTo(best.place, best.submitter, (name) => this.effectivePriority(name));
    this.events.schedule();
    this.scheduleMatchmaking();
  }

  /**
   * A late-materialization submission (condor_submit's SetJobFactory): the cluster is stored with its factory
   * and the cluster ad HTCondor's schedd gives it (proc 0's ad, TotalSubmitProcs, JobMaterializeLimit,
   * JobMaterializeNextProcId = 0), and its first procs are materialized in the same transaction. Returns the
   * number of procs the factory will make, and the submit requirements' warnings on the cluster.
   */
  submitFactory(clusterId: number, submissionId: string | undefined, submission: FactorySubmission, caller: Caller): Submitted {
    const earlier = submissionId === undefined ? undefined : this.store.submission(clusterId);
    if (earlier?.stored && earlier.submissionId === submissionId) return { procs: earlier.procs, warning: undefined };
    let factory: ProcFactory;
    try {
      factory = new ProcFactory(submission.digest, clusterId, undefined, this.factories.evalContext, this.factories.knobs());
    } catch (err) {
      if (err instanceof SubmitError) throw new SubmitRejected(`submit digest: ${err.message}`);
      throw err;
    }
    if (!maySubmitAs(caller, submission.digest.context.owner)) {
      throw new SubmitRejected(`submit digest: Owner "${submission.digest.context.owner}" is not the submitting user ${caller.user}`);
    }
    const limit = Math.max(Math.min(submission.limit, factory.totalProcs), 1);
    const cluster = new ClusterAd({
      ...withoutSecureAttributes(factory.cluster.stored, formatJobId(clusterId, -1), this.secureAttributes(clusterId, caller)),
      TotalSubmitProcs: String(factory.totalProcs),
      JobMaterializeLimit: String(limit),
      JobMaterializeNextProcId: '0',
      // Where HTCondor's schedd keeps the digest (GetSpooledSubmitDigestPath); condor_q -factory selects factories
      // by it. tinycondor keeps the digest in the queue database and writes no such file.
      JobMaterializeDigestFile: quoteString(path.join(this.spool.spoolDir, String(clusterId % 10000), `condor_submit.${clusterId}.digest`)),
    });
    const warning = this.checkFactoryCluster(clusterId, cluster, caller);
    this.store.transaction(() => {
      this.store.submitCluster(clusterId, submissionId, cluster, [], () => [], true, JSON.stringify(submission.digest));
      this.factories.added(clusterId, factory);
      this.materialize(clusterId, true);
    });
    return { procs: factory.totalProcs, warning };
  }

  /**
   * CheckTransaction on a new factory's cluster ad: the job transforms and the submit requirements see it as
   * a proc 0 with JobFactoryId (the transforms change only that view here: each proc is transformed as it is
   * materialized). A requirement not met refuses the submission; returns the warnings' text.
   */
  private checkFactoryCluster(clusterId: number, cluster: ClusterAd, caller: Caller): string | undefined {
    if (!this.submitRequirements?.active()) return undefined;
    const ad = cluster.procAd({ ProcId: '0', JobFactoryId: String(clusterId), ...(cluster.get('JobStatus') === undefined ? { JobStatus: String(JobStatus.Idle) } : {}) });
    const jobId = formatJobId(clusterId, -1);
    if (this.jobTransforms?.active()) {
      try {
        this.jobTransforms.transform(ad, jobId);
      } catch (err) {
        if (err instanceof JobTransformFailed) throw new SubmitRejected(`cluster ${clusterId}: ${err.message}`);
        throw err;
      }
    }
    const verdict = this.submitRequirements.check(ad, jobId, scheddAd(this.settings));
    if (verdict.refusal !== undefined) {
      const refused = new SubmitRequirementNotMet(verdict.refusal.words, verdict.refusal.rval);
      this.logRefusal(clusterId, caller, refused);
      throw refused;
    }
    const warnings = new SubmitWarnings();
    for (const words of verdict.warnings) warnings.add(words);
    return warnings.empty ? undefined : warnings.text();
  }

  /**
   * Materializes what the cluster's factory has room for (procsToMaterialize), inside the caller's
   * transaction: the procs, their submit events and the cluster's JobMaterializeNextProcId commit together
   * with the change that made room, so a restart neither repeats nor skips a proc. The last proc made, the
   * factory is deleted. A proc that cannot be built pauses the factory (JobMaterializePaused = 1, with
   * JobMaterializePauseReason), as HTCondor's setJobFactoryPauseAndLog; with `refuse` (at submission) it
   * refuses the submission instead. A proc that does not meet a submit requirement makes the schedd's commit
   * fail, as in JobMaterializeTimerCallback: nothing is materialized, the factory is not paused, and it tries
   * again when a proc of the cluster changes.
   */
  private materialize(clusterId: number, refuse = false): void {
    const cluster = this.store.clusterAd(clusterId);
    const state = factoryState(cluster);
    const count = procsToMaterialize(state, this.store.clusterCounts(clusterId));
    if (count === 0) return;
    const now = this.now();
    const first = state.nextProcId;
    let proc = first;
    try {
      this.store.savepoint(() => {
        const factory = this.factories.factory(clusterId);
        if (factory === undefined) return;
        const overlays: ProcOverlay[] = [];
        for (; proc < first + count; proc++) overlays.push({ ...factory.overlay(proc), JobMaterializeDate: String(Math.floor(now.getTime() / 1000)) });
        const next = new ClusterAd({ ...cluster.stored, JobMaterializeNextProcId: String(proc) });
        const owner = cluster.evaluation('Owner').value;
        const caller = queueCaller(this.queueAccess(), owner.type === 'string' ? owner.value : '', false);
        const { submission, eventsFor, submitted } = this.submission(clusterId, next, overlays, caller, now, this.secureAttributes(clusterId, caller));
        this.store.materializeProcs(clusterId, next, submission.rows(), eventsFor);
        if (proc >= state.totalProcs) {
          this.store.deleteFactory(clusterId);
          this.store.afterCommit(() => this.factories.forget(clusterId));
        }
        this.store.afterCommit(() => this.procsSubmitted(clusterId, overlays.length, submission, submitted));
      });
    } catch (err) {
      if (err instanceof SubmitRequirementNotMet) {
        this.log.warn({ cluster: clusterId }, `CommitTransaction() failed for cluster ${clusterId} rval=${err.rval} (${err.words})`);
        return;
      }
      if (!(err instanceof SubmitError || err instanceof SubmitRejected)) throw err;
      if (refuse) throw err instanceof SubmitRejected ? err : new SubmitRejected(err.message);
      const reason = `failed to create ClassAd for Job ${formatJobId(clusterId, proc)} : ${err.message}`;
      this.log.warn({ cluster: clusterId, proc, reason }, 'job factory paused');
      this.store.setClusterAd(clusterId, new ClusterAd({ ...cluster.stored, JobMaterializePaused: '1', JobMaterializePauseReason: quoteString(reason) }));
    }
  }

  /**
   * condor_rm of a cluster, of all jobs or by a constraint its cluster ad matches (GetNextJobOrClusterByConstraint):
   * its factory goes first, so that removing its procs does not materialize others (mmClusterRemoved).
   */
  private removeFactories(selection: Selection, caller: Caller): void {
    const named = new Set(selection.specs.filter((spec) => spec.proc === undefined).map((spec) => spec.cluster));
    for (const clusterId of this.factories.all()) {
      const cluster = this.store.clusterAd(clusterId);
      let selected = selection.all || named.has(clusterId);
      if (!selected && selection.constraint !== undefined) {
        // A cluster ad has no ProcId of its own.
        const ad = cluster.procAd({ ProcId: null });
        selected = constraintHolds(selection.constraint, ad, this.evalContext());
      }
      if (!selected) continue;
      const owner = cluster.evaluation('Owner').value;
      if (permissionDenied(caller, String(clusterId), owner.type === 'string' ? owner.value : undefined) !== undefined) continue;
      this.store.transaction(() => {
        this.store.deleteFactory(clusterId);
        this.store.afterCommit(() => this.factories.forget(clusterId));
      });
      this.log.info({ cluster: clusterId, user: caller.user }, 'job factory removed');
    }
  }

  // ---- user actions -----------------------------------------------------------------------------

  /** condor_rm, condor_hold, condor_release, condor_vacate_job: see actOnSelection. */
  async actOnSelection(action: JobAction, selection: Selection, reason: string, caller: Caller, holdSubCode = 0): Promise<ActionSummary & { queueJobs: number }> {
    if (action === 'remove' || action === 'remove-x') this.removeFactories(selection, caller);
    const inState = (job: StoredJob) => actionSelects(action, job.ad.getInt('JobStatus'), job.ad.getInt('JobStatusOnRelease'), job.ad.getInt('HoldReasonCode'));
    const hold = { code: HoldCode.UserRequest, subCode: holdSubCode };
    const summary = await actOnSelection(this.store, { ...selection, inState, context: this.evalContext() }, (job) => this.actOnJob(action, job, reason, hold, caller, this.now()), () => this.stopped);
    return { ...summary, queueJobs: this.store.countJobs() };
  }

  /**
   * condor_prio: each selected job's JobPrio set to `change.priority`, or moved by `change.adjustment`;
   * like any attribute, only by its owner or a queue superuser. A running job keeps its run.
   */
  async setPriority(selection: Selection, change: { priority: number } | { adjustment: number }, caller: Caller): Promise<ActionSummary & { queueJobs: number }> {
    const summary = await actOnSelection(
      this.store,
      { ...selection, context: this.evalContext() },
      (job) => {
        const jobId = formatJobId(job.cluster, job.proc);
        const denied = permissionDenied(caller, jobId, job.ad.getString('Owner'));
        if (denied !== undefined) return { jobId, ok: false, code: 'permission-denied', message: denied };
        const prio = 'priority' in change ? change.priority : (job.ad.getInt('JobPrio') ?? 0) + change.adjustment;
        const transition = setJobPriority(job.ad, prio);
        this.commit(job, transition, this.runAfterEdit(job, transition.ad, ['JobPrio'], false));
        return { jobId, ok: true, code: 'success', message: `Job ${jobId} priority ${prio}` };
      },
      () => this.stopped,
    );
    return { ...summary, queueJobs: this.store.countJobs() };
  }

  /**
   * condor_qedit: sets the attributes in every job the request selects, or in none (one transaction), and
   * says how many jobs each was set in; `dryRun` only says whether it could. A job's run keeps its copies of
   * the ad (shared/run-copy.ts): its shadow's policy and get_job_attr do not see the edit, nor does its
   * starter. With `forward`, each running job (not of the scheduler or local universe) has the edit in its
   * shadow's copy and its periodic policy evaluated again at once, as HTCondor's shadow does when the schedd
   * tells it of the edit (qmgmt.cpp SetAttribute with SetAttribute_SetDirty, BaseShadow::handleUpdateJobAd).
   */
  editJobs(request: EditRequest, caller: Caller, dryRun: boolean): EditOutcome {
    return this.store.transaction(() => {
      const plan = planEdit(this.store, request, caller, this.jobAttrRules(), this.evalContext());
      if ('reason' in plan) {
        this.log.info({ user: caller.user, attribute: plan.attribute, job: plan.job, reason: plan.reason }, 'condor_qedit refused');
        const before = request.edits.findIndex(([name]) => name === plan.attribute);
        const set = request.edits.slice(0, Math.max(0, before)).map(([attribute]) => ({ attribute, jobs: plan.selected }));
        return { set, failed: { attribute: plan.attribute, ...(plan.job === undefined ? {} : { job: plan.job }), reason: plan.reason } };
      }
      // A secure attribute dropped quietly is answered as set, as HTCondor's SetAttribute answers it.
      for (const [attribute, note] of plan.ignored) this.log.info({ user: caller.user, attribute, jobs: plan.jobs.length }, note);
      const edits = request.edits.filter(([name]) => !plan.ignored.has(name));
      if (!dryRun && edits.length > 0) {
        const names = edits.map(([name]) => name);
        for (const job of plan.jobs) {
          const transition = editJob(job.ad, edits);
          this.commit(job, transition, this.runAfterEdit(job, transition.ad, names, request.forward === true));
        }
        if (request.forward) this.forwardEdits(plan.jobs);
      }
      return { set: request.edits.map(([attribute]) => ({ attribute, jobs: plan.jobs.length })) };
    });
  }

  /**
   * The run a user's edit of a job keeps, with what it set recorded as its copies hold it: a forwarded edit
   * reaches the shadow of a job running now (SetAttribute signals it only then). A local universe job's
   * starter keeps its copy, never told (jic_local_schedd.cpp: its policy on that copy); a scheduler universe
   * job has no copy: the schedd decides on the queue's ad.
   */
  private runAfterEdit(job: StoredJob, after: ClassAd, names: readonly string[], forwarded: boolean): RunAssignment | null {
    const run = runKept(job);
    const universe = scheddUniverse(job.ad.getInt('JobUniverse'));
    if (run === null || universe === 'scheduler') return run;
    const toShadow = forwarded && universe === undefined && job.ad.getInt('JobStatus') === JobStatus.Running;
    const edits = recordRunEdits(run.edits, job.ad, after, names, toShadow);
    return { runId: run.runId, startd: run.startd, slot: run.slot, ...(edits ? { edits } : {}) };
  }

  /** One job of an action: like HTCondor's schedd, only its owner or a queue superuser may act on it. */
  private actOnJob(action: JobAction, job: StoredJob, reason: string, hold: { code: number; subCode: number }, caller: Caller, now: Date): ActionResult {
    const jobId = formatJobId(job.cluster, job.proc);
    const denied = permissionDenied(caller, jobId, job.ad.getString('Owner'));
    if (denied !== undefined) return actionResult(action, jobId, 'permission-denied', denied);
    return this.applyAction(job, action, reason, hold, now);
  }

  /** An action the schedd itself takes (fault injection, after the route checked the caller may ask for it). */
  actAsSchedd(action: JobAction, jobs: StoredJob[], reason: string): ActionResult[] {
    const now = this.now();
    return jobs.map((job) => this.applyAction(job, action, reason, { code: HoldCode.UserRequest, subCode: 0 }, now));
  }

  private evictTransforms(): Omit<TransformSettings, 'log'> {
    return this.jobTransforms?.evictSettings() ?? { configRaw: () => undefined, env: process.env, context: this.evalContext() };
  }

  /** `shadowHold`: a running job's periodic_hold, its shadow's, which the job's eviction transforms may cure. */
  private applyAction(job: StoredJob, action: JobAction, reason: string, hold: { code: number; subCode: number }, now: Date, shadowHold = false): ActionResult {
    const jobId = formatJobId(job.cluster, job.proc);
    if (action === 'suspend' || action === 'continue') return this.signalRun(job, action);
    const evictLog = (line: string): void => this.log.info({ jobId }, line);
    const outcome = shadowHold
      ? periodicHoldOfRun(job.ad, { now, reason, ...hold, evictTransforms: this.evictTransforms(), evictLog })
      : actionTransition(action, job.ad, reason, hold, now);
    if (isRefusal(outcome)) return actionResult(action, jobId, outcome.refused, outcome.message);
    // HTCondor's schedd vacates a scheduler universe job by signalling it (abort_job_myself): nothing changes in
    // the queue, and its end is its own (scheduler_univ_job_exit: by the signal), its exit policy deciding.
    if ((action === 'vacate' || action === 'vacate-fast') && scheddUniverse(job.ad.getInt('JobUniverse')) === 'scheduler') {
      if (job.runId) this.localRuns.signal(job.runId, this.killSignal(job, KILL_SIGNAL_ATTRIBUTE[action]));
      return actionResult(action, jobId, 'success');
    }
    if (outcome.killRun) this.killRun(job, action === 'remove' && !wantsGracefulRemoval(shadowCopy(job.ad, job.runEdits)) ? 'SIGKILL' : KILL_SIGNAL_ATTRIBUTE[action]);
    // A vacated job keeps its run until the startd reports it ended; other actions end it now.
    this.commit(job, outcome, action === 'vacate' || action === 'vacate-fast' ? runKept(job) : null);
    return actionResult(action, jobId, 'success');
  }

  /**
   * The periodic job policy (PeriodicHold/Release/Remove, allowed durations), every few seconds, in slices
   * (see slices): however slow the jobs' expressions, other requests are served between slices.
   */
  async evaluatePeriodicPolicies(): Promise<void> {
    for await (const slice of slices(this.store.policySource(), SCAN_LIMITS)) {
      if (this.stopped) return;
      this.store.transaction(() => {
        for (const job of slice) {
          this.enforcePeriodicPolicy(job);
          this.scheduleDeferral(job);
        }
      });
    }
  }

  /**
   * One job's periodic policy now: the action its verdict asks for, if any. A running job's is its shadow's,
   * on the shadow's copy of the ad (BaseUserPolicy::checkPeriodic); the schedd's own is on the queue's ad
   * (schedd.cpp PeriodicExprEval: idle jobs, jobs without a shadow, the scheduler and local universes). A
   * running local universe job has both: its starter's, on its copy, and the schedd's.
   */
  private enforcePeriodicPolicy(job: StoredJob): void {
    const now = this.now();
    const local = job.runEdits !== undefined && scheddUniverse(job.ad.getInt('JobUniverse')) === 'local';
    const shadowVerdict = evaluatePeriodicPolicy(shadowCopy(job.ad, job.runEdits), now);
    const verdict = shadowVerdict ?? (local ? evaluatePeriodicPolicy(job.ad, now) : undefined);
    if (!verdict) return;
    const hold = verdict.action === 'hold' || verdict.action === 'vacate' ? { code: verdict.code, subCode: verdict.subCode } : { code: 0, subCode: 0 };
    // A shadow's (or local starter's) hold ends in the schedd's jobExitCode, which tries TransformOnEvict; the
    // schedd's own (PeriodicExprEval) and a scheduler universe job's (scheduler_univ_job_exit) do not.
    const shadowHold = verdict.action === 'hold' && shadowVerdict !== undefined && job.runId !== '' && scheddUniverse(job.ad.getInt('JobUniverse')) !== 'scheduler';
    const result = this.applyAction(job, verdict.action, verdict.reason, hold, now, shadowHold);
    // A running job's periodic_remove is its shadow's (ShadowUserPolicy::doAction, BaseShadow::removeJobPre), which mails.
    if (verdict.action === 'remove' && result.ok && job.runId !== '' && scheddUniverse(job.ad.getInt('JobUniverse')) === undefined) {
      sendActionMail(shadowCopy(job.ad, job.runEdits), formatJobId(job.cluster, job.proc), 'remove', verdict.reason, { knob: (name) => this.knob(name), log: this.log });
    }
  }

  /**
   * A new cluster's cron jobs get their first DeferralTime at once (a schedule is a cluster's as a rule: one
   * proc without any spares the look at the others; the periodic pass sees every job).
   */
  private scheduleSubmittedCronJobs(clusterId: number, procs: readonly number[]): void {
    const first = procs[0] === undefined ? undefined : this.store.getJob(clusterId, procs[0]);
    if (first === undefined || !needsCronTab(first.ad)) return;
    this.store.transaction(() => {
      for (const proc of procs) {
        const job = this.store.getJob(clusterId, proc);
        if (job) this.scheduleDeferral(job, true);
      }
    });
  }

  /**
   * An idle deferred job (Scheduler::calculateCronTabSchedule and the negotiator's retries): a cron job gets its
   * next DeferralTime, or is held for a schedule that does not parse; a job whose deferral window opened is
   * tried against the slots again, as its requirements now may match where they did not.
   */
  private scheduleDeferral(stale: StoredJob, force = false): void {
    if (stale.status !== JobStatus.Idle || (!stale.ad.has('DeferralTime') && !needsCronTab(stale.ad))) return;
    const job = this.store.getJob(stale.cluster, stale.proc);
    if (job === undefined || job.status !== JobStatus.Idle) return;
    const now = this.now();
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const update = cronScheduleUpdate(job.ad, nowSeconds, force);
    if (update !== undefined && 'invalid' in update) {
      this.log.info({ jobId: formatJobId(job.cluster, job.proc), reason: update.invalid }, 'holding a cron job');
      this.applyAction(job, 'hold', update.invalid, { code: HoldCode.InvalidCronSettings, subCode: 0 }, now);
      return;
    }
    if (update !== undefined) {
      this.log.debug({ jobId: formatJobId(job.cluster, job.proc), deferralTime: update.deferralTime }, 'next execution time of a cron job');
      this.commit(job, editJob(job.ad, [['DeferralTime', String(update.deferralTime)]]), null);
      return;
    }
    if (deferralWindowOpen(job.ad, nowSeconds)) {
      this.matchmaker.jobBecameIdle(formatJobId(job.cluster, job.proc), { key: jobOrderKey(job.ad), cluster: job.cluster, proc: job.proc }, submitterOf(job.ad));
      this.scheduleMatchmaking();
    }
  }

  /**
   * condor_qedit -forward: the edited jobs that are running (SetAttribute marks only those dirty; the scheduler
   * and local universes' policy is the schedd's own) have their periodic policy evaluated with the edits now.
   */
  private forwardEdits(edited: readonly StoredJob[]): void {
    for (const { cluster, proc } of edited) {
      const job = this.store.getJob(cluster, proc);
      if (job === undefined || job.ad.getInt('JobStatus') !== JobStatus.Running) continue;
      if (scheddUniverse(job.ad.getInt('JobUniverse')) !== undefined) continue;
      this.log.debug({ jobId: formatJobId(cluster, proc) }, 'condor_qedit -forward: periodic policy evaluated with the edits');
      this.enforcePeriodicPolicy(job);
    }
  }

  /**
   * condor_suspend / condor_continue: as HTCondor's schedd, nothing changes in the queue here; the startd
   * stops or continues the run's processes and reports it (jobSuspended, jobUnsuspended).
   */
  private signalRun(job: StoredJob, action: 'suspend' | 'continue'): ActionResult {
    const jobId = formatJobId(job.cluster, job.proc);
    const refused = action === 'suspend' ? suspendRefusal(job.ad) : continueRefusal(job.ad);
    const startd = job.startd === null ? undefined : this.startdOf(job.startd);
    // A run whose startd is away (on its lease) cannot be reached: refused as HTCondor refuses a job with no shadow.
    if (refused !== undefined) return actionResult(action, jobId, refused.refused, refused.message);
    if (startd === undefined) return actionResult(action, jobId, 'bad-status');
    startd.send({ type: action, jobId, runId: job.runId });
    return actionResult(action, jobId, 'success');
  }

  /** The startd a run is on: a connected one, or the schedd's own runs. */
  private startdOf(name: string): StartdConnection | undefined {
    return name === LOCAL_STARTD ? this.localRuns : this.registry.get(name);
  }

  /** Ends a run with the signal the attribute names (KillSig when the job sets none), or at once with SIGKILL. */
  private killRun(job: StoredJob, signalAttribute: string): void {
    if (!job.startd || !job.runId) return;
    const startd = this.startdOf(job.startd);
    if (!startd) return;
    const hard = signalAttribute === 'SIGKILL';
    // The startd's and starter's copies of the ad, as the run began, say how long and with which signal:
    // KillSigTimeout only when there is no JobMaxVacateTime (Resource.cpp, the old way before it).
    const copy = starterCopy(job.ad, job.runEdits);
    const timeout = copy.has('JobMaxVacateTime') ? copy.getNumber('JobMaxVacateTime') : copy.getNumber('KillSigTimeout');
    const grace = hard ? 0 : (timeout ?? this.settings.killGraceSeconds);
    startd.send({ type: 'kill', jobId: formatJobId(job.cluster, job.proc), runId: job.runId, signal: this.killSignal(job, signalAttribute), graceSeconds: grace });
  }

  /** The signal the attribute names (KillSig when the job sets none, else SIGTERM), or SIGKILL. */
  private killSignal(job: StoredJob, signalAttribute: string): number {
    if (signalAttribute === 'SIGKILL') return SIGKILL;
    const ad = starterCopy(job.ad, job.runEdits);
    return signalNumber(ad.getString(signalAttribute) ?? ad.getString('KillSig') ?? ad.getInt(signalAttribute), SIGTERM);
  }

  /**
   * Jobs whose user log cannot be opened as a regular file: HTCondor's shadow holds such a job
   * (CONDOR_HOLD_CODE::UnableToInitUserLog, subcode 0). A job already held, or gone, is left as it is.
   */
  private holdForUserLog(jobs: LoggedJob[], reason: string): void {
    const now = this.now();
    for (const { cluster, proc } of jobs) {
      const job = this.store.getJob(cluster, proc);
      if (!job || job.ad.getInt('JobStatus') === JobStatus.Held) continue;
      const result = this.applyAction(job, 'hold', reason, { code: HoldCode.UnableToInitUserLog, subCode: 0 }, now);
      if (!result.ok) this.log.warn({ jobId: result.jobId, reason: result.message }, 'job with an unusable user log not held');
    }
  }

  // ---- matchmaking ------------------------------------------------------------------------------

  /** Matchmaking runs after every state change, batched per tick: no negotiation cycle to wait for. */
  scheduleMatchmaking(): void {
    if (this.matchScheduled) return;
    this.matchScheduled = true;
    setImmediate(() => {
      this.matchScheduled = false;
      this.matchmakeNow();
    });
  }

  /**
   * Matchmaking at once. Called inside a startd's report batch, the slots its exits freed get their next
   * jobs in the same commit, and their starts leave with the batch's ack; a start that fails is undone
   * alone (its savepoint), and the reports stay.
   */
  matchmakeNow(): void {
    try {
      this.matchmake();
    } catch (err) {
      this.log.error({ err }, 'matchmaking failed');
    }
  }

  /** Gives free slots to idle jobs, then queues idle jobs on busy slots (see Matchmaker, QueuedStart). */
  private matchmake(): void {
    const now = this.now();
    this.completeNoopJobs(now);
    const { registry, store, queuedStarts } = this;
    // A slot's ad is built only when a job is tried on it: most passes try none on most slots. A partitionable
    // slot's is built again once a dynamic slot was carved from it (it advertises what is left).
    const ads = new Map<Slot, ClassAd>();
    const adOf = (slot: Slot): ClassAd => {
      let ad = ads.get(slot);
      if (ad === undefined) ads.set(slot, (ad = registry.slotAd(slot, now, true)));
      return ad;
    };
    const candidate = (slot: Slot): Candidate<Slot> => ({
      slot,
      key: slotKey(slot),
      get ad(): ClassAd {
        return adOf(slot);
      },
      heldLimits: slot.run?.limits,
      ...(slot.kept ? { claimedBy: slot.kept.submitter } : {}),
      weight: slot.description.cpus,
      ...(slot.description.partitionable ? { roomLeft: () => registry.hasRoom(slot) } : {}),
    });
    // While starts are paused (StartPacer) no job starts on a free slot; jobs are still queued on busy slots.
    const paused = (): boolean => this.startsPausedAt(now);
    const free = paused() ? [] : [...registry.freeSlots()].map(candidate);
    const { more } = this.matchmaker.pass(free, [...registry.queueableSlots(now)].map(candidate), {
      idleJob: (jobId) => {
        const [cluster, proc] = jobId.split('.').map(Number);
        const job = store.getJob(cluster, proc);
        return job?.status === JobStatus.Idle ? job : undefined;
      },
      idleJobs: (submitter) => store.idleJobs(submitter),
      submitterOf: (job) => job.submitter,
      cpusOf: (job) => Math.max(1, job.ad.getInt('RequestCpus') ?? 1),
      jobIdOf: (job) => formatJobId(job.cluster, job.proc),
      placeOf: (job) => job.place,
      queuedJobs: function* () {
        for (const queued of queuedStarts.movable()) {
          const job = store.getJob(queued.cluster, queued.proc);
          if (job?.status === JobStatus.Idle) yield job;
        }
      },
      // Its limits as if its queued start held none: it would hold them on the free slot instead.
      mayMoveTo: (job, slotAd) => {
        const limits = jobConcurrencyLimits(job.ad, () => slotAd);
        if (limits === undefined) return true;
        return limitReached(limits, this.limitsInUse(formatJobId(job.cluster, job.proc)), (name) => limitMaximum(name, this.limitsKnob)) === undefined;
      },
      takeBack: (job) => queuedStarts.takeBackForFreeSlot(formatJobId(job.cluster, job.proc)),
      isQueued: (jobId) => this.queuedStarts.has(jobId),
      // The schedd runs local and scheduler universe jobs itself (startScheddUniverseJobs): no slot gets one.
      fits: (job, slotAd) => scheddUniverse(job.ad.getInt('JobUniverse')) === undefined && jobFitsSlot(job.ad, slotAd),
      place: (job, slot, how) => {
        if (how === 'queue') return this.queueJobOnSlot(job, slot);
        this.startJobOnSlot(job, slot, now);
        ads.delete(slot);
      },
      concurrencyLimits: (job, slotAd) => jobConcurrencyLimits(job.ad, slotAd),
      limitedBy: (job, reason) => this.matchRejected(job, reason, now),
      startsPaused: paused,
    }, { inUse: () => this.limitsInUse(), knob: this.limitsKnob }, () => this.shareState(now));
    if (more) this.scheduleMatchmaking();
    this.startScheddUniverseJobs(now);
  }

  /**
   * Whether starts on free slots are paused at `now` (StartPacer); if so, matchmaking runs again when they
   * may go on.
   */
  private startsPausedAt(now: Date): boolean {
    const until = this.startPacer.pausedUntil(now.getTime());
    if (until === undefined) return false;
    if (this.pacingTimer?.at !== until) {
      this.pacingTimer?.cancel();
      const cancel = timerLeaseClock.after(until - now.getTime(), () => {
        this.pacingTimer = undefined;
        this.scheduleMatchmaking();
      });
      this.pacingTimer = { at: until, cancel };
    }
    return true;
  }

  // ---- fair share ------------------------------------------------------------------------------

  /** `name@ACCOUNTING_DOMAIN`: how the accountant knows a job's submitter. */
  private accountedAs(submitter: string): string {
    return submitterName(submitter, this.accountantKnobs().accountingDomain);
  }

  /** The submitter's effective priority (lower goes first). */
  effectivePriority(submitter: string): number {
    return this.accountant.effectivePriority(this.accountedAs(submitter));
  }

  /**
   * The slot weight (Cpus) each submitter's runs hold, and that of its queued starts. `claims` adds the claims
   * kept idle (KeepClaimIdle), which the accountant charges as it charges a claimed slot to its RemoteUser; the
   * share leaves them out: the schedd gives such a claim to its submitter's next job without negotiating.
   */
  private slotUsage(): { runs: Map<string, { resources: number; weighted: number }>; claims: Map<string, { resources: number; weighted: number }>; queued: Map<string, number>; total: number } {
    const runs = new Map<string, { resources: number; weighted: number }>();
    const kept = new Map<string, { resources: number; weighted: number }>();
    const queued = new Map<string, number>();
    const seen = new Map<string, string>();
    let total = 0;
    const submitterOfRun = (run: { cluster: number; proc: number; runId: string }): string => {
      const submitter = this.runSubmitters.get(run.runId) ?? this.store.getJob(run.cluster, run.proc)?.submitter ?? '';
      seen.set(run.runId, submitter);
      return submitter;
    };
    for (const slot of this.registry.allSlots()) {
      const weight = slot.description.cpus;
      // A dynamic slot's cpus are its partitionable slot's, counted there.
      if (slot.description.parent === undefined) total += weight;
      if (slot.kept) {
        const use = kept.get(slot.kept.submitter) ?? { resources: 0, weighted: 0 };
        kept.set(slot.kept.submitter, { resources: use.resources + 1, weighted: use.weighted + weight });
      }
      if (!slot.run) continue;
      // A busy slot has a second seat: the start queued behind its run.
      total += weight;
      const submitter = submitterOfRun(slot.run);
      const use = runs.get(submitter) ?? { resources: 0, weighted: 0 };
      runs.set(submitter, { resources: use.resources + 1, weighted: use.weighted + weight });
      if (slot.queued) {
        const name = submitterOfRun(slot.queued);
        queued.set(name, (queued.get(name) ?? 0) + weight);
      }
    }
    this.runSubmitters = seen;
    const claims = new Map(runs);
    for (const [submitter, use] of kept) {
      const run = claims.get(submitter) ?? { resources: 0, weighted: 0 };
      claims.set(submitter, { resources: run.resources + use.resources, weighted: run.weighted + use.weighted });
    }
    return { runs, claims, queued, total };
  }

  /**
   * The accountant brought up to now (UpdatePriorities) with what each submitter's runs held since it last
   * was, then told what they hold now; saved when it changed, at most once a second (and when the schedd stops):
   * every pass updates it.
   */
  updateAccountant(now: Date, runs = this.slotUsage().claims): void {
    const knobs = this.accountantKnobs();
    this.accountant.settings = knobs.settings;
    const inUse = new Map([...runs].map(([submitter, use]) => [submitterName(submitter, knobs.accountingDomain), use]));
    this.accountantChanged = this.accountant.update(now.getTime() / 1000, inUse) || this.accountantChanged;
    if (this.accountantChanged && now.getTime() - this.accountantSavedAt >= 1000) this.saveAccountant(now);
  }

  private saveAccountant(now: Date): void {
    this.store.saveAccountant(this.accountant.records, this.accountant.lastUpdateTime);
    this.accountantSavedAt = now.getTime();
    this.accountantChanged = false;
  }

  /** condor_userprio's listing: the accountant brought up to now, every record by name. */
  userPrio(): UserPrioReply {
    this.updateAccountant(this.now());
    const { accountant } = this;
    const records = [...accountant.records.keys()].sort().map((name) => {
      const record = accountant.record(name);
      return {
        name,
        priority: accountant.effectivePriority(name),
        priorityFactor: accountant.priorityFactor(name),
        resourcesUsed: record.resourcesUsed,
        weightedResourcesUsed: record.weightedResourcesUsed,
        accumulatedUsage: record.accumulatedUsage,
        weightedAccumulatedUsage: record.weightedAccumulatedUsage,
        beginUsageTime: record.beginUsageTime,
        lastUsageTime: record.lastUsageTime,
      };
    });
    return { lastUpdate: Math.floor(accountant.lastUpdateTime), records };
  }

  /** condor_userprio's edits (the caller is allowed): saved at once, and matchmaking goes by them from the next pass. */
  editUserPrio(command: UserPrioBody['command'], submitter: string, value: number): void {
    const now = this.now();
    this.updateAccountant(now);
    const { accountant } = this;
    if (command === 'setprio') accountant.setPriority(submitter, value);
    else if (command === 'setfactor') accountant.setPriorityFactor(submitter, value);
    else if (command === 'setaccum') accountant.setAccumulatedUsage(submitter, value);
    // Times are whole seconds (user_prio.cpp sends atoi's).
    else if (command === 'setbegin') accountant.setBeginUsageTime(submitter, Math.trunc(value));
    else if (command === 'setlast') accountant.setLastUsageTime(submitter, Math.trunc(value));
    else if (command === 'resetusage') accountant.resetUsage(submitter, now.getTime() / 1000);
    else if (command === 'resetall') accountant.resetAllUsage(now.getTime() / 1000);
    else accountant.delete(submitter);
    this.saveAccountant(now);
    this.log.info({ command, submitter, value }, 'user priority changed');
    // The passes from now on share the slots by it (starts already queued on busy slots stay).
    this.scheduleMatchmaking();
  }

  /**
   * How this pass shares the slots (see ShareState): the submitters with idle jobs, by effective priority.
   * Asked for by every pass that has slots to give, so the accountant is updated at every change of usage
   * (a run that starts leaves its slot queueable, one that ends leaves it free or queueable).
   */
  private shareState(now: Date): ShareState {
    const usage = this.slotUsage();
    this.updateAccountant(now, usage.claims);
    return {
      total: usage.total,
      submitters: (): ShareSubmitter[] =>
        this.store.idleSubmitters().map((name) => ({
          name,
          priority: this.effectivePriority(name),
          used: (usage.runs.get(name)?.weighted ?? 0) + (usage.queued.get(name) ?? 0),
        })),
    };
  }

  /** An idle job of the local or scheduler universe waits for the schedd to start it. */
  private noteIdle(jobId: string, jobUniverse: number | undefined): void {
    if (scheddUniverse(jobUniverse) !== undefined) this.scheddUniverseIdle.add(jobId);
  }

  private noteNoop(jobId: string, ad: ClassAd): void {
    if (ad.getBool('IsNoopJob') === true) this.noopIdle.add(jobId);
  }

  /** The idle no-op jobs are completed without running, each in its transaction (schedd.cpp count_jobs). */
  private completeNoopJobs(now: Date): void {
    for (const jobId of [...this.noopIdle]) {
      this.noopIdle.delete(jobId);
      const [cluster, proc] = jobId.split('.').map(Number);
      const job = this.store.getJob(cluster, proc);
      if (!job || job.status !== JobStatus.Idle || job.ad.getBool('IsNoopJob') !== true) continue;
      this.commit(job, noopCompleted(job.ad, { now }), null);
      this.log.info({ jobId }, 'no-op job completed without running');
    }
  }

  /**
   * The idle local and scheduler universe jobs the universe's start expression lets start (START_LOCAL_UNIVERSE,
   * START_SCHEDULER_UNIVERSE, as Scheduler::IsLocalJobEligibleToRun), each in its transaction, on this host.
   */
  private startScheddUniverseJobs(now: Date): void {
    for (const jobId of [...this.scheddUniverseIdle]) {
      const [cluster, proc] = jobId.split('.').map(Number);
      const job = this.store.getJob(cluster, proc);
      const universe = job && scheddUniverse(job.ad.getInt('JobUniverse'));
      if (!job || job.status !== JobStatus.Idle || universe === undefined) {
        this.scheddUniverseIdle.delete(jobId);
        continue;
      }
      const running = { local: this.localRuns.running('local'), scheduler: this.localRuns.running('scheduler') };
      const startExpression = universe === 'local' ? (this.knob('START_LOCAL_UNIVERSE') ?? START_LOCAL_UNIVERSE_DEFAULT) : (this.knob('START_SCHEDULER_UNIVERSE') ?? START_SCHEDULER_UNIVERSE_DEFAULT);
      if (!mayStartInScheddUniverse(universe, startExpression, running, job.ad)) continue;
      // A deferred local universe job's Requirements hold SetRequirements' deferral clause (without
      // HasJobDeferral), which IsLocalJobEligibleToRun evaluates: it starts from its prep time, never after its window.
      if (universe === 'local' && (job.ad.has('DeferralTime') || needsCronTab(job.ad)) && !deferralWindowOpen(job.ad, Math.floor(now.getTime() / 1000))) continue;
      this.scheddUniverseIdle.delete(jobId);
      this.store.transaction(() => this.startScheddUniverseJob(job, universe, now));
    }
  }

  /** The run's start in the queue, then its process: as the job's owner, or a hold when the schedd cannot be that user. */
  private startScheddUniverseJob(job: StoredJob, universe: ScheddUniverse, now: Date): void {
    const jobId = formatJobId(job.cluster, job.proc);
    const owner = job.ad.getString('Owner');
    const whom = scheddJobUser(owner, { uid: process.getuid?.() ?? -1, name: os.userInfo().username }, readAccounts());
    if ('refused' in whom) {
      this.applyAction(job, 'hold', whom.refused, { code: HoldCode.FailedToAccessUserAccount, subCode: 0 }, now);
      return;
    }
    let rights;
    try {
      rights = this.ownerRights.forOwner(owner);
    } catch (err) {
      this.applyAction(job, 'hold', (err as Error).message, { code: HoldCode.FailedToAccessUserAccount, subCode: 0 }, now);
      return;
    }
    const runId = this.store.newRunId();
    const slotName = `${universe}.${jobId}`;
    const transition = startRun(job.ad, { now, remoteHost: this.settings.name, provisioned: { cpus: 0, memoryMb: 0, diskKb: 0 } });
    // No slot is provisioned on the schedd's host.
    for (const name of ['CpusProvisioned', 'MemoryProvisioned', 'DiskProvisioned']) transition.ad.delete(name);
    const overlay = this.commit(job, transition, { runId, startd: LOCAL_STARTD, slot: slotName });
    if (overlay === undefined) return;
    const started = this.store.getJob(job.cluster, job.proc);
    if (!started) return;
    const start = { jobId, cluster: job.cluster, proc: job.proc, runId, universe, jobAd: started.ad, queuedAd: job.ad, user: whom.user, rights };
    this.store.afterCommit(() => this.localRuns.start(start));
    this.log.info({ jobId, runId, universe }, 'job starting on the schedd host');
  }

  /**
   * The concurrency limits the runs and queued starts hold (the negotiator counts the claimed slots' limits):
   * a queued start with its slot's run's limits takes them over rather than adding its own. `except`: a job
   * whose own holding is left out (it is to move).
   */
  private limitsInUse(except?: string): LimitsInUse {
    const inUse = new LimitsInUse();
    const held = (run: SlotRun | undefined): string | undefined => (run && formatJobId(run.cluster, run.proc) !== except ? run.limits : undefined);
    for (const slot of this.registry.allSlots()) {
      const running = held(slot.run);
      const queued = held(slot.queued);
      if (running !== undefined) inUse.add(running);
      if (queued !== undefined && queued !== slot.run?.limits) inUse.add(queued);
    }
    return inUse;
  }

  /** The job's limits on the slot, as its run or queued start holds them. */
  private limitsOn(job: StoredJob, slot: Slot, now: Date): string | undefined {
    return jobConcurrencyLimits(job.ad, () => this.registry.slotAd(slot, now, true));
  }

  /** Limits left the idle job unmatched: why, in its ad, as HTCondor's schedd records a rejection (written when the reason changes). */
  private matchRejected(job: StoredJob, reason: string, now: Date): void {
    if (job.ad.getString('LastRejMatchReason') === reason) return;
    const transition = matchRejected(job.ad, { now, reason });
    // Not through commit: the job stays idle and is not tried again for it.
    this.store.savepoint(() => this.store.apply(job, transition, runKept(job)));
    this.observer.jobChanged(job, transition);
  }

  /** The ad of the job's cluster when the startd does not hold it; starts must be sent in the order this is called. */
  private clusterAdToSend(startd: StartdConnection, clusterId: number): Record<string, string> | undefined {
    if (startd.recentClusters.use(clusterId) !== undefined) return undefined;
    startd.recentClusters.add(clusterId, true);
    return this.store.clusterAd(clusterId).stored;
  }

  /**
   * Starts the job on the static slot, on a dynamic slot carved for it from the partitionable slot, or on a slot
   * whose claim was kept idle for its submitter (a dynamic slot's kept as it was, under its name).
   */
  private startJobOnSlot(job: StoredJob, matched: Slot, now: Date): void {
    const startd = this.registry.get(matched.startdName);
    if (!startd) return;
    const jobId = formatJobId(job.cluster, job.proc);
    const kept = matched.kept !== undefined;
    // A claim kept idle goes on with the job: its CLAIM_WORKLIFE counts from its start still.
    const claimStartedAt = kept ? matched.claimStartedAt : undefined;
    if (kept) this.keptClaims.taken(matched);
    const slot = matched.description.partitionable ? this.carveDynamicSlot(startd, job, matched, now) : matched;
    if (!slot) return;
    // The startd gave back a dynamic slot whose run ended: it carves it again.
    const dynamicSlot = slot !== matched || slot.description.parent !== undefined ? slot.description : undefined;
    if (this.skippedAsDataflow(job, slot, now)) {
      if (dynamicSlot) this.dropDynamicSlot(startd, slot);
      return;
    }
    const fetchInput = usesFileTransfer(job.ad) && this.inputToTransfer(job);
    // The run's start is one transaction, or a savepoint of the report batch whose exit freed the slot.
    const runId = this.store.newRunId();
    let overlay: ProcOverlay;
    try {
      overlay = this.store.savepoint(() => this.beginRun(job, slot, runId, fetchInput, now));
    } catch (err) {
      if (dynamicSlot) this.dropDynamicSlot(startd, slot);
      throw err;
    }
    // A claim begins, or one kept idle goes on (a queued start launched later goes on with it).
    slot.claimStartedAt = claimStartedAt ?? now.getTime();
    this.paceStarts(job, slot, now);
    // A job runs only once its start is stored. The startd holds the ads of the clusters it last ran (in the
    // order starts are sent): most starts carry only the proc's own attributes.
    this.store.afterCommit(() => {
      startd.send({
        type: 'start',
        jobId,
        runId,
        slotName: slot.description.name,
        clusterAd: this.clusterAdToSend(startd, job.cluster),
        jobAd: overlay,
        fetchInput,
        ...(dynamicSlot ? { dynamicSlot } : {}),
        ...(claimStartedAt !== undefined ? { claimAgeMs: Math.max(0, now.getTime() - claimStartedAt) } : {}),
      });
    });
    this.log.info({ jobId, runId, slot: slotKey(slot), ...(kept ? { keptClaim: true } : {}) }, kept ? 'job started on the claim kept idle for it' : 'job matched');
  }

  /** Scheduler::setNextJobDelay after a job's start on a free slot: the next waits as JOB_START_DELAY, JOB_START_COUNT and its NextJobStartDelay say. */
  private paceStarts(job: StoredJob, slot: Slot, now: Date): void {
    const pacing = this.startPacing();
    const jobId = formatJobId(job.cluster, job.proc);
    const delay = nextJobStartDelay(job.ad, () => this.registry.slotAd(slot, now, true), pacing.maxNextJobStartDelay);
    if (delay.limitedFrom !== undefined) {
      this.log.warn({ jobId, NextJobStartDelay: delay.limitedFrom, MAX_NEXT_JOB_START_DELAY: pacing.maxNextJobStartDelay }, `Job ${jobId} has NextJobStartDelay = ${delay.limitedFrom}, which is greater than MAX_NEXT_JOB_START_DELAY=${pacing.maxNextJobStartDelay}`);
    }
    if (delay.seconds > 0) this.log.info({ jobId, seconds: delay.seconds }, 'next job start delayed (NextJobStartDelay)');
    this.startPacer.started(now.getTime(), delay.seconds, pacing);
  }

  /**
   * The dynamic slot carved for the job from the partitionable slot (carveDynamicSlot: its requests modified by
   * the startd's MODIFY_REQUEST_EXPR_*, as its hello gave them), registered with the startd's slots; undefined,
   * and why in the SchedLog, when it cannot be carved.
   */
  private carveDynamicSlot(startd: StartdConnection, job: StoredJob, pslot: Slot, now: Date): Slot | undefined {
    const children = this.registry.childrenOf(pslot);
    const left = remainingOf(pslot.description, children.map((child) => child.description));
    const name = nextDynamicName(pslot.description.name, children.map((child) => child.description.name));
    const carved = carveDynamicSlot(job.ad, left, this.registry.slotAd(pslot, now, true), name, startd.requestModifiers, startd.identity.resources);
    if ('refused' in carved) {
      this.log.warn({ jobId: formatJobId(job.cluster, job.proc), slot: slotKey(pslot), reason: carved.refused }, 'no dynamic slot carved for the job');
      return undefined;
    }
    const slot: Slot = { description: carved, startdName: pslot.startdName, run: undefined, queued: undefined };
    startd.slots.set(carved.name, slot);
    this.observer.startdChanged(startd, true);
    return slot;
  }

  /** A dynamic slot without a run gives its resources back to its partitionable slot, which jobs may fit again. */
  private dropDynamicSlot(startd: StartdConnection, slot: Slot): void {
    startd.slots.delete(slot.description.name);
    this.observer.startdChanged(startd, true);
    const parent = slot.description.parent === undefined ? undefined : startd.slots.get(slot.description.parent);
    if (parent) this.matchmaker.slotChanged(slotKey(parent));
  }

  /**
   * The run's start in the queue (startRun; an empty input sandbox's transfer is logged here, as the GET
   * would have), on `slot`. Returns the proc's stored overlay.
   */
  private beginRun(job: StoredJob, slot: Slot, runId: string, fetchInput: boolean, now: Date): ProcOverlay {
    const jobId = formatJobId(job.cluster, job.proc);
    const transition = startRun(job.ad, { now, remoteHost: slotKey(slot), provisioned: slot.description, matchName: slotKey(slot), slotAd: () => this.registry.slotAd(slot, now, true) });
    // The skip_if_dataflow check said no (skippedAsDataflow), as the shadow then records it.
    if (job.ad.getBool('SkipIfDataflow') === true) transition.ad.set('DataflowJobSkipped', false);
    const sinfulAddress = this.registry.get(slot.startdName)?.sinfulAddress;
    const inputEvents = usesFileTransfer(job.ad) && !fetchInput ? emptyTransferEvents(job, now, [2, 3], sinfulAddress) : [];
    const overlay = this.commit(job, { ...transition, events: [...transition.events, ...inputEvents] }, { runId, startd: slot.startdName, slot: slot.description.name });
    if (overlay === undefined) throw new Error(`job ${jobId} left the queue as its run started`);
    this.startdSessions.runStarted(transition.ad);
    const keepSeconds = keepClaimIdleOf(job.ad);
    const keep = keepSeconds > 0 ? { seconds: keepSeconds, submitter: job.submitter, claim: slotClaimOf(jobId, job.ad) } : undefined;
    slot.run = { cluster: job.cluster, proc: job.proc, runId, limits: this.limitsOn(job, slot, now), ...(keep ? { keep } : {}) };
    this.observer.slotChanged(slot);
    return overlay;
  }

  /**
   * skip_if_dataflow, checked as the run begins, where HTCondor's shadow checks it before it spawns the job
   * (shadow_v61_main.cpp): a job whose outputs are all newer than its inputs and executable is not run; it
   * gets the 046 event and then ends as after an exit with 0 (dataflowJobSkipped). True: it was skipped, and
   * the slot is left as it was.
   */
  private skippedAsDataflow(job: StoredJob, slot: Slot, now: Date): boolean {
    if (job.ad.getBool('SkipIfDataflow') !== true) return false;
    const jobId = formatJobId(job.cluster, job.proc);
    let upToDate: boolean;
    try {
      upToDate = outputsUpToDate(job.ad, this.ownerRights.forOwner(job.ad.getString('Owner')));
    } catch (err) {
      // The run is started, and held there as any run whose owner's rights cannot be taken.
      this.log.warn({ err, jobId }, "skip_if_dataflow: the job's files could not be looked at as its owner");
      return false;
    }
    if (!upToDate) return false;
    const started = startRun(job.ad, { now, remoteHost: slotKey(slot), provisioned: slot.description, matchName: slotKey(slot), slotAd: () => this.registry.slotAd(slot, now, true) });
    const skipped = dataflowJobSkipped(started.ad, { now });
    this.commit(job, { ...skipped, events: [...started.events, ...skipped.events] }, null);
    this.log.info({ jobId, slot: slotKey(slot) }, 'dataflow job skipped: its outputs are newer than its inputs');
    return true;
  }

  /** Queues the idle job on the busy slot: the startd starts it when the slot's run ends (see QueuedStart). */
  private queueJobOnSlot(job: StoredJob, slot: Slot): void {
    const startd = this.registry.get(slot.startdName);
    const after = slot.run?.runId;
    if (!startd || after === undefined) return;
    // The startd launches a queued start by itself: the check is made now, not when the slot frees.
    if (this.skippedAsDataflow(job, slot, this.now())) return;
    const fetchInput = usesFileTransfer(job.ad) && this.inputToTransfer(job);
    const { jobId, runId } = this.queuedStarts.add(job, slot, fetchInput, this.limitsOn(job, slot, this.now()));
    this.store.afterCommit(() => {
      startd.send({ type: 'start', jobId, runId, slotName: slot.description.name, clusterAd: this.clusterAdToSend(startd, job.cluster), jobAd: job.overlay, fetchInput, after });
    });
    this.log.info({ jobId, runId, slot: slotKey(slot), after }, 'job queued on a busy slot');
  }

  /** Whether a new sandbox of the job receives anything: files the job names, or what its SPOOL directory holds. */
  private inputToTransfer(job: StoredJob): boolean {
    if (namesInputFiles(job.ad)) return true;
    if (!this.spool.mayHoldJobFiles(job.cluster, job.proc)) return false;
    this.spool.finishInterruptedCommit(job.cluster, job.proc);
    return this.spool.committedEntries(job.cluster, job.proc).length > 0;
  }

  // ---- the startd channel: each startd's session (StartdSessions), its run reports (RunReports) ----

  admitStartd(startdName: string, presentedKey: string | undefined): { key: string } | { refused: string } {
    return this.startdSessions.admit(startdName, presentedKey);
  }

  startdConnected(connection: StartdConnection, reportedRuns: ReportedRun[]): void {
    this.startdSessions.connected(connection, reportedRuns);
  }

  startdDisconnected(connection: StartdConnection): void {
    this.startdSessions.disconnected(connection);
  }

  startdMessage(connection: StartdConnection, message: RunReportMessage): void {
    this.runReports.handle(connection, message);
  }

  /** The job's current run, if `runId` is it and it runs on `startdName`; late or duplicate messages get undefined. */
  currentRun(jobId: string, runId: string, startdName: string): StoredJob | undefined {
    return this.runReports.currentRun(jobId, runId, startdName);
  }

  /** Tells the observer, if any, of a commit into SPOOL; its failure is logged, never the transfer's. */
  spoolCommitted(job: StoredJob, runId: string, checkpoint: number | undefined): void {
    if (!this.spoolCommitObserver) return;
    const jobId = formatJobId(job.cluster, job.proc);
    try {
      this.spoolCommitObserver({ jobId, runId, checkpoint, dir: this.spool.jobDir(job.cluster, job.proc) });
    } catch (err) {
      this.log.warn({ err, jobId, checkpoint }, 'the SPOOL commit observer failed');
    }
  }

  /** A checkpoint of the current run was committed to SPOOL; the job keeps running. */
  checkpointCommitted(job: StoredJob, checkpointNumber: number): void {
    const transition = checkpointCommitted(job.ad, { now: this.now(), checkpointNumber });
    this.commit(job, transition, runKept(job));
    this.checkpointCleanup?.afterCheckpoint(transition.ad, this.spool.jobDir(job.cluster, job.proc));
  }

  /**
   * A checkpoint's upload to its checkpoint_destination failed (the starter's FailedCheckpoint): its FAILURE
   * file, when the startd had one, is committed in SPOOL; the job's CheckpointNumber becomes the failed number
   * and what the upload left is deleted (the shadow's deleteCheckpoint; the job ad is the current one).
   */
  checkpointUploadFailed(job: StoredJob, checkpointNumber: number): void {
    const transition = checkpointUploadFailed(job.ad, { checkpointNumber });
    this.commit(job, transition, runKept(job));
    this.checkpointCleanup?.failedCheckpoint(transition.ad, this.spool.jobDir(job.cluster, job.proc), checkpointNumber);
  }

  /**
   * A checkpoint fetched from its checkpoint_destination did not match its MANIFEST: it is given up (its
   * MANIFEST renamed FAILURE in SPOOL, so no restore picks it again) and its files deleted.
   */
  checkpointInvalid(job: StoredJob, checkpointNumber: number): void {
    this.spool.failCheckpoint(job.cluster, job.proc, checkpointNumber);
    this.checkpointCleanup?.failedCheckpoint(job.ad, this.spool.jobDir(job.cluster, job.proc), checkpointNumber);
  }

  /** Whether a spooled job still waits for its input (a refusal when not). */
  inputSpooledCheck(job: StoredJob): Refusal | undefined {
    const outcome = inputSpooled(job.ad, { now: this.now(), rewrites: {} });
    return isRefusal(outcome) ? outcome : undefined;
  }

  /** The input sandbox of a spooled job is in SPOOL: it may run now. */
  inputSpooled(job: StoredJob): Refusal | undefined {
    const outcome = inputSpooled(job.ad, { now: this.now(), rewrites: spooledInputRewrites(job.ad) });
    if (isRefusal(outcome)) return outcome;
    this.commit(job, outcome, null);
    return undefined;
  }

  /** The submitter has the spooled output of a completed job: it leaves the queue. */
  outputFetched(job: StoredJob): Refusal | undefined {
    const outcome = outputFetched(job.ad, { now: this.now() });
    if (isRefusal(outcome)) return outcome;
    this.commit(job, outcome, null);
    return undefined;
  }

  /**
   * docker_send_credentials: the shadow's answer to the starter's CONDOR_get_docker_creds, from its copy of
   * the job ad; DOCKER_PAT_PRODUCER runs as the job's owner.
   */
  dockerCredentials(job: StoredJob, log: Pick<Logger, 'warn'>): Promise<DockerCredentialsAnswer> {
    let user: JobUser | undefined;
    try {
      user = this.ownerRights.userFor(job.ad.getString('Owner'));
    } catch (err) {
      return Promise.resolve({ error: (err as Error).message });
    }
    return dockerCredentials(shadowCopy(job.ad, job.runEdits), { producer: this.knob('DOCKER_PAT_PRODUCER'), user, log });
  }

  // ---- a running job's own requests (condor_chirp, through its startd's I/O proxy) ----------

  /**
   * set_job_attr and constrain: the attributes set in the job in one transaction, or the first refusal of
   * the shadow's or the schedd's checks (then none is set). A secure attribute the schedd drops quietly is
   * not set, and the job is told it was.
   */
  setAttributesFromRun(job: StoredJob, edits: [string, string][]): RemoteEditRefusal | undefined {
    const jobId = formatJobId(job.cluster, job.proc);
    const rules = this.jobAttrRules();
    const kept: [string, string][] = [];
    for (const [name, value] of edits) {
      const verdict = remoteEditVerdict(job.ad, jobId, name, value, DELAYED_UPDATE_PATTERNS, rules);
      if (verdict === undefined) {
        kept.push([name, value]);
      } else if ('ignored' in verdict) {
        this.log.info({ jobId, attribute: name }, verdict.ignored);
      } else {
        this.log.info({ jobId, attribute: name, reason: verdict.reason }, 'set_job_attr from the job refused');
        return verdict;
      }
    }
    if (kept.length > 0) this.commit(job, editJob(job.ad, kept), runKept(job));
    return undefined;
  }

  /** ulog: the job's text in its event log as a generic event (008), as pseudo_ulog writes it. */
  logFromRun(job: StoredJob, text: string): void {
    const events: JobEvent[] = [{ code: 8, cluster: job.cluster, proc: job.proc, time: this.now(), info: ulogInfoText(text) }];
    this.store.logEvents(job, events);
    this.observer.eventsLogged(events);
    this.events.schedule();
  }

  /** Logs file-transfer events of a run (040) without changing the job; `extra` says more on the timeline. */
  logTransfer(job: StoredJob, events: JobEvent[], extra?: Partial<TimelineEntry>): void {
    this.store.logEvents(job, events, extra);
    this.observer.eventsLogged(events);
    this.events.schedule();
  }
}

