import { ClassAd, isTrue, valueToExpr, type Value } from './classad/index.js';
import type { JobEvent, JobExit, Rusage } from './eventlog/index.js';
import { HoldCode, JobStatus, OutOfResourcesSubCode, VacateCode } from './job-status.js';
import type { SlotResource } from './machine-resources.js';
import type { ExitStatus, Usage } from './protocol.js';
import { transformOnEvict } from './evict-transform.js';
import type { TransformSettings } from './job-transform.js';

/**
 * The job state machine: the only code that changes JobStatus. Each function takes a job ad and
 * returns the new ad plus the events to log, or a refusal worded as HTCondor's tools word it. The schedd
 * applies a transition and records its events in one SQLite transaction.
 */
export interface Transition {
  ad: ClassAd;
  events: JobEvent[];
  /** The job leaves the queue for the history. */
  leaveQueue: boolean;
  /** A run in progress must be killed. */
  killRun: boolean;
}

export interface Refusal {
  refused: 'bad-status' | 'already-done';
  message: string;
}

export function isRefusal(x: Transition | Refusal): x is Refusal {
  return 'refused' in x;
}

const epoch = (now: Date): number => Math.floor(now.getTime() / 1000);

function ids(ad: ClassAd): { cluster: number; proc: number } {
  return { cluster: ad.getInt('ClusterId') ?? 0, proc: ad.getInt('ProcId') ?? 0 };
}

function jobName(ad: ClassAd): string {
  const { cluster, proc } = ids(ad);
  return `${cluster}.${proc}`;
}

function setStatus(ad: ClassAd, status: number, now: Date): void {
  const previous = ad.getInt('JobStatus');
  if (previous !== undefined) ad.set('LastJobStatus', previous);
  ad.set('JobStatus', status);
  ad.set('EnteredCurrentStatus', epoch(now));
}

function toRusage(userSeconds: number, systemSeconds: number): Rusage {
  return { userSeconds, systemSeconds };
}

/**
 * What the starter publishes of a run's memory (VanillaProc::PublishUpdateAd): ImageSize and
 * ResidentSetSize in KiB, and MemoryUsage as MEMORY_USAGE_METRIC's default expression over them.
 */
function recordMemoryUsage(ad: ClassAd, usage: Usage): void {
  if (usage.residentSetSizeKb === undefined || usage.imageSizeKb === undefined) return;
  ad.set('ImageSize', usage.imageSizeKb);
  ad.set('ResidentSetSize', usage.residentSetSizeKb);
  ad.setExpr('MemoryUsage', '((ResidentSetSize+1023)/1024)');
}

/** When the run's last process ran, by the startd's clock (ms since the epoch). */
export interface ExecutionSpan {
  startedAt: number;
  exitedAt: number;
}

/** A process's running time in whole seconds, as the shadow's time_t arithmetic gives it. */
function executionSeconds(execution: ExecutionSpan): number {
  return Math.max(0, Math.floor(execution.exitedAt / 1000) - Math.floor(execution.startedAt / 1000));
}

/**
 * HTCONDOR-861's activation metrics, as the shadow records them when its run ends (resourceExit), only
 * for a run that began executing: the whole activation and, when its last process is known, that
 * process's execution and the teardown after it. In-place restarts are one activation.
 */
function recordActivationEnd(ad: ClassAd, now: Date, execution: ExecutionSpan | undefined): void {
  const started = ad.getInt('JobCurrentStartDate');
  if (started === undefined || !ad.has('JobCurrentStartExecutingDate')) return;
  ad.set('ActivationDuration', Math.max(0, epoch(now) - started));
  if (execution === undefined) return;
  ad.set('ActivationExecutionDuration', executionSeconds(execution));
  ad.set('ActivationTeardownDuration', Math.max(0, epoch(now) - Math.floor(execution.exitedAt / 1000)));
}

/** Closes the accounting of the current run: wall clock, CPU usage, last remote host, activation metrics. */
function endRun(ad: ClassAd, now: Date, usage: Usage | undefined, execution?: ExecutionSpan): void {
  recordActivationEnd(ad, now, execution);
  const start = ad.getInt('JobCurrentStartDate');
  if (start !== undefined) {
    const wall = Math.max(0, epoch(now) - start);
    ad.setReal('RemoteWallClockTime', (ad.getNumber('RemoteWallClockTime') ?? 0) + wall);
    ad.set('CumulativeSlotTime', (ad.getNumber('CumulativeSlotTime') ?? 0) + wall);
    ad.set('LastJobLeaseRenewal', epoch(now));
  }
  if (usage) {
    ad.setReal('RemoteUserCpu', (ad.getNumber('RemoteUserCpu') ?? 0) + usage.userSeconds);
    ad.setReal('RemoteSysCpu', (ad.getNumber('RemoteSysCpu') ?? 0) + usage.systemSeconds);
    recordMemoryUsage(ad, usage);
  }
  const remoteHost = ad.getString('RemoteHost');
  if (remoteHost !== undefined) ad.set('LastRemoteHost', remoteHost);
  ad.delete('RemoteHost');
  ad.delete('ShadowBday');
  ad.delete('JobCurrentStartExecutingDate');
}

/**
 * match_list_length (InsertMachineAttrs' "old-style match_list"): as the job leaves its slot and is not done,
 * LastMatchName<i> moves to LastMatchName<i+1>, up to LastMatchListLength names, LastMatchName0 kept until
 * the next match replaces it (RotateAttributeList: nothing moves without a LastMatchName0, nor for a list
 * shorter than 2).
 */
function rotateMatchList(ad: ClassAd): void {
  rotateList(ad, 'LastMatchName', ad.getInt('LastMatchListLength') ?? 0);
  const historyLength = machineAttrsHistoryLength(ad);
  for (const name of machineAttrs(ad)) rotateList(ad, `MachineAttr${name}`, historyLength);
}

