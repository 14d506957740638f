import fs from 'node:fs';
import { DEFAULT_DISK_CHECK_SECONDS } from '@tinycondor/shared/disk-limit';
import os from 'node:os';
import pino, { type Logger } from 'pino';
import WebSocket from 'ws';
import { ScheddClient } from '@tinycondor/client';
import type { ClassAd } from '@tinycondor/shared/classad/index';
import { ClusterAd } from '@tinycondor/shared/cluster-ad';
import { leaseRemainingMs } from '@tinycondor/shared/job-lease';
import { startRun } from '@tinycondor/shared/job-state';
import { buildSlotAd, condorArch, condorOpSys, slotClaimOf, type MachineIdentity, type PslotRollup } from '@tinycondor/shared/machine-ad';
import { resourceEnvironmentSettings, type MachineResource, type ResourceEnvironmentSettings } from '@tinycondor/shared/machine-resources';
import {
  decodeScheddMessage,
  MAX_MESSAGE_BYTES,
  MAX_REPORTS_PER_BATCH,
  ProtocolError,
  type RunReportMessage,
  type ScheddMessage,
  type SlotDescription,
  type StartdMessage,
} from '@tinycondor/shared/protocol';
import { RecentClusters } from '@tinycondor/shared/recent-clusters';
import type { RequestModifiers } from '@tinycondor/shared/request-modifiers';
import { remainingOf } from '@tinycondor/shared/slot-layout';
import { JobCgroups, ownCgroupV1Paths } from './job-cgroup.js';
import { DEFAULT_MAX_JOB_PIDS } from './job-limits.js';
import { jobSpawner, type JobSpawner } from './job-process.js';
import { JobUsers, withPrimaryGroup, type JobUser } from '@tinycondor/shared/job-user';
import { JobRun, type RunReport } from './job-run.js';
import { claimWorklifeExpired, DEFAULT_CLAIM_WORKLIFE_SECONDS } from '@tinycondor/shared/claim-worklife';
import type { DockerSettings } from './container-args.js';
import { DEFAULT_CHIRP_SETTINGS, type ChirpSettings } from './chirp-knobs.js';
import { DEFAULT_SCRATCH_MOUNT_SETTINGS, noMountNamespaceReason, type ScratchMountSettings } from './scratch-mounts.js';
import { SshSession } from './ssh-session.js';
import { StarterLogFile, withStarterLog } from './starter-log.js';
import { starterLogSettings } from '@tinycondor/shared/starter-log';
import { cleanUpStaleRuns } from './stale-runs.js';
import { StartdHistory } from './startd-history.js';
import type { HistoryFileSettings } from '@tinycondor/shared/job-history-file';
import type { PluginSettings } from './transfer-plugins.js';

/** param_info.in's CLAIM_WORKLIFE and CHECK_REACTIVATE_AFTER_CHECKPOINT. */
const DEFAULT_REACTIVATION = { claimWorklifeSeconds: DEFAULT_CLAIM_WORKLIFE_SECONDS, checkAfterCheckpoint: true };

/** A startd configured without plugins: every URL transfer fails as HTCondor's does without one. */
const NO_PLUGINS: PluginSettings = { table: new Map(), lifetimeSeconds: 72000 };

