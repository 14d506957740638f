import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { ScheddRefused, type ScheddClient } from '@tinycondor/client';
import type { ClassAd } from '@tinycondor/shared/classad/index';
import { jobArguments } from '@tinycondor/shared/job-command';
import { starterEnvironment } from '@tinycondor/shared/starter-environment';
import { resourceEnvironment, type ResourceEnvironmentSettings } from '@tinycondor/shared/machine-resources';
import { appendsStdStreams, keepsAnyOutput, listedInputFiles, manifestDirectory, STARTER_LOG_NAME, STDOUT_NAME, stdinFile, streamedStdNames } from '@tinycondor/shared/transfer-files';
import { MAX_STREAM_CHUNK_BYTES } from '@tinycondor/shared/rest-schemas';
import { isUrl, pluginResultListText, urlTransferHoldReason } from '@tinycondor/shared/url-transfer';
import { TransferClassNumber, type TransferClassName } from '@tinycondor/shared/epoch-history';
import { claimWorklifeExpired } from '@tinycondor/shared/claim-worklife';
import { MAX_PLUGIN_RESULT_LIST, type ExitStatus, type RunReportMessage, type Usage } from '@tinycondor/shared/protocol';
import { TransferReadError } from '@tinycondor/transfer/symlinks';
import { extractTarSafely, packEntries, racyWindowFor, type BaseFile, type CheckpointBase, type PackEntry } from '@tinycondor/transfer/tar/index';
import { brokenPromiseReason, checkpointPromise, checkpointSignal, isCheckpointExit } from '@tinycondor/shared/checkpoint';
import { diskExceededReason } from '@tinycondor/shared/disk-limit';
import { VacateCode } from '@tinycondor/shared/job-status';
import { deferredStart, MISSED_DEFERRAL_HOLD_REASON } from '@tinycondor/shared/job-deferral';
import { DEV_NULL, jobLayout, type JobLayout } from './job-layout.js';
import { selectCheckpointFiles, selectFinalOutputs, selectOutputs, snapshotSandbox, type SandboxSnapshot } from './output-selection.js';
import { manifestEnvironment, sandboxListing, writeManifestFile } from './job-manifest.js';
import { sandboxReader, type SandboxReader } from './job-file-rights.js';
import { retryTransient } from './retry.js';
import { removeSandbox } from './remove-sandbox.js';
import type { JobCgroups, MemoryUsage, SlotCgroup } from './job-cgroup.js';
import { signalFamily } from './process-family.js';
import { jobLimits, jobResourceLimits } from './job-limits.js';
import { sandboxUsageBytes } from './sandbox-usage.js';
import type { JobMounts, JobSpawner } from './job-process.js';
import { makeSandboxDirectories } from './sandbox-directories.js';
import { prepareScratchMounts, ScratchMountError, type ScratchMountSettings } from './scratch-mounts.js';
import type { JobUser } from '@tinycondor/shared/job-user';
import { containerCommand, containerImage, containerName, ContainerRefused, dockerCreateArgs, wantsContainer, type DockerSettings } from './container-args.js';
import { ContainerProcess, type ContainerFailure, type ContainerUsage } from './container-process.js';
import { containerServices, hostPortAttribute } from '@tinycondor/shared/container-services';
import { SHADOW_UNREACHABLE, type DockerCredentialsAnswer } from '@tinycondor/shared/docker-credentials';
import { scratchDirectories } from './docker-knobs.js';
import type { ShellPlace } from './ssh-session.js';
import { StreamedFile, type StreamSink } from './std-streams.js';
import { StreamedStdin } from './stdin-stream.js';
import { transferUrls, urlDownloads, withJobPlugins, type PluginSettings, type UrlTransferRun } from './transfer-plugins.js';
import { checkpointDestination, restoreCheckpointFiles, uploadCheckpointFiles } from './checkpoint-destination.js';
import { chirpEnablement } from '@tinycondor/shared/chirp/access';
import { chirpBindAddress } from './chirp-bind.js';
import { ChirpServer } from './chirp-server.js';
import type { ChirpSettings } from './chirp-knobs.js';
import { DelayedUpdates } from './delayed-updates.js';
import { runChirpBackend } from './run-chirp.js';
import type { StarterLogFile } from './starter-log.js';
import { universeName } from '@tinycondor/shared/starter-log';

/** A report about this run; the startd numbers it (`seq`) when it sends it. */
export type RunReport = RunReportMessage extends infer M ? (M extends RunReportMessage ? Omit<M, 'seq'> : never) : never;

export interface JobRunContext {
  jobId: string;
  runId: string;
  slotName: string;
  startdName: string;
  jobAd: ClassAd;
  /** false when the schedd has nothing for the input sandbox (it logged the empty transfer itself). */
  fetchInput: boolean;
  machineAd: ClassAd;
  executeDir: string;
  /** PERIODIC_CHECKPOINT: how often jobs that asked for it get their checkpoint signal (0: never). */
  checkpointIntervalSeconds: number;
  /** Whether a checkpointed job restarts in place: only while its claim is within CLAIM_WORKLIFE (see StartdSettings). */
  reactivation: { claimWorklifeSeconds: number; checkAfterCheckpoint: boolean };
  /** When the slot's claim began (ms): this run's start, or that of the first run a start queued behind went on from. */
  claimStartedAt: number;
  /** How often the sandbox is measured against the slot's disk (its machine ad's Disk, in KiB). */
  diskCheckSeconds: number;
  /** Whether this startd still holds its job lease (connected, or disconnected for less than the lease). */
  leaseHeld(): boolean;
  client: ScheddClient;
  spawner: JobSpawner;
  /** The slots' cgroups: a run's processes are confined to its slot's (when the startd may make them). */
  cgroups: JobCgroups;
  /** The most processes a job may have at once (its cgroup's pids.max). */
  maxJobPids: number;
  /** Whom the job runs as (see resolveJobUser); undefined: as the startd. */
  jobUser: JobUser | undefined;
  /** The Docker engine this startd runs container jobs with; undefined where none answered at start. */
  docker: DockerSettings | undefined;
  /** The plugins URL inputs and outputs are transferred with. */
  transferPlugins: PluginSettings;
  /** What the run's Chirp proxy allows and how its delayed updates go out. */
  chirp: ChirpSettings;
  /** What the job is told of its slot's custom resources (_CONDOR_Assigned<Tag>, CUDA_VISIBLE_DEVICES…). */
  resourceEnvironment: ResourceEnvironmentSettings;
  /** MOUNT_UNDER_SCRATCH's knobs for a job outside containers; undefined where the startd can make no mount namespace. */
  scratchMounts: ScratchMountSettings | undefined;
  log: Logger;
  /** The job's own starter log (starter_debug), which `log` also writes to. */
  starterLog?: StarterLogFile;
  report(message: RunReport): void;
}

/** A transfer's plugin result list being gathered (UrlTransferRun.results). */
type PluginResults = NonNullable<UrlTransferRun['results']>;

function pluginResults(transferClass: TransferClassName): PluginResults {
  return { transferClass: TransferClassNumber[transferClass], ads: [] };
}

/** How often a running job's memory is sampled (the largest resident set is what HTCondor reports). */
const MEMORY_SAMPLE_MS = 1000;

/** /dev/null for reading and for appending, opened once for the startd's life: most runs send all three streams there. */
const sharedNull = new Map<'r' | 'a', number>();

