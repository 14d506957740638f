import t, { type Test } from 'tap';
import { JobStatus } from '@tinycondor/shared/job-status';
import { DEFAULT_JOB_ATTR_RULES } from '@tinycondor/shared/job-edit';
import { orderKey } from '@tinycondor/shared/job-order';
import type { RunReportMessage } from '@tinycondor/shared/protocol';
import type { JobStore, StoredJob } from './job-store.js';
import { KeptClaims } from './kept-claims.js';
import { QueuedStarts } from './queued-starts.js';
import { RunReports } from './run-reports.js';
import { StartdRegistry } from './startd-registry.js';
import { fakeStartd, NOW, quietLog, reread, scratchQueue, slotOf, startRunOn, storingCommit, submitIdle, type FakeStartd, recordingMatchmaking } from './startd-side.test-support.js';

const USAGE = { userSeconds: 1, systemSeconds: 0 };

/**
 * Run reports over a real queue: job 1.0 runs on slot1 of startd `s1`, slot2 is free. `calls` lists what the
 * matchmaker, the observer and the schedd were told; `committed` each job's transition (see storingCommit).
 */
function setup(t: Test): {
  store: JobStore;
  startd: FakeStartd;
  job: StoredJob;
  reports: RunReports;
  queuedStarts: QueuedStarts;
  calls: string[];
  committed: string[];
  /** The KeepClaimIdle timers set, by their ms: firing one releases its claim. */
  timers: { ms: number; fire: () => void }[];
  report: (message: Record<string, unknown> & { type: RunReportMessage['type'] }, job?: StoredJob) => void;
} {
  const store = scratchQueue(t);
  const startd = fakeStartd('s1', ['slot1', 'slot2']);
  const registry = new StartdRegistry();
  registry.add(startd);
  const [idle] = submitIdle(store);
  const job = startRunOn(store, idle, slotOf(startd, 'slot1'));
  const calls: string[] = [];
  const { matchmaker, scheduleMatchmaking } = recordingMatchmaking(calls);
  const { committed, commit } = storingCommit(store);
  const queuedStarts = new QueuedStarts({ store, registry, matchmaker, beginRun: (queued, slot, runId) => startRunOn(store, queued, slot, runId), scheduleMatchmaking, log: quietLog });
  const timers: { ms: number; fire: () => void }[] = [];
  const clock = {
    after: (ms: number, fire: () => void) => {
      const timer = { ms, fire };
      timers.push(timer);
      return () => timers.splice(timers.indexOf(timer), 1);
    },
  };
  const observer = { slotChanged: (slot: { description: { name: string } }) => calls.push(`observer slot ${slot.description.name}`), startdChanged: (c: { identity: { startdName: string } }) => calls.push(`observer startd ${c.identity.startdName}`) };
  const keptClaims = new KeptClaims({ registry, matchmaker, observer, scheduleMatchmaking, clock, now: () => NOW, log: quietLog });
  const reports = new RunReports({
    store,
    queuedStarts,
    keptClaims,
    matchmaker,
    observer,
    commit,
    scheduleMatchmaking,
    checkpointInvalid: (failed, checkpoint) => calls.push(`fail checkpoint ${checkpoint} of ${failed.cluster}.${failed.proc}`),
    recordTransfer: (about, transferClass, resultList) => calls.push(`epoch ${transferClass} of ${about.cluster}.${about.proc}: ${resultList}`),
    jobAttrRules: () => DEFAULT_JOB_ATTR_RULES,
    evictTransforms: () => ({ configRaw: () => undefined, env: {} }),
    slotAd: (slot) => registry.slotAd(slot, NOW),
    now: () => NOW,
    log: quietLog,
  });
  let seq = 0;
  const report = (message: Record<string, unknown>, about = job): void => {
    reports.handle(startd, { jobId: `${about.cluster}.${about.proc}`, runId: about.runId, seq: ++seq, ...message } as RunReportMessage);
  };
  return { store, startd, job, reports, queuedStarts, calls, committed, timers, report };
}