export interface StartdSettings {
  name: string;
  scheddUrl: string;
  token: string;
  executeDir: string;
  slots: SlotDescription[];
  /** PERIODIC_CHECKPOINT in seconds for jobs with +WantCheckpointSignal (0: never). */
  checkpointIntervalSeconds?: number;
  /**
   * CLAIM_WORKLIFE (seconds; default 1200, negative: forever) and CHECK_REACTIVATE_AFTER_CHECKPOINT (default
   * true): a self-checkpointing job whose claim is older than its worklife is not restarted in place after
   * a checkpoint but rescheduled, as HTCondor's starter asks the startd whether a reactivation would succeed.
   */
  reactivation?: { claimWorklifeSeconds: number; checkAfterCheckpoint: boolean };
  /** The most processes a job may have at once, where jobs run in cgroups (default DEFAULT_MAX_JOB_PIDS). */
  maxJobPids?: number;
  /** How often each run's sandbox is measured against its slot's disk (DEFAULT_DISK_CHECK_SECONDS). */
  diskCheckSeconds?: number;
  /** The startd runs as a process of its own: a fault injection may have it SIGKILL itself. */
  killable?: boolean;
  /** The Docker engine container jobs run with (detectDocker); undefined: this startd runs none. */
  docker?: DockerSettings;
  /** The file-transfer plugins runs use for URLs (queryPlugins); undefined: none, URL transfers fail. */
  transferPlugins?: PluginSettings;
  /** The Chirp knobs (chirpSettings); HTCondor's defaults when absent. */
  chirp?: ChirpSettings;
  /** How the dynamic slots carved from its partitionable slots are sized (MODIFY_REQUEST_EXPR_*); HTCondor's defaults when absent. */
  requestModifiers?: RequestModifiers;
  /** What its partitionable slots roll up of their dynamic slots (pslotRollupFromConfig); HTCondor's defaults when absent. */
  pslotRollup?: PslotRollup;
  /** The custom resources (MACHINE_RESOURCE_<Tag>) the slots divide: each slot's share is in `slots`. */
  resources?: MachineResource[];
  /** What a job is told of its slot's custom resources (ENVIRONMENT_FOR_Assigned<Tag>…); HTCondor's defaults when absent. */
  resourceEnvironment?: ResourceEnvironmentSettings;
  /** MOUNT_UNDER_SCRATCH and its knobs for jobs outside containers (scratchMountSettings); HTCondor's defaults when absent. */
  scratchMounts?: ScratchMountSettings;
  /** STARTD_HISTORY and its rotation (startdHistorySettings); absent or with no file: no startd history is kept. */
  history?: HistoryFileSettings;
  log: Logger;
}

interface ActiveRun {
  jobId: string;
  runId: string;
  slotName: string;
  run: JobRun;
  /** Its JobLeaseDuration is how long it goes on without the schedd. */
  jobAd: ClassAd;
}

type StartMessage = Extract<ScheddMessage, { type: 'start' }>;

/** A start the schedd queued behind a slot's run: the job's idle ad, built when the start arrived. */
interface QueuedStart {
  message: StartMessage;
  idleAd: ClassAd;
}

const MAX_RECONNECT_DELAY_MS = 2_000;

/**
 * How long a run's `executing` report waits before it is sent: a run that ends sooner reports its start
 * and its end in one batch (one frame each way, one commit in the schedd). The 001 event is logged at most
 * this much later; a transfer of the run's files sends it at once, ahead of the transfer (reportsBefore).
 */
const EXECUTING_HOLD_MS = 10;

/**
 * The execute side: keeps a websocket to the schedd (reconnecting when it drops), runs what the schedd
 * starts on its slots, and reports how each run ends. Reports made while disconnected are kept and
 * sent after the next hello, so an exit is never lost to a dropped connection.
 */
