import t from 'tap';
import { ClassAd } from './classad/index.js';
import {
  beginExecution,
  checkpointCommitted,
  checkpointUploadFailed,
  dataflowJobSkipped,
  continueRefusal,
  executionRestarted,
  holdJob,
  isRefusal,
  jobExited,
  matchRejected,
  noopCompleted,
  periodicHoldOfRun,
  jobSuspended,
  jobUnsuspended,
  releaseJob,
  removeJob,
  runDropped,
  setJobPriority,
  runErrored,
  runEvicted,
  runStopped,
  runFailed,
  startRun,
  suspendRefusal,
  vacateJob,
  type Refusal,
  type Transition,
} from './job-state.js';

// 2024-05-01T10:00:00Z and later instants, as epoch seconds.
const T0 = new Date('2024-05-01T10:00:00Z');
const T0_EPOCH = 1714557600;
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

function idleJob(extra: Record<string, string> = {}): ClassAd {
  return ClassAd.fromJSON({
    ClusterId: '7',
    ProcId: '2',
    JobStatus: '1',
    EnteredCurrentStatus: '1714550000',
    RequestCpus: '1',
    RequestMemory: '128',
    RequestDisk: '1024',
    OnExitHold: 'false',
    OnExitRemove: 'true',
    ...extra,
  });
}

const SLOT_RESOURCES = { Cpus: 1, Memory: 128, Disk: 1024 };
/** What the slot gave the run: more than the job asked for. */
const PROVISIONED = { cpus: 2, memoryMb: 2048, diskKb: 50000 };

/** A job that was started at T0 on slot1@exec and began executing. */
function runningJob(extra: Record<string, string> = {}): ClassAd {
  const started = startRun(idleJob(extra), { now: T0, remoteHost: 'slot1@exec.example', provisioned: PROVISIONED }).ad;
  return beginExecution(started, { now: T0, executeHost: '<10.0.0.5:9618>', slotName: 'slot1@exec.example', resources: SLOT_RESOURCES }).ad;
}

const exitOpts = (exitCode: number, seconds = 100) => ({
  now: at(seconds),
  exit: { bySignal: false as const, exitCode },
  usage: { userSeconds: 3.5, systemSeconds: 0.5 },
  bytesSent: 10,
  bytesReceived: 20,
});

function asTransition(x: Transition | Refusal): Transition {
  if (isRefusal(x)) throw new Error(`unexpected refusal: ${x.message}`);
  return x;
}

t.test('startRun: Idle → Running with start bookkeeping, no events', async (t) => {
  const before = idleJob();
  const tr = startRun(before, { now: T0, remoteHost: 'slot1@exec.example', provisioned: PROVISIONED });
  t.equal(tr.ad.getInt('JobStatus'), 2);
  t.equal(tr.ad.getInt('LastJobStatus'), 1);
  t.equal(tr.ad.getInt('EnteredCurrentStatus'), T0_EPOCH);
  t.equal(tr.ad.getString('RemoteHost'), 'slot1@exec.example');
  t.equal(tr.ad.getInt('JobCurrentStartDate'), T0_EPOCH);
  t.equal(tr.ad.getInt('ShadowBday'), T0_EPOCH);
  t.equal(tr.ad.getInt('NumShadowStarts'), 1);
  t.equal(tr.ad.getInt('JobStartDate'), T0_EPOCH);
  t.equal(tr.ad.getInt('CpusProvisioned'), 2);
  t.equal(tr.ad.getInt('MemoryProvisioned'), 2048);
  t.equal(tr.ad.getInt('DiskProvisioned'), 50000);
  t.same(tr.events, []);
  t.equal(tr.leaveQueue, false);
  t.equal(tr.killRun, false);
  t.equal(before.getInt('JobStatus'), 1, 'the input ad is not modified');
  t.equal(before.has('RemoteHost'), false);
});

t.test('startRun: a slot\'s custom resources become <Tag>Provisioned and, with ids, Assigned<Tag>', async (t) => {
  const resources = [{ tag: 'GPUs', quantity: 2, ids: ['GPU-0', 'GPU-1'] }, { tag: 'Bandwidth', quantity: 10 }];
  const ad = startRun(idleJob(), { now: T0, remoteHost: 'slot1@exec.example', provisioned: { ...PROVISIONED, resources } }).ad;
  t.equal(ad.getInt('GPUsProvisioned'), 2);
  t.equal(ad.getString('AssignedGPUs'), 'GPU-0,GPU-1');
  t.equal(ad.getInt('BandwidthProvisioned'), 10);
  t.equal(ad.has('AssignedBandwidth'), false);
});

t.test('startRun a second time keeps JobStartDate and counts shadow starts', async (t) => {
  const first = startRun(idleJob(), { now: T0, remoteHost: 'slot1@a', provisioned: PROVISIONED }).ad;
  const evicted = runEvicted(first, { now: at(50), reason: 'Job vacated by schedd', reasonCode: 1022 }).ad;
  const second = startRun(evicted, { now: at(60), remoteHost: 'slot2@b', provisioned: PROVISIONED }).ad;
  t.equal(second.getInt('JobStartDate'), T0_EPOCH);
  t.equal(second.getInt('JobCurrentStartDate'), T0_EPOCH + 60);
  t.equal(second.getInt('NumShadowStarts'), 2);
  t.equal(second.getInt('LastJobStatus'), 1);
  t.equal(second.getString('RemoteHost'), 'slot2@b');
});

t.test('beginExecution: event 001 with the host, slot and the resources given to the run', async (t) => {
  const started = startRun(idleJob(), { now: T0, remoteHost: 'slot1@exec.example', provisioned: PROVISIONED }).ad;
  const resources = { Cpus: 2, Memory: 4096, Disk: 100000 };
  const tr = beginExecution(started, { now: at(5), executeHost: '<10.0.0.5:9618>', slotName: 'slot1@exec.example', resources });
  t.equal(tr.ad.getInt('JobStatus'), 2, 'status is unchanged');
  t.equal(tr.ad.getInt('NumJobStarts'), 1);
  t.equal(tr.ad.getInt('JobRunCount'), 1);
  t.equal(tr.ad.getInt('JobCurrentStartExecutingDate'), T0_EPOCH + 5);
  t.same(tr.events, [
    {
      code: 1,
      cluster: 7,
      proc: 2,
      time: at(5),
      executeHost: '<10.0.0.5:9618>',
      slotName: 'slot1@exec.example',
      props: { Cpus: 2, Memory: 4096, Disk: 100000 },
    },
  ]);
  t.equal(tr.leaveQueue, false);
  t.equal(tr.killRun, false);
  const again = beginExecution(tr.ad, { now: at(6), executeHost: 'h', slotName: 's', resources: {} });
  t.equal(again.ad.getInt('NumJobStarts'), 2);
  t.equal(again.ad.getInt('JobRunCount'), 2);
});