function openStream(file: string, mode: 'r' | 'a'): number {
  if (file !== DEV_NULL) return fs.openSync(file, mode);
  let fd = sharedNull.get(mode);
  if (fd === undefined) {
    fd = fs.openSync(DEV_NULL, mode);
    sharedNull.set(mode, fd);
  }
  return fd;
}

function isSharedNull(fd: number): boolean {
  return sharedNull.get('r') === fd || sharedNull.get('a') === fd;
}

function closeStream(fd: number): void {
  if (!isSharedNull(fd)) fs.closeSync(fd);
}

/** Gives the sandbox and everything in it to the job's user (links themselves, never what they point to). */
function chownTree(dir: string, user: JobUser): void {
  fs.lchownSync(dir, user.uid, user.gid);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const entryPath = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(entryPath, user);
    else fs.lchownSync(entryPath, user.uid, user.gid);
  }
}

/**
 * The environment HTCondor's starter gives a job (with the Chirp contact file when one was written); its slot's
 * custom resources last, as the starter sets them over the job's (PublishToEnv).
 */
export function buildEnvironment(ctx: JobRunContext, sandbox: string, jobIwd: string, chirpConfig?: string, tmpDir?: string): NodeJS.ProcessEnv {
  return {
    // _CONDOR_JOB_IWD is where the process runs (jobRemoteIWD).
    ...starterEnvironment(ctx.jobAd, { scratchDir: sandbox, jobIwd, slotName: ctx.slotName, cpus: ctx.machineAd.getInt('Cpus') ?? 1, chirpConfig, tmpDir }),
    ...resourceEnvironment(ctx.machineAd, ctx.resourceEnvironment, (message) => ctx.log.error(message)),
  };
}

/** The job's running process, however it was started: signalled, stopped and continued as a whole. */
interface RunningProcess {
  exited: boolean;
  signal(signal: number): void;
  /** Stops the job's processes; returns how many it stopped. */
  stop(): number;
  cont(): void;
}

/** The checkpoint a start in place follows: its number, when the process exited and when it had started. */
interface RestartAfter {
  checkpoint: number;
  exitedAt: number;
  executionStartedAt: number | undefined;
}

/**
 * One run of a job on a slot: a fresh sandbox, input transfer, the executable with stdout/stderr in
 * `_condor_stdout`/`_condor_stderr`, output transfer, and a report of how it ended.
 */
export class JobRun {
  /** The running process; `exited` once its end was reported. */
  private process: RunningProcess | undefined;
  /**
   * The checkpoint this run last committed and its files as sent: the next checkpoint sends only what
   * changed since (issue 23). A new run has none, so its first checkpoint goes whole.
   */
  private committedCheckpoint: { number: number; files: CheckpointBase } | undefined;
  /** A container job's current container, for condor_ssh_to_job. */
  private container: { cli: string; name: string } | undefined;
  /** The running process of a job given its own mount namespace (MOUNT_UNDER_SCRATCH), for condor_ssh_to_job. */
  private namespacePid: number | undefined;
  /** CPU time of the run's processes so far (each restart in place adds its own), and their memory. */
  private readonly usage: Usage = { userSeconds: 0, systemSeconds: 0 };
  private readonly cgroup: SlotCgroup;
  private memoryTimer: NodeJS.Timeout | undefined;
  private killedBy: number | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  private checkpointTimer: NodeJS.Timeout | undefined;
  /** The periodic checkpoint signal was sent to the current process, which must now exit as promised. */
  private checkpointSignalled = false;
  private diskTimer: NodeJS.Timeout | undefined;
  /** When the current (or last) process started and exited, by this clock (the activation metrics). */
  private execution: { startedAt: number; exitedAt?: number } | undefined;
  /** condor_suspend: the job's processes are stopped (or will be as the process starts), until condor_continue. */
  private suspended = false;
  /** Set when the sandbox outgrew the slot's disk: the run is killed and the job held with this reason. */
  private outOfDisk: string | undefined;
  /** The job's stdout/stderr streamed to the submit side as it writes them (stream_output, stream_error). */
  private readonly streams: StreamedFile[] = [];
  /** Set when the job's streamed stdin broke (stream_input): the run is killed and the job held with this reason. */
  private stdinBroken: string | undefined;
  readonly sandbox: string;
  private readonly layout: JobLayout;
  /** How outputs and checkpoint files are read: as the job's user, symlinks followed (job-file-rights.ts). */
  private readonly reader: SandboxReader;
  /** The run's Chirp proxy and its contact file, when the job may use Chirp (initIOProxy). */
  private chirp: { server: ChirpServer; configFile: string } | undefined;
  /** set_job_attr_delayed's updates, sent every STARTER_UPDATE_INTERVAL and when a process exits. */
  private readonly delayedUpdates: DelayedUpdates;
  private updateTimer: NodeJS.Timeout | undefined;
  /** Ends the wait for a deferred job's DeferralTime early: the run was killed before its job started. */
  private endDeferral: (() => void) | undefined;

  constructor(private readonly ctx: JobRunContext) {
    this.sandbox = path.join(ctx.executeDir, `dir_${process.pid}_${ctx.runId}`);
    this.layout = jobLayout(ctx.jobAd, this.sandbox);
    this.cgroup = ctx.cgroups.forSlot(ctx.slotName);
    this.delayedUpdates = new DelayedUpdates(ctx.chirp.delayedPatterns, ctx.chirp.delayedMaxAttrs);
    this.reader = sandboxReader(ctx.jobUser);
  }

  /** Opens the run's Chirp proxy and writes .chirp.config, if the knobs and the job want one; a failure leaves the job without. */
  private async openChirp(): Promise<void> {
    const { ctx } = this;
    const enablement = chirpEnablement(ctx.chirp.knobs, ctx.jobAd);
    if (enablement === undefined) return;
    const configFile = path.join(this.sandbox, '.chirp.config');
    const backend = runChirpBackend({ client: ctx.client, jobId: ctx.jobId, runId: ctx.runId, jobAd: ctx.jobAd, delayed: this.delayedUpdates, log: ctx.log });
    const bind = chirpBindAddress(ctx.jobAd, ctx.chirp.dockerNetworkName, os.networkInterfaces);
    if (bind.missing !== undefined) ctx.log.error(`Failed to find Docker network '${bind.missing}' for IO Proxy.`);
    try {
      this.chirp = { server: await ChirpServer.open({ configFile, enablement, backend, log: ctx.log, host: bind.address }), configFile };
    } catch (err) {
      ctx.log.error({ err }, "Couldn't initialize IO Proxy.");
      return;
    }
    this.updateTimer = setInterval(() => this.sendDelayedUpdates(), ctx.chirp.updateIntervalSeconds * 1000);
    this.updateTimer.unref();
  }

  /** The delayed updates recorded since the last update, if any, to the schedd. */
  private sendDelayedUpdates(): void {
    const attributes = this.delayedUpdates.take();
    if (attributes !== undefined) this.ctx.report({ type: 'job-update', jobId: this.ctx.jobId, runId: this.ctx.runId, attributes });
  }

  /** The largest resident set seen and the peak so far, kept in `usage` (the starter's max_rss and max_image_size). */
  private sampleMemory(): void {
    const sample: MemoryUsage | undefined = this.cgroup.memoryUsage();
    if (sample === undefined) return;
    this.usage.residentSetSizeKb = Math.max(this.usage.residentSetSizeKb ?? 0, sample.residentSetSizeKb);
    this.usage.imageSizeKb = Math.max(this.usage.imageSizeKb ?? 0, sample.imageSizeKb);
  }