export class Startd {
  private socket: WebSocket | undefined;
  private readonly runs = new Map<string, ActiveRun>();
  /**
   * This startd's slots by name: those of its layout, and the dynamic slots carved from its partitionable
   * ones, each kept while its run lasts and until the schedd has acknowledged the run's end (its hello names it).
   */
  private readonly slots: Map<string, SlotDescription>;
  /** Starts waiting for their slot's run to end, by slot name; they belong to the connection they came on. */
  private readonly queued = new Map<string, QueuedStart>();
  /**
   * Each slot's claim, by slot name: when it began (its CLAIM_WORKLIFE counts from then), its latest run, and
   * whether it closed at that run's end. A start queued behind the run goes on with the claim, unless it closed.
   */
  private readonly claims = new Map<string, { startedAt: number; runId: string; closing: boolean }>();
  /** The ads of the clusters the schedd last started jobs of on this connection. */
  private clusterAds = new RecentClusters<ClusterAd>();
  /** Reports not yet acknowledged by the schedd, oldest first; all are resent after a reconnect. */
  private readonly unacked: RunReportMessage[] = [];
  /** `executing` reports being held (EXECUTING_HOLD_MS), by run id; not yet numbered. */
  private readonly heldExecuting = new Map<string, { report: RunReport; timer: NodeJS.Timeout }>();
  private nextSeq = 1;
  /** How many of `unacked` went out on the current connection. */
  private sentOnConnection = 0;
  /** Runs that have ended but whose last report the schedd has not acknowledged: still named in hello. */
  private readonly ending = new Map<string, { jobId: string; runId: string; slotName: string }>();
  /** The end of each run's job lease while the schedd is away, by run key (JICShadow::syscall_sock_disconnect). */
  private readonly leaseTimers = new Map<string, NodeJS.Timeout>();
  private readonly sessions = new Map<string, { session: SshSession; runKey: string }>();
  private readonly identity: MachineIdentity;
  private readonly resourceEnvironment: ResourceEnvironmentSettings;
  /** MOUNT_UNDER_SCRATCH's knobs; undefined where this startd can give jobs no mount namespace (noMountNamespaceReason). */
  private readonly scratchMounts: ScratchMountSettings | undefined;
  private readonly client: ScheddClient;
  private readonly spawner: JobSpawner;
  private readonly cgroups: JobCgroups;
  /** Whom each job runs as. */
  private readonly jobUsers = new JobUsers();
  private reconnectDelay = 50;
  private stopping = false;
  private welcomed = false;
  private disconnectedAt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private connectedOnce: (() => void) | undefined;
  private readonly history: StartdHistory | undefined;

  constructor(private readonly settings: StartdSettings) {
    this.slots = new Map(settings.slots.map((slot) => [slot.name, slot]));
    this.history = settings.history?.file === undefined ? undefined : new StartdHistory(settings.history, settings.log.child({ component: 'startd-history' }));
    const docker = settings.docker && { version: settings.docker.version, networks: settings.docker.networks, volumes: settings.docker.advertisedVolumes };
    const fileTransferPluginMethods = [...(settings.transferPlugins?.table.keys() ?? [])];
    // GetSupportedMethods: with an https plugin the starter moves s3:// and gs:// URLs, which the schedd presigns into https:// ones.
    if (fileTransferPluginMethods.includes('https')) fileTransferPluginMethods.push(...['s3', 'gs'].filter((method) => !fileTransferPluginMethods.includes(method)));
    this.identity = {
      startdName: settings.name,
      machine: os.hostname(),
      opSys: condorOpSys(process.platform),
      arch: condorArch(process.arch),
      ...(docker ? { docker } : {}),
      ...(fileTransferPluginMethods.length > 0 ? { fileTransferPluginMethods } : {}),
      ...(settings.resources && settings.resources.length > 0 ? { resources: settings.resources } : {}),
      ...(settings.pslotRollup ? { pslotRollup: settings.pslotRollup } : {}),
    };
    this.resourceEnvironment = settings.resourceEnvironment ?? resourceEnvironmentSettings((settings.resources ?? []).map((r) => r.tag), () => undefined);
    this.client = new ScheddClient({ baseUrl: settings.scheddUrl, token: settings.token, maxSockets: 16, reportsBefore: (runId) => this.reportsBefore(runId) });
    const { spawner, fallbackReason } = jobSpawner();
    this.spawner = spawner;
    if (fallbackReason !== undefined) settings.log.warn({ reason: fallbackReason }, 'native job spawner not available; jobs start through fork, ~1 ms more per job, with the startd\'s core and stack size limits (core_size and stack_size are not applied)');
    const noNamespace = noMountNamespaceReason(spawner.method);
    const scratchMounts = settings.scratchMounts ?? DEFAULT_SCRATCH_MOUNT_SETTINGS;
    // The starter skips MOUNT_UNDER_SCRATCH without a word when it lacks root's powers; said here once.
    if (noNamespace !== undefined && scratchMounts.mountUnderScratch !== '') {
      settings.log.info({ reason: noNamespace }, 'MOUNT_UNDER_SCRATCH is not applied to jobs outside containers: they share the machine\'s directories');
    }
    this.scratchMounts = noNamespace === undefined ? scratchMounts : undefined;
    fs.mkdirSync(settings.executeDir, { recursive: true });
    cleanUpStaleRuns(settings.executeDir, settings.log);
    this.cgroups = new JobCgroups(ownCgroupV1Paths());
    const confined = this.cgroups.available;
    if (confined.memory) settings.log.info(confined, 'jobs run in cgroups: request_memory is a hard limit');
    else settings.log.warn(confined, 'no writable cgroup v1 memory hierarchy: job memory is neither limited nor measured');
  }

