import t, { type Test } from 'tap';
import { holdJob, type Transition } from '@tinycondor/shared/job-state';
import { JobStatus } from '@tinycondor/shared/job-status';
import { runKept, type JobStore, type StoredJob } from './job-store.js';
import { QueuedStarts } from './queued-starts.js';
import { StartdKeys } from './startd-keys.js';
import { StartdRegistry } from './startd-registry.js';
import { StartdSessions, type LeaseClock } from './startd-sessions.js';
import { fakeStartd, NOW, quietLog, reread, scratchQueue, slotOf, startRunOn, storingCommit, submitIdle, type FakeStartd, recordingMatchmaking } from './startd-side.test-support.js';

/** Leases that end when the test says: `running` holds each lease's length and its end, by when it was started. */
class ManualClock implements LeaseClock {
  readonly running = new Map<number, { ms: number; expire: () => void }>();
  private started = 0;

  after(ms: number, expire: () => void): () => void {
    const id = this.started++;
    this.running.set(id, { ms, expire });
    return () => this.running.delete(id);
  }

  /** Every lease still running ends now. */
  expireAll(): void {
    for (const [id, { expire }] of [...this.running]) {
      this.running.delete(id);
      expire();
    }
  }
}

const LEASE_SECONDS = 30;

/**
 * Startd sessions over a real queue; startd `s1` (slots slot1, slot2, slot3) has not said hello yet.
 * `calls` lists what the matchmaker, the observer, the report order and the schedd were told, in order;
 * `committed` each job's transition (see storingCommit).
 */
function setup(t: Test): {
  store: JobStore;
  startd: FakeStartd;
  registry: StartdRegistry;
  keys: StartdKeys;
  clock: ManualClock;
  queuedStarts: QueuedStarts;
  sessions: StartdSessions;
  calls: string[];
  committed: string[];
} {
  const store = scratchQueue(t);
  const startd = fakeStartd('s1', ['slot1', 'slot2', 'slot3']);
  const registry = new StartdRegistry();
  const keys = new StartdKeys();
  const clock = new ManualClock();
  const calls: string[] = [];
  const { matchmaker, scheduleMatchmaking } = recordingMatchmaking(calls);
  const { committed, commit } = storingCommit(store);
  const queuedStarts = new QueuedStarts({ store, registry, matchmaker, beginRun: (job, slot, runId) => startRunOn(store, job, slot, runId), scheduleMatchmaking, log: quietLog });
  const sessions = new StartdSessions({
    store,
    registry,
    startdKeys: keys,
    reportOrder: { restart: (name) => calls.push(`report order restarts for ${name}`) },
    queuedStarts,
    matchmaker,
    observer: { startdChanged: (connection, connected) => calls.push(`observer ${connection.identity.startdName} ${connected ? 'connected' : 'gone'}`) },
    commit,
    limitsOn: () => undefined,
    scheduleMatchmaking,
    now: () => NOW,
    log: quietLog,
    leaseSeconds: LEASE_SECONDS,
    clock,
  });
  return { store, startd, registry, keys, clock, queuedStarts, sessions, calls, committed };
}

const reportedRun = (job: StoredJob, slotName: string) => ({ jobId: `${job.cluster}.${job.proc}`, runId: job.runId, slotName });

t.test('admission: a new startd gets a key; a connected startd’s name is refused without its key', async (t) => {
  const { startd, keys, sessions, calls } = setup(t);
  const admitted = sessions.admit('s1', undefined);
  if (!('key' in admitted)) throw new Error('refused');
  t.ok(keys.holds('s1', admitted.key));
  t.same(calls, ['report order restarts for s1'], 'its reports are numbered from 1 again');
  sessions.connected(startd, []);
  t.same(sessions.admit('s1', undefined), { refused: 'startd s1 is already connected' });
  t.same(sessions.admit('s1', 'x'.repeat(43)), { refused: 'startd s1 is already connected' });
  t.same(sessions.admit('s1', admitted.key), { key: admitted.key }, 'its own reconnect');
  t.equal(calls.filter((c) => c.startsWith('report order')).length, 1, 'a reconnect keeps the numbering');
});

t.test('hello: a run the startd names is kept; one it does not name is evicted; one the queue does not know is killed', async (t) => {
  const { store, startd, sessions, calls, committed } = setup(t);
  const [a, b] = submitIdle(store, [{}, {}]);
  const kept = startRunOn(store, a, slotOf(startd, 'slot1'));
  const lost = startRunOn(store, b, slotOf(startd, 'slot2'));
  for (const slot of startd.slots.values()) slot.run = undefined; // a new connection's slots, as its hello describes them
  const unknown = { jobId: '7.0', runId: 'C'.repeat(22), slotName: 'slot3' };
  sessions.connected(startd, [reportedRun(kept, 'slot1'), unknown]);

  t.same(slotOf(startd, 'slot1').run, { cluster: 1, proc: 0, runId: kept.runId });
  t.equal(reread(store, kept)?.status, JobStatus.Running);
  const evicted = reread(store, lost) as StoredJob;
  t.equal(evicted.status, JobStatus.Idle);
  t.same([evicted.ad.getString('VacateReason'), evicted.ad.getInt('VacateReasonCode'), evicted.runId], ['The startd no longer had the job running', 1005, '']);
  t.equal(slotOf(startd, 'slot2').run, undefined);
  t.same(slotOf(startd, 'slot3').run, { cluster: 7, proc: 0, runId: unknown.runId }, 'busy until the killed run ends');
  t.same(startd.sent, [{ type: 'kill', jobId: '7.0', runId: unknown.runId, signal: 9, graceSeconds: 0 }]);
  t.same(committed, ['1.1:1']);
  t.same(calls, ['slot slot1@s1', 'slot slot2@s1', 'slot slot3@s1', 'observer s1 connected', 'matchmake']);
});