/** RotateAttributeList: <prefix><i> moves to <prefix><i+1> up to `length` entries, only when <prefix>0 is there; <prefix>0 stays. */
function rotateList(ad: ClassAd, prefix: string, length: number): void {
  if (length < 2 || !ad.has(`${prefix}0`)) return;
  for (let index = length - 1; index > 0; index--) {
    const previous = ad.get(`${prefix}${index - 1}`);
    if (previous !== undefined) ad.insert(`${prefix}${index}`, previous);
  }
}

/** The slot attributes job_machine_attrs names (JobMachineAttrs, a list; SYSTEM_JOB_MACHINE_ATTRS' default adds none). */
function machineAttrs(ad: ClassAd): string[] {
  const names: string[] = [];
  for (const name of (ad.getString('JobMachineAttrs') ?? '').split(/[\s,]+/)) {
    if (name !== '' && !names.some((known) => known.toLowerCase() === name.toLowerCase())) names.push(name);
  }
  return names;
}

/** JobMachineAttrsHistoryLength, at least SYSTEM_JOB_MACHINE_ATTRS_HISTORY_LENGTH's default, 1: a job's 0 records the last one still. */
function machineAttrsHistoryLength(ad: ClassAd): number {
  return Math.max(ad.getInt('JobMachineAttrsHistoryLength') ?? 1, 1);
}

/**
 * Idle → Running: the matchmaker gave the job a slot and the run begins with input transfer. The slot's
 * resources become <Res>Provisioned (as the schedd copies them at the match, qmgmt.cpp) and, for a custom
 * resource with ids, Assigned<Tag> (as the starter corrects the job's Provisioned and Assigned attributes, starter.cpp).
 */
export function startRun(
  adIn: ClassAd,
  opts: {
    now: Date;
    remoteHost: string;
    provisioned: { cpus: number; memoryMb: number; diskKb: number; resources?: readonly SlotResource[] };
    matchName?: string;
    /** The matched slot's ad, asked for only by a job with job_machine_attrs. */
    slotAd?: () => ClassAd;
  },
): Transition {
  const ad = adIn.clone();
  setStatus(ad, JobStatus.Running, opts.now);
  // The matched slot's Name, for a job that keeps a match list (InsertMachineAttrs at add_shadow_rec).
  if (opts.matchName !== undefined && (ad.getInt('LastMatchListLength') ?? 0) > 0) ad.set('LastMatchName0', opts.matchName);
  // And MachineAttr<name>0, the slot's value of each attribute job_machine_attrs names (undefined when it has none).
  const names = machineAttrs(ad);
  const slotAd = names.length > 0 ? opts.slotAd?.() : undefined;
  if (slotAd) for (const name of names) ad.insert(`MachineAttr${name}0`, valueToExpr(slotAd.evaluate(name)));
  ad.set('CpusProvisioned', opts.provisioned.cpus);
  ad.set('MemoryProvisioned', opts.provisioned.memoryMb);
  ad.set('DiskProvisioned', opts.provisioned.diskKb);
  for (const share of opts.provisioned.resources ?? []) {
    ad.set(`${share.tag}Provisioned`, share.quantity);
    if (share.ids) ad.set(`Assigned${share.tag}`, share.ids.join(','));
  }
  ad.set('RemoteHost', opts.remoteHost);
  ad.set('JobCurrentStartDate', epoch(opts.now));
  ad.set('ShadowBday', epoch(opts.now));
  // The claim's first contact: its lease counts from here (the schedd renews it while the startd answers).
  ad.set('LastJobLeaseRenewal', epoch(opts.now));
  ad.set('NumShadowStarts', (ad.getInt('NumShadowStarts') ?? 0) + 1);
  if (ad.getInt('JobStartDate') === undefined) ad.set('JobStartDate', epoch(opts.now));
  return { ad, events: [], leaveQueue: false, killRun: false };
}

/** The executable started: event 001. */
export function beginExecution(
  adIn: ClassAd,
  opts: { now: Date; executeHost: string; slotName: string; resources: Record<string, number>; slotAd?: () => ClassAd },
): Transition {
  const ad = adIn.clone();
  const props: Record<string, string | number | boolean> = { ...opts.resources };
  // ulog_execute_attrs: the slot's attributes named, those not there already (RemoteResource::populateExecuteEvent,
  // CopySelectAttrs without overwrites), evaluated.
  const names = (ad.getString('UserLogExecuteEventAttrs') ?? '').split(/[\s,]+/).filter((name) => name !== '');
  const slotAd = names.length > 0 ? opts.slotAd?.() : undefined;
  for (const name of names) {
    if (!slotAd?.has(name) || Object.keys(props).some((known) => known.toLowerCase() === name.toLowerCase())) continue;
    const value = slotAd.evaluate(name);
    if (value.type === 'string' || value.type === 'int' || value.type === 'real' || value.type === 'bool') props[name] = value.value;
  }
  ad.set('NumJobStarts', (ad.getInt('NumJobStarts') ?? 0) + 1);
  ad.set('JobCurrentStartExecutingDate', epoch(opts.now));
  // The startd's address, which the schedd's 022 event names after a restart (makeReconnectRecordFromJob).
  ad.set('StartdIpAddr', opts.executeHost);
  ad.set('JobRunCount', (ad.getInt('JobRunCount') ?? 0) + 1);
  // Once per activation, not at restarts in place (RemoteResource::beginExecution).
  const activated = ad.getInt('JobCurrentStartDate');
  if (activated !== undefined) ad.set('ActivationSetupDuration', Math.max(0, epoch(opts.now) - activated));
  return {
    ad,
    events: [{ code: 1, ...ids(ad), time: opts.now, executeHost: opts.executeHost, slotName: opts.slotName, props }],
    leaveQueue: false,
    killRun: false,
  };
}