  /** CLAIM_WORKLIFE and CHECK_REACTIVATE_AFTER_CHECKPOINT as configured, else param_info.in's defaults. */
  private get reactivation(): { claimWorklifeSeconds: number; checkAfterCheckpoint: boolean } {
    return this.settings.reactivation ?? DEFAULT_REACTIVATION;
  }

  /** Connects, resolving once the schedd has welcomed this startd the first time. */
  start(): Promise<void> {
    const welcomed = new Promise<void>((resolve) => {
      this.connectedOnce = resolve;
    });
    this.connect();
    return welcomed;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.queued.clear();
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.clearLeases();
    const runs = [...this.runs.values()];
    for (const active of runs) active.run.kill(9, 0);
    this.socket?.close(1000, 'startd stopping');
    await this.cgroups.close();
  }

  private runKey(jobId: string, runId: string): string {
    return `${jobId}#${runId}`;
  }

  private connect(): void {
    const url = `${this.settings.scheddUrl.replace(/^http/, 'ws')}/v1/startd`;
    const socket = new WebSocket(url, { headers: { authorization: `Bearer ${this.settings.token}` }, maxPayload: MAX_MESSAGE_BYTES });
    this.socket = socket;
    // The schedd's list of what this startd holds begins empty on each connection, and so does this one.
    this.clusterAds = new RecentClusters<ClusterAd>();
    socket.on('open', () => {
      this.reconnectDelay = 50;
      socket.send(
        JSON.stringify({
          type: 'hello',
          ...this.identity,
          // The key of the last welcome: the schedd then knows this is the same startd coming back.
          ...(this.client.startdKey === undefined ? {} : { key: this.client.startdKey }),
          killable: this.settings.killable ?? false,
          slots: [...this.slots.values()],
          ...(this.settings.requestModifiers ? { requestModifiers: this.settings.requestModifiers } : {}),
          claimWorklife: this.reactivation.claimWorklifeSeconds,
          runs: [...this.runs.values(), ...this.ending.values()].map(({ jobId, runId, slotName }) => ({ jobId, runId, slotName })),
        }),
      );
    });
    socket.on('message', (raw) => {
      try {
        this.onMessage(decodeScheddMessage(raw.toString()));
      } catch (err) {
        this.settings.log.error({ err }, 'bad message from schedd; reconnecting');
        socket.terminate();
      }
    });
    socket.on('close', () => {
      if (this.socket === socket) this.socket = undefined;
      // The schedd forgets what it queued on this connection; a job not yet launched may now run elsewhere.
      this.queued.clear();
      if (this.welcomed) this.disconnectedAt = Date.now();
      this.welcomed = false;
      if (this.stopping) return;
      this.startLease();
      this.reconnectTimer = setTimeout(() => this.connect(), this.reconnectDelay);
      this.reconnectDelay = Math.min(this.reconnectDelay * 2, MAX_RECONNECT_DELAY_MS);
    });
    socket.on('error', (err) => this.settings.log.debug({ err, url }, 'schedd connection error'));
  }