t.test('jobExited with OnExitRemove true: Completed, event 005, leaves the queue', async (t) => {
  const tr = jobExited(runningJob({ RemoteUserCpu: '1.0' }), exitOpts(0));
  const ad = tr.ad;
  t.equal(ad.getInt('JobStatus'), 4);
  t.equal(ad.getInt('LastJobStatus'), 2);
  t.equal(ad.getInt('EnteredCurrentStatus'), T0_EPOCH + 100);
  t.equal(ad.getInt('CompletionDate'), T0_EPOCH + 100);
  t.equal(ad.getBool('ExitBySignal'), false);
  t.equal(ad.getInt('ExitCode'), 0);
  t.equal(ad.has('ExitSignal'), false);
  t.equal(ad.getInt('ExitStatus'), 0);
  t.equal(ad.getInt('NumJobCompletions'), 1);
  t.equal(ad.getInt('CommittedTime'), 100);
  t.equal(ad.getSource('RemoteWallClockTime'), '100.0');
  t.equal(ad.getNumber('CumulativeSlotTime'), 100);
  t.equal(ad.getNumber('RemoteUserCpu'), 4.5);
  t.equal(ad.getNumber('RemoteSysCpu'), 0.5);
  t.equal(ad.getInt('LastJobLeaseRenewal'), T0_EPOCH + 100);
  t.equal(ad.getNumber('BytesSent'), 10);
  t.equal(ad.getNumber('BytesRecvd'), 20);
  t.equal(ad.getString('LastRemoteHost'), 'slot1@exec.example');
  t.equal(ad.has('RemoteHost'), false);
  t.equal(ad.has('ShadowBday'), false);
  t.equal(ad.has('JobCurrentStartExecutingDate'), false);
  t.same(tr.events, [
    {
      code: 5,
      cluster: 7,
      proc: 2,
      time: at(100),
      exit: { bySignal: false, returnValue: 0 },
      runRemoteUsage: { userSeconds: 3.5, systemSeconds: 0.5 },
      runLocalUsage: { userSeconds: 0, systemSeconds: 0 },
      totalRemoteUsage: { userSeconds: 4.5, systemSeconds: 0.5 },
      totalLocalUsage: { userSeconds: 0, systemSeconds: 0 },
      sentBytes: 10,
      receivedBytes: 20,
      totalSentBytes: 10,
      totalReceivedBytes: 20,
      resources: { cpus: [null, 1, 2], disk: [null, 1024, 50000], memory: [null, 128, 2048] },
    },
  ]);
  t.equal(tr.leaveQueue, true);
  t.equal(tr.killRun, false);
});

t.test('jobExited: LeaveJobInQueue keeps a completed job in the queue', async (t) => {
  const tr = jobExited(runningJob({ LeaveJobInQueue: 'true' }), exitOpts(0));
  t.equal(tr.ad.getInt('JobStatus'), 4);
  t.equal(tr.leaveQueue, false);
});

t.test('jobExited without OnExitRemove completes the job (HTCondor default)', async (t) => {
  const ad = runningJob();
  ad.delete('OnExitRemove');
  ad.delete('OnExitHold');
  const tr = jobExited(ad, exitOpts(3));
  t.equal(tr.ad.getInt('JobStatus'), 4);
  t.equal(tr.events[0].code, 5);
  t.equal(tr.leaveQueue, true);
});

t.test('jobExited by a signal records ExitSignal, drops ExitCode', async (t) => {
  const tr = jobExited(runningJob({ ExitCode: '1' }), {
    ...exitOpts(0),
    exit: { bySignal: true, signal: 9 },
  });
  t.equal(tr.ad.getBool('ExitBySignal'), true);
  t.equal(tr.ad.getInt('ExitSignal'), 9);
  t.equal(tr.ad.has('ExitCode'), false);
  t.equal(tr.ad.getInt('ExitStatus'), 0);
  const event = tr.events[0];
  t.equal(event.code, 5);
  if (event.code === 5) t.same(event.exit, { bySignal: true, signal: 9 });
});

t.test('jobExited accumulates usage, bytes and completions over runs', async (t) => {
  const first = jobExited(runningJob({ OnExitRemove: 'NumJobCompletions >= 2' }), exitOpts(1, 100));
  t.equal(first.ad.getInt('JobStatus'), 1, 'requeued after the first run');
  const restarted = startRun(first.ad, { now: at(200), remoteHost: 'slot2@other', provisioned: PROVISIONED }).ad;
  const second = jobExited(restarted, exitOpts(0, 230));
  t.equal(second.ad.getInt('JobStatus'), 4);
  t.equal(second.ad.getInt('NumJobCompletions'), 2);
  t.equal(second.ad.getNumber('RemoteWallClockTime'), 130);
  t.equal(second.ad.getNumber('RemoteUserCpu'), 7);
  t.equal(second.ad.getNumber('RemoteSysCpu'), 1);
  t.equal(second.ad.getNumber('BytesSent'), 20);
  t.equal(second.ad.getNumber('BytesRecvd'), 40);
  t.equal(second.ad.getString('LastRemoteHost'), 'slot2@other');
  t.equal(second.ad.getInt('NumShadowStarts'), 2);
  const event = second.events[0];
  if (event.code !== 5) throw new Error('expected event 005');
  t.same(event.totalRemoteUsage, { userSeconds: 7, systemSeconds: 1 });
  t.equal(event.totalSentBytes, 20);
  t.equal(event.totalReceivedBytes, 40);
  t.equal(event.sentBytes, 10);
});

t.test('jobExited with OnExitHold true and its own reason/subcode: Held, event 012', async (t) => {
  const job = runningJob({
    OnExitHold: 'ExitCode != 0',
    OnExitHoldReason: '"exit code was not zero"',
    OnExitHoldSubCode: '42',
    NumHolds: '2',
  });
  const tr = jobExited(job, exitOpts(1));
  t.equal(tr.ad.getInt('JobStatus'), 5);
  t.equal(tr.ad.getInt('LastJobStatus'), 2);
  t.equal(tr.ad.getInt('EnteredCurrentStatus'), T0_EPOCH + 100);
  t.equal(tr.ad.getString('HoldReason'), 'exit code was not zero');
  t.equal(tr.ad.getInt('HoldReasonCode'), 3);
  t.equal(tr.ad.getInt('HoldReasonSubCode'), 42);
  t.equal(tr.ad.getInt('NumHolds'), 3);
  t.equal(tr.ad.getInt('NumJobCompletions'), 1);
  t.equal(tr.ad.getInt('ExitCode'), 1);
  t.same(tr.events, [
    { code: 12, cluster: 7, proc: 2, time: at(100), reason: 'exit code was not zero', reasonCode: 3, reasonSubCode: 42 },
  ]);
  t.equal(tr.leaveQueue, false);
  t.equal(tr.killRun, false);
});