/** `subCode` undefined: the job's HoldReasonSubCode is left as it is (the event says it, or 0). */
function holdInPlace(ad: ClassAd, now: Date, reason: string, code: number, subCode: number | undefined): JobEvent {
  setStatus(ad, JobStatus.Held, now);
  ad.set('HoldReason', reason);
  ad.set('HoldReasonCode', code);
  if (subCode !== undefined) ad.set('HoldReasonSubCode', subCode);
  ad.set('NumHolds', (ad.getInt('NumHolds') ?? 0) + 1);
  return { code: 12, ...ids(ad), time: now, reason, reasonCode: code, reasonSubCode: subCode ?? ad.getInt('HoldReasonSubCode') ?? 0 };
}

function eventExit(exit: ExitStatus): JobExit {
  return exit.bySignal ? { bySignal: true, signal: exit.signal } : { bySignal: false, returnValue: exit.exitCode };
}

function exitAttributes(ad: ClassAd, now: Date, exit: ExitStatus): void {
  ad.set('ExitBySignal', exit.bySignal);
  if (exit.bySignal) {
    ad.set('ExitSignal', exit.signal);
    ad.delete('ExitCode');
  } else {
    ad.set('ExitCode', exit.exitCode);
    ad.delete('ExitSignal');
  }
  ad.set('ExitStatus', exit.bySignal ? 0 : exit.exitCode);
  ad.set('CompletionDate', epoch(now));
}

const policyText = (ad: ClassAd, name: string): string => ad.getSource(name) ?? '';

function evaluatePolicy(ad: ClassAd, name: string): Value {
  return ad.has(name) ? ad.evaluate(name) : { type: 'undefined' };
}

/**
 * The executable exited for good (not a checkpoint exit): OnExitHold, then OnExitRemove decide whether
 * the job is held, requeued or completed (src/condor_utils/user_job_policy.cpp).
 */
export function jobExited(
  adIn: ClassAd,
  opts: { now: Date; exit: ExitStatus; usage: Usage; bytesSent: number; bytesReceived: number; execution?: ExecutionSpan } & EvictTransformOpts,
): Transition {
  let ad = adIn.clone();
  const runUsage = toRusage(opts.usage.userSeconds, opts.usage.systemSeconds);
  ad.set('CommittedTime', (ad.getInt('CommittedTime') ?? 0) + Math.max(0, epoch(opts.now) - segmentStart(ad)));
  endRun(ad, opts.now, opts.usage, opts.execution);
  exitAttributes(ad, opts.now, opts.exit);
  ad.set('NumJobCompletions', (ad.getInt('NumJobCompletions') ?? 0) + 1);
  ad.set('BytesSent', (ad.getNumber('BytesSent') ?? 0) + opts.bytesSent);
  ad.set('BytesRecvd', (ad.getNumber('BytesRecvd') ?? 0) + opts.bytesReceived);

  if (isTrue(evaluatePolicy(ad, 'OnExitHold'))) {
    const reason = ad.getString('OnExitHoldReason') || `The job attribute OnExitHold expression '${policyText(ad, 'OnExitHold')}' evaluated to TRUE`;
    const subCode = ad.getInt('OnExitHoldSubCode') ?? 0;
    const tried = tryEvictTransforms(ad, 'Hold', { reason, code: HoldCode.JobPolicy, subCode }, opts);
    if (tried.requeued) return requeuedByTransform(tried.ad, opts.now);
    ad = tried.ad;
    const event = holdInPlace(ad, opts.now, reason, HoldCode.JobPolicy, subCode);
    rotateMatchList(ad);
    return { ad, events: [event], leaveQueue: false, killRun: false };
  }
  // Only a value that is exactly false (or the number 0) keeps the job in the queue (UserPolicy::AnalyzePolicy).
  const remove = evaluatePolicy(ad, 'OnExitRemove');
  if ((remove.type === 'bool' && !remove.value) || ((remove.type === 'int' || remove.type === 'real') && remove.value === 0)) {
    setStatus(ad, JobStatus.Idle, opts.now);
    rotateMatchList(ad);
    return {
      ad,
      events: [
        {
          code: 4,
          ...ids(ad),
          time: opts.now,
          checkpointed: false,
          terminatedAndRequeued: true,
          exit: eventExit(opts.exit),
          reason: `The job attribute OnExitRemove expression '${policyText(ad, 'OnExitRemove')}' evaluated to FALSE`,
          runRemoteUsage: runUsage,
          runLocalUsage: toRusage(0, 0),
          sentBytes: opts.bytesSent,
          receivedBytes: opts.bytesReceived,
        },
      ],
      leaveQueue: false,
      killRun: false,
    };
  }
  setStatus(ad, JobStatus.Completed, opts.now);
  const total = toRusage(ad.getNumber('RemoteUserCpu') ?? 0, ad.getNumber('RemoteSysCpu') ?? 0);
  return {
    ad,
    events: [
      {
        code: 5,
        ...ids(ad),
        time: opts.now,
        exit: eventExit(opts.exit),
        runRemoteUsage: runUsage,
        runLocalUsage: toRusage(0, 0),
        totalRemoteUsage: total,
        totalLocalUsage: toRusage(0, 0),
        sentBytes: opts.bytesSent,
        receivedBytes: opts.bytesReceived,
        totalSentBytes: ad.getNumber('BytesSent') ?? 0,
        totalReceivedBytes: ad.getNumber('BytesRecvd') ?? 0,
        resources: {
          cpus: [null, ad.getNumber('RequestCpus') ?? 1, ad.getNumber('CpusProvisioned') ?? ad.getNumber('RequestCpus') ?? 1],
          disk: [ad.getNumber('DiskUsage') ?? null, ad.getNumber('RequestDisk') ?? 0, ad.getNumber('DiskProvisioned') ?? ad.getNumber('RequestDisk') ?? 0],
          memory: [ad.getNumber('MemoryUsage') ?? null, ad.getNumber('RequestMemory') ?? 0, ad.getNumber('MemoryProvisioned') ?? ad.getNumber('RequestMemory') ?? 0],
        },
      },
    ],
    leaveQueue: !(ad.getBool('LeaveJobInQueue') ?? false),
    killRun: false,
  };
}