  private onMessage(message: ScheddMessage): void {
    switch (message.type) {
      case 'welcome':
        this.welcomed = true;
        this.settings.log.info({ schedd: message.scheddName }, 'connected to schedd');
        this.client.startdKey = message.key;
        this.clearLeases();
        this.sentOnConnection = 0;
        this.flushReports();
        this.connectedOnce?.();
        this.connectedOnce = undefined;
        return;
      case 'ack': {
        const acked = this.unacked.findIndex((m) => 'seq' in m && m.seq === message.seq);
        if (acked >= 0) {
          for (const done of this.unacked.splice(0, acked + 1)) {
            if (done.type === 'exited' || done.type === 'run-failed' || done.type === 'run-ended') {
              const slotName = this.ending.get(done.runId)?.slotName;
              this.ending.delete(done.runId);
              if (slotName !== undefined) this.releaseDynamicSlot(slotName);
            }
          }
          this.sentOnConnection = Math.max(0, this.sentOnConnection - (acked + 1));
        }
        return;
      }
      case 'start':
        this.onStart(message);
        return;
      case 'unqueue':
        this.unqueue(message.jobId, message.runId);
        return;
      case 'kill':
        this.runs.get(this.runKey(message.jobId, message.runId))?.run.kill(message.signal, message.graceSeconds);
        return;
      case 'suspend':
        this.runs.get(this.runKey(message.jobId, message.runId))?.run.suspend();
        return;
      case 'continue':
        this.runs.get(this.runKey(message.jobId, message.runId))?.run.resume();
        return;
      case 'ssh-open': {
        const active = this.runs.get(this.runKey(message.jobId, message.runId));
        if (!active) {
          this.send({ type: 'ssh-exit', sessionId: message.sessionId, exitCode: null, error: `Job ${message.jobId} is not running here` });
          return;
        }
        const session = new SshSession(message.sessionId, message.command, active.run.shellPlace(message.place ?? 'job'), (m) => {
          if (m.type === 'ssh-exit') this.sessions.delete(m.sessionId);
          this.send(m);
        });
        this.sessions.set(message.sessionId, { session, runKey: this.runKey(message.jobId, message.runId) });
        return;
      }
      case 'fault-kill':
        if (!this.settings.killable) {
          this.settings.log.warn('fault injection asked this startd to kill itself, but it does not run as a process of its own');
          return;
        }
        this.settings.log.warn('fault injection: SIGKILL of this startd');
        process.kill(process.pid, 'SIGKILL');
        return;
      case 'ssh-input':
        this.sessions.get(message.sessionId)?.session.input(message.data, message.eof);
        return;
      case 'ssh-close':
        this.sessions.get(message.sessionId)?.session.close();
        this.sessions.delete(message.sessionId);
        return;
    }
  }

  /**
   * The job's whole ad: its cluster's (sent with this start, or held from an earlier one) with the proc's
   * own attributes over it. Every start passes through here in channel order, as RecentClusters requires.
   */
  private jobAdOf(message: StartMessage): ClassAd {
    const clusterId = Number(message.jobId.split('.')[0]);
    let cluster = this.clusterAds.use(clusterId);
    if (message.clusterAd !== undefined) {
      cluster = new ClusterAd(message.clusterAd);
      this.clusterAds.add(clusterId, cluster);
    }
    if (cluster === undefined) throw new ProtocolError(`start of ${message.jobId} without the ad of cluster ${clusterId}, which this startd does not hold`);
    return cluster.procAd(message.jobAd);
  }

  private onStart(message: StartMessage): void {
    const jobAd = this.jobAdOf(message);
    if (message.after === undefined) {
      // On a claim kept idle, the run goes on with the claim (its CLAIM_WORKLIFE counts from the claim's start).
      this.startRun(message, jobAd, message.claimAgeMs === undefined ? undefined : Date.now() - message.claimAgeMs);
      return;
    }
    const { slotName } = message;
    if (this.runOn(slotName)?.runId !== message.after || this.queued.has(slotName)) {
      // The run it waits for has ended already (its report is on the way): the job starts now, or is
      // refused if the slot is busy otherwise; dropped if the claim closed at that end (the schedd, told so, releases it).
      const claim = this.claims.get(slotName);
      if (claim?.runId === message.after && claim.closing) this.dropClosed(message);
      else this.launch({ message, idleAd: jobAd });
      return;
    }
    this.queued.set(slotName, { message, idleAd: jobAd });
  }