t.test('executing: event 001 once, on the slot the run holds; a resent report changes nothing', async (t) => {
  const { store, job, report, committed } = setup(t);
  report({ type: 'executing' });
  const executing = reread(store, job) as StoredJob;
  t.equal(executing.ad.getInt('JobCurrentStartExecutingDate'), NOW.getTime() / 1000);
  t.equal(executing.ad.getInt('NumJobStarts'), 1);
  t.same([executing.runId, executing.startd, executing.slot], [job.runId, 's1', 'slot1'], 'the run is kept');
  t.same(store.timeline(1, 0)?.filter((e) => e.code === 1).map((e) => e.runId), [job.runId]);
  report({ type: 'executing' }, executing);
  t.equal(reread(store, job)?.ad.getInt('NumJobStarts'), 1);
  t.same(committed, ['1.0:2']);
});

t.test('exited: the slot is free, the job completes and leaves the queue', async (t) => {
  const { store, startd, job, report, calls, committed } = setup(t);
  report({ type: 'exited', exit: { bySignal: false, exitCode: 0 }, usage: USAGE, bytesSent: 0, bytesReceived: 0, outputSent: true });
  t.equal(slotOf(startd, 'slot1').run, undefined);
  t.equal(reread(store, job), undefined);
  t.same(committed, ['1.0:gone']);
  t.same(calls, ['observer slot slot1', 'slot slot1@s1', 'matchmake']);
});

/** slot2 becomes partitionable; the run moves to a dynamic slot carved from it. */
function onDynamicSlot(startd: FakeStartd): void {
  const pslot = slotOf(startd, 'slot2');
  pslot.description = { ...pslot.description, cpus: 4, partitionable: true };
  startd.slots.set('slot2_1', { description: { name: 'slot2_1', cpus: 1, memoryMb: 128, diskKb: 1024, parent: 'slot2' }, startdName: 's1', run: slotOf(startd, 'slot1').run, queued: undefined });
  slotOf(startd, 'slot1').run = undefined;
}

t.test('exited on a dynamic slot: the slot is gone, its partitionable slot may fit jobs again', async (t) => {
  const { store, startd, job, report, calls } = setup(t);
  onDynamicSlot(startd);
  report({ type: 'exited', exit: { bySignal: false, exitCode: 0 }, usage: USAGE, bytesSent: 0, bytesReceived: 0, outputSent: true });
  t.same([...startd.slots.keys()], ['slot1', 'slot2']);
  t.equal(reread(store, job), undefined);
  t.same(calls, ['observer startd s1', 'slot slot2@s1', 'matchmake']);
});

t.test('exited with a job queued on the slot: that job’s run is current at once', async (t) => {
  const { store, startd, job, report, queuedStarts } = setup(t);
  const [next] = submitIdle(store);
  const slot = slotOf(startd, 'slot1');
  const queued = queuedStarts.add(next, slot, false, undefined);
  report({ type: 'exited', exit: { bySignal: false, exitCode: 0 }, usage: USAGE, bytesSent: 0, bytesReceived: 0, outputSent: true });
  t.same(slot.run, { cluster: 2, proc: 0, runId: queued.runId });
  t.equal(slot.queued, undefined);
  t.equal(reread(store, next)?.status, JobStatus.Running);
  t.equal(reread(store, next)?.runId, queued.runId);
  t.notOk(queuedStarts.has('2.0'));
  t.equal(reread(store, job), undefined);
});

t.test('exited on a dynamic slot with a job queued on it: the slot stays, its claim reused for that job', async (t) => {
  const { store, startd, report, queuedStarts } = setup(t);
  onDynamicSlot(startd);
  const [next] = submitIdle(store);
  const queued = queuedStarts.add(next, slotOf(startd, 'slot2_1'), false, undefined);
  report({ type: 'exited', exit: { bySignal: false, exitCode: 0 }, usage: USAGE, bytesSent: 0, bytesReceived: 0, outputSent: true });
  t.same(slotOf(startd, 'slot2_1').run, { cluster: 2, proc: 0, runId: queued.runId });
  t.equal(reread(store, next)?.slot, 'slot2_1');
  report({ type: 'exited', exit: { bySignal: false, exitCode: 0 }, usage: USAGE, bytesSent: 0, bytesReceived: 0, outputSent: true }, reread(store, next));
  t.same([...startd.slots.keys()], ['slot1', 'slot2'], 'gone with its last job');
});