/** What a policy hold's eviction transforms are given (see runFailed), and where their log lines go. */
export interface EvictTransformOpts {
  evictTransforms?: Omit<TransformSettings, 'log'>;
  evictLog?: (line: string) => void;
}

/**
 * The schedd's jobExitCode trying the job's eviction transforms (TransformOnEvict) before the hold its shadow
 * ends with: on what the shadow wrote, `why` naming the reason attributes: 'Vacate' (VacateReason,
 * VacateReasonCode, VacateReasonSubCode) for a run it evicted as it failed (evictJob), 'Hold' (HoldReason…, by
 * U_HOLD, the job still Running) for on_exit_hold or a running job's periodic_hold (BaseShadow::holdJob).
 * `requeued`: a transform changed a Request* attribute, so the job goes back to Idle instead. `ad` is a copy of
 * `adIn` the caller owns, with what the transforms changed either way.
 */
function tryEvictTransforms(adIn: ClassAd, why: 'Vacate' | 'Hold', hold: { reason: string; code: number; subCode: number }, opts: EvictTransformOpts): { ad: ClassAd; requeued: boolean } {
  if (!opts.evictTransforms || !adIn.has('TransformOnEvict')) return { ad: adIn.clone(), requeued: false };
  const ad = adIn.clone();
  ad.set(`${why}Reason`, hold.reason);
  ad.set(`${why}ReasonCode`, hold.code);
  ad.set(`${why}ReasonSubCode`, hold.subCode);
  const result = transformOnEvict(ad, jobName(ad), opts.evictTransforms);
  for (const line of result.log) opts.evictLog?.(line);
  return { ad: result.ad.clone(), requeued: result.applied !== undefined };
}

/**
 * A policy hold an eviction transform cured (jobExitCode: JOB_SHOULD_REQUEUE): the job is Idle with its new
 * request and keeps the hold's reason its shadow wrote; nothing is logged, as neither the shadow's holdJob nor
 * the schedd's requeue writes an event.
 */
function requeuedByTransform(adIn: ClassAd, now: Date): Transition {
  const ad = adIn.clone();
  setStatus(ad, JobStatus.Idle, now);
  rotateMatchList(ad);
  return { ad, events: [], leaveQueue: false, killRun: false };
}

/**
 * A running job's periodic_hold fired on its shadow's copy (ShadowUserPolicy::doAction: holdJob, then the
 * shadow exits JOB_SHOULD_HOLD to the schedd's jobExitCode): held, unless an eviction transform requeues it.
 * The schedd's own periodic_hold (PeriodicExprEval, idle jobs) holds directly: that is holdJob.
 */
export function periodicHoldOfRun(adIn: ClassAd, opts: { now: Date; reason: string; code: number; subCode: number } & EvictTransformOpts): Transition | Refusal {
  if (!holdsRun(adIn.getInt('JobStatus'))) return holdJob(adIn, opts);
  const tried = tryEvictTransforms(adIn, 'Hold', opts, opts);
  if (!tried.requeued) return holdJob(tried.ad, opts);
  const { ad } = tried;
  endRun(ad, opts.now, undefined);
  return { ...requeuedByTransform(ad, opts.now), killRun: true };
}

/**
 * skip_if_dataflow found the outputs newer than the inputs (FileTransfer::IsDataflowJob) as the run began: the
 * shadow sets DataflowJobSkipped, writes the 046 event and shuts down as if the job had exited with 0
 * (shadow_v61_main.cpp: ExitCode 0, shutDown(JOB_EXITED)), so the exit policy decides as after a run, with no
 * usage: a 005 follows the 046 unless on_exit_hold or on_exit_remove says otherwise. `adIn`: as startRun left it.
 */
export function dataflowJobSkipped(adIn: ClassAd, opts: { now: Date }): Transition {
  const ad = adIn.clone();
  ad.set('DataflowJobSkipped', true);
  const exited = jobExited(ad, { now: opts.now, exit: { bySignal: false, exitCode: 0 }, usage: { userSeconds: 0, systemSeconds: 0 }, bytesSent: 0, bytesReceived: 0 });
  return { ...exited, events: [{ code: 46, ...ids(ad), time: opts.now }, ...exited.events] };
}

/**
 * A no-op job (IsNoopJob, DAGMan's NOOP nodes) is completed by the schedd without running (schedd.cpp
 * count_jobs): NoopJobExitCode, else NoopJobExitSignal, else exit code 0, in a terminate event with no usage
 * (WriteTerminateToUserLog); its exit policy is not evaluated, and no exit attributes are set.
 */
export function noopCompleted(adIn: ClassAd, opts: { now: Date }): Transition {
  const ad = adIn.clone();
  const code = ad.getInt('NoopJobExitCode');
  const signal = (ad.getInt('NoopJobExitSignal') ?? 0) & 0x7f;
  // A wait status: the exit code's low byte, or a signal's number (signal 0 is a normal exit with 0).
  const exit: JobExit = code !== undefined ? { bySignal: false, returnValue: code & 0xff } : signal !== 0 ? { bySignal: true, signal } : { bySignal: false, returnValue: 0 };
  setStatus(ad, JobStatus.Completed, opts.now);
  const none = toRusage(0, 0);
  return {
    ad,
    events: [
      {
        code: 5,
        ...ids(ad),
        time: opts.now,
        exit,
        runRemoteUsage: none,
        runLocalUsage: none,
        totalRemoteUsage: none,
        totalLocalUsage: none,
        sentBytes: 0,
        receivedBytes: 0,
        totalSentBytes: 0,
        totalReceivedBytes: 0,
      },
    ],
    leaveQueue: !(ad.getBool('LeaveJobInQueue') ?? false),
    killRun: false,
  };
}

