import t, { type Test } from 'tap';
import { formatJobId } from '@tinycondor/shared/job-id';
import { holdJob, type Transition } from '@tinycondor/shared/job-state';
import { JobStatus } from '@tinycondor/shared/job-status';
import { buildSlotAd } from '@tinycondor/shared/machine-ad';
import type { JobStore, StoredJob } from './job-store.js';
import { QueuedStarts } from './queued-starts.js';
import { StartdRegistry } from './startd-registry.js';
import { fakeStartd, NOW, quietLog, reread, scratchQueue, slotOf, startRunOn, submitIdle, type FakeStartd } from './startd-side.test-support.js';

/**
 * Queued starts over a real queue: startd `s1` has two slots, slot1 busy (job 1.0 runs there); `calls`
 * lists what the matchmaker and the schedd were told, in order.
 */
function setup(t: Test): { store: JobStore; startd: FakeStartd; running: StoredJob; registry: StartdRegistry; calls: string[]; queuedStarts: QueuedStarts; restarted: () => QueuedStarts } {
  const store = scratchQueue(t);
  const startd = fakeStartd('s1', ['slot1', 'slot2']);
  const registry = new StartdRegistry();
  registry.add(startd);
  const [job] = submitIdle(store);
  const running = startRunOn(store, job, slotOf(startd, 'slot1'));
  const calls: string[] = [];
  const make = (): QueuedStarts =>
    new QueuedStarts({
      store,
      registry,
      matchmaker: {
        jobBecameIdle: (jobId, prio) => calls.push(`idle ${jobId} prio ${prio}`),
        queueSlotChanged: (key) => calls.push(`queue slot ${key}`),
      },
      beginRun: (queuedJob, slot, runId, fetchInput) => {
        startRunOn(store, queuedJob, slot, runId);
        calls.push(`run ${formatJobId(queuedJob.cluster, queuedJob.proc)} ${runId} on ${slot.description.name} fetchInput=${fetchInput}`);
      },
      scheduleMatchmaking: () => calls.push('matchmake'),
      log: quietLog,
    });
  return { store, startd, running, registry, calls, queuedStarts: make(), restarted: make };
}

const held = (job: StoredJob): Transition => holdJob(job.ad, { now: NOW, reason: 'test', code: 1, subCode: 0 }) as Transition;

t.test('a job queued on a busy slot is stored before its start is sent, and a restarted schedd holds it out again', async (t) => {
  const { store, startd, queuedStarts, restarted } = setup(t);
  const [job] = submitIdle(store, [{ JobPrio: '3' }]);
  const slot = slotOf(startd, 'slot1');
  const queued = queuedStarts.add(job, slot, true, undefined);
  t.equal(queued.jobId, '2.0');
  t.ok(queuedStarts.has('2.0'), 'held out of matchmaking');
  t.same(slot.queued, { cluster: 2, proc: 0, runId: queued.runId }, 'the slot knows what waits on it');
  t.same(store.storedQueuedStarts(), [{ jobId: '2.0', runId: queued.runId, startdName: 's1', slotName: 'slot1', prio: 3, fetchInput: true }]);

  const again = restarted();
  t.same(again.restore(), ['s1'], 'the startd whose hello will say whether it launched the job');
  t.ok(again.has('2.0'));
  t.same(again.onStartd('s1').map((q) => [q.runId, q.waiting, q.cancel]), [[queued.runId, true, undefined]]);
});

t.test('a start stored for a job no longer idle is forgotten at restore', async (t) => {
  const { store, startd, queuedStarts, restarted } = setup(t);
  const [job] = submitIdle(store);
  queuedStarts.add(job, slotOf(startd, 'slot1'), false, undefined);
  store.apply(job, held(job), null);
  const again = restarted();
  t.same(again.restore(), []);
  t.notOk(again.has('2.0'));
  t.same(store.storedQueuedStarts(), []);
});

t.test('a job that changes is taken back hard, and the startd is told once', async (t) => {
  const { store, startd, queuedStarts } = setup(t);
  const [job] = submitIdle(store);
  const queued = queuedStarts.add(job, slotOf(startd, 'slot1'), false, undefined);
  queuedStarts.jobChanged('2.0');
  queuedStarts.yieldTo(100);
  queuedStarts.jobChanged('2.0');
  t.same(startd.sent, [{ type: 'unqueue', jobId: '2.0', runId: queued.runId }]);
  t.equal(queued.cancel, 'hard');
  t.ok(queuedStarts.has('2.0'), 'held out until the startd answers');
  queuedStarts.jobChanged('9.0');
  t.equal(startd.sent.length, 1, 'a job not queued is nothing to take back');
});

