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
  /** Each event committed, as `job:code`. */
  events: string[];
  /** The schedd's clock, which a test may move on. */
  now: { at: Date };
} {
  const store = scratchQueue(t);
  const startd = fakeStartd('s1', ['slot1', 'slot2', 'slot3']);
  const registry = new StartdRegistry();
  const keys = new StartdKeys();
  const clock = new ManualClock();
  const calls: string[] = [];
  const { matchmaker, scheduleMatchmaking } = recordingMatchmaking(calls);
  const { committed, commit: store_ } = storingCommit(store);
  const events: string[] = [];
  const now = { at: NOW };
  const commit: typeof store_ = (job, transition, run) => {
    for (const event of transition.events) events.push(`${job.cluster}.${job.proc}:${String(event.code).padStart(3, '0')}`);
    store_(job, transition, run);
  };
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
    now: () => now.at,
    log: quietLog,
    leaseSeconds: LEASE_SECONDS,
    clock,
  });
  return { store, startd, registry, keys, clock, queuedStarts, sessions, calls, committed, events, now };
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

t.test('lease: each run of a startd gone waits for it within its job lease (022), then fails to reconnect (024, 004); one without a lease at once', async (t) => {
  const { store, startd, registry, keys, clock, queuedStarts, sessions, calls, events } = setup(t);
  const key = (sessions.admit('s1', undefined) as { key: string }).key;
  const [job, noLease, queuedJob] = submitIdle(store, [{ JobLeaseDuration: '60' }, {}, {}]);
  const running = startRunOn(store, job, slotOf(startd, 'slot1'));
  const unleased = startRunOn(store, noLease, slotOf(startd, 'slot2'));
  sessions.connected(startd, [reportedRun(running, 'slot1'), reportedRun(unleased, 'slot2')]);
  queuedStarts.add(queuedJob, slotOf(startd, 'slot1'), false, undefined);
  sessions.disconnected(startd);
  t.equal(registry.get('s1'), undefined);
  t.ok(calls.includes('observer s1 gone'));
  t.same([...clock.running.values()].map((lease) => lease.ms), [60_000, 60_000], "the job's lease, and the startd's as long as it (more than leaseSeconds)");
  const waiting = reread(store, job) as StoredJob;
  t.equal(waiting.status, JobStatus.Running, 'within the lease, the run is kept');
  t.equal(waiting.ad.getInt('JobDisconnectedDate'), Math.floor(NOW.getTime() / 1000));
  t.ok(keys.holds('s1', key), 'and the key, for a reconnect');
  const failed = reread(store, noLease) as StoredJob;
  t.same([failed.status, failed.ad.getString('VacateReason'), failed.ad.getInt('VacateReasonCode')], [JobStatus.Idle, 'Reconnect is not supported', 1008]);
  t.same(events, ['1.0:022', '1.1:024', '1.1:004']);

  clock.expireAll();
  const requeued = reread(store, job) as StoredJob;
  t.equal(requeued.status, JobStatus.Idle);
  t.equal(requeued.ad.getString('VacateReason'), 'Job disconnected too long: JobLeaseDuration (60 seconds) expired');
  t.notOk(requeued.ad.has('JobDisconnectedDate'));
  t.same(events.slice(3), ['1.0:024', '1.0:004']);
  t.notOk(queuedStarts.has('1.2'));
  t.notOk(keys.holds('s1', key));
});