t.test('jobExited: OnExitHold wins over OnExitRemove', async (t) => {
  const tr = jobExited(runningJob({ OnExitHold: 'true', OnExitRemove: 'false' }), exitOpts(0));
  t.equal(tr.ad.getInt('JobStatus'), 5);
  t.equal(tr.events[0].code, 12);
  t.equal(tr.ad.getInt('HoldReasonSubCode'), 0);
});

t.test("jobExited: default on_exit_hold reason is UserPolicy::FiringReason's", async (t) => {
  const tr = jobExited(runningJob({ OnExitHold: 'ExitCode != 0' }), exitOpts(1));
  t.equal(tr.ad.getString('HoldReason'), "The job attribute OnExitHold expression 'ExitCode != 0' evaluated to TRUE");
});

t.test('jobExited with OnExitRemove false: requeued to Idle with event 004', async (t) => {
  const tr = jobExited(runningJob({ OnExitRemove: 'ExitCode == 0' }), exitOpts(3));
  t.equal(tr.ad.getInt('JobStatus'), 1);
  t.equal(tr.ad.getInt('LastJobStatus'), 2);
  t.equal(tr.ad.getInt('EnteredCurrentStatus'), T0_EPOCH + 100);
  t.equal(tr.ad.getInt('NumJobCompletions'), 1);
  t.equal(tr.ad.getInt('ExitCode'), 3);
  t.equal(tr.ad.has('RemoteHost'), false);
  t.same(tr.events, [
    {
      code: 4,
      cluster: 7,
      proc: 2,
      time: at(100),
      checkpointed: false,
      terminatedAndRequeued: true,
      exit: { bySignal: false, returnValue: 3 },
      reason: "The job attribute OnExitRemove expression 'ExitCode == 0' evaluated to FALSE",
      runRemoteUsage: { userSeconds: 3.5, systemSeconds: 0.5 },
      runLocalUsage: { userSeconds: 0, systemSeconds: 0 },
      sentBytes: 10,
      receivedBytes: 20,
    },
  ]);
  t.equal(tr.leaveQueue, false);
  t.equal(tr.killRun, false);
});

t.test('jobExited: OnExitRemove = 0 requeues (HTCondor treats numbers as booleans)', async (t) => {
  const tr = jobExited(runningJob({ OnExitRemove: '0' }), exitOpts(0));
  t.equal(tr.ad.getInt('JobStatus'), 1);
  t.equal(tr.events[0].code, 4);
});

// UserPolicy::AnalyzeSinglePeriodicPolicy does not treat UNDEFINED as firing (the code for that is #if 0),
// and AnalyzePolicy removes the job unless OnExitRemove is exactly false.
t.test('jobExited: an UNDEFINED OnExitRemove completes the job, an UNDEFINED OnExitHold does not hold', async (t) => {
  const removed = jobExited(runningJob({ OnExitRemove: 'NoSuchAttr == 1' }), exitOpts(0));
  t.equal(removed.ad.getInt('JobStatus'), 4);
  t.equal(removed.leaveQueue, true);
  const notHeld = jobExited(runningJob({ OnExitHold: 'NoSuchAttr == 1' }), exitOpts(0));
  t.equal(notHeld.ad.getInt('JobStatus'), 4);
});

t.test('runFailed in input transfer: Held with code 13 and the run closed', async (t) => {
  const tr = runFailed(runningJob(), { now: at(30), stage: 'input', reason: 'Transfer input files failure: no such file in.dat' });
  const ad = tr.ad;
  t.equal(ad.getInt('JobStatus'), 5);
  t.equal(ad.getInt('LastJobStatus'), 2);
  t.equal(ad.getInt('EnteredCurrentStatus'), T0_EPOCH + 30);
  t.equal(ad.getString('HoldReason'), 'Transfer input files failure: no such file in.dat');
  t.equal(ad.getInt('HoldReasonCode'), 13);
  t.equal(ad.getInt('HoldReasonSubCode'), 0);
  t.equal(ad.getInt('NumHolds'), 1);
  t.equal(ad.getNumber('RemoteWallClockTime'), 30);
  t.equal(ad.has('RemoteUserCpu'), false, 'no usage was reported');
  t.equal(ad.getString('LastRemoteHost'), 'slot1@exec.example');
  t.equal(ad.has('RemoteHost'), false);
  t.same(tr.events, [
    { code: 12, cluster: 7, proc: 2, time: at(30), reason: 'Transfer input files failure: no such file in.dat', reasonCode: 13, reasonSubCode: 0 },
  ]);
  t.equal(tr.leaveQueue, false);
  t.equal(tr.killRun, false);
});

t.test('runFailed in output transfer: hold code 12', async (t) => {
  const tr = runFailed(runningJob(), { now: at(30), stage: 'output', reason: 'out' });
  t.equal(tr.ad.getInt('HoldReasonCode'), 12);
  const event = tr.events[0];
  if (event.code !== 12) throw new Error('expected event 012');
  t.equal(event.reasonCode, 12);
});

t.test('runFailed by the OOM killer: hold code 34 (JobOutOfResources), subcode 102 (Memory)', async (t) => {
  const tr = runFailed(runningJob(), { now: at(30), stage: 'memory', reason: 'Error from slot1@h: Job has gone over cgroup memory limit of 128 megabytes.' });
  t.equal(tr.ad.getInt('HoldReasonCode'), 34);
  t.equal(tr.ad.getInt('HoldReasonSubCode'), 102);
});

t.test('runFailed by the OOM killer with retry_request_memory: Idle with the larger request, 021 and 004 logged', async (t) => {
  const job = runningJob();
  job.set('RequestMemory', 128).set('TransformOnEvict', 'RequestMemory');
  job.set('TransformBody_RequestMemory', 'REQUIREMENTS (VacateReasonCode==21 || VacateReasonCode == 34) && VacateReasonSubCode == 102\x1eSET RequestMemory 512');
  const logged: string[] = [];
  const settings = { configRaw: () => undefined, env: {} };
  const reason = 'Error from slot1@h: Job has gone over cgroup memory limit of 128 megabytes.';
  const tr = runFailed(job, { now: at(30), stage: 'memory', reason, evictTransforms: settings, evictLog: (line) => logged.push(line) });
  t.equal(tr.ad.getInt('JobStatus'), 1);
  t.equal(tr.ad.getInt('RequestMemory'), 512);
  t.same([tr.ad.getString('VacateReason'), tr.ad.getInt('VacateReasonCode'), tr.ad.getInt('VacateReasonSubCode')], [reason, 34, 102]);
  t.equal(tr.ad.has('HoldReasonCode'), false);
  t.same(tr.events.map((event) => event.code), [21, 4]);
  t.match(tr.events[0], { executeHost: 'slot1@h', message: 'Job has gone over cgroup memory limit of 128 megabytes.', critical: true });
  t.match(tr.events[1], { reason, reasonCode: 34, reasonSubCode: 102 });
  t.same(logged, ['TransformOnEvict 7.2 MATCHES RequestMemory requirements', 'TransformOnEvict=RequestMemory applied to job 7.2, skipping other transforms']);

  // At its last value the request cannot grow: held as without it.
  const again = runFailed(job.clone().set('RequestMemory', 512), { now: at(30), stage: 'memory', reason, evictTransforms: settings });
  t.equal(again.ad.getInt('JobStatus'), 5);
  t.same(again.events.map((event) => event.code), [12]);
});