  /**
   * A container's use, added to the run's as DockerProc::PublishUpdateAd publishes it: its CPU, and its
   * largest memory as both resident set and image size (in KiB, the attributes' unit: DockerProc puts the
   * MiB figure in ImageSize).
   */
  private addContainerUsage({ maxMemoryBytes, userCpuNs, systemCpuNs }: ContainerUsage): void {
    this.usage.userSeconds += userCpuNs / 1e9;
    this.usage.systemSeconds += systemCpuNs / 1e9;
    const memoryKb = Math.ceil(maxMemoryBytes / 1024);
    this.usage.residentSetSizeKb = Math.max(this.usage.residentSetSizeKb ?? 0, memoryKb);
    this.usage.imageSizeKb = Math.max(this.usage.imageSizeKb ?? 0, memoryKb);
  }

  /**
   * MOUNT_UNDER_SCRATCH for a job outside containers (VanillaProc::StartJob), at each start, restarts in place
   * included: its directories made in the sandbox, to be mounted over their namesakes in a mount namespace
   * of the job's own. undefined: the job runs in the startd's namespace.
   */
  private namespaceMounts(): JobMounts | undefined {
    const { ctx } = this;
    if (ctx.scratchMounts === undefined) return undefined;
    const prepared = prepareScratchMounts(ctx.scratchMounts, ctx.jobAd, this.sandbox, ctx.jobUser);
    if (prepared === undefined) return undefined;
    for (const line of prepared.skipped) ctx.log.info(line);
    for (const { source, target } of prepared.mounts.binds) ctx.log.debug(`Adding mapping: ${source} -> ${target}.`);
    return prepared.mounts;
  }

  /**
   * MOUNT_UNDER_SCRATCH for a container: each directory made in the sandbox (mode 1777, the job's), to be
   * mounted over its namesake, so that what the job writes there stays in its sandbox across restarts in place.
   */
  private scratchMounts(docker: DockerSettings): string[] {
    return scratchDirectories(docker, this.ctx.jobAd).map((dir) => {
      const parts = dir.split('/').filter((part) => part !== '' && part !== '.');
      if (!dir.startsWith('/') || parts.length === 0 || parts.includes('..')) {
        throw new ContainerRefused(`MOUNT_UNDER_SCRATCH directory '${dir}' is not an absolute path below /`);
      }
      const made = makeSandboxDirectories(this.sandbox, parts);
      if ('blocked' in made) throw new ContainerRefused(`MOUNT_UNDER_SCRATCH directory '${dir}': ${made.blocked} in the sandbox is not a directory`);
      const hostDir = made.dir;
      fs.chmodSync(hostDir, 0o1777);
      if (this.ctx.jobUser) fs.chownSync(hostDir, this.ctx.jobUser.uid, this.ctx.jobUser.gid);
      return `${hostDir}:/${parts.join('/')}`;
    });
  }

  /**
   * DockerProc::getStats: the host ports of the job's services appended to the sandbox's .job.ad (as fPrintAd
   * writes them) and sent in the starter's update, which the shadow copies into the job.
   */
  private reportServicePorts(ports: Record<string, number>): void {
    const lines = Object.entries(ports).map(([name, port]) => `${name} = ${port}\n`);
    try {
      // Never through a symlink the job may have left in its place.
      const { O_WRONLY, O_APPEND, O_CREAT, O_NOFOLLOW } = fs.constants;
      const fd = fs.openSync(path.join(this.sandbox, '.job.ad'), O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW, 0o644);
      try {
        fs.writeSync(fd, lines.join(''));
      } finally {
        fs.closeSync(fd);
      }
    } catch (err) {
      this.ctx.log.warn({ err }, 'Failed to write docker service ports to .job.ad file');
    }
    this.ctx.report({ type: 'host-ports', jobId: this.ctx.jobId, runId: this.ctx.runId, ports });
  }

  /** The hold of a run the OOM killer struck, worded as VanillaProc::outOfMemoryEvent words it. */
  private outOfMemoryReason(): string {
    // STARTER_ALWAYS_HOLD_ON_OOM (default true): the usage reported is the limit.
    const limitMb = Math.floor((this.cgroup.memoryLimitBytes() ?? 0) / (1024 * 1024));
    return `Error from ${this.ctx.slotName}@${this.ctx.startdName}: Job has gone over cgroup memory limit of ${limitMb} megabytes. Last measured usage: ${limitMb} megabytes.  Consider resubmitting with a higher request_memory.`;
  }

  /** Transfers keep retrying while the schedd may still come back within the job lease. */
  private readonly mayGoOn = (): boolean => this.killedBy === undefined && this.ctx.leaseHeld();

  /**
   * Where a command of condor_ssh_to_job runs: the sandbox, with the job's environment, as the job's user;
   * inside the job's container for a container job (DockerProc's docker exec), unless only the sandbox's
   * files are wanted (condor_tail). In a job's own mount namespace while its process runs, with its TMPDIR.
   */
  shellPlace(place: 'job' | 'sandbox'): ShellPlace {
    const where = { cwd: this.layout.cwd, env: buildEnvironment(this.ctx, this.sandbox, this.layout.cwd, this.chirp?.configFile), user: this.ctx.jobUser };
    if (place === 'job' && this.container !== undefined) return { ...where, container: this.container };
    if (place === 'job' && this.namespacePid !== undefined) {
      return { ...where, env: buildEnvironment(this.ctx, this.sandbox, this.layout.cwd, this.chirp?.configFile, '/tmp'), mountNamespaceOf: this.namespacePid };
    }
    return where;
  }

  /** +WantCheckpointSignal: after the startd's checkpoint interval, ask the process to checkpoint. */
  private armCheckpointSignal(running: RunningProcess): void {
    this.checkpointSignalled = false;
    const signal = checkpointSignal(this.ctx.jobAd);
    const interval = this.ctx.checkpointIntervalSeconds;
    if (signal === undefined || interval <= 0) return;
    this.checkpointTimer = setTimeout(() => {
      this.checkpointSignalled = true;
      running.signal(signal);
    }, interval * 1000);
    this.checkpointTimer.unref();
  }

  /**
   * Measures the sandbox every diskCheckSeconds while the run lasts; once it reaches the slot's disk, the
   * job is killed and held (JobOutOfResources, subcode Disk), as HTCondor's starter does with its volume.
   */
  private watchDisk(): void {
    const allocatedKb = this.ctx.machineAd.getInt('Disk');
    if (allocatedKb === undefined || this.ctx.diskCheckSeconds <= 0 || this.diskTimer !== undefined) return;
    const watched = this.process;
    const check = async () => {
      const used = await sandboxUsageBytes(this.sandbox);
      // This process ended (or was restarted in place, with a watch of its own) while the sandbox was measured.
      if (watched === undefined || watched.exited || this.process !== watched) return;
      const reason = diskExceededReason(used, allocatedKb);
      if (reason !== undefined && this.outOfDisk === undefined && this.killedBy === undefined) {
        this.ctx.log.warn({ usedBytes: used, allocatedKb }, 'the sandbox outgrew the slot disk; holding the job');
        this.outOfDisk = reason;
        this.kill(9, 0);
        return;
      }
      this.diskTimer = setTimeout(() => void check(), this.ctx.diskCheckSeconds * 1000);
      this.diskTimer.unref();
    };
    this.diskTimer = setTimeout(() => void check(), this.ctx.diskCheckSeconds * 1000);
    this.diskTimer.unref();
  }