t.test('lease: a startd back within it: the runs it names reconnect (023), one it lost fails (024, 004)', async (t) => {
  const { store, startd, clock, sessions, events } = setup(t);
  const [job, lost] = submitIdle(store, [{ JobLeaseDuration: '2400' }, { JobLeaseDuration: '2400' }]);
  const running = startRunOn(store, job, slotOf(startd, 'slot1'));
  const gone = startRunOn(store, lost, slotOf(startd, 'slot2'));
  sessions.connected(startd, [reportedRun(running, 'slot1'), reportedRun(gone, 'slot2')]);
  sessions.disconnected(startd);
  sessions.connected(fakeStartd('s1', ['slot1', 'slot2']), [reportedRun(running, 'slot1')]);
  t.equal(clock.running.size, 0, 'the hello ended the waits and the lease');
  const back = reread(store, job) as StoredJob;
  t.same([back.status, back.ad.getInt('NumJobReconnects'), back.ad.has('JobDisconnectedDate'), back.runId], [JobStatus.Running, 1, false, running.runId]);
  t.equal((reread(store, lost) as StoredJob).ad.getString('VacateReason'), 'Job not found at execution machine');
  t.same(events, ['1.0:022', '1.1:022', '1.0:023', '1.1:024', '1.1:004']);
});

t.test('lease: at the schedd start, a run whose lease is valid waits (022) and fails without 004; one whose lease expired is stopped without an event', async (t) => {
  const { store, startd, clock, sessions, events, now } = setup(t);
  const [valid, expired, none] = submitIdle(store, [{ JobLeaseDuration: '60' }, { JobLeaseDuration: '20' }, {}]);
  startRunOn(store, valid, slotOf(startd, 'slot1'));
  startRunOn(store, expired, slotOf(startd, 'slot2'));
  startRunOn(store, none, slotOf(startd, 'slot3'));
  now.at = new Date(NOW.getTime() + 25_000);
  sessions.recover('s1');
  t.same(events, ['1.0:022'], "the schedd's 022 for the run it waits for");
  t.same([...clock.running.values()].map((lease) => lease.ms), [35_000, 35_000], 'what is left of the lease renewed as the run started');
  t.same(
    [valid, expired, none].map((job) => reread(store, job)?.status),
    [JobStatus.Running, JobStatus.Idle, JobStatus.Idle],
  );
  t.notOk((reread(store, valid) as StoredJob).ad.has('JobDisconnectedDate'), 'no date set by the schedd');
  clock.expireAll();
  t.same(events, ['1.0:022', '1.0:024'], 'JOB_RECONNECT_FAILED: no 004');
  t.equal((reread(store, valid) as StoredJob).status, JobStatus.Idle);
});

t.test('lease: LastJobLeaseRenewal of the runs on connected startds, renewed each alive interval', async (t) => {
  const { store, startd, sessions, now } = setup(t);
  const [job] = submitIdle(store, [{ JobLeaseDuration: '60' }]);
  const running = startRunOn(store, job, slotOf(startd, 'slot1'));
  sessions.connected(startd, [reportedRun(running, 'slot1')]);
  const renewed = () => reread(store, job)?.ad.getInt('LastJobLeaseRenewal');
  const started = Math.floor(NOW.getTime() / 1000);
  sessions.renewLeases();
  t.equal(renewed(), started, 'the first pass');
  now.at = new Date(NOW.getTime() + 100_000);
  sessions.renewLeases();
  t.equal(renewed(), started, 'the next one ALIVE_INTERVAL later');
  sessions.runStarted(running.ad);
  now.at = new Date(NOW.getTime() + 109_000);
  sessions.renewLeases();
  t.equal(renewed(), started, 'a lease of 60 s brings it 10 s after that run');
  now.at = new Date(NOW.getTime() + 110_000);
  sessions.renewLeases();
  t.equal(renewed(), started + 110);
  now.at = new Date(NOW.getTime() + 129_000);
  sessions.renewLeases();
  t.equal(renewed(), started + 110, 'then every 20 s');
  now.at = new Date(NOW.getTime() + 130_000);
  sessions.renewLeases();
  t.equal(renewed(), started + 130);
  t.equal(reread(store, job)?.runId, running.runId, 'the run is kept');
});

t.test('lease: a startd back within it keeps its runs; a stopped schedd ends no lease', async (t) => {
  const { store, startd, clock, sessions } = setup(t);
  const [job] = submitIdle(store, [{ JobLeaseDuration: '60' }]);
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