/** A job whose own eviction check (on_evict_checks = Grow) doubles its memory when a policy (hold code 3) holds it. */
function policyCheckedJob(): ClassAd {
  const job = runningJob({ OnExitHold: 'ExitCode == 3', PeriodicHold: 'true', PeriodicHoldReason: '"too slow"', PeriodicHoldSubCode: '7' });
  job.set('RequestMemory', 128).set('TransformOnEvict', 'Grow');
  return job.set('TransformBody_Grow', 'REQUIREMENTS HoldReasonCode == 3 && RequestMemory < 512\x1eEVALSET RequestMemory RequestMemory * 2\x1eSET LastGrowth HoldReasonSubCode');
}
const EVICT_SETTINGS = { configRaw: () => undefined, env: {} };

t.test('on_exit_hold with an eviction transform that changes the request: Idle with it, nothing logged (jobExitCode)', async (t) => {
  const logged: string[] = [];
  const tr = jobExited(policyCheckedJob(), { ...exitOpts(3), evictTransforms: EVICT_SETTINGS, evictLog: (line) => logged.push(line) });
  t.equal(tr.ad.getInt('JobStatus'), 1);
  t.equal(tr.ad.getInt('RequestMemory'), 256);
  t.equal(tr.ad.getInt('LastGrowth'), 0, 'the transform saw the hold the shadow wrote');
  t.same([tr.ad.getInt('HoldReasonCode'), tr.ad.getString('HoldReason')], [3, "The job attribute OnExitHold expression 'ExitCode == 3' evaluated to TRUE"]);
  t.equal(tr.ad.has('NumHolds'), false);
  t.same(tr.events, []);
  t.equal(tr.ad.getNumber('RemoteWallClockTime'), 100, 'the run ended');
  t.same(logged, ['TransformOnEvict 7.2 MATCHES Grow requirements', 'TransformOnEvict=Grow applied to job 7.2, skipping other transforms']);

  // Its requirements false at the limit: held as without it; without the settings (no schedd) too.
  const atLimit = jobExited(policyCheckedJob().set('RequestMemory', 512), { ...exitOpts(3), evictTransforms: EVICT_SETTINGS });
  t.equal(atLimit.ad.getInt('JobStatus'), 5);
  t.same(atLimit.events.map((event) => event.code), [12]);
  t.equal(jobExited(policyCheckedJob(), exitOpts(3)).ad.getInt('JobStatus'), 5);
  // A transform that changes no request leaves its changes and the job is held.
  const other = policyCheckedJob().set('TransformBody_Grow', 'SET LastGrowth 1');
  const kept = jobExited(other, { ...exitOpts(3), evictTransforms: EVICT_SETTINGS });
  t.same([kept.ad.getInt('JobStatus'), kept.ad.getInt('LastGrowth'), kept.ad.getInt('RequestMemory')], [5, 1, 128]);
});

t.test('periodicHoldOfRun: the hold of a running job may be cured by an eviction transform; an idle job is held', async (t) => {
  const tr = asTransition(periodicHoldOfRun(policyCheckedJob(), { now: at(40), reason: 'too slow', code: 3, subCode: 7, evictTransforms: EVICT_SETTINGS }));
  t.equal(tr.ad.getInt('JobStatus'), 1);
  t.same([tr.ad.getInt('RequestMemory'), tr.ad.getInt('LastGrowth'), tr.ad.getString('HoldReason')], [256, 7, 'too slow']);
  t.equal(tr.killRun, true);
  t.same(tr.events, []);
  t.equal(tr.ad.has('RemoteHost'), false, 'the run ended');

  const held = asTransition(periodicHoldOfRun(policyCheckedJob().set('RequestMemory', 512), { now: at(40), reason: 'too slow', code: 3, subCode: 7, evictTransforms: EVICT_SETTINGS }));
  t.same([held.ad.getInt('JobStatus'), held.killRun], [5, true]);
  t.same(held.events.map((event) => event.code), [12]);

  const idle = policyCheckedJob().set('JobStatus', 1);
  const idleHeld = asTransition(periodicHoldOfRun(idle, { now: at(40), reason: 'too slow', code: 3, subCode: 7, evictTransforms: EVICT_SETTINGS }));
  t.same([idleHeld.ad.getInt('JobStatus'), idleHeld.ad.getInt('RequestMemory')], [5, 128]);
});

t.test('a run that reports its memory sets ImageSize, ResidentSetSize and the MemoryUsage expression', async (t) => {
  const measured = jobExited(runningJob(), { ...exitOpts(0), usage: { userSeconds: 1, systemSeconds: 0, residentSetSizeKb: 102400, imageSizeKb: 150000 } });
  t.equal(measured.ad.getInt('ResidentSetSize'), 102400);
  t.equal(measured.ad.getInt('ImageSize'), 150000);
  t.equal(measured.ad.getSource('MemoryUsage'), '((ResidentSetSize + 1023) / 1024)');
  t.equal(measured.ad.getNumber('MemoryUsage'), 100);
  const unmeasured = jobExited(runningJob(), exitOpts(0));
  t.equal(unmeasured.ad.has('MemoryUsage'), false, 'no measurement, no MemoryUsage');
});

t.test('runFailed starting the executable: hold code 6 (FailedToCreateProcess), subcode as given', async (t) => {
  const tr = runFailed(runningJob(), { now: at(30), stage: 'execute', reason: "Failed to execute '/bin/nope'", subCode: 2 });
  t.equal(tr.ad.getInt('HoldReasonCode'), 6);
  t.equal(tr.ad.getInt('HoldReasonSubCode'), 2);
  t.same(tr.events, [{ code: 12, cluster: 7, proc: 2, time: at(30), reason: "Failed to execute '/bin/nope'", reasonCode: 6, reasonSubCode: 2 }]);
});

t.test('runFailed uploading a checkpoint: hold code 36, subcode -1', async (t) => {
  const tr = runFailed(runningJob(), { now: at(30), stage: 'checkpoint', reason: 'Starter failed to upload checkpoint' });
  t.equal(tr.ad.getInt('JobStatus'), 5);
  t.equal(tr.ad.getString('HoldReason'), 'Starter failed to upload checkpoint');
  t.equal(tr.ad.getInt('HoldReasonCode'), 36);
  t.equal(tr.ad.getInt('HoldReasonSubCode'), -1);
});