  /**
   * condor_suspend: the job's family stopped (SIGSTOP), as the starter suspends it, and reported with how
   * many processes it counted; a process not started yet is stopped as it starts.
   */
  suspend(): void {
    if (this.suspended) return;
    this.suspended = true;
    if (this.process && !this.process.exited) this.stopFamily(this.process);
  }

  /** condor_continue: the stopped family continues (SIGCONT). */
  resume(): void {
    if (!this.suspended) return;
    this.suspended = false;
    if (this.process && !this.process.exited) this.process.cont();
    this.ctx.report({ type: 'continued', jobId: this.ctx.jobId, runId: this.ctx.runId });
  }

  private stopFamily(running: RunningProcess): void {
    const numPids = running.stop();
    this.ctx.report({ type: 'suspended', jobId: this.ctx.jobId, runId: this.ctx.runId, numPids });
  }

  /** Soft kill: the signal to the whole process group, SIGKILL after the grace period. */
  kill(signal: number, graceSeconds: number): void {
    this.killedBy = signal;
    this.endDeferral?.();
    const running = this.process;
    if (!running || running.exited) return;
    running.signal(signal);
    // A stopped job handles the signal once continued, as the starter continues a suspended job it vacates.
    if (this.suspended) running.cont();
    this.killTimer = setTimeout(() => running.signal(os.constants.signals.SIGKILL), graceSeconds * 1000);
    this.killTimer.unref();
  }

  async run(): Promise<void> {
    const { ctx } = this;
    const base = { jobId: ctx.jobId, runId: ctx.runId };
    try {
      ctx.log.info(`Starting a ${universeName(ctx.jobAd.getInt('JobUniverse') ?? 5)} universe job with ID: ${ctx.jobId}`);
      // JICShadow::initFileTransfer's words for the two settings it takes as given.
      const shouldTransfer = (ctx.jobAd.getString('ShouldTransferFiles') ?? '').toUpperCase();
      if (shouldTransfer === 'YES' || shouldTransfer === 'NO') ctx.log.debug(`ShouldTransferFiles is "${shouldTransfer}", ${shouldTransfer === 'NO' ? 'NOT ' : ''}transfering files`);
      // In the threadpool: a mkdir may wait on the filesystem's journal behind an earlier sandbox's rmdir (removeSandbox).
      await fs.promises.mkdir(this.sandbox, { mode: 0o700 });
      let received = 0;
      try {
        if (this.layout.transfers && ctx.fetchInput) {
          const fetchAndExtract = async () => (await extractTarSafely(await ctx.client.fetchInput(ctx.jobId, ctx.runId), this.sandbox)).bytes;
          received = await retryTransient('input', fetchAndExtract, this.mayGoOn, ctx.log);
        }
      } catch (err) {
        // 413: the input passes max_transfer_input_mb (MAX_TRANSFER_INPUT_MB).
        ctx.report({ type: 'run-failed', ...base, stage: err instanceof ScheddRefused && err.status === 413 ? 'input-limit' : 'input', reason: (err as Error).message });
        return;
      }
      if (this.killedBy !== undefined) {
        ctx.report({ type: 'run-ended', ...base, usage: { ...this.usage }, ...this.executionSpan() });
        return;
      }
      this.cgroup.prepare(jobLimits(ctx.machineAd, ctx.maxJobPids));
      fs.writeFileSync(path.join(this.sandbox, '.job.ad'), ctx.jobAd.toText());
      fs.writeFileSync(path.join(this.sandbox, '.machine.ad'), ctx.machineAd.toText());
      await this.openChirp();
      // The job owns its sandbox, as the starter gives it to the job's user.
      if (ctx.jobUser) chownTree(this.sandbox, ctx.jobUser);
      this.openStarterLog();
      if (this.layout.transfers && !(await this.downloadUrlInputs())) return;
      this.recordManifest('in');
      // A sandbox that received nothing holds only the startd's own files, which are never output.
      const before: SandboxSnapshot = ctx.fetchInput ? snapshotSandbox(this.sandbox, this.reader) : new Map();
      if (this.layout.transfers && !(await this.openStreams())) return;
      if (!(await this.waitUntilExecuteTime())) return;
      const promise = checkpointPromise(ctx.jobAd);
      let checkpointNumber = ctx.jobAd.getInt('CheckpointNumber') ?? -1;
      let restartAfter: RestartAfter | undefined;
      for (let start = 0; ; start++) {
        const exit = await this.execute(start === 0, restartAfter);
        // As the starter's update at a job's exit: ahead of the report of how the run ended.
        this.sendDelayedUpdates();
        if (exit === undefined) return;
        if (this.outOfDisk !== undefined) {
          ctx.report({ type: 'run-failed', ...base, stage: 'disk', reason: this.outOfDisk });
          return;
        }
        if (this.stdinBroken !== undefined) {
          ctx.report({ type: 'run-failed', ...base, stage: 'input-stream', reason: this.stdinBroken });
          return;
        }
        if (this.cgroup.oomKilled() && this.killedBy === undefined) {
          ctx.report({ type: 'run-failed', ...base, stage: 'memory', reason: this.outOfMemoryReason() });
          return;
        }
        if (this.killedBy !== undefined) {
          await this.transferAtEviction(before);
          ctx.report({ type: 'run-ended', ...base, usage: { ...this.usage }, ...this.executionSpan() });
          return;
        }
        const signalled = this.checkpointSignalled;
        if (isCheckpointExit(promise, exit)) {
          // Same executable, same arguments, same sandbox: HTCondor restarts a checkpointed job in place.
          const exitedAt = Date.now();
          checkpointNumber += 1;
          if (this.layout.transfers && !(await this.uploadCheckpoint(before, checkpointNumber))) return;
          if (this.killedBy !== undefined) {
            ctx.report({ type: 'run-ended', ...base, usage: { ...this.usage }, ...this.executionSpan() });
            return;
          }
          if (this.claimIsClosing()) {
            // VanillaProc::JobReaper: no restart in place; the job is requeued and resumes from this checkpoint.
            ctx.log.info('This checkpointed job should NOT restart.');
            await this.finishStreams();
            const vacate = { reason: 'Rescheduling self-checkpoint job after checkpoint upload because reactivating the claim would have failed.', code: VacateCode.SuccessfulCheckpoint };
            ctx.report({ type: 'run-ended', ...base, usage: { ...this.usage }, ...this.executionSpan(), vacate });
            return;
          }
          restartAfter = { checkpoint: checkpointNumber, exitedAt, executionStartedAt: this.execution?.startedAt };
          continue;
        }
        if (signalled && promise) {
          const subCode = exit.bySignal ? exit.signal : exit.exitCode << 8;
          ctx.report({ type: 'run-failed', ...base, stage: 'checkpoint', reason: brokenPromiseReason(promise, exit), subCode });
          return;
        }
        if (!(await this.finishStreams())) return;
        await this.finish(exit, before, received);
        return;
      }
    } finally {
      if (this.killTimer) clearTimeout(this.killTimer);
      if (this.checkpointTimer) clearTimeout(this.checkpointTimer);
      if (this.memoryTimer) clearInterval(this.memoryTimer);
      clearTimeout(this.diskTimer);
      clearInterval(this.updateTimer);
      for (const stream of this.streams) stream.stop();
      this.chirp?.server.close();
      ctx.starterLog?.close();
      // After the run's report has gone out: the slot is already free.
      setImmediate(() => removeSandbox(this.sandbox, ctx.log));
    }
  }