  /**
   * A queued start begins its run here as the schedd begins it in the queue when it learns the slot's
   * earlier run ended (startRun), with the job's ad as of now.
   */
  private launch(queued: QueuedStart): void {
    const { message } = queued;
    const slot = this.slots.get(message.slotName);
    // An unknown slot is refused by startRun below.
    const jobAd = slot
      ? startRun(queued.idleAd, { now: new Date(), remoteHost: `${slot.name}@${this.settings.name}`, provisioned: slot }).ad
      : queued.idleAd;
    // It goes on with the claim of the run it waited for (HTCondor's schedd reusing the claim for its next job).
    const claim = this.claims.get(message.slotName);
    this.startRun(message, jobAd, claim?.runId === message.after ? claim?.startedAt : undefined);
  }

  /** A start queued behind a run whose claim closed at its end: not launched (the schedd released it on that end's report). */
  private dropClosed(message: StartMessage): void {
    this.settings.log.info({ jobId: message.jobId, runId: message.runId, slot: message.slotName }, 'claim past its CLAIM_WORKLIFE: the start queued on it is dropped');
  }

  /**
   * The end of a run, as reported: whether its claim is closing (command.cpp deactivate_claim: its
   * CLAIM_WORKLIFE is over, Resource::claimWorklifeExpired) is decided here, once, and said in the report.
   */
  private endOfClaimRun(message: RunReport): RunReport {
    if (message.type !== 'exited' && message.type !== 'run-failed' && message.type !== 'run-ended' && message.type !== 'checkpoint-invalid') return message;
    for (const claim of this.claims.values()) {
      if (claim.runId !== message.runId) continue;
      claim.closing = claimWorklifeExpired(this.reactivation.claimWorklifeSeconds, claim.startedAt, Date.now());
      if (claim.closing) return { ...message, claimClosing: true };
    }
    return message;
  }

  /** A queued start the schedd takes back: dropped if it has not been launched, and reported as a run that ended. */
  private unqueue(jobId: string, runId: string): void {
    for (const [slotName, queued] of this.queued) {
      if (queued.message.jobId !== jobId || queued.message.runId !== runId) continue;
      this.queued.delete(slotName);
      this.report({ type: 'run-ended', jobId, runId, usage: { userSeconds: 0, systemSeconds: 0 } });
    }
  }

  private runOn(slotName: string): ActiveRun | undefined {
    for (const active of this.runs.values()) if (active.slotName === slotName) return active;
    return undefined;
  }