t.test('checkpointCommitted: stays Running, CommittedTime counts from the run start, then from the last checkpoint', async (t) => {
  const first = checkpointCommitted(runningJob(), { now: at(60), checkpointNumber: 0 });
  t.equal(first.ad.getInt('JobStatus'), 2);
  t.equal(first.ad.getInt('CommittedTime'), 60);
  t.equal(first.ad.getInt('CheckpointNumber'), 0);
  t.equal(first.ad.getInt('JobLastCheckpointTime'), T0_EPOCH + 60);
  t.equal(first.ad.getInt('LastCkptTime'), T0_EPOCH + 60);
  t.equal(first.ad.getInt('NumCkpts'), 1);
  t.equal(first.ad.getString('RemoteHost'), 'slot1@exec.example', 'the run goes on');
  t.same(first.events, []);
  t.equal(first.leaveQueue, false);
  t.equal(first.killRun, false);
  const second = checkpointCommitted(first.ad, { now: at(90), checkpointNumber: 1 });
  t.equal(second.ad.getInt('CommittedTime'), 90);
  t.equal(second.ad.getInt('NumCkpts'), 2);
  const exited = jobExited(second.ad, exitOpts(0, 100));
  t.equal(exited.ad.getInt('CommittedTime'), 100, 'the exit commits the work since the last checkpoint');
});

t.test('checkpointUploadFailed: only CheckpointNumber moves on; nothing is committed or logged', async (t) => {
  const first = checkpointCommitted(runningJob(), { now: at(60), checkpointNumber: 0 });
  const failed = checkpointUploadFailed(first.ad, { checkpointNumber: 1 });
  t.equal(failed.ad.getInt('CheckpointNumber'), 1);
  t.equal(failed.ad.getInt('CommittedTime'), 60);
  t.equal(failed.ad.getInt('NumCkpts'), 1);
  t.equal(failed.ad.getInt('JobLastCheckpointTime'), T0_EPOCH + 60);
  t.equal(failed.ad.getInt('JobStatus'), 2, 'the run goes on');
  t.same(failed.events, []);
  t.equal(failed.killRun, false);
});

t.test('an eviction loses the work since the last checkpoint', async (t) => {
  const ckpt = checkpointCommitted(runningJob(), { now: at(60), checkpointNumber: 0 }).ad;
  const evicted = runEvicted(ckpt, { now: at(80), reason: 'Job vacated by schedd', reasonCode: 1022 }).ad;
  t.equal(evicted.getInt('CommittedTime'), 60);
  t.equal(evicted.getNumber('RemoteWallClockTime'), 80);
});

t.test('holdJob of a running job: Held, event 012, the run is killed', async (t) => {
  const tr = asTransition(holdJob(runningJob(), { now: at(20), reason: 'via condor_hold (by user alice)', code: 1, subCode: 0 }));
  t.equal(tr.ad.getInt('JobStatus'), 5);
  t.equal(tr.ad.getInt('LastJobStatus'), 2);
  t.equal(tr.ad.getString('HoldReason'), 'via condor_hold (by user alice)');
  t.equal(tr.ad.getInt('HoldReasonCode'), 1);
  t.equal(tr.ad.getString('VacateReason'), 'via condor_hold (by user alice)');
  t.equal(tr.ad.getNumber('RemoteWallClockTime'), 20);
  t.equal(tr.ad.has('RemoteHost'), false);
  t.same(tr.events, [{ code: 12, cluster: 7, proc: 2, time: at(20), reason: 'via condor_hold (by user alice)', reasonCode: 1, reasonSubCode: 0 }]);
  t.equal(tr.killRun, true);
  t.equal(tr.leaveQueue, false);
});

t.test('holdJob of an idle job has nothing to kill; a policy hold can be replaced by a user hold', async (t) => {
  const tr = asTransition(holdJob(idleJob(), { now: at(1), reason: 'r', code: 1, subCode: 0 }));
  t.equal(tr.killRun, false);
  t.equal(tr.ad.has('RemoteWallClockTime'), false);
  const policyHeld = idleJob({ JobStatus: '5', HoldReasonCode: '3' });
  t.equal(isRefusal(holdJob(policyHeld, { now: at(1), reason: 'r', code: 1, subCode: 0 })), false);
});

t.test('holdJob refusals', async (t) => {
  const hold = (extra: Record<string, string>) => holdJob(idleJob(extra), { now: T0, reason: 'r', code: 1, subCode: 0 });
  t.same(hold({ JobStatus: '3' }), { refused: 'bad-status', message: 'Job 7.2 is being removed and cannot be held' });
  t.same(hold({ JobStatus: '4' }), { refused: 'bad-status', message: 'Job 7.2 is completed and cannot be held' });
  t.same(hold({ JobStatus: '5', HoldReasonCode: '1' }), { refused: 'already-done', message: 'Job 7.2 already held' });
  t.same(hold({ JobStatus: '5', HoldReasonCode: '16' }), { refused: 'already-done', message: 'Job 7.2 already held' });
});

t.test('releaseJob: back to Idle, hold attributes moved to Last*, event 013', async (t) => {
  const held = asTransition(holdJob(idleJob(), { now: at(1), reason: 'via condor_hold (by user alice)', code: 1, subCode: 4 })).ad;
  const tr = asTransition(releaseJob(held, { now: at(9), reason: 'via condor_release (by user alice)' }));
  t.equal(tr.ad.getInt('JobStatus'), 1);
  t.equal(tr.ad.getInt('LastJobStatus'), 5);
  t.equal(tr.ad.getInt('EnteredCurrentStatus'), T0_EPOCH + 9);
  t.equal(tr.ad.has('HoldReason'), false);
  t.equal(tr.ad.has('HoldReasonCode'), false);
  t.equal(tr.ad.has('HoldReasonSubCode'), false);
  t.equal(tr.ad.getString('LastHoldReason'), 'via condor_hold (by user alice)');
  t.equal(tr.ad.getInt('LastHoldReasonCode'), 1);
  t.equal(tr.ad.getInt('LastHoldReasonSubCode'), 4);
  t.equal(tr.ad.getString('ReleaseReason'), 'via condor_release (by user alice)');
  t.same(tr.events, [{ code: 13, cluster: 7, proc: 2, time: at(9), reason: 'via condor_release (by user alice)' }]);
  t.equal(tr.killRun, false);
  t.equal(tr.leaveQueue, false);
});

t.test('releaseJob honours JobStatusOnRelease and refuses jobs that are not held', async (t) => {
  const tr = asTransition(releaseJob(idleJob({ JobStatus: '5', HoldReasonCode: '1', JobStatusOnRelease: '2' }), { now: T0, reason: 'r' }));
  t.equal(tr.ad.getInt('JobStatus'), 2);
  t.same(releaseJob(idleJob(), { now: T0, reason: 'r' }), { refused: 'bad-status', message: 'Job 7.2 not held to be released' });
});

t.test('releaseJob refuses a job held while spooling input (code 16)', async (t) => {
  const result = releaseJob(idleJob({ JobStatus: '5', HoldReasonCode: '16' }), { now: T0, reason: 'r' });
  t.equal(isRefusal(result), true);
});