  /**
   * A deferred job waits here, its input in place, until its DeferralTime (Starter::jobWaitUntilExecuteTime);
   * one that missed it is given back (JOB_MISSED_DEFERRAL_TIME: the schedd holds it). False: the run ended.
   */
  private async waitUntilExecuteTime(): Promise<boolean> {
    const { ctx } = this;
    const base = { jobId: ctx.jobId, runId: ctx.runId };
    const start = deferredStart(ctx.jobAd, Math.floor(Date.now() / 1000), ctx.jobId);
    if ('missed' in start) {
      ctx.log.warn(`${start.missed} Aborting.`);
      if (!(await this.finishStreams())) return false;
      ctx.report({ type: 'run-failed', ...base, stage: 'deferral', reason: MISSED_DEFERRAL_HOLD_REASON });
      return false;
    }
    if (start.delaySeconds > 0) {
      ctx.log.info(`Job ${ctx.jobId} deferred for ${start.delaySeconds} seconds`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, start.delaySeconds * 1000);
        this.endDeferral = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.endDeferral = undefined;
    }
    if (this.killedBy === undefined) return true;
    ctx.report({ type: 'run-ended', ...base, usage: { ...this.usage }, ...this.executionSpan() });
    return false;
  }

  /**
   * The URLs of transfer_input_files and the files of a checkpoint kept at its checkpoint_destination,
   * fetched by their methods' plugins after the schedd's files (as the starter defers them to the end of
   * its download) and as the job's user; the checkpoint checked against its MANIFEST. False: the run ended
   * (the job held, or back to Idle without that checkpoint).
   */
  private async downloadUrlInputs(): Promise<boolean> {
    const { ctx } = this;
    const urls = listedInputFiles(ctx.jobAd).filter(isUrl);
    if (urls.length === 0 && checkpointDestination(ctx.jobAd) === undefined) return true;
    const results = pluginResults('Input');
    const outcome = await restoreCheckpointFiles(ctx.jobAd, urlDownloads(urls, this.sandbox), this.pluginSettings(), this.urlTransferRun(results), this.reader.rights);
    this.reportPluginResults('Input', results);
    const base = { jobId: ctx.jobId, runId: ctx.runId };
    if (outcome.kind === 'failed') {
      const reason = urlTransferHoldReason('input', `${ctx.slotName}@${ctx.startdName}`, new URL(ctx.client.baseUrl).host, outcome.failure);
      ctx.report({ type: 'run-failed', ...base, stage: 'input', reason, subCode: outcome.failure.subCode });
      return false;
    }
    if (outcome.kind === 'invalid') {
      ctx.log.warn({ checkpoint: outcome.checkpoint, message: outcome.message }, 'the checkpoint fetched from its destination does not match its MANIFEST');
      ctx.report({ type: 'checkpoint-invalid', ...base, checkpoint: outcome.checkpoint, message: outcome.message });
      return false;
    }
    return true;
  }

  /**
   * stream_output / stream_error: the submit-side files opened as the starter opens them (truncated, but
   * appended to by a self-checkpointing job: VanillaProc::streamingOpenFlags), then followed. False: the
   * job was held ("unable to establish … stream").
   */
  private async openStreams(): Promise<boolean> {
    const { ctx } = this;
    const appends = appendsStdStreams(ctx.jobAd);
    for (const name of streamedStdNames(ctx.jobAd)) {
      const stream = name === STDOUT_NAME ? 'stdout' : 'stderr';
      const sink: StreamSink = {
        open: () => retryTransient(`${stream} stream`, () => ctx.client.openRunStream(ctx.jobId, ctx.runId, stream, !appends), this.mayGoOn, ctx.log),
        write: (offset, data) => retryTransient(`${stream} stream`, () => ctx.client.writeRunStream(ctx.jobId, ctx.runId, stream, offset, data), this.mayGoOn, ctx.log),
      };
      const streamed = new StreamedFile(path.join(this.sandbox, name), sink, MAX_STREAM_CHUNK_BYTES, ctx.log);
      try {
        await streamed.start();
      } catch (err) {
        ctx.log.warn({ err, stream }, 'could not open the stream on the submit side');
        const phrase = stream === 'stdout' ? 'standard output' : 'standard error';
        ctx.report({ type: 'run-failed', jobId: ctx.jobId, runId: ctx.runId, stage: 'output-stream', reason: `Error from ${ctx.slotName}@${ctx.startdName}: unable to establish ${phrase} stream` });
        return false;
      }
      this.streams.push(streamed);
    }
    return true;
  }

  /**
   * stream_input, for each process started (a restart in place reads the file again from its start, as a new
   * UserProc does): the stream established before the process starts. Undefined: the job does not stream its
   * stdin; false: it could not be established, and the job was held ("unable to establish standard input stream"),
   * or the run was killed meanwhile.
   */
  private async openStdinStream(): Promise<StreamedStdin | undefined | false> {
    const { ctx } = this;
    if (!this.layout.transfers || ctx.jobAd.getBool('StreamIn') !== true || stdinFile(ctx.jobAd) === undefined) return undefined;
    const source = { read: (offset: number, length: number) => retryTransient('stdin stream', () => ctx.client.readRunStdin(ctx.jobId, ctx.runId, offset, length), this.mayGoOn, ctx.log) };
    try {
      return await StreamedStdin.open(source, MAX_STREAM_CHUNK_BYTES, ctx.log);
    } catch (err) {
      // Killed meanwhile (condor_rm, a vacate): the run just ends.
      if (this.killedBy !== undefined) {
        ctx.report({ type: 'run-ended', jobId: ctx.jobId, runId: ctx.runId, usage: { ...this.usage }, ...this.executionSpan() });
        return false;
      }
      ctx.log.warn({ err }, 'could not open the stdin stream on the submit side');
      ctx.report({ type: 'run-failed', jobId: ctx.jobId, runId: ctx.runId, stage: 'input-stream', reason: `Error from ${ctx.slotName}@${ctx.startdName}: unable to establish standard input stream` });
      return false;
    }
  }

  /** The rest of the streamed output sent once the job exited. False: a stream broke, and the job was held. */
  private async finishStreams(): Promise<boolean> {
    const { ctx } = this;
    try {
      await Promise.all(this.streams.map((stream) => stream.finish()));
      return true;
    } catch (err) {
      ctx.report({ type: 'run-failed', jobId: ctx.jobId, runId: ctx.runId, stage: 'output-stream', reason: `Error from ${ctx.slotName}@${ctx.startdName}: streaming the job's output failed: ${(err as Error).message}` });
      return false;
    }
  }

  /** The startd's plugins with the job's own (transfer_plugins) over them. */
  private pluginSettings(): PluginSettings {
    const { transferPlugins, jobAd } = this.ctx;
    return { ...transferPlugins, table: withJobPlugins(transferPlugins.table, jobAd, this.sandbox) };
  }

  private urlTransferRun(results?: PluginResults): UrlTransferRun {
    const { ctx } = this;
    return {
      sandbox: this.sandbox,
      user: ctx.jobUser,
      jobAdFile: path.join(this.sandbox, '.job.ad'),
      machineAdFile: path.join(this.sandbox, '.machine.ad'),
      log: ctx.log,
      results,
      sign: (verb, urls) => retryTransient('URL signing', () => ctx.client.signRunUrls(ctx.jobId, ctx.runId, { verb, urls }), this.mayGoOn, ctx.log),
    };
  }