/** A run could not transfer its input or output, or could not start the executable: the job is held. */
const FAILURE_HOLD: Record<RunFailureStage, [code: number, subCode: number | undefined]> = {
  input: [HoldCode.TransferInputError, 0],
  output: [HoldCode.TransferOutputError, 0],
  execute: [HoldCode.FailedToCreateProcess, 0],
  // A checkpoint that could not be uploaded, or a job that broke its checkpoint promise (vanilla_proc.cpp).
  checkpoint: [HoldCode.FailedToCheckpoint, -1],
  // The kernel's OOM killer ended a process of the job's cgroup (VanillaProc::outOfMemoryEvent).
  memory: [HoldCode.JobOutOfResources, OutOfResourcesSubCode.Memory],
  // The sandbox outgrew the slot's disk (Starter::CheckLVUsage).
  disk: [HoldCode.JobOutOfResources, OutOfResourcesSubCode.Disk],
  // A container job's image could not be pulled or its container created (DockerProc).
  'container-image': [HoldCode.InvalidDockerImage, 0],
  // stream_output/stream_error could not be set up or broke (UserProc::getStdFile's notifyStarterError).
  'output-stream': [HoldCode.UnableToOpenOutputStream, 0],
  // stream_input could not be opened or read (getStdFile's notifyStarterError, StreamHandler::Handler).
  'input-stream': [HoldCode.UnableToOpenInputStream, 0],
  // The starter found the job's deferral time missed (JOB_MISSED_DEFERRAL_TIME): the schedd sets no subcode.
  deferral: [HoldCode.MissedDeferredExecutionTime, undefined],
  // max_transfer_input_mb / max_transfer_output_mb (or MAX_TRANSFER_INPUT_MB / _OUTPUT_MB) exceeded (FileTransfer).
  'input-limit': [HoldCode.MaxTransferInputSizeExceeded, 0],
  'output-limit': [HoldCode.MaxTransferOutputSizeExceeded, 0],
  // primary_unix_group names no group of the job's user (JICShadow::initUserPriv, new_group).
  'primary-group': [HoldCode.CannotSwitchPrimaryGroup, 0],
};

export type RunFailureStage = 'input' | 'execute' | 'output' | 'checkpoint' | 'memory' | 'disk' | 'container-image' | 'output-stream' | 'input-stream' | 'deferral' | 'input-limit' | 'output-limit' | 'primary-group';

/**
 * A run could not transfer its files, start the executable, or checkpoint as promised, or went over its memory or
 * disk: the job is held, unless one of its eviction transforms (TransformOnEvict: on_evict_checks,
 * retry_request_memory…) raises its request, when it goes back to Idle with it, as the schedd's jobExitCode does
 * with the codes the shadow's evictJob put in VacateReason, VacateReasonCode and VacateReasonSubCode.
 * `evictTransforms`: what the transforms are given; `evictLog` gets the schedd's log lines about them.
 */
export function runFailed(adIn: ClassAd, opts: { now: Date; stage: RunFailureStage; reason: string; subCode?: number } & EvictTransformOpts): Transition {
  const [code, defaultSubCode] = FAILURE_HOLD[opts.stage];
  const subCode = opts.subCode ?? defaultSubCode;
  const tried = tryEvictTransforms(adIn, 'Vacate', { reason: opts.reason, code, subCode: subCode ?? 0 }, opts);
  if (tried.requeued) return runRequeuedForHold(tried.ad, { now: opts.now, reason: opts.reason, code, subCode: subCode ?? 0 });
  const { ad } = tried;
  endRun(ad, opts.now, undefined);
  const event = holdInPlace(ad, opts.now, opts.reason, code, subCode);
  rotateMatchList(ad);
  return { ad, events: [event], leaveQueue: false, killRun: false };
}

/**
 * A run failure an eviction transform cured: the starter's error (021, when the reason is the shadow's
 * "Error from <slot>: <what the starter said>") and the eviction (004, with the hold codes as its reason codes)
 * are logged, and the job is Idle with its new request.
 */
function runRequeuedForHold(adIn: ClassAd, opts: { now: Date; reason: string; code: number; subCode: number }): Transition {
  const evicted = runEvicted(adIn, { now: opts.now, reason: opts.reason, reasonCode: opts.code, reasonSubCode: opts.subCode });
  const starterError = /^Error from (\S+): (.*)$/s.exec(opts.reason);
  if (!starterError) return evicted;
  const remoteError: JobEvent = { code: 21, ...ids(evicted.ad), time: opts.now, daemon: 'starter', executeHost: starterError[1]!, message: starterError[2]!, critical: true };
  return { ...evicted, events: [remoteError, ...evicted.events] };
}

/**
 * A checkpoint was committed to SPOOL: the job stays Running and restarts in place (no new 001).
 * CommittedTime grows by the work since the later of the run's start and the previous checkpoint
 * (remoteresource.cpp / starter NewlyCommittedTime).
 */
export function checkpointCommitted(adIn: ClassAd, opts: { now: Date; checkpointNumber: number }): Transition {
  const ad = adIn.clone();
  const now = epoch(opts.now);
  ad.set('CommittedTime', (ad.getInt('CommittedTime') ?? 0) + Math.max(0, now - segmentStart(ad)));
  ad.set('CheckpointNumber', opts.checkpointNumber);
  ad.set('JobLastCheckpointTime', now);
  ad.set('LastCkptTime', now);
  ad.set('TransferOutFinished', now);
  ad.set('NumCkpts', (ad.getInt('NumCkpts') ?? 0) + 1);
  return { ad, events: [], leaveQueue: false, killRun: false };
}

/**
 * A checkpoint's upload to its checkpoint_destination failed (the shadow's FailedCheckpoint handling): the
 * job's CheckpointNumber becomes that number, so that no later upload reuses it; nothing is committed
 * (CommittedTime, NumCkpts and JobLastCheckpointTime stay) and nothing is logged.
 */
