import t, { type Test } from 'tap';
import { formatJobId } from '@tinycondor/shared/job-id';
import { orderKey, type JobPlace } from '@tinycondor/shared/job-order';
import { holdJob, type Transition } from '@tinycondor/shared/job-state';
import { JobStatus } from '@tinycondor/shared/job-status';
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
        jobBecameIdle: (jobId, place) => calls.push(`idle ${jobId} at ${place.key}`),
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

/** The place of a job of that JobPrio and id. */
const at = (prio: number, cluster: number, proc: number): JobPlace => ({ key: orderKey([0, 0, prio, 0, 0]), cluster, proc });

const held = (job: StoredJob): Transition => holdJob(job.ad, { now: NOW, reason: 'test', code: 1, subCode: 0 }) as Transition;

t.test('a job queued on a busy slot is stored before its start is sent, and a restarted schedd holds it out again', async (t) => {
  const { store, startd, queuedStarts, restarted } = setup(t);
  const [job] = submitIdle(store, [{ JobPrio: '3' }]);
  const slot = slotOf(startd, 'slot1');
  const queued = queuedStarts.add(job, slot, true, undefined);
  t.equal(queued.jobId, '2.0');
  t.ok(queuedStarts.has('2.0'), 'held out of matchmaking');
  t.same(slot.queued, { cluster: 2, proc: 0, runId: queued.runId }, 'the slot knows what waits on it');
  t.same(store.storedQueuedStarts(), [{ jobId: '2.0', runId: queued.runId, startdName: 's1', slotName: 'slot1', fetchInput: true }]);

  const again = restarted();
  t.same(again.restore(), ['s1'], 'the startd whose hello will say whether it launched the job');
  t.ok(again.has('2.0'));
  t.same(again.onStartd('s1').map((q) => [q.runId, q.waiting, q.cancel, q.place]), [[queued.runId, true, undefined, at(3, 2, 0)]], 'at the job\'s place');
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
  queuedStarts.yieldTo(at(100, 1, 0), 'alice', () => 500);
  queuedStarts.jobChanged('2.0');
  t.same(startd.sent, [{ type: 'unqueue', jobId: '2.0', runId: queued.runId }]);
  t.equal(queued.cancel, 'hard');
  t.ok(queuedStarts.has('2.0'), 'held out until the startd answers');
  queuedStarts.jobChanged('9.0');
  t.equal(startd.sent.length, 1, 'a job not queued is nothing to take back');
});

t.test('a job becoming idle takes back the starts of the jobs that go after it: lower JobPrio, or equal and a higher id', async (t) => {
  const { store, startd, registry, queuedStarts } = setup(t);
  const other = fakeStartd('s2', ['slot1']);
  registry.add(other);
  const [running2] = submitIdle(store);
  startRunOn(store, running2, slotOf(other, 'slot1'));
  const [low, high] = submitIdle(store, [{ JobPrio: '1' }, { JobPrio: '5' }]);
  const lowStart = queuedStarts.add(low, slotOf(startd, 'slot1'), false, undefined);
  const highStart = queuedStarts.add(high, slotOf(other, 'slot1'), false, undefined);
  queuedStarts.yieldTo(at(5, 3, 2), 'alice', () => 500);
  t.same(startd.sent, [{ type: 'unqueue', jobId: '3.0', runId: lowStart.runId }]);
  t.same(other.sent, [], 'an equal priority and a lower id keeps its place');
  t.equal(lowStart.cancel, 'soft');
  // 2.x, requeued after an eviction or released from hold: its cluster.proc place is before 3.1's.
  queuedStarts.yieldTo(at(5, 2, 7), 'alice', () => 500);
  t.same(other.sent, [{ type: 'unqueue', jobId: '3.1', runId: highStart.runId }]);
  t.equal(startd.sent.length, 1, 'a start taken back already is not told again');
});

t.test('movable: the starts a free slot may take over, best first; taken back for one, the startd is told once', async (t) => {
  const { store, startd, registry, queuedStarts } = setup(t);
  const other = fakeStartd('s2', ['slot1', 'slot2']);
  registry.add(other);
  const [a, b, c] = submitIdle(store, [{}, { JobPrio: '2' }, {}]);
  const aStart = queuedStarts.add(a, slotOf(startd, 'slot1'), false, undefined);
  const bStart = queuedStarts.add(b, slotOf(other, 'slot1'), false, undefined);
  const cStart = queuedStarts.add(c, slotOf(other, 'slot2'), false, undefined);
  t.same(queuedStarts.movable().map((q) => q.jobId), ['2.1', '2.0', '2.2']);
  queuedStarts.takeBackForFreeSlot('2.0');
  queuedStarts.takeBackForFreeSlot('2.0');
  t.same(startd.sent, [{ type: 'unqueue', jobId: '2.0', runId: aStart.runId }]);
  t.equal(aStart.cancel, 'soft');
  t.same(queuedStarts.movable().map((q) => q.jobId), ['2.1', '2.0', '2.2'], 'one taken back waits for the startd, and still for the slot');
  queuedStarts.jobChanged('2.1');
  t.equal(bStart.cancel, 'hard');
  queuedStarts.launched(other, slotOf(other, 'slot2'), cStart);
  t.same(queuedStarts.movable().map((q) => q.jobId), ['2.0'], 'not one taken back because its job changed, nor one launched');
  registry.remove(startd);
  t.same(queuedStarts.movable(), [], 'nor one on a startd not connected');
});

t.test('launched: the queued job’s run starts in the queue under the run id it was sent with', async (t) => {
  const { store, startd, running, calls, queuedStarts } = setup(t);
  const [job] = submitIdle(store, [{ JobPrio: '2' }]);
  const slot = slotOf(startd, 'slot1');
  const queued = queuedStarts.add(job, slot, true, undefined);
  slot.run = undefined; // the slot's run (1.0's) ended
  queuedStarts.yieldTo(at(9, 1, 0), 'alice', () => 500); // taken back for a better job: a run already launched is kept anyway
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
  t.same(calls, [`idle 2.0 at ${at(4, 2, 0).key}`, 'matchmake']);
});