t.test('vacateJob: only running jobs; status unchanged, run killed, reason recorded', async (t) => {
  const tr = asTransition(vacateJob(runningJob(), { now: at(15), reason: 'Job vacated by schedd', reasonCode: 1022 }));
  t.equal(tr.ad.getInt('JobStatus'), 2);
  t.equal(tr.ad.getString('VacateReason'), 'Job vacated by schedd');
  t.equal(tr.ad.getInt('VacateReasonCode'), 1022);
  t.equal(tr.ad.getInt('LastVacateTime'), T0_EPOCH + 15);
  t.same(tr.events, []);
  t.equal(tr.killRun, true);
  t.equal(tr.leaveQueue, false);
  t.same(vacateJob(idleJob(), { now: T0, reason: 'r', reasonCode: 1022 }), { refused: 'bad-status', message: 'Job 7.2 not running to be vacated' });
});

t.test("runErrored: the starter's critical error is logged (021), then the job is requeued (004) as evictJob does", async (t) => {
  const tr = runErrored(runningJob(), { now: at(30), executeHost: 'slot1@ep', message: 'Invalid MANIFEST file, aborting.' });
  t.equal(tr.ad.getInt('JobStatus'), 1);
  t.equal(tr.ad.getString('VacateReason'), 'Error from slot1@ep: Invalid MANIFEST file, aborting.');
  t.equal(tr.ad.getInt('VacateReasonCode'), 1005);
  t.same(
    tr.events.map((e) => e.code),
    [21, 4],
  );
  t.match(tr.events[0], { code: 21, daemon: 'starter', executeHost: 'slot1@ep', message: 'Invalid MANIFEST file, aborting.', critical: true });
  t.notOk(tr.leaveQueue);
});

t.test('runEvicted: back to Idle with event 004 and the vacate reason', async (t) => {
  const tr = runEvicted(runningJob(), {
    now: at(40),
    reason: 'Job vacated by schedd',
    reasonCode: 1022,
    usage: { userSeconds: 2, systemSeconds: 0.25 },
  });
  const ad = tr.ad;
  t.equal(ad.getInt('JobStatus'), 1);
  t.equal(ad.getInt('LastJobStatus'), 2);
  t.equal(ad.getInt('EnteredCurrentStatus'), T0_EPOCH + 40);
  t.equal(ad.getString('VacateReason'), 'Job vacated by schedd');
  t.equal(ad.getInt('VacateReasonCode'), 1022);
  t.equal(ad.getNumber('RemoteWallClockTime'), 40);
  t.equal(ad.getNumber('RemoteUserCpu'), 2);
  t.equal(ad.getNumber('RemoteSysCpu'), 0.25);
  t.equal(ad.has('NumJobCompletions'), false);
  t.equal(ad.has('RemoteHost'), false);
  t.same(tr.events, [
    {
      code: 4,
      cluster: 7,
      proc: 2,
      time: at(40),
      checkpointed: false,
      reason: 'Job vacated by schedd',
      reasonCode: 1022,
      reasonSubCode: 0,
      runRemoteUsage: { userSeconds: 2, systemSeconds: 0.25 },
      runLocalUsage: { userSeconds: 0, systemSeconds: 0 },
      sentBytes: 0,
      receivedBytes: 0,
    },
  ]);
  t.equal(tr.leaveQueue, false);
  t.equal(tr.killRun, false);
});

t.test('runEvicted without usage reports zero CPU for the run', async (t) => {
  const tr = runEvicted(runningJob(), { now: at(10), reason: 'Unspecified job interruption', reasonCode: 1005 });
  t.equal(tr.ad.has('RemoteUserCpu'), false);
  const event = tr.events[0];
  if (event.code !== 4) throw new Error('expected event 004');
  t.same(event.runRemoteUsage, { userSeconds: 0, systemSeconds: 0 });
});

t.test('removeJob of an idle job: Removed, event 009, leaves the queue, nothing to kill', async (t) => {
  const tr = asTransition(removeJob(idleJob(), { now: at(5), reason: 'via condor_rm (by user alice)' }));
  t.equal(tr.ad.getInt('JobStatus'), 3);
  t.equal(tr.ad.getInt('LastJobStatus'), 1);
  t.equal(tr.ad.getInt('EnteredCurrentStatus'), T0_EPOCH + 5);
  t.equal(tr.ad.getString('RemoveReason'), 'via condor_rm (by user alice)');
  t.equal(tr.ad.getInt('CompletionDate'), T0_EPOCH + 5);
  t.equal(tr.ad.has('RemoteWallClockTime'), false);
  t.same(tr.events, [{ code: 9, cluster: 7, proc: 2, time: at(5), reason: 'via condor_rm (by user alice)' }]);
  t.equal(tr.leaveQueue, true);
  t.equal(tr.killRun, false);
});

t.test('removeJob of a running job kills the run and closes its accounting', async (t) => {
  const tr = asTransition(removeJob(runningJob(), { now: at(25), reason: 'via condor_rm (by user alice)' }));
  t.equal(tr.ad.getInt('JobStatus'), 3);
  t.equal(tr.ad.getInt('LastJobStatus'), 2);
  t.equal(tr.ad.getNumber('RemoteWallClockTime'), 25);
  t.equal(tr.ad.getString('LastRemoteHost'), 'slot1@exec.example');
  t.equal(tr.ad.has('RemoteHost'), false);
  t.equal(tr.killRun, true);
  t.equal(tr.leaveQueue, true);
  t.equal(tr.events.length, 1);
  t.equal(tr.events[0].code, 9);
});

t.test('removeJob of a held job with LeaveJobInQueue stays in the queue', async (t) => {
  const tr = asTransition(removeJob(idleJob({ JobStatus: '5', LeaveJobInQueue: 'true' }), { now: T0, reason: 'r' }));
  t.equal(tr.ad.getInt('JobStatus'), 3);
  t.equal(tr.ad.getInt('LastJobStatus'), 5);
  t.equal(tr.leaveQueue, false);
  t.equal(tr.killRun, false);
});

t.test('removeJob refuses a job already marked for removal', async (t) => {
  const result = removeJob(idleJob({ JobStatus: '3' }), { now: T0, reason: 'r' });
  t.equal(isRefusal(result), true);
  t.same(result, { refused: 'already-done', message: 'Job 7.2 already marked for removal' });
});

t.test('a dropped run leaves the job as it is and logs nothing', async (t) => {
  const held = ClassAd.fromJSON({ ClusterId: '1', ProcId: '0', JobStatus: '5', HoldReason: '"by user"' });
  const dropped = runDropped(held);
  t.same(dropped.ad.toJSON(), held.toJSON());
  t.same(dropped.events, []);
  t.equal(dropped.leaveQueue, false);
  t.equal(dropped.killRun, false);
});