export function checkpointUploadFailed(adIn: ClassAd, opts: { checkpointNumber: number }): Transition {
  const ad = adIn.clone();
  ad.set('CheckpointNumber', opts.checkpointNumber);
  return { ad, events: [], leaveQueue: false, killRun: false };
}

/**
 * A process of the run exited at a checkpoint and was started again in place: its execution is the
 * activation's latest (the starter's ActivationExecutionExit notification); nothing is logged.
 */
export function executionRestarted(adIn: ClassAd, execution: ExecutionSpan): Transition {
  const ad = adIn.clone();
  ad.set('ActivationExecutionDuration', executionSeconds(execution));
  return { ad, events: [], leaveQueue: false, killRun: false };
}

/** Start of the work not yet committed: the later of this run's start and its last checkpoint. */
function segmentStart(ad: ClassAd): number {
  return Math.max(ad.getInt('JobLastCheckpointTime') ?? 0, ad.getInt('JobCurrentStartDate') ?? 0);
}

/** condor_hold: any job not removed or completed (schedd.cpp actOnJobs, JA_HOLD_JOBS). */
export function holdJob(adIn: ClassAd, opts: { now: Date; reason: string; code: number; subCode: number }): Transition | Refusal {
  const status = adIn.getInt('JobStatus');
  const name = jobName(adIn);
  if (status === JobStatus.Removed || status === JobStatus.Completed) {
    return { refused: 'bad-status', message: `Job ${name} is ${status === JobStatus.Removed ? 'being removed' : 'completed'} and cannot be held` };
  }
  if (status === JobStatus.Held) {
    const code = adIn.getInt('HoldReasonCode');
    if (code === HoldCode.UserRequest || code === HoldCode.SpoolingInput) return { refused: 'already-done', message: `Job ${name} already held` };
  }
  const ad = adIn.clone();
  const wasRunning = holdsRun(status);
  if (wasRunning) endRun(ad, opts.now, undefined);
  const event = holdInPlace(ad, opts.now, opts.reason, opts.code, opts.subCode);
  if (wasRunning) rotateMatchList(ad);
  ad.set('VacateReason', opts.reason);
  return { ad, events: [event], leaveQueue: false, killRun: wasRunning };
}

/** condor_prio: the job's JobPrio, in any state in the queue; nothing is logged (HTCondor's condor_prio logs no event). */
export function setJobPriority(adIn: ClassAd, prio: number): Transition {
  const ad = adIn.clone();
  ad.set('JobPrio', prio);
  return { ad, events: [], leaveQueue: false, killRun: false };
}

/**
 * condor_qedit: sets attributes of a job in the queue to ClassAd expressions (what may be set is decided
 * by job-edit.ts); no event, as on HTCondor. A running job keeps its run: the new values apply to its next.
 */
export function editJob(adIn: ClassAd, edits: readonly (readonly [string, string])[]): Transition {
  const ad = adIn.clone();
  for (const [name, source] of edits) ad.setExpr(name, source);
  return { ad, events: [], leaveQueue: false, killRun: false };
}

/**
 * The job was left idle by matchmaking: why (LastRejMatchReason) and when (LastRejMatchTime), as the
 * schedd's scheduler_handleJobRejected records a negotiator's rejection. No event.
 */
export function matchRejected(adIn: ClassAd, opts: { now: Date; reason: string }): Transition {
  const ad = adIn.clone();
  ad.set('LastRejMatchReason', opts.reason).set('LastRejMatchTime', Math.floor(opts.now.getTime() / 1000));
  return { ad, events: [], leaveQueue: false, killRun: false };
}

/** Whether the job has a run on a slot: running, or suspended there (its processes stopped). */
export function holdsRun(status: number | undefined): boolean {
  return status === JobStatus.Running || status === JobStatus.Suspended;
}

/**
 * condor_suspend: only running jobs (schedd.cpp actOnJobs, JA_SUSPEND_JOBS). Nothing changes in the queue
 * until the startd has stopped the job's processes (jobSuspended).
 */
export function suspendRefusal(adIn: ClassAd): Refusal | undefined {
  const status = adIn.getInt('JobStatus');
  if (status === JobStatus.Running || status === JobStatus.TransferringOutput) return undefined;
  return { refused: 'bad-status', message: `Job ${jobName(adIn)} not running to be suspended` };
}

/** condor_continue: only suspended jobs (JA_CONTINUE_JOBS), in HTCondor's words for any other. */
export function continueRefusal(adIn: ClassAd): Refusal | undefined {
  if (adIn.getInt('JobStatus') === JobStatus.Suspended) return undefined;
  return { refused: 'bad-status', message: `Job ${jobName(adIn)} not running to be continued` };
}

/** The startd stopped the job's processes: Suspended, event 010 (the shadow's RemoteResource::recordSuspendEvent). */
export function jobSuspended(adIn: ClassAd, opts: { now: Date; numPids: number }): Transition {
  const ad = adIn.clone();
  ad.set('TotalSuspensions', (ad.getInt('TotalSuspensions') ?? 0) + 1);
  ad.set('LastSuspensionTime', epoch(opts.now));
  setStatus(ad, JobStatus.Suspended, opts.now);
  return { ad, events: [{ code: 10, ...ids(ad), time: opts.now, numPids: opts.numPids }], leaveQueue: false, killRun: false };
}

/** The startd continued them: Running again, event 011, the time suspended added up (recordResumeEvent). */
export function jobUnsuspended(adIn: ClassAd, opts: { now: Date }): Transition {
  const ad = adIn.clone();
  const since = ad.getInt('LastSuspensionTime') ?? 0;
  let cumulative = ad.getInt('CumulativeSuspensionTime') ?? 0;
  if (since > 0) {
    const suspended = Math.max(0, epoch(opts.now) - since);
    cumulative += suspended;
    ad.set('UncommittedSuspensionTime', (ad.getInt('UncommittedSuspensionTime') ?? 0) + suspended);
  }
  ad.set('CumulativeSuspensionTime', cumulative);
  ad.set('LastSuspensionTime', 0);
  setStatus(ad, JobStatus.Running, opts.now);
  return { ad, events: [{ code: 11, ...ids(ad), time: opts.now }], leaveQueue: false, killRun: false };
}