  /** `claimStartedAt`: that of the claim the run goes on with; a run without one begins a claim. */
  private startRun(message: StartMessage, jobAd: ClassAd, claimStartedAt = Date.now()): void {
    const { jobId, runId, slotName } = message;
    const carved = message.dynamicSlot === undefined ? undefined : this.dynamicSlotRefusal(message.dynamicSlot, slotName);
    const slot = message.dynamicSlot ?? this.slots.get(slotName);
    const busy = this.runOn(slotName) !== undefined;
    if (!slot || busy || slot.partitionable || carved !== undefined) {
      const why = carved ?? (busy ? 'busy' : slot?.partitionable ? 'partitionable: jobs run on dynamic slots carved from it' : 'unknown');
      this.report({ type: 'run-failed', jobId, runId, stage: 'execute', reason: `slot ${slotName}@${this.settings.name} is ${why}` });
      return;
    }
    let jobUser: JobUser | undefined;
    // run_as_owner = false: a root startd runs the job as nobody (JICShadow::initUserPriv, allowRunAsOwner).
    const runAsOwner = jobAd.getBool('RunAsOwner') !== false;
    try {
      jobUser = this.jobUsers.of(runAsOwner ? jobAd.getString('Owner') : undefined);
    } catch (err) {
      this.report({ type: 'run-failed', jobId, runId, stage: 'execute', reason: `Error from ${slotName}@${this.settings.name}: ${(err as Error).message}` });
      return;
    }
    const primaryGroup = jobAd.getString('PrimaryUnixGroup');
    if (jobUser && runAsOwner && primaryGroup !== undefined) {
      const switched = withPrimaryGroup(jobUser, primaryGroup, this.jobUsers.groupIds());
      if (typeof switched === 'string') {
        this.report({ type: 'run-failed', jobId, runId, stage: 'primary-group', reason: `Error from ${slotName}@${this.settings.name}: ${switched}` });
        return;
      }
      jobUser = switched;
    }
    const { log, starterLog } = this.runLogger(jobAd, jobId, runId);
    const run = new JobRun({
      jobId,
      runId,
      slotName,
      startdName: this.settings.name,
      jobAd,
      fetchInput: message.fetchInput,
      machineAd: buildSlotAd(this.identity, slot, { claimed: true, now: new Date(), claim: slotClaimOf(jobId, jobAd) }),
      executeDir: this.settings.executeDir,
      checkpointIntervalSeconds: this.settings.checkpointIntervalSeconds ?? 0,
      reactivation: this.reactivation,
      claimStartedAt,
      chirp: this.settings.chirp ?? DEFAULT_CHIRP_SETTINGS,
      resourceEnvironment: this.resourceEnvironment,
      scratchMounts: this.scratchMounts,
      diskCheckSeconds: this.settings.diskCheckSeconds ?? DEFAULT_DISK_CHECK_SECONDS,
      leaseHeld: () => this.welcomed || leaseRemainingMs(jobAd, this.disconnectedAt, Date.now()) > 0,
      client: this.client,
      spawner: this.spawner,
      cgroups: this.cgroups,
      jobUser,
      docker: this.settings.docker,
      transferPlugins: this.settings.transferPlugins ?? NO_PLUGINS,
      maxJobPids: this.settings.maxJobPids ?? DEFAULT_MAX_JOB_PIDS,
      log,
      starterLog,
      report: (report) => this.report(report),
    });
    const key = this.runKey(jobId, runId);
    this.slots.set(slotName, slot);
    this.claims.set(slotName, { startedAt: claimStartedAt, runId, closing: false });
    this.runs.set(key, { jobId, runId, slotName, run, jobAd });
    const startedAt = Date.now();
    run
      .run()
      .catch((err: unknown) => {
        this.settings.log.error({ err, jobId, runId }, 'run failed unexpectedly');
        this.report({ type: 'run-failed', jobId, runId, stage: 'execute', reason: `startd error: ${(err as Error).message}` });
      })
      .finally(() => {
        this.runs.delete(key);
        this.history?.record(jobAd, startedAt, Date.now());
        if (this.unacked.some((m) => 'runId' in m && m.runId === runId)) this.ending.set(runId, { jobId, runId, slotName });
        const next = this.queued.get(slotName);
        if (next) {
          this.queued.delete(slotName);
          if (this.claims.get(slotName)?.closing) this.dropClosed(next.message);
          else this.launch(next);
        }
        this.releaseDynamicSlot(slotName);
        // Like HTCondor, ending the job ends the ssh_to_job sessions into it.
        for (const { session, runKey } of this.sessions.values()) if (runKey === key) session.close();
      });
  }

  /**
   * The run's logger, and the job's own starter log when it asks for one (starter_debug): the lines are
   * teed into it, at the startd's level for JobStarterDebug = true (Starter::execJobPipeStarter).
   */
  private runLogger(jobAd: ClassAd, jobId: string, runId: string): { log: Logger; starterLog?: StarterLogFile } {
    const log = this.settings.log.child({ jobId, runId });
    const settings = starterLogSettings(jobAd, log.levelVal <= pino.levels.values.debug!);
    if (settings === undefined) return { log };
    if ('invalid' in settings) {
      log.error(settings.invalid);
      return { log };
    }
    const starterLog = new StarterLogFile(settings);
    return { log: withStarterLog(log, starterLog, settings), starterLog };
  }

  /**
   * Why the dynamic slot the schedd carved cannot be made here (undefined: it can): it must be carved from one
   * of this startd's partitionable slots, and fit what its dynamic slots with a run have left it. A dynamic slot
   * of that name whose run has ended (its end not yet acknowledged) is replaced: the schedd has handled that end.
   */
  private dynamicSlotRefusal(dslot: SlotDescription, slotName: string): string | undefined {
    const parent = dslot.parent === undefined ? undefined : this.slots.get(dslot.parent);
    if (dslot.name !== slotName || !parent?.partitionable || dslot.partitionable) return `not a dynamic slot of a partitionable slot here`;
    const occupied = [...this.slots.values()].filter((s) => s.parent === parent.name && s.name !== slotName && this.runOn(s.name) !== undefined);
    const left = remainingOf(parent, occupied);
    const short = left.cpus < dslot.cpus || left.memoryMb < dslot.memoryMb || left.diskKb < dslot.diskKb;
    const shortOf = (dslot.resources ?? []).some((share) => {
      const have = left.resources?.find((r) => r.tag === share.tag);
      return have === undefined || have.quantity < share.quantity || (share.ids ?? []).some((id) => !(have.ids ?? []).includes(id));
    });
    return short || shortOf ? `larger than what ${parent.name} has left` : undefined;
  }