  /**
   * A transfer's plugin invocations and results for the shadow (JICShadow::updateShadowWithPluginResults),
   * when any plugin ran; a list too long for a report loses its last results, with a warning.
   */
  private reportPluginResults(transferClass: TransferClassName, results: PluginResults): void {
    if (results.ads.length === 0) return;
    const ads = [...results.ads];
    let resultList = pluginResultListText(ads);
    while (resultList.length > MAX_PLUGIN_RESULT_LIST && ads.length > 0) {
      ads.pop();
      resultList = pluginResultListText(ads);
    }
    if (ads.length < results.ads.length) this.ctx.log.warn({ transferClass, kept: ads.length, of: results.ads.length }, 'plugin result list too long for its report: the last results left out');
    this.ctx.report({ type: 'plugin-results', jobId: this.ctx.jobId, runId: this.ctx.runId, transferClass, resultList });
  }

  /**
   * Resource::claimWorklifeExpired, as the starter asks it after a checkpoint (CHECK_REACTIVATE_AFTER_CHECKPOINT):
   * this run's claim is older than CLAIM_WORKLIFE.
   */
  private claimIsClosing(): boolean {
    const { claimWorklifeSeconds, checkAfterCheckpoint } = this.ctx.reactivation;
    return checkAfterCheckpoint && claimWorklifeExpired(claimWorklifeSeconds, this.ctx.claimStartedAt, Date.now());
  }

  /** The last process's execution, for a report of the run's end (none if no process ran to its end). */
  private executionSpan(): { execution?: { startedAt: number; exitedAt: number } } {
    const { execution } = this;
    return execution?.exitedAt === undefined ? {} : { execution: { startedAt: execution.startedAt, exitedAt: execution.exitedAt } };
  }

  /** Final output transfer and the exit report. */
  private async finish(exit: ExitStatus, before: SandboxSnapshot, received: number): Promise<void> {
    const { ctx } = this;
    const base = { jobId: ctx.jobId, runId: ctx.runId };
    let sent = 0;
    let outputSent = false;
    try {
      if (this.layout.transfers) {
        ctx.starterLog?.close();
        this.recordManifest('out');
        const { back: outputs, uploads } = selectFinalOutputs(ctx.jobAd, this.sandbox, before, this.reader);
        if (uploads.length > 0) {
          const results = pluginResults('Output');
          const failure = await transferUrls(uploads, true, this.pluginSettings(), this.urlTransferRun(results));
          this.reportPluginResults('Output', results);
          if (failure !== undefined) {
            const reason = urlTransferHoldReason('output', `${ctx.slotName}@${ctx.startdName}`, new URL(ctx.client.baseUrl).host, failure);
            ctx.report({ type: 'run-failed', ...base, stage: 'output', reason, subCode: failure.subCode });
            return;
          }
        }
        // Output nobody keeps (stdout and stderr not asked for, nothing else written) costs no round trip.
        if (keepsAnyOutput(ctx.jobAd, outputs.map((entry) => entry.name))) {
          const send = async () => (await ctx.client.sendOutput(ctx.jobId, ctx.runId, packEntries(outputs))).bytes;
          sent = await retryTransient('output', send, this.mayGoOn, ctx.log);
          outputSent = true;
        }
      }
    } catch (err) {
      const reason = `Transfer output files failure at execution point ${ctx.slotName}@${ctx.startdName} while sending files to access point ${new URL(ctx.client.baseUrl).host}. Details: ${(err as Error).message}`;
      if (err instanceof ScheddRefused && err.status === 413) {
        // The output passes max_transfer_output_mb (MAX_TRANSFER_OUTPUT_MB): the schedd placed none of it.
        ctx.report({ type: 'run-failed', ...base, stage: 'output-limit', reason });
        return;
      }
      // A file that could not be read: its errno is the hold subcode, as DoUpload gives it.
      ctx.report({ type: 'run-failed', ...base, stage: 'output', reason, ...(err instanceof TransferReadError ? { subCode: err.errno } : {}) });
      return;
    }
    ctx.report({ type: 'exited', ...base, exit, usage: { ...this.usage }, bytesSent: sent, bytesReceived: received, outputSent, ...this.executionSpan() });
  }

  /**
   * Sends the checkpoint to be committed into SPOOL, retrying transient failures. Returns false when the
   * run cannot go on: the upload failed for good (the job is held, code 36) or the run is no longer current.
   */
  private async uploadCheckpoint(before: SandboxSnapshot, checkpointNumber: number): Promise<boolean> {
    const { ctx } = this;
    const base = { jobId: ctx.jobId, runId: ctx.runId };
    const destination = checkpointDestination(ctx.jobAd);
    try {
      if (destination !== undefined) return await this.uploadToDestination(before, checkpointNumber, destination);
      const upload = async (): Promise<Map<string, BaseFile>> => {
        const committed = this.committedCheckpoint;
        const files = selectCheckpointFiles(ctx.jobAd, this.sandbox, before, this.reader);
        const archive = packEntries(files, { incremental: { base: committed?.files, racyWindowNs: racyWindowFor(this.sandbox) } });
        try {
          await ctx.client.sendCheckpoint(ctx.jobId, ctx.runId, 'checkpoint', checkpointNumber, archive, committed?.number);
        } catch (err) {
          if (!(err instanceof ScheddRefused && err.status === 412 && committed !== undefined)) throw err;
          ctx.log.warn({ checkpointNumber, base: committed.number, reason: err.reason }, 'the schedd does not hold the checkpoint this one builds on: sending it whole');
          this.committedCheckpoint = undefined;
          return upload();
        }
        return archive.sent;
      };
      this.committedCheckpoint = { number: checkpointNumber, files: await retryTransient('checkpoint', upload, this.mayGoOn, ctx.log) };
      return true;
    } catch (err) {
      if (err instanceof ScheddRefused && err.status === 409) {
        ctx.report({ type: 'run-ended', ...base, usage: { ...this.usage }, ...this.executionSpan() });
        return false;
      }
      ctx.log.error({ err, checkpointNumber }, 'giving up on checkpoint upload');
    }
    ctx.report({ type: 'run-failed', ...base, stage: 'checkpoint', reason: 'Starter failed to upload checkpoint', subCode: -1 });
    return false;
  }

  /**
   * A checkpoint kept at its checkpoint_destination: its files uploaded there through the plugins, then its
   * MANIFEST committed to SPOOL (DoCheckpointUploadFromStarter). When the plugin failed only some files, as
   * JICShadow::uploadCheckpointFiles takes a try-again failure, the job goes on (the next checkpoint is the
   * retry) and SPOOL gets the checkpoint's FAILURE file so that what was uploaded is deleted
   * (notifyFailedPeriodicCheckpoint). A plugin that failed itself throws: the job is held, after the schedd
   * heard of the failed number (with nothing to clean: no MANIFEST was committed).
   */
  private async uploadToDestination(before: SandboxSnapshot, checkpointNumber: number, destination: string): Promise<boolean> {
    const { ctx } = this;
    const files = selectCheckpointFiles(ctx.jobAd, this.sandbox, before, this.reader);
    const results = pluginResults('Checkpoint');
    const uploaded = await uploadCheckpointFiles(files, destination, ctx.jobAd.getString('GlobalJobId') ?? '', checkpointNumber, this.pluginSettings(), this.urlTransferRun(results));
    this.reportPluginResults('Checkpoint', results);
    const send = (kind: 'checkpoint' | 'failed-checkpoint', entries: PackEntry[]) =>
      retryTransient('checkpoint', () => ctx.client.sendCheckpoint(ctx.jobId, ctx.runId, kind, checkpointNumber, packEntries(entries)), this.mayGoOn, ctx.log);
    if (uploaded.kind === 'broken') {
      await send('failed-checkpoint', []);
      throw new Error(`checkpoint ${checkpointNumber} not uploaded to ${destination}: ${uploaded.failure.messages.join('|')}`);
    }
    const file = uploaded.kind === 'uploaded' ? uploaded.manifest : uploaded.failureFile;
    try {
      if (uploaded.kind === 'failed') {
        ctx.log.warn({ checkpointNumber, errors: uploaded.failure.messages }, 'JICShadow::uploadCheckpointFiles() failed; will retry checkpoint upload later');
        await send('failed-checkpoint', [file]);
      } else {
        await send('checkpoint', [file]);
      }
    } finally {
      // The starter's copy goes once SPOOL has it (or the upload gave up).
      fs.rmSync(file.source, { force: true });
    }
    return true;
  }