t.test('hello: a job held meanwhile only forgets its run', async (t) => {
  const { store, startd, sessions, committed } = setup(t);
  const [job] = submitIdle(store);
  const running = startRunOn(store, job, slotOf(startd, 'slot1'));
  store.apply(running, holdJob(running.ad, { now: NOW, reason: 'test', code: 1, subCode: 0 }) as Transition, runKept(running));
  sessions.connected(startd, []);
  const held = reread(store, job) as StoredJob;
  t.same([held.status, held.runId, held.startd], [JobStatus.Held, '', null]);
  t.same(committed, [], 'nothing to log: the hold was');
});

t.test('hello: a queued start the startd names was launched; one it does not name is matched again', async (t) => {
  const { store, startd, queuedStarts, sessions, calls } = setup(t);
  const [launched, dropped] = submitIdle(store, [{}, {}]);
  const launchedStart = queuedStarts.add(launched, slotOf(startd, 'slot1'), false, undefined);
  queuedStarts.add(dropped, slotOf(startd, 'slot2'), false, undefined);
  for (const slot of startd.slots.values()) slot.queued = undefined;
  sessions.connected(startd, [{ jobId: '1.0', runId: launchedStart.runId, slotName: 'slot1' }]);
  t.equal(reread(store, launched)?.status, JobStatus.Running);
  t.equal(reread(store, launched)?.runId, launchedStart.runId);
  t.same(slotOf(startd, 'slot1').run, { cluster: 1, proc: 0, runId: launchedStart.runId });
  t.equal(reread(store, dropped)?.status, JobStatus.Idle);
  t.notOk(queuedStarts.has('1.0'));
  t.notOk(queuedStarts.has('1.1'));
  t.same(store.storedQueuedStarts(), []);
  t.same(startd.sent, [], 'no kill');
  t.ok(calls.includes('idle 1.1'), 'the start not named is matched again');
});

t.test('a new connection of a startd replaces its old one, which is closed', async (t) => {
  const { startd, registry, sessions, calls } = setup(t);
  sessions.connected(startd, []);
  const again = fakeStartd('s1', ['slot1']);
  sessions.connected(again, []);
  t.same(startd.closed, ['replaced by a new connection']);
  t.equal(registry.get('s1'), again);
  sessions.disconnected(startd);
  t.equal(registry.get('s1'), again, 'the old connection’s close does not remove the new one');
  t.notOk(calls.includes('observer s1 gone'));
});

t.test('lease: a startd gone keeps its runs for leaseSeconds, then its runs are requeued, its queued starts released and its key revoked', async (t) => {
  const { store, startd, registry, keys, clock, queuedStarts, sessions, calls } = setup(t);
  const key = (sessions.admit('s1', undefined) as { key: string }).key;
  const [job, queuedJob] = submitIdle(store, [{}, {}]);
  const running = startRunOn(store, job, slotOf(startd, 'slot1'));
  sessions.connected(startd, [reportedRun(running, 'slot1')]);
  queuedStarts.add(queuedJob, slotOf(startd, 'slot1'), false, undefined);
  sessions.disconnected(startd);
  t.equal(registry.get('s1'), undefined);
  t.ok(calls.includes('observer s1 gone'));
  t.same([...clock.running.values()].map((lease) => lease.ms), [LEASE_SECONDS * 1000]);
  t.equal(reread(store, job)?.status, JobStatus.Running, 'within the lease, the run is kept');
  t.ok(keys.holds('s1', key), 'and the key, for a reconnect');

  clock.expireAll();
  const requeued = reread(store, job) as StoredJob;
  t.equal(requeued.status, JobStatus.Idle);
  t.equal(requeued.ad.getString('VacateReason'), 'Job lease expired: the execute node stopped answering');
  t.notOk(queuedStarts.has('1.1'));
  t.notOk(keys.holds('s1', key));
});

t.test('lease: a startd back within it keeps its runs; a stopped schedd ends no lease', async (t) => {
  const { store, startd, clock, sessions } = setup(t);
  const [job] = submitIdle(store);
  const running = startRunOn(store, job, slotOf(startd, 'slot1'));
  sessions.connected(startd, [reportedRun(running, 'slot1')]);
  sessions.disconnected(startd);
  sessions.connected(fakeStartd('s1', ['slot1']), [reportedRun(running, 'slot1')]);
  t.equal(clock.running.size, 0, 'the hello cancelled the lease');

  // A lease that ends while its startd is connected (it said hello as the lease ended) changes nothing.
  sessions.startLease('s1');
  clock.expireAll();
  t.equal(reread(store, job)?.status, JobStatus.Running);

  sessions.startLease('s2');
  sessions.startLease('s3');
  sessions.stop();
  t.equal(clock.running.size, 0);
});