  /** A dynamic slot with no run, whose last run's end the schedd has acknowledged, gives its resources back to its partitionable slot. */
  private releaseDynamicSlot(slotName: string): void {
    const slot = this.slots.get(slotName);
    if (slot?.parent === undefined || this.runOn(slotName) !== undefined || this.queued.has(slotName)) return;
    for (const ending of this.ending.values()) if (ending.slotName === slotName) return;
    this.slots.delete(slotName);
    this.claims.delete(slotName);
  }

  /** Interactive traffic is not kept for a reconnect: it belongs to a client that is gone by then. */
  private send(message: StartdMessage): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private report(reported: RunReport): void {
    const message = this.endOfClaimRun(reported);
    if (message.type === 'executing') {
      const timer = setTimeout(() => this.releaseExecuting(message.runId, true), EXECUTING_HOLD_MS);
      timer.unref();
      this.heldExecuting.set(message.runId, { report: message, timer });
      return;
    }
    // Whatever else the run reports comes after its start.
    this.releaseExecuting(message.runId, false);
    this.enqueue(message);
    this.flushReports();
  }

  private releaseExecuting(runId: string, flush: boolean): void {
    const held = this.heldExecuting.get(runId);
    if (!held) return;
    clearTimeout(held.timer);
    this.heldExecuting.delete(runId);
    this.enqueue(held.report);
    if (flush) this.flushReports();
  }

  /**
   * What the schedd must handle before a transfer of `runId`: the run's held `executing` report, sent now,
   * and every report before it; the seq of the last not yet acknowledged (0 when all are).
   */
  private reportsBefore(runId: string): number {
    this.releaseExecuting(runId, true);
    return this.unacked.length === 0 ? 0 : this.unacked[this.unacked.length - 1].seq;
  }

  private enqueue(report: RunReport): void {
    this.unacked.push({ ...report, seq: this.nextSeq++ } as RunReportMessage);
  }

  /** Sends what the schedd has not been sent on this connection: one report alone, several as batches. */
  private flushReports(): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN || !this.welcomed) return;
    while (this.sentOnConnection < this.unacked.length) {
      const batch = this.unacked.slice(this.sentOnConnection, this.sentOnConnection + MAX_REPORTS_PER_BATCH);
      this.sentOnConnection += batch.length;
      const message: StartdMessage = batch.length === 1 ? batch[0] : { type: 'reports', reports: batch };
      socket.send(JSON.stringify(message));
    }
  }

  /**
   * Without the schedd, each run goes on for what is left of its job's lease since the last contact, then is
   * killed, as the starter does (JICShadow::job_lease_expired): by then the schedd has given its job away. A job
   * without a lease is killed at once.
   */
  private startLease(): void {
    if (this.stopping) return;
    // Each run's timer stays in the map once it has fired, so that the closes of later reconnect attempts do not kill it again.
    for (const [key, active] of this.runs) {
      if (this.leaseTimers.has(key)) continue;
      const timer = setTimeout(() => {
        if (this.welcomed) return;
        this.settings.log.warn({ jobId: active.jobId, runId: active.runId }, 'job lease expired without the schedd; killing the run');
        active.run.kill(9, 0);
      }, leaseRemainingMs(active.jobAd, this.disconnectedAt, Date.now()));
      timer.unref();
      this.leaseTimers.set(key, timer);
    }
  }

  private clearLeases(): void {
    for (const timer of this.leaseTimers.values()) clearTimeout(timer);
    this.leaseTimers.clear();
  }
}