  /** `.starter.log` in the sandbox, for a job with starter_debug; one that cannot be written is logged, and the job goes on. */
  private openStarterLog(): void {
    const { starterLog, log } = this.ctx;
    try {
      starterLog?.open(path.join(this.sandbox, STARTER_LOG_NAME));
    } catch (err) {
      starterLog?.close();
      log.warn({ err }, 'could not open the job starter log');
    }
  }

  /**
   * One file of the job's manifest (`manifest`, `manifest_dir`), when it wants one; the sandbox listing by
   * default. As the starter, a file it cannot write is logged, and the job goes on.
   */
  private recordManifest(name: 'in' | 'out' | 'environment', content: () => string = () => sandboxListing(this.sandbox)): void {
    const { ctx } = this;
    const dir = manifestDirectory(ctx.jobAd);
    if (dir === undefined) return;
    try {
      writeManifestFile(this.sandbox, dir, name, content, this.reader.rights, ctx.jobUser);
    } catch (err) {
      ctx.log.warn({ err, dir, name }, 'could not write the job manifest');
    }
  }

  /** when_to_transfer_output = ON_EXIT_OR_EVICT: the output set goes to SPOOL when the job is evicted. */
  private async transferAtEviction(before: SandboxSnapshot): Promise<void> {
    const { ctx } = this;
    if (!this.layout.transfers || (ctx.jobAd.getString('WhenToTransferOutput') ?? '').toUpperCase() !== 'ON_EXIT_OR_EVICT') return;
    try {
      ctx.starterLog?.close();
      this.recordManifest('out');
      await ctx.client.sendCheckpoint(ctx.jobId, ctx.runId, 'evict', 0, packEntries(selectOutputs(ctx.jobAd, this.sandbox, before, this.reader)));
    } catch (err) {
      // As in HTCondor, a failed transfer at eviction just means the next run starts from what SPOOL had.
      ctx.log.warn({ err }, 'transfer at eviction failed');
    }
  }

  /**
   * Starts the executable and resolves with how it ended (undefined when it could not start);
   * `restartAfter` names the checkpoint this start follows.
   */
  private async execute(reportExecuting: boolean, restartAfter?: RestartAfter): Promise<ExitStatus | undefined> {
    const { ctx, layout } = this;
    const stdinStream = await this.openStdinStream();
    if (stdinStream === false) return undefined;
    if (layout.transfers && ctx.jobAd.getBool('TransferExecutable') !== false) {
      fs.chmodSync(layout.executable, fs.statSync(layout.executable).mode | 0o700);
    }
    // Truncated, as the starter opens them (O_TRUNC, which a device ignores), unless the job keeps earlier runs'
    // output: a restart in place after a checkpoint, or one from the files sent back at an eviction. Opened for
    // appending all the same, so that stdout and stderr sent to one file do not overwrite each other.
    const stdout = openStream(layout.stdout, 'a');
    const stderr = openStream(layout.stderr, 'a');
    if (!appendsStdStreams(ctx.jobAd)) for (const fd of [stdout, stderr]) if (!isSharedNull(fd) && fs.fstatSync(fd).isFile()) fs.ftruncateSync(fd, 0);
    const stdinFd = stdinStream ? stdinStream.jobEnd : openStream(layout.stdin, 'r');
    // A read that fails ends the job, and holds it, as the starter's StreamHandler EXCEPTs (UnableToOpenInputStream).
    stdinStream?.start((err) => {
      // A run being killed anyway (condor_rm, a vacate) makes its reads fail: that is no broken stream.
      if (this.killedBy !== undefined) return;
      this.stdinBroken = `Error from ${ctx.slotName}@${ctx.startdName}: StreamHandler: stdin: unable to read from ${stdinFile(ctx.jobAd)}: ${err.message}`;
      this.kill(9, 0);
    });
    if (ctx.jobUser) for (const fd of [stdout, stderr]) if (!isSharedNull(fd)) fs.fchownSync(fd, ctx.jobUser.uid, ctx.jobUser.gid);
    const inContainer = wantsContainer(ctx.jobAd);
    return new Promise((resolve) => {
      let settled = false;
      const settle = (exit: ExitStatus | undefined) => {
        if (settled) return;
        settled = true;
        if (this.process) this.process.exited = true;
        this.namespacePid = undefined;
        if (this.execution) this.execution.exitedAt = Date.now();
        if (this.checkpointTimer) clearTimeout(this.checkpointTimer);
        if (this.memoryTimer) clearInterval(this.memoryTimer);
        if (!inContainer) this.sampleMemory();
        // What the process left behind in its cgroup ends with it, as the starter ends the job's family.
        this.cgroup.killLeftovers();
        clearTimeout(this.diskTimer);
        this.diskTimer = undefined;
        stdinStream?.stop();
        [stdout, stderr, stdinFd].forEach(closeStream);
        resolve(exit);
      };
      const stdio: [number, number, number] = [stdinFd, stdout, stderr];
      const started = (running: RunningProcess) => {
        this.process = running;
        this.execution = { startedAt: Date.now() };
        if (reportExecuting) ctx.report({ type: 'executing', jobId: ctx.jobId, runId: ctx.runId });
        if (restartAfter) ctx.report({ type: 'checkpoint-restarted', jobId: ctx.jobId, runId: ctx.runId, ...restartAfter, restartedAt: Date.now() });
        if (this.killedBy !== undefined) this.kill(this.killedBy, 0);
        else if (this.suspended) this.stopFamily(running);
        this.armCheckpointSignal(running);
        // A container's memory is not in the slot's cgroups: the engine's stats say it (containerUsage).
        if (!inContainer) {
          this.memoryTimer = setInterval(() => this.sampleMemory(), MEMORY_SAMPLE_MS);
          this.memoryTimer.unref();
        }
        this.watchDisk();
      };
      const failed = ({ stage, reason }: ContainerFailure) => {
        if (!settled) ctx.report({ type: 'run-failed', jobId: ctx.jobId, runId: ctx.runId, stage, reason });
        settle(undefined);
      };
      if (inContainer) {
        this.startContainer(stdio, {
          spawned: started,
          failed,
          exited: (exit, usage) => {
            if (usage !== undefined) this.addContainerUsage(usage);
            settle(exit);
          },
        });
        return;
      }
      let mounts: JobMounts | undefined;
      try {
        mounts = this.namespaceMounts();
      } catch (err) {
        if (!(err instanceof ScratchMountError)) throw err;
        // VanillaProc::StartJob fails and the starter exits, the job not started; HTCondor requeues it, to be
        // matched again at a later negotiation. Here a match is immediate, so it would fail again at once,
        // over and over: the job is held with the starter's message instead.
        ctx.log.error(`${err.message}; Failed to start main job, exiting.`);
        failed({ stage: 'execute', reason: `Error from ${ctx.slotName}@${ctx.startdName}: ${err.message}` });
        return;
      }
      // TMPDIR, TEMP and TMP are /tmp in a namespace of the job's own (VanillaProc::StartJob's setTmpDir).
      const env = buildEnvironment(ctx, this.sandbox, layout.cwd, this.chirp?.configFile, mounts === undefined ? undefined : '/tmp');
      this.recordManifest('environment', () => manifestEnvironment(env));
      let jobPid = 0;
      const spec = {
        executable: layout.executable,
        args: jobArguments(ctx.jobAd),
        cwd: layout.cwd,
        env,
        stdio,
        cgroupDirs: this.cgroup.directories,
        user: ctx.jobUser,
        limits: jobResourceLimits(ctx.jobAd),
        mounts,
        // OsProc::StartJob's DCJOBOPT_SUSPEND_ON_EXEC: the job stays stopped, still Running, until something sends it SIGCONT.
        suspendAtExec: ctx.jobAd.getBool('SuspendJobAtExec') === true,
      };
      if (mounts !== undefined && ctx.scratchMounts?.perJobNamespaces === false) {
        // DaemonCore's Create_Process refuses the remapping it may not make (PER_JOB_NAMESPACES = false): ENOSYS.
        ctx.log.error('Can not remount filesystems because this system does can not have/allow unshare(2)');
        failed({ stage: 'execute', reason: `Error from ${ctx.slotName}@${ctx.startdName}: Failed to execute '${layout.executable}': (errno=${os.constants.errno.ENOSYS}: 'Function not implemented')` });
        return;
      }
      // OsProc::StartJob's words.
      ctx.log.info(`IWD: ${layout.cwd}`);
      ctx.log.info(`About to exec ${[spec.executable, ...spec.args].join(' ')}`);
      ctx.spawner.start(spec, {
        spawned: (pid) => {
          jobPid = pid;
          ctx.log.info(`Create_Process succeeded, pid=${pid}`);
          if (mounts !== undefined) this.namespacePid = pid;
          started({
            exited: false,
            signal: (signal) => {
              try {
                process.kill(-pid, signal);
              } catch {
                // the group is already gone
              }
            },
            stop: () => signalFamily(pid, this.cgroup.pids(), 'SIGSTOP'),
            cont: () => void signalFamily(pid, this.cgroup.pids(), 'SIGCONT'),
          });
        },
        failed: ({ errno, message }) =>
          failed({ stage: 'execute', reason: `Error from ${ctx.slotName}@${ctx.startdName}: Failed to execute '${layout.executable}': (errno=${errno}: '${message}')` }),
        exited: (exit, usage) => {
          // Starter::Reaper's words.
          ctx.log.info(`Process exited, pid=${jobPid}, ${exit.bySignal ? `signal=${exit.signal}` : `status=${exit.exitCode}`}`);
          this.usage.userSeconds += usage.userSeconds;
          this.usage.systemSeconds += usage.systemSeconds;
          settle(exit);
        },
      });
    });
  }