/** condor_release: only held jobs, back to JobStatusOnRelease (Idle by default). */
export function releaseJob(adIn: ClassAd, opts: { now: Date; reason: string }): Transition | Refusal {
  if (adIn.getInt('JobStatus') !== JobStatus.Held || adIn.getInt('HoldReasonCode') === HoldCode.SpoolingInput) {
    return { refused: 'bad-status', message: `Job ${jobName(adIn)} not held to be released` };
  }
  const ad = adIn.clone();
  for (const name of ['HoldReason', 'HoldReasonCode', 'HoldReasonSubCode']) {
    const source = ad.getSource(name);
    if (source !== undefined) ad.setExpr(`Last${name}`, source);
    ad.delete(name);
  }
  setStatus(ad, ad.getInt('JobStatusOnRelease') ?? JobStatus.Idle, opts.now);
  ad.set('ReleaseReason', opts.reason);
  return { ad, events: [{ code: 13, ...ids(ad), time: opts.now, reason: opts.reason }], leaveQueue: false, killRun: false };
}

/**
 * condor_vacate_job: only running jobs. The status does not change here: the run is killed, and the
 * job goes back to Idle (event 004) when the startd reports that the run has ended.
 */
export function vacateJob(adIn: ClassAd, opts: { now: Date; reason: string; reasonCode: number }): Transition | Refusal {
  const status = adIn.getInt('JobStatus');
  if (status !== JobStatus.Running && status !== JobStatus.TransferringOutput) {
    return { refused: 'bad-status', message: `Job ${jobName(adIn)} not running to be vacated` };
  }
  const ad = adIn.clone();
  ad.set('VacateReason', opts.reason);
  ad.set('VacateReasonCode', opts.reasonCode);
  ad.set('LastVacateTime', epoch(opts.now));
  return { ad, events: [], leaveQueue: false, killRun: true };
}

/**
 * The recorded run of a job that is no longer running (held or vacated meanwhile) is gone with its slot
 * or startd: the job itself does not change, nothing is logged, the run is forgotten.
 */
export function runDropped(adIn: ClassAd): Transition {
  return { ad: adIn, events: [], leaveQueue: false, killRun: false };
}

/**
 * The schedd started again while a run that cannot reconnect was under way (local and scheduler universe,
 * universeCanReconnect false): back to Idle at once and without an event, as HTCondor's mark_job_stopped.
 */
export function runStopped(adIn: ClassAd, opts: { now: Date }): Transition {
  const ad = adIn.clone();
  endRun(ad, opts.now, undefined);
  setStatus(ad, JobStatus.Idle, opts.now);
  rotateMatchList(ad);
  return { ad, events: [], leaveQueue: false, killRun: false };
}

/** The run ended without the job exiting (vacated, or its startd went away): back to Idle, event 004. */
export function runEvicted(adIn: ClassAd, opts: { now: Date; reason: string; reasonCode: number; reasonSubCode?: number; usage?: Usage; execution?: ExecutionSpan }): Transition {
  const ad = adIn.clone();
  endRun(ad, opts.now, opts.usage, opts.execution);
  setStatus(ad, JobStatus.Idle, opts.now);
  rotateMatchList(ad);
  ad.set('VacateReason', opts.reason);
  ad.set('VacateReasonCode', opts.reasonCode);
  if (opts.reasonSubCode !== undefined) ad.set('VacateReasonSubCode', opts.reasonSubCode);
  const usage = toRusage(opts.usage?.userSeconds ?? 0, opts.usage?.systemSeconds ?? 0);
  return {
    ad,
    events: [
      {
        code: 4,
        ...ids(ad),
        time: opts.now,
        checkpointed: false,
        reason: opts.reason,
        reasonCode: opts.reasonCode,
        reasonSubCode: opts.reasonSubCode ?? 0,
        runRemoteUsage: usage,
        runLocalUsage: toRusage(0, 0),
        sentBytes: 0,
        receivedBytes: 0,
      },
    ],
    leaveQueue: false,
    killRun: false,
  };
}

/**
 * The run's startd is away and the job waits for it within its lease (job-lease.ts): event 022 with the
 * reason, JobDisconnectedDate set (UniShadow::resourceDisconnected; Scheduler::makeReconnectRecordFromJob
 * writes the event alone, after a restart of the schedd).
 */
export function runDisconnected(adIn: ClassAd, opts: { now: Date; reason: string; startdName: string; startdAddr: string; setDate: boolean }): Transition {
  const ad = adIn.clone();
  if (opts.setDate) ad.set('JobDisconnectedDate', epoch(opts.now));
  return {
    ad,
    events: [{ code: 22, ...ids(ad), time: opts.now, reason: opts.reason, startdName: opts.startdName, startdAddr: opts.startdAddr }],
    leaveQueue: false,
    killRun: false,
  };
}

/** The startd came back with the run: event 023, NumJobReconnects counted, JobDisconnectedDate undefined (UniShadow::resourceReconnected). */
export function runReconnected(adIn: ClassAd, opts: { now: Date; startdName: string; startdAddr: string }): Transition {
  const ad = adIn.clone();
  ad.set('NumJobReconnects', (ad.getInt('NumJobReconnects') ?? 0) + 1);
  ad.delete('JobDisconnectedDate');
  ad.set('LastJobLeaseRenewal', epoch(opts.now));
  return {
    ad,
    events: [{ code: 23, ...ids(ad), time: opts.now, startdName: opts.startdName, startdAddr: opts.startdAddr, starterAddr: opts.startdAddr }],
    leaveQueue: false,
    killRun: false,
  };
}