t.test("exited with the claim closing (past CLAIM_WORKLIFE): the job queued on the slot was not launched and is matched again, the dynamic slot given back", async (t) => {
  const { store, startd, job, report, queuedStarts, calls } = setup(t);
  onDynamicSlot(startd);
  const [next] = submitIdle(store);
  queuedStarts.add(next, slotOf(startd, 'slot2_1'), false, undefined);
  report({ type: 'exited', exit: { bySignal: false, exitCode: 0 }, usage: USAGE, bytesSent: 0, bytesReceived: 0, outputSent: true, claimClosing: true });
  t.equal(reread(store, job), undefined);
  t.notOk(queuedStarts.has('2.0'));
  t.equal(reread(store, next)?.status, JobStatus.Idle);
  t.same([...startd.slots.keys()], ['slot1', 'slot2'], 'its resources back to its partitionable slot');
  t.same(calls, ['idle 2.0', 'matchmake', 'queue slot slot2_1@s1', 'observer startd s1', 'slot slot2@s1', 'matchmake']);
});

t.test('run-ended with the claim closing on a static slot: the slot is free, the job queued on it idle', async (t) => {
  const { store, startd, report, queuedStarts } = setup(t);
  const [next] = submitIdle(store);
  const slot = slotOf(startd, 'slot1');
  slot.claimStartedAt = NOW.getTime();
  queuedStarts.add(next, slot, false, undefined);
  report({ type: 'run-ended', usage: USAGE, claimClosing: true });
  t.same([slot.run, slot.queued, slot.claimStartedAt], [undefined, undefined, undefined]);
  t.equal(reread(store, next)?.status, JobStatus.Idle);
});

t.test('a queued start the startd dropped (reported as a run that ended) frees the queue slot and the job', async (t) => {
  const { store, startd, report, queuedStarts, calls } = setup(t);
  const [next] = submitIdle(store);
  const slot = slotOf(startd, 'slot1');
  const queued = queuedStarts.add(next, slot, false, undefined);
  queuedStarts.yieldTo({ key: orderKey([0, 0, 10, 0, 0]), cluster: 1, proc: 0 }, 'alice', () => 500);
  report({ type: 'run-ended', usage: USAGE }, { ...next, runId: queued.runId });
  t.equal(slot.queued, undefined);
  t.ok(slot.run, 'the earlier run goes on');
  t.notOk(queuedStarts.has('2.0'));
  t.equal(reread(store, next)?.status, JobStatus.Idle);
  t.same(calls, ['queue slot slot1@s1', 'idle 2.0', 'matchmake', 'matchmake']);
});

t.test('run-failed holds the job; run-ended requeues it with the reason its vacate gave, or none', async (t) => {
  const { store, startd, job, report } = setup(t);
  report({ type: 'run-failed', stage: 'input', reason: 'no such file' });
  const failed = reread(store, job) as StoredJob;
  t.equal(failed.status, JobStatus.Held);
  t.equal(failed.ad.getString('HoldReason'), 'no such file');
  t.equal(failed.runId, '', 'the run is over');
  t.equal(slotOf(startd, 'slot1').run, undefined);

  const [other] = submitIdle(store);
  const running = startRunOn(store, other, slotOf(startd, 'slot2'));
  report({ type: 'run-ended', usage: USAGE }, running);
  const ended = reread(store, other) as StoredJob;
  t.equal(ended.status, JobStatus.Idle);
  t.same([ended.ad.getString('VacateReason'), ended.ad.getInt('VacateReasonCode')], ['Unspecified job interruption', 1005]);
  t.equal(slotOf(startd, 'slot2').run, undefined);
});