t.test('a better job becoming idle takes back only the starts of lower priority', async (t) => {
  const { store, startd, registry, queuedStarts } = setup(t);
  const other = fakeStartd('s2', ['slot1']);
  registry.add(other);
  const [running2] = submitIdle(store);
  startRunOn(store, running2, slotOf(other, 'slot1'));
  const [low, high] = submitIdle(store, [{ JobPrio: '1' }, { JobPrio: '5' }]);
  const lowStart = queuedStarts.add(low, slotOf(startd, 'slot1'), false, undefined);
  queuedStarts.add(high, slotOf(other, 'slot1'), false, undefined);
  queuedStarts.yieldTo(5);
  t.same(startd.sent, [{ type: 'unqueue', jobId: '3.0', runId: lowStart.runId }]);
  t.same(other.sent, [], 'an equal priority keeps its place');
  t.equal(lowStart.cancel, 'soft');
});

t.test('a free slot no idle job fits takes back a queued job that fits it', async (t) => {
  const { store, startd, queuedStarts } = setup(t);
  const [small, big] = submitIdle(store, [{}, { RequestMemory: '4096' }]);
  const bigStart = queuedStarts.add(big, slotOf(startd, 'slot2'), false, undefined);
  const smallStart = queuedStarts.add(small, slotOf(startd, 'slot1'), false, undefined);
  const freeSlotAd = buildSlotAd(startd.identity, { name: 'free', cpus: 1, memoryMb: 1024, diskKb: 1_000_000 }, { claimed: false, now: NOW });
  const free = [{ ad: freeSlotAd }];
  queuedStarts.takeBackFor(free, () => true);
  t.equal(bigStart.cancel, undefined, 'the job that does not fit stays');
  t.equal(smallStart.cancel, 'soft');
  t.same(free, [], 'the slot is spoken for');
  t.same(startd.sent, [{ type: 'unqueue', jobId: '2.0', runId: smallStart.runId }]);
});

t.test('a free slot does not take back a queued job its concurrency limits would not let start there', async (t) => {
  const { store, startd, queuedStarts } = setup(t);
  const [job] = submitIdle(store, [{}]);
  const queued = queuedStarts.add(job, slotOf(startd, 'slot1'), false, 'foo');
  t.same(slotOf(startd, 'slot1').queued?.limits, 'foo', 'the queued start holds its limits');
  const free = [{ ad: buildSlotAd(startd.identity, { name: 'free', cpus: 1, memoryMb: 1024, diskKb: 1_000_000 }, { claimed: false, now: NOW }) }];
  queuedStarts.takeBackFor(free, () => false);
  t.equal(queued.cancel, undefined, 'it stays queued');
  t.equal(free.length, 1);
});

t.test('launched: the queued job’s run starts in the queue under the run id it was sent with', async (t) => {
  const { store, startd, running, calls, queuedStarts } = setup(t);
  const [job] = submitIdle(store, [{ JobPrio: '2' }]);
  const slot = slotOf(startd, 'slot1');
  const queued = queuedStarts.add(job, slot, true, undefined);
  slot.run = undefined; // the slot's run (1.0's) ended
  queuedStarts.yieldTo(9); // taken back for a better job: a run already launched is kept anyway
  queuedStarts.launched(startd, slot, queued);
  t.same(calls, [`run 2.0 ${queued.runId} on slot1 fetchInput=true`, 'queue slot slot1@s1']);
  t.equal(reread(store, job)?.status, JobStatus.Running);
  t.equal(reread(store, job)?.runId, queued.runId);
  t.equal(slot.queued, undefined);
  t.notOk(queuedStarts.has('2.0'));
  t.same(store.storedQueuedStarts(), []);
  t.same(startd.sent, [{ type: 'unqueue', jobId: '2.0', runId: queued.runId }], 'no kill');
  t.equal(reread(store, running)?.status, JobStatus.Running, 'the earlier job is not this module’s');
});

t.test('launched after the job changed: the run is killed, the slot busy with it until its end', async (t) => {
  const { store, startd, calls, queuedStarts } = setup(t);
  const [job] = submitIdle(store);
  const slot = slotOf(startd, 'slot1');
  const queued = queuedStarts.add(job, slot, false, undefined);
  store.apply(job, held(job), null);
  queuedStarts.jobChanged('2.0');
  queuedStarts.launched(startd, slot, queued);
  t.same(startd.sent.at(-1), { type: 'kill', jobId: '2.0', runId: queued.runId, signal: 9, graceSeconds: 0 });
  t.same(slot.run, { cluster: 2, proc: 0, runId: queued.runId });
  t.equal(reread(store, job)?.status, JobStatus.Held, 'no run started');
  t.same(calls, []);
  t.ok(queuedStarts.has('2.0'), 'released when the run’s end is reported');
});

t.test('released: the job is matched again, once', async (t) => {
  const { store, startd, calls, queuedStarts } = setup(t);
  const [job] = submitIdle(store, [{ JobPrio: '4' }]);
  const queued = queuedStarts.add(job, slotOf(startd, 'slot1'), false, undefined);
  queuedStarts.release(queued);
  queuedStarts.release(queued);
  t.notOk(queuedStarts.has('2.0'));
  t.same(store.storedQueuedStarts(), []);
  t.same(calls, ['idle 2.0 prio 4', 'matchmake']);
});