/**
 * The run cannot be reconnected to (BaseShadow::reconnectFailed): event 024, then the job goes back to Idle:
 * evicted (004, reason code ReconnectFailed) by a shadow that had been connected, or, by one the schedd started
 * to reconnect after its restart (JOB_RECONNECT_FAILED), without an event (evictJob logs none then).
 */
export function runReconnectFailed(adIn: ClassAd, opts: { now: Date; reason: string; startdName: string; afterRestart: boolean }): Transition {
  const failed: JobEvent = { code: 24, ...ids(adIn), time: opts.now, reason: opts.reason, startdName: opts.startdName };
  const evicted = runEvicted(adIn, { now: opts.now, reason: opts.reason, reasonCode: VacateCode.ReconnectFailed });
  evicted.ad.delete('JobDisconnectedDate');
  return { ...evicted, events: opts.afterRestart ? [failed] : [failed, ...evicted.events] };
}

/**
 * The starter failed the run with a critical error and no hold code (pseudo_ulog): its 021 event, then the
 * shadow's evictJob(JOB_SHOULD_REQUEUE) puts the job back to Idle with `Error from <host>: <message>`.
 */
export function runErrored(adIn: ClassAd, opts: { now: Date; executeHost: string; message: string }): Transition {
  const reason = `Error from ${opts.executeHost}: ${opts.message}`;
  const evicted = runEvicted(adIn, { now: opts.now, reason, reasonCode: VacateCode.JobShouldRequeue });
  const remoteError: JobEvent = { code: 21, ...ids(evicted.ad), time: opts.now, daemon: 'starter', executeHost: opts.executeHost, message: opts.message, critical: true };
  return { ...evicted, events: [remoteError, ...evicted.events] };
}

/** condor_rm: any job not already being removed (schedd.cpp actOnJobs, JA_REMOVE_JOBS). */
export function removeJob(adIn: ClassAd, opts: { now: Date; reason: string }): Transition | Refusal {
  const status = adIn.getInt('JobStatus');
  if (status === JobStatus.Removed) return { refused: 'already-done', message: `Job ${jobName(adIn)} already marked for removal` };
  const ad = adIn.clone();
  const wasRunning = holdsRun(status);
  if (wasRunning) endRun(ad, opts.now, undefined);
  setStatus(ad, JobStatus.Removed, opts.now);
  ad.set('RemoveReason', opts.reason);
  ad.set('CompletionDate', epoch(opts.now));
  return {
    ad,
    events: [{ code: 9, ...ids(ad), time: opts.now, reason: opts.reason }],
    leaveQueue: !(ad.getBool('LeaveJobInQueue') ?? false),
    killRun: wasRunning,
  };
}

/**
 * condor_rm -forcex: a job already removed (X), or held to be removed on release, leaves the queue at once
 * whatever LeaveJobInQueue says; the abort event is logged again and a run still going is killed
 * (schedd.cpp actOnJobs, JA_REMOVE_X_JOBS).
 */
export function forceRemoveJob(adIn: ClassAd, opts: { now: Date; reason: string }): Transition | Refusal {
  const status = adIn.getInt('JobStatus');
  if (status !== JobStatus.Removed && !(status === JobStatus.Held && adIn.getInt('JobStatusOnRelease') === JobStatus.Removed)) {
    return { refused: 'bad-status', message: `Job ${jobName(adIn)} not in \`X' state to be forcibly removed` };
  }
  const ad = adIn.clone();
  const wasRunning = holdsRun(status);
  if (wasRunning) endRun(ad, opts.now, undefined);
  if (status !== JobStatus.Removed) setStatus(ad, JobStatus.Removed, opts.now);
  ad.set('RemoveReason', opts.reason);
  ad.set('LeaveJobInQueue', false);
  return { ad, events: [{ code: 9, ...ids(ad), time: opts.now, reason: opts.reason }], leaveQueue: true, killRun: wasRunning };
}

/**
 * The input sandbox of a job submitted with `condor_submit -spool` arrived in its SPOOL directory: the job
 * leaves the SpoolingInput hold for Idle. `rewrites` point Cmd/In at the spooled copies (schedd.cpp
 * spoolJobFilesReaper rewrites the same attributes).
 */
export function inputSpooled(adIn: ClassAd, opts: { now: Date; rewrites: Record<string, string | null> }): Transition | Refusal {
  if (adIn.getInt('JobStatus') !== JobStatus.Held || adIn.getInt('HoldReasonCode') !== HoldCode.SpoolingInput) {
    return { refused: 'bad-status', message: `Job ${jobName(adIn)} is not waiting for its input to be spooled` };
  }
  const ad = adIn.clone();
  for (const [name, value] of Object.entries(opts.rewrites)) {
    if (value === null) ad.delete(name);
    else ad.set(name, value);
  }
  for (const name of ['HoldReason', 'HoldReasonCode', 'HoldReasonSubCode']) ad.delete(name);
  ad.set('StageInFinish', epoch(opts.now));
  setStatus(ad, JobStatus.Idle, opts.now);
  return { ad, events: [], leaveQueue: false, killRun: false };
}

/**
 * `condor_transfer_data` fetched the spooled output of a completed job: nothing keeps it in the queue any
 * longer, so it goes to the history (and its SPOOL directory is removed).
 */
export function outputFetched(adIn: ClassAd, opts: { now: Date }): Transition | Refusal {
  if (adIn.getInt('JobStatus') !== JobStatus.Completed) {
    return { refused: 'bad-status', message: `Job ${jobName(adIn)} is not completed; its output is not ready to be transferred` };
  }
  const ad = adIn.clone();
  ad.set('StageOutFinish', epoch(opts.now));
  ad.set('LeaveJobInQueue', false);
  return { ad, events: [], leaveQueue: true, killRun: false };
}