t.test('checkpoint-invalid: that checkpoint is given up in SPOOL, the job requeued with the 021 and 004 events', async (t) => {
  const { store, startd, job, report, calls } = setup(t);
  report({ type: 'checkpoint-invalid', checkpoint: 2, message: 'Invalid MANIFEST file, aborting.' });
  const requeued = reread(store, job) as StoredJob;
  t.equal(requeued.status, JobStatus.Idle);
  t.same([requeued.ad.getString('VacateReason'), requeued.ad.getInt('VacateReasonCode')], ['Error from slot1@s1: Invalid MANIFEST file, aborting.', 1005]);
  t.ok(calls.includes(`fail checkpoint 2 of ${job.cluster}.${job.proc}`));
  t.equal(slotOf(startd, 'slot1').run, undefined);
});

t.test('suspended and continued change the job and keep its run; out of turn they are ignored', async (t) => {
  const { store, job, report, committed } = setup(t);
  report({ type: 'continued' });
  report({ type: 'suspended', numPids: 2 });
  t.equal(reread(store, job)?.status, JobStatus.Suspended);
  report({ type: 'suspended', numPids: 2 });
  report({ type: 'continued' });
  const continued = reread(store, job) as StoredJob;
  t.equal(continued.status, JobStatus.Running);
  t.equal(continued.runId, job.runId);
  t.equal(continued.ad.getInt('TotalSuspensions'), 1);
  t.same(committed, ['1.0:7', '1.0:2']);
});

t.test('checkpoint-restarted: both moments on the timeline, the execution restarted', async (t) => {
  const { store, job, report } = setup(t);
  report({ type: 'checkpoint-restarted', checkpoint: 3, exitedAt: 1_000, restartedAt: 2_000, executionStartedAt: 500 });
  const entries = store.timeline(1, 0)?.filter((e) => e.kind === 'checkpoint-exit' || e.kind === 'checkpoint-restart');
  t.same(entries, [
    { time: 1_000, kind: 'checkpoint-exit', runId: job.runId, checkpoint: 3 },
    { time: 2_000, kind: 'checkpoint-restart', runId: job.runId, checkpoint: 3 },
  ]);
  t.equal(reread(store, job)?.status, JobStatus.Running);
});

t.test('a report of a run that is not current changes no job, and frees no slot it does not hold', async (t) => {
  const { store, startd, job, reports, report, committed } = setup(t);
  const stale = { ...job, runId: 'B'.repeat(22) };
  report({ type: 'run-failed', stage: 'execute', reason: 'late' }, stale);
  report({ type: 'executing' }, stale);
  t.equal(reread(store, job)?.status, JobStatus.Running);
  t.ok(slotOf(startd, 'slot1').run);
  t.same(committed, []);
  t.equal(reports.currentRun('1.0', job.runId, 's1')?.runId, job.runId);
  t.equal(reports.currentRun('1.0', job.runId, 's2'), undefined, 'another startd’s word on it is not taken');
  t.equal(reports.currentRun('1.0', stale.runId, 's1'), undefined);
});

t.test('plugin-results: the current run\'s transfer is recorded (its epoch record), a stale run\'s is not; the job is unchanged', async (t) => {
  const { job, report, calls, committed } = setup(t);
  report({ type: 'plugin-results', transferClass: 'Input', resultList: '{ [ TransferClass = 1 ] }' });
  report({ type: 'plugin-results', transferClass: 'Output', resultList: '{ }' }, { ...job, runId: 'x'.repeat(22) });
  t.same(calls, ['epoch Input of 1.0: { [ TransferClass = 1 ] }']);
  t.same(committed, []);
});

t.test("host-ports: the current run's *_HostPort attributes are set in the job, its run kept; a stale run's are not", async (t) => {
  const { store, job, report, committed } = setup(t);
  report({ type: 'host-ports', ports: { Web_HostPort: 32768, Requirements: 1 } });
  const running = reread(store, job) as StoredJob;
  t.equal(running.ad.getInt('Web_HostPort'), 32768);
  t.equal(running.ad.getSource('Requirements'), job.ad.getSource('Requirements'), 'only names ending in _HostPort, as the shadow copies them');
  t.equal(running.runId, job.runId);
  report({ type: 'host-ports', ports: { Web_HostPort: null } });
  t.equal(reread(store, job)?.ad.getSource('Web_HostPort'), 'undefined', 'UNDEFINED once the container has ended');
  report({ type: 'host-ports', ports: { Web_HostPort: 1 } }, { ...job, runId: 'x'.repeat(22) });
  report({ type: 'host-ports', ports: { Cmd: 1 } });
  t.equal(reread(store, job)?.ad.getSource('Web_HostPort'), 'undefined');
  t.same(committed, ['1.0:2', '1.0:2']);
});