  /**
   * A container job's process (DockerProc): the image the job names, run through this machine's Docker
   * engine in a fresh container with the sandbox mounted at its own path, as the job's user, within the
   * slot's cpus and memory.
   */
  private startContainer(stdio: [number, number, number], events: { spawned(running: RunningProcess): void; failed(failure: ContainerFailure): void; exited(exit: ExitStatus, usage: ContainerUsage | undefined): void }): void {
    const { ctx, layout } = this;
    const { docker } = ctx;
    const image = containerImage(ctx.jobAd);
    // As the shadow words a starter's error (pseudo_ops.cpp): "Error from <slot>: <what the starter said>".
    const failed = ({ stage, reason }: ContainerFailure) => events.failed({ stage, reason: `Error from ${ctx.slotName}@${ctx.startdName}: ${reason}` });
    if (docker === undefined) {
      failed({ stage: 'execute', reason: 'this machine has no Docker engine to run a container job' });
      return;
    }
    if (image === undefined) {
      failed({ stage: 'execute', reason: 'Neither DockerImage nor ContainerImage defined in job ad, unable to start job.' });
      return;
    }
    const memoryMb = Math.floor(jobLimits(ctx.machineAd, ctx.maxJobPids).memoryBytes / (1024 * 1024));
    const name = containerName(ctx.jobAd, ctx.slotName, process.pid, ctx.startdName);
    const plan = {
      name,
      image,
      volumes: [this.sandbox, layout.cwd],
      workdir: layout.cwd,
      // A root startd runs the job as its owner; a personal one, as itself (DockerAPI::createContainer).
      user: ctx.jobUser ?? { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0, groups: [] },
      env: buildEnvironment(ctx, this.sandbox, layout.cwd, this.chirp?.configFile),
      command: containerCommand(ctx.jobAd, layout.transfers),
      memoryMb,
      cpus: ctx.machineAd.getInt('Cpus') ?? 1,
      startdName: ctx.startdName,
    };
    let args: string[];
    try {
      const built = dockerCreateArgs({ ...plan, scratchMounts: this.scratchMounts(docker) }, ctx.jobAd, ctx.machineAd, docker);
      args = built.args;
      for (const message of built.ignored) ctx.log.warn(message);
    } catch (err) {
      if (!(err instanceof ContainerRefused)) throw err;
      failed({ stage: 'execute', reason: err.message });
      return;
    }
    ctx.log.info({ container: name, image }, 'starting the job in a container');
    const services = containerServices(ctx.jobAd);
    // JICShadow::fetch_docker_creds: a schedd that does not answer (within the job lease) is the shadow the starter cannot reach.
    const credentials =
      ctx.jobAd.getBool('DockerSendCredentials') === true
        ? async (): Promise<DockerCredentialsAnswer> => {
            try {
              const reply = await retryTransient('docker credentials', () => ctx.client.dockerCredentials(ctx.jobId, ctx.runId), this.mayGoOn, ctx.log);
              return 'config' in reply ? { config: reply.config } : { error: reply.htcondorError };
            } catch (err) {
              ctx.log.warn({ err }, 'Error fetching docker credentials');
              return { error: SHADOW_UNREACHABLE };
            }
          }
        : undefined;
    const container = new ContainerProcess(docker, name, image, args, memoryMb, services, ctx.log, credentials);
    this.container = { cli: docker.cli, name };
    const running: RunningProcess = {
      exited: false,
      signal: (signal) => container.signal(signal),
      stop: () => {
        container.pause(true);
        return 1;
      },
      cont: () => container.pause(false),
    };
    let spawned = false;
    // DockerProc::JobReaper: once the container has ended, each service's host port is UNDEFINED in the job.
    const portsGone = () => {
      if (spawned && services.length > 0) ctx.report({ type: 'host-ports', jobId: ctx.jobId, runId: ctx.runId, ports: Object.fromEntries(services.map((s) => [hostPortAttribute(s.name), null])) });
    };
    void container.start(ctx.spawner, stdio, {
      spawned: () => {
        spawned = true;
        events.spawned(running);
      },
      failed: (failure) => {
        portsGone();
        failed(failure);
      },
      exited: (exit, usage) => {
        portsGone();
        events.exited(exit, usage);
      },
      servicePorts: (ports) => this.reportServicePorts(ports),
    });
  }
}