t.test('condor_prio sets JobPrio in any state and logs nothing', async (t) => {
  const running = ClassAd.fromJSON({ ClusterId: '1', ProcId: '0', JobStatus: '2', JobPrio: '0' });
  const changed = setJobPriority(running, -5);
  t.equal(changed.ad.getInt('JobPrio'), -5);
  t.equal(changed.ad.getInt('JobStatus'), 2);
  t.same(changed.events, []);
  t.equal(running.getInt('JobPrio'), 0, 'the ad given is not changed');
});

t.test('condor_suspend and condor_continue: only a running job is suspended, only a suspended one continued', async (t) => {
  const running = runningJob();
  t.equal(suspendRefusal(running), undefined);
  t.same(suspendRefusal(idleJob()), { refused: 'bad-status', message: 'Job 7.2 not running to be suspended' });
  t.same(continueRefusal(running), { refused: 'bad-status', message: 'Job 7.2 not running to be continued' });

  const suspended = jobSuspended(running, { now: at(10), numPids: 3 });
  t.equal(suspended.ad.getInt('JobStatus'), 7);
  t.equal(suspended.ad.getInt('LastJobStatus'), 2);
  t.equal(suspended.ad.getInt('TotalSuspensions'), 1);
  t.equal(suspended.ad.getInt('LastSuspensionTime'), T0_EPOCH + 10);
  t.match(suspended.events, [{ code: 10, cluster: 7, proc: 2, numPids: 3 }]);
  t.equal(suspended.killRun, false, 'the run goes on, stopped');
  t.equal(continueRefusal(suspended.ad), undefined);
  t.same(vacateJob(suspended.ad, { now: at(11), reason: 'r', reasonCode: 6 }), { refused: 'bad-status', message: 'Job 7.2 not running to be vacated' });

  const resumed = jobUnsuspended(suspended.ad, { now: at(40) });
  t.equal(resumed.ad.getInt('JobStatus'), 2);
  t.equal(resumed.ad.getInt('CumulativeSuspensionTime'), 30);
  t.equal(resumed.ad.getInt('UncommittedSuspensionTime'), 30);
  t.equal(resumed.ad.getInt('LastSuspensionTime'), 0);
  t.match(resumed.events, [{ code: 11 }]);
  const twice = jobUnsuspended(jobSuspended(resumed.ad, { now: at(50), numPids: 1 }).ad, { now: at(55) });
  t.equal(twice.ad.getInt('TotalSuspensions'), 2);
  t.equal(twice.ad.getInt('CumulativeSuspensionTime'), 35);
});

t.test('a suspended job held or removed ends its run, as a running one does', async (t) => {
  const suspended = jobSuspended(runningJob(), { now: at(10), numPids: 1 }).ad;
  const held = holdJob(suspended, { now: at(20), reason: 'via condor_hold', code: 1, subCode: 0 }) as Transition;
  t.equal(held.killRun, true);
  t.equal(held.ad.has('RemoteHost'), false);
  const removed = removeJob(suspended, { now: at(20), reason: 'via condor_rm' }) as Transition;
  t.equal(removed.killRun, true);
});

t.test('activation metrics: setup at the first execution, execution and teardown from the last process, one activation through restarts', async (t) => {
  const idle = idleJob();
  const started = startRun(idle, { now: T0, remoteHost: 'slot1@exec.example', provisioned: PROVISIONED }).ad;
  const executing = beginExecution(started, { now: at(3), executeHost: '<10.0.0.5:9618>', slotName: 'slot1@exec.example', resources: SLOT_RESOURCES }).ad;
  t.equal(executing.getInt('ActivationSetupDuration'), 3);
  const restarted = executionRestarted(executing, { startedAt: at(3).getTime(), exitedAt: at(13).getTime() + 400 }).ad;
  t.equal(restarted.getInt('ActivationExecutionDuration'), 10, 'whole seconds, as time_t');
  const done = jobExited(restarted, { ...exitOpts(0, 40), execution: { startedAt: at(14).getTime(), exitedAt: at(37).getTime() } }).ad;
  t.equal(done.getInt('ActivationDuration'), 40);
  t.equal(done.getInt('ActivationExecutionDuration'), 23, 'the last process only');
  t.equal(done.getInt('ActivationTeardownDuration'), 3);
  t.equal(done.getInt('ActivationSetupDuration'), 3, 'not changed by the restart');

  const evicted = runEvicted(executing, { now: at(20), reason: 'vacated', reasonCode: 6 }).ad;
  t.equal(evicted.getInt('ActivationDuration'), 20);
  t.equal(evicted.has('ActivationTeardownDuration'), false, 'no process end known: no teardown');
  const neverExecuted = runEvicted(started, { now: at(20), reason: 'vacated', reasonCode: 6 }).ad;
  t.equal(neverExecuted.has('ActivationDuration'), false, 'a run that never began executing records none (began_execution)');
});

t.test('matchRejected: LastRejMatchReason and LastRejMatchTime, nothing else', async (t) => {
  const idle = idleJob();
  const rejected = matchRejected(idle, { now: at(5), reason: 'concurrency limit foo reached' });
  t.equal(rejected.ad.getString('LastRejMatchReason'), 'concurrency limit foo reached');
  t.equal(rejected.ad.getInt('LastRejMatchTime'), Math.floor(at(5).getTime() / 1000));
  t.equal(rejected.ad.getInt('JobStatus'), idle.getInt('JobStatus'));
  t.same(rejected.events, []);
  t.equal(idle.has('LastRejMatchReason'), false, 'the ad given is not changed');
});

t.test('runStopped: a run that could not reconnect after a schedd restart goes back to Idle without an event', async (t) => {
  const tr = runStopped(runningJob(), { now: at(40) });
  t.equal(tr.ad.getInt('JobStatus'), 1);
  t.equal(tr.ad.getInt('LastJobStatus'), 2);
  t.equal(tr.ad.getNumber('RemoteWallClockTime'), 40, "the run's wall clock time is counted");
  t.equal(tr.ad.has('RemoteHost'), false);
  t.same(tr.events, []);
  t.notOk(tr.leaveQueue);
  t.notOk(tr.killRun);
});