/** The run on the slot asked for its claim to be kept `seconds` (KeepClaimIdle, copied at its start). */
function keeping(startd: FakeStartd, slotName: string, seconds: number): void {
  const run = slotOf(startd, slotName).run;
  if (run) run.keep = { seconds, submitter: 'alice@example', claim: { jobId: `${run.cluster}.${run.proc}`, user: 'alice@example', owner: 'alice' } };
}

const EXITED = { type: 'exited', exit: { bySignal: false, exitCode: 0 }, usage: USAGE, bytesSent: 0, bytesReceived: 0, outputSent: true } as const;

t.test('KeepClaimIdle: a dynamic slot whose job completed stays, its claim kept for its submitter; released at the deadline, given back to its partitionable slot', async (t) => {
  const { startd, report, calls, timers } = setup(t);
  onDynamicSlot(startd);
  keeping(startd, 'slot2_1', 30);
  report(EXITED);
  const slot = slotOf(startd, 'slot2_1');
  t.same([slot.run, slot.kept], [undefined, { submitter: 'alice@example', claim: { jobId: '1.0', user: 'alice@example', owner: 'alice' }, since: NOW.getTime(), until: NOW.getTime() + 30_000 }]);
  t.same(calls, ['observer slot slot2_1', 'slot slot2_1@s1', 'matchmake']);
  t.same(timers.map((timer) => timer.ms), [30_000]);
  calls.length = 0;
  timers[0].fire();
  t.same([...startd.slots.keys()], ['slot1', 'slot2'], 'released: its resources back to slot2');
  t.same(calls, ['observer startd s1', 'slot slot2@s1', 'slot slot2_1@s1', 'matchmake']);
});

t.test('KeepClaimIdle: kept for a removed job; released at once when the run ends otherwise, or the claim closes, or a job queued on the slot goes on with it', async (t) => {
  const removed = setup(t);
  keeping(removed.startd, 'slot1', 10);
  removed.store.apply(removed.job, { ad: removed.job.ad.clone().set('JobStatus', JobStatus.Removed), events: [], leaveQueue: true, killRun: true }, null);
  removed.report({ type: 'run-ended', usage: USAGE });
  t.equal(slotOf(removed.startd, 'slot1').kept?.until, NOW.getTime() + 10_000, 'condor_rm (JOB_SHOULD_REMOVE): kept');

  const vacated = setup(t);
  keeping(vacated.startd, 'slot1', 10);
  vacated.report({ type: 'run-ended', usage: USAGE });
  t.equal(slotOf(vacated.startd, 'slot1').kept, undefined, 'requeued: released');

  const failed = setup(t);
  keeping(failed.startd, 'slot1', 10);
  failed.report({ type: 'run-failed', stage: 'input', reason: 'no such file' });
  t.equal(slotOf(failed.startd, 'slot1').kept, undefined, 'held: released');

  const closing = setup(t);
  keeping(closing.startd, 'slot1', 10);
  closing.report({ ...EXITED, claimClosing: true });
  t.equal(slotOf(closing.startd, 'slot1').kept, undefined, 'past CLAIM_WORKLIFE: released');

  const next = setup(t);
  keeping(next.startd, 'slot1', 10);
  const [queued] = submitIdle(next.store);
  next.queuedStarts.add(queued, slotOf(next.startd, 'slot1'), false, undefined);
  next.report(EXITED);
  t.same([slotOf(next.startd, 'slot1').kept, slotOf(next.startd, 'slot1').run?.cluster], [undefined, 2], 'the queued job runs on the claim');
  t.same([...removed.timers, ...vacated.timers, ...failed.timers, ...closing.timers, ...next.timers].map((timer) => timer.ms), [10_000]);
});