t.test('match_list_length: LastMatchName0 is the slot matched, rotated as the job goes back to Idle or Held, not as it completes', async (t) => {
  const start = (ad: ClassAd, slot: string, seconds: number) => startRun(ad, { now: at(seconds), remoteHost: slot, provisioned: PROVISIONED, matchName: slot }).ad;
  const names = (ad: ClassAd) => [0, 1, 2, 3].map((i) => ad.getString(`LastMatchName${i}`));
  const first = start(idleJob({ LastMatchListLength: '3' }), 'slot1@a', 0);
  t.same(names(first), ['slot1@a', undefined, undefined, undefined]);
  const evicted = runEvicted(first, { now: at(50), reason: 'Job vacated by schedd', reasonCode: 1022 }).ad;
  t.same(names(evicted), ['slot1@a', 'slot1@a', undefined, undefined], 'LastMatchName0 stays until the next match (RotateAttributeList)');
  const second = start(evicted, 'slot2@b', 60);
  const held = asTransition(holdJob(second, { now: at(70), reason: 'r', code: 1, subCode: 0 })).ad;
  t.same(names(held), ['slot2@b', 'slot2@b', 'slot1@a', undefined]);
  const third = start(held, 'slot3@c', 80);
  const fourth = start(runEvicted(third, { now: at(90), reason: 'v', reasonCode: 1022 }).ad, 'slot4@d', 95);
  t.same(names(fourth), ['slot4@d', 'slot3@c', 'slot2@b', undefined], 'at most LastMatchListLength names');
  const done = jobExited(fourth, exitOpts(0)).ad;
  t.same(names(done), ['slot4@d', 'slot3@c', 'slot2@b', undefined], 'a completed job is not rotated');
  t.equal(start(idleJob(), 'slot1@a', 0).has('LastMatchName0'), false, 'without match_list_length no names are kept');
  t.equal(startRun(idleJob({ LastMatchListLength: '3' }), { now: T0, remoteHost: 'schedd', provisioned: PROVISIONED }).ad.has('LastMatchName0'), false, 'nor for a run without a match (local universe)');
});

t.test('noopCompleted: Completed without a run, a terminate event with the no-op exit and no usage', async (t) => {
  const code = noopCompleted(idleJob({ IsNoopJob: 'true', NoopJobExitCode: '259', NoopJobExitSignal: '9', OnExitRemove: 'false' }), { now: at(5) });
  t.equal(code.ad.getInt('JobStatus'), 4);
  t.equal(code.ad.getInt('LastJobStatus'), 1);
  t.equal(code.ad.has('ExitCode'), false, 'no exit attributes, and the exit policy is not evaluated');
  t.equal(code.leaveQueue, true);
  t.match(code.events, [{ code: 5, cluster: 7, proc: 2, exit: { bySignal: false, returnValue: 3 }, sentBytes: 0, totalRemoteUsage: { userSeconds: 0, systemSeconds: 0 } }], 'the exit code wins, as a wait status holds it');
  t.match(noopCompleted(idleJob({ NoopJobExitSignal: '9' }), { now: at(5) }).events, [{ exit: { bySignal: true, signal: 9 } }]);
  t.match(noopCompleted(idleJob({ NoopJobExitSignal: '0' }), { now: at(5) }).events, [{ exit: { bySignal: false, returnValue: 0 } }]);
  t.equal(noopCompleted(idleJob({ LeaveJobInQueue: 'true' }), { now: at(5) }).leaveQueue, false);
});

t.test('startRun: job_machine_attrs records the slot\'s values, which move down when the job is vacated', async (t) => {
  const slot = ClassAd.fromJSON({ Name: '"slot1@a"', Cpus: '4', Big: '{1, 2}' });
  const first = startRun(idleJob({ JobMachineAttrs: '"Cpus, Big Missing cpus"', JobMachineAttrsHistoryLength: '2' }), { now: T0, remoteHost: 'slot1@a', provisioned: PROVISIONED, slotAd: () => slot }).ad;
  t.same([first.getSource('MachineAttrCpus0'), first.getSource('MachineAttrBig0'), first.getSource('MachineAttrMissing0')], ['4', '{ 1,2 }', 'undefined']);
  t.same(first.names().filter((name) => name.startsWith('MachineAttr')), ['MachineAttrCpus0', 'MachineAttrBig0', 'MachineAttrMissing0'], 'a name listed twice is recorded once');
  const vacated = runEvicted(first, { now: at(10), reason: 'gone', reasonCode: 1005 }).ad;
  t.equal(vacated.getSource('MachineAttrCpus1'), '4');
  t.equal(vacated.getSource('MachineAttrCpus0'), '4', 'the first stays until the next match replaces it');
  let asked = false;
  startRun(idleJob(), { now: T0, remoteHost: 'slot1@a', provisioned: PROVISIONED, slotAd: () => ((asked = true), slot) });
  t.equal(asked, false, 'the slot ad is built only for a job that names attributes');
});

t.test('beginExecution: ulog_execute_attrs adds the slot\'s attributes named to the execute event', async (t) => {
  const slot = ClassAd.fromJSON({ Name: '"slot1@a"', Cpus: '8', OpSys: '"LINUX"', HasDocker: 'true', Big: '{1}' });
  const started = startRun(idleJob({ UserLogExecuteEventAttrs: '"cpus, OpSys HasDocker Big Missing"' }), { now: T0, remoteHost: 'slot1@a', provisioned: PROVISIONED }).ad;
  const execution = beginExecution(started, { now: T0, executeHost: '<10.0.0.5:9618>', slotName: 'slot1@a', resources: SLOT_RESOURCES, slotAd: () => slot });
  t.match(execution.events, [{ code: 1, props: { Cpus: 1, Memory: 128, Disk: 1024, OpSys: 'LINUX', HasDocker: true } }]);
  const props = execution.events[0]?.code === 1 ? execution.events[0].props : undefined;
  t.same(Object.keys(props ?? {}).sort(), ['Cpus', 'Disk', 'HasDocker', 'Memory', 'OpSys'], 'the run\'s own resources are not replaced; a list or a missing attribute adds nothing');
});

t.test('dataflowJobSkipped: a 046, then the exit policy as after an exit with 0 and no usage', async (t) => {
  const started = startRun(idleJob({ SkipIfDataflow: 'true' }), { now: T0, remoteHost: 'slot1@exec.example', provisioned: PROVISIONED }).ad;
  const done = dataflowJobSkipped(started, { now: T0 });
  t.equal(done.ad.getInt('JobStatus'), 4);
  t.same([done.ad.getBool('DataflowJobSkipped'), done.ad.getInt('ExitCode'), done.ad.getBool('ExitBySignal'), done.ad.has('NumJobStarts')], [true, 0, false, false], 'it never executed');
  t.equal(done.ad.getString('LastRemoteHost'), 'slot1@exec.example');
  t.equal(done.leaveQueue, true);
  t.match(done.events, [
    { code: 46, cluster: 7, proc: 2, time: T0 },
    { code: 5, exit: { bySignal: false, returnValue: 0 }, runRemoteUsage: { userSeconds: 0, systemSeconds: 0 }, sentBytes: 0 },
  ]);
  t.equal((done.events[0] as { reason?: string }).reason, undefined, 'the shadow gives no reason');
  const held = dataflowJobSkipped(startRun(idleJob({ OnExitHold: 'ExitCode == 0' }), { now: T0, remoteHost: 'slot1@exec.example', provisioned: PROVISIONED }).ad, { now: T0 });
  t.match(held.events, [{ code: 46 }, { code: 12, reasonCode: 3 }], 'on_exit_hold sees ExitCode 0');
  t.equal(held.ad.getInt('JobStatus'), 5);
});
