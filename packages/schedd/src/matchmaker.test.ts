import t from 'tap';
import { ClassAd } from '@tinycondor/shared/classad/index';
import { LimitsInUse } from '@tinycondor/shared/concurrency-limits';
import { compareJobPlaces, orderKey, type JobPlace } from '@tinycondor/shared/job-order';
import { Matchmaker, NEWLY_IDLE_PER_PASS, type Candidate, type LimitsState, type MatchmakingQueue, type ShareState } from './matchmaker.js';

/** No job here declares limits. */
const NO_LIMITS: LimitsState = { inUse: () => new LimitsInUse(), knob: () => undefined };

interface Job {
  /** `cluster.proc`. */
  id: string;
  /** Memory it needs; a slot fits it when it has as much. */
  memory: number;
  /** JobPrio. */
  prio?: number;
  /** PreJobPrio1, PreJobPrio2, PostJobPrio1, PostJobPrio2. */
  pre1?: number;
  pre2?: number;
  post1?: number;
  post2?: number;
  /** Its ConcurrencyLimits (lower-case); `net:` + the slot's Net for a limits expression. */
  limits?: string;
  /** Queued on a busy slot: whether its limits would not let it start on a free slot. */
  stuck?: boolean;
  /** Who it is accounted to; '' when not given. */
  submitter?: string;
  /** The cpus it asks for; 1 when not given. */
  cpus?: number;
}

function placeOf(job: Job): JobPlace {
  const [cluster, proc] = job.id.split('.').map(Number);
  return { key: orderKey([job.pre1 ?? 0, job.pre2 ?? 0, job.prio ?? 0, job.post1 ?? 0, job.post2 ?? 0]), cluster, proc };
}

const inOrder = (jobs: Job[]): Job[] => [...jobs].sort((a, b) => compareJobPlaces(placeOf(a), placeOf(b)));

/** Slots by name, with their memory; `reads` counts the slot ads built. */
function slots(spec: Record<string, number>, reads: { count: number }): Candidate<string>[] {
  return Object.entries(spec).map(([name, memory]) => ({
    slot: name,
    key: name,
    get ad() {
      reads.count++;
      return ClassAd.fromJSON({ Memory: String(memory) });
    },
  }));
}

/**
 * A queue of idle jobs, `queued` of them held out (queued on busy slots), and those of them a free slot may
 * still take in `movable`; `placed` lists what a pass did, `takenBack` the queued starts it took back,
 * `scanned` how often the whole idle queue was read.
 */
function queue(jobs: Job[], queued: Set<string> = new Set(), movable: Job[] = [], pausedAfter: (placed: string[]) => boolean = () => false) {
  const placed: string[] = [];
  const limited: string[] = [];
  const takenBack: string[] = [];
  const stats = { scanned: 0 };
  const q: MatchmakingQueue<Job, string> = {
    idleJob: (jobId) => jobs.find((j) => j.id === jobId),
    idleJobs: function* (submitter) {
      stats.scanned++;
      // Best first; a job placed meanwhile is no longer idle.
      for (const job of inOrder(jobs)) if (jobs.includes(job) && !queued.has(job.id) && (submitter === undefined || (job.submitter ?? '') === submitter)) yield job;
    },
    submitterOf: (job) => job.submitter ?? '',
    cpusOf: (job) => job.cpus ?? 1,
    jobIdOf: (job) => job.id,
    placeOf,
    queuedJobs: () => inOrder(movable),
    mayMoveTo: (job) => !job.stuck,
    takeBack: (job) => takenBack.push(job.id),
    isQueued: (jobId) => queued.has(jobId),
    fits: (job, ad) => (ad.getInt('Memory') ?? 0) >= job.memory,
    place: (job, slot, how) => {
      placed.push(`${job.id}->${slot}:${how}`);
      jobs.splice(jobs.indexOf(job), 1);
    },
    concurrencyLimits: (job, ad) => (job.limits === 'net:' ? `net_${ad().getString('Net') ?? ''}` : job.limits),
    limitedBy: (job, reason) => limited.push(`${job.id}: ${reason}`),
    startsPaused: () => pausedAfter(placed),
  };
  return { q, placed, stats, limited, takenBack };
}

t.test('free slots first, then one job queued on each busy slot, best jobs first', async (t) => {
  const reads = { count: 0 };
  const { q, placed } = queue([{ id: '1.0', memory: 100 }, { id: '1.1', memory: 100 }, { id: '1.2', memory: 100 }, { id: '1.3', memory: 100 }]);
  const result = new Matchmaker().pass(slots({ free1: 128 }, reads), slots({ busy1: 128, busy2: 128 }, reads), q, NO_LIMITS);
  t.same(placed, ['1.0->free1:start', '1.1->busy1:queue', '1.2->busy2:queue']);
  t.same(result, { more: false });
});

t.test('a partitionable slot takes jobs while what it has left fits them, in one pass; it is then explored', async (t) => {
  let left = 300;
  let tried = 0;
  const pslot: Candidate<string> = {
    slot: 'p1',
    key: 'p1',
    get ad() {
      tried++;
      return ClassAd.fromJSON({ Memory: String(left) });
    },
    roomLeft: () => left > 0,
  };
  const { q, placed, stats } = queue([{ id: '1.0', memory: 200 }, { id: '1.1', memory: 200 }, { id: '1.2', memory: 100 }, { id: '1.3', memory: 50 }]);
  const carve = q.place;
  q.place = (job, slot, how) => {
    left -= job.memory;
    carve(job, slot, how);
  };
  const matchmaker = new Matchmaker();
  matchmaker.pass([pslot], [], q, NO_LIMITS);
  t.same(placed, ['1.0->p1:start', '1.2->p1:start'], 'the second 200 did not fit what was left');
  t.equal(tried, 3, 'with nothing left, the slot leaves the pass: 1.3 is not tried');
  matchmaker.pass([pslot], [], q, NO_LIMITS);
  t.same([placed.length, stats.scanned], [2, 1], 'explored: no job is tried on it again until it changes');
  left += 200;
  tried = 0;
  matchmaker.slotChanged('p1');
  matchmaker.pass([pslot], [], q, NO_LIMITS);
  t.same(placed.slice(2), ['1.1->p1:start'], 'a dynamic slot gave its resources back');
});

t.test('a job that fits no slot does not block a fitting job behind it', async (t) => {
  const reads = { count: 0 };
  const { q, placed } = queue([{ id: '1.0', memory: 4096 }, { id: '1.1', memory: 64 }]);
  new Matchmaker().pass(slots({ small: 128, smaller: 96 }, reads), [], q, NO_LIMITS);
  t.same(placed, ['1.1->small:start']);
});

t.test('a slot found to fit no idle job is not scanned for again until it or a job changes', async (t) => {
  const reads = { count: 0 };
  const big = [{ id: '1.0', memory: 4096 }];
  const { q, stats, placed } = queue(big);
  const matchmaker = new Matchmaker();
  matchmaker.pass(slots({ small: 128 }, reads), [], q, NO_LIMITS);
  t.equal(stats.scanned, 1, 'the first pass scans the idle queue');
  matchmaker.pass(slots({ small: 128 }, reads), [], q, NO_LIMITS);
  t.equal(stats.scanned, 1, 'the next pass does not: nothing changed');
  big.push({ id: '2.0', memory: 64 });
  matchmaker.jobBecameIdle('2.0', placeOf({ id: '2.0', memory: 64 }));
  matchmaker.pass(slots({ small: 128 }, reads), [], q, NO_LIMITS);
  t.same(placed, ['2.0->small:start'], 'a newly idle job is tried on it');
  t.equal(stats.scanned, 1, 'without a scan');
  big.push({ id: '3.0', memory: 64 });
  matchmaker.pass(slots({ small: 128 }, reads), [], q, NO_LIMITS);
  t.same(placed, ['2.0->small:start'], 'a job the matchmaker was not told of waits');
  matchmaker.slotChanged('small');
  matchmaker.pass(slots({ small: 128 }, reads), [], q, NO_LIMITS);
  t.same(placed, ['2.0->small:start', '3.0->small:start'], 'until the slot changes: then the queue is scanned');
  t.equal(stats.scanned, 2);
});

t.test('jobs queued on a busy slot already are not placed again; a slot\'s ad is built only when a job is tried', async (t) => {
  const reads = { count: 0 };
  const { q, placed } = queue([{ id: '1.0', memory: 64 }, { id: '1.1', memory: 64 }], new Set(['1.0']));
  const matchmaker = new Matchmaker();
  matchmaker.jobBecameIdle('1.0', placeOf({ id: '1.0', memory: 64 }));
  matchmaker.pass(slots({ a: 128, b: 128, c: 128 }, reads), [], q, NO_LIMITS);
  t.same(placed, ['1.1->a:start']);
  t.equal(reads.count, 1, 'one ad built: the first slot fit');
  t.same(new Matchmaker().pass([], [], q, NO_LIMITS), { more: false }, 'no slots: nothing read');
});

t.test('on slots already explored, newly idle jobs are tried NEWLY_IDLE_PER_PASS at a time; the rest wait for another pass', async (t) => {
  const reads = { count: 0 };
  const jobs: Job[] = [];
  const { q, stats } = queue(jobs);
  const matchmaker = new Matchmaker();
  matchmaker.pass(slots({ small: 128 }, reads), [], q, NO_LIMITS);
  jobs.push(...Array.from({ length: NEWLY_IDLE_PER_PASS + 10 }, (_, i) => ({ id: `1.${i}`, memory: 4096 })));
  for (const job of jobs) matchmaker.jobBecameIdle(job.id, placeOf(job));
  const first = matchmaker.pass(slots({ small: 128 }, reads), [], q, NO_LIMITS);
  t.equal(first.more, true, 'another pass is wanted');
  const second = matchmaker.pass(slots({ small: 128 }, reads), [], q, NO_LIMITS);
  t.equal(second.more, false);
  t.equal(stats.scanned, 1, 'the idle queue was read once, for the slot when it was new');
});

t.test('the best job gets a slot first, whether the slot was explored or not and however the jobs became idle', async (t) => {
  const reads = { count: 0 };
  const jobs = [{ id: '1.0', memory: 64, prio: 0 }, { id: '1.1', memory: 64, prio: 0 }, { id: '1.2', memory: 64, prio: 9 }];
  const { q, placed } = queue(jobs);
  const matchmaker = new Matchmaker();
  for (const job of jobs) matchmaker.jobBecameIdle(job.id, placeOf(job));
  matchmaker.pass(slots({ a: 128 }, reads), [], q, NO_LIMITS);
  t.same(placed, ['1.2->a:start'], 'a slot not explored yet: the idle queue in its order');
  // Slot b fits nothing idle now, so it is exhausted; then two jobs become idle, the better one second.
  const later = [{ id: '2.0', memory: 4096, prio: 0 }];
  const { q: q2, placed: placed2 } = queue(later);
  matchmaker.pass(slots({ b: 128 }, reads), [], q2, NO_LIMITS);
  later.push({ id: '2.1', memory: 64, prio: 0 }, { id: '2.2', memory: 64, prio: 5 });
  for (const job of later.slice(1)) matchmaker.jobBecameIdle(job.id, placeOf(job));
  matchmaker.pass(slots({ b: 128 }, reads), [], q2, NO_LIMITS);
  t.same(placed2, ['2.2->b:start'], 'an explored slot: the newly idle jobs, best first');
});

t.test('a job that becomes idle again takes a free slot before a busy one, though the busy one is unexplored', async (t) => {
  const reads = { count: 0 };
  const jobs = [{ id: '3.0', memory: 64 }];
  const queued = new Set(['3.0']);
  const { q, placed } = queue(jobs, queued);
  const matchmaker = new Matchmaker();
  // Slot b frees while 3.0 waits queued behind a's run: b is explored, no idle job fits it (3.0 is held out).
  matchmaker.pass(slots({ b: 128 }, reads), [], q, NO_LIMITS);
  t.same(placed, []);
  // 3.0 is taken back and becomes idle; a's queue place is free again (so unexplored).
  queued.delete('3.0');
  matchmaker.jobBecameIdle('3.0', placeOf(jobs[0]));
  matchmaker.queueSlotChanged('a');
  matchmaker.pass(slots({ b: 128 }, reads), slots({ a: 128 }, reads), q, NO_LIMITS);
  t.same(placed, ['3.0->b:start'], 'free before queued');
});

t.test('a slot that frees goes to an older idle job of higher JobPrio before a job that just became idle', async (t) => {
  const reads = { count: 0 };
  const jobs: Job[] = [{ id: '1.0', memory: 64, prio: 5 }];
  const { q, placed } = queue(jobs);
  const matchmaker = new Matchmaker();
  // 1.0 is tried and fits no slot there is.
  matchmaker.jobBecameIdle('1.0', placeOf(jobs[0]));
  matchmaker.pass(slots({ small: 32 }, reads), [], q, NO_LIMITS);
  t.same(placed, []);
  // A slot that fits it frees as 2.0, of lower JobPrio, becomes idle: both are candidates in one pass.
  jobs.push({ id: '2.0', memory: 64, prio: 0 });
  matchmaker.jobBecameIdle('2.0', placeOf({ id: '2.0', memory: 64, prio: 0 }));
  matchmaker.slotChanged('big');
  matchmaker.pass(slots({ small: 32, big: 128 }, reads), [], q, NO_LIMITS);
  t.same(placed, ['1.0->big:start'], 'the older job of higher priority');
  matchmaker.slotChanged('big2');
  matchmaker.pass(slots({ small: 32, big2: 128 }, reads), [], q, NO_LIMITS);
  t.same(placed, ['1.0->big:start', '2.0->big2:start'], 'the newly idle job next');
});

/**
 * One slot, freed once for each entry of `turns`: the jobs of the entry become idle first (submitted,
 * materialized, released from hold, requeued after an eviction; one already idle is changed, as condor_prio
 * changes it), then a pass gives the slot to one of them. `how`: 'scan', the slot freed (slotChanged) and
 * the idle queue is read for it; 'newly idle', the slot was found to fit no idle job before any came, so
 * only newly idle jobs are tried on it. Returns the jobs in the order they started.
 */
function oneSlotAtATime(turns: Job[][], how: 'scan' | 'newly idle'): string[] {
  const jobs: Job[] = [];
  const { q, placed } = queue(jobs);
  const matchmaker = new Matchmaker();
  const slot = slots({ slot: 128 }, { count: 0 });
  if (how === 'newly idle') matchmaker.pass(slot, [], q, NO_LIMITS);
  for (const turn of turns) {
    for (const job of turn) {
      const known = jobs.findIndex((j) => j.id === job.id);
      if (known >= 0) jobs.splice(known, 1);
      jobs.push(job);
      matchmaker.jobBecameIdle(job.id, placeOf(job));
    }
    if (how === 'scan') matchmaker.slotChanged('slot');
    matchmaker.pass(slot, [], q, NO_LIMITS);
  }
  return placed.map((p) => p.split('->')[0]);
}

const job = (id: string, more: Partial<Job> = {}): Job => ({ id, memory: 64, ...more });

t.test("one free slot at a time: HTCondor's order (PreJobPrio1, PreJobPrio2, JobPrio, PostJobPrio1, PostJobPrio2, higher first; then cluster, proc)", async (t) => {
  const table: { name: string; turns: Job[][]; order: string[] }[] = [
    {
      name: 'equal JobPrio: by cluster, then proc, whatever order they came in',
      turns: [[job('2.0'), job('1.1'), job('1.10'), job('1.2'), job('1.0')], [], [], [], []],
      order: ['1.0', '1.1', '1.2', '1.10', '2.0'],
    },
    {
      name: 'a higher JobPrio first, a negative one last',
      turns: [[job('1.0'), job('1.1'), job('2.0', { prio: 5 }), job('2.1', { prio: -1 }), job('3.0', { prio: 5 })], [], [], [], []],
      order: ['2.0', '3.0', '1.0', '1.1', '2.1'],
    },
    {
      name: 'PreJobPrio1 and PreJobPrio2 before JobPrio, PostJobPrio1 and PostJobPrio2 after it',
      turns: [
        [job('1.0', { prio: 10 }), job('1.1', { pre1: 1 }), job('1.2', { pre2: 1, prio: -10 }), job('1.3', { post1: 1 }), job('1.4', { post2: 1 }), job('1.5', { pre2: -1, prio: 99 })],
        [],
        [],
        [],
        [],
        [],
      ],
      order: ['1.1', '1.2', '1.0', '1.3', '1.4', '1.5'],
    },
    {
      name: 'late materialization: each proc as it is materialized, 9 before 10',
      turns: [[job('1.8'), job('1.9')], [job('1.10')], [job('1.11')], []],
      order: ['1.8', '1.9', '1.10', '1.11'],
    },
    {
      name: 'released from hold: back at its cluster.proc place, not behind the jobs idle meanwhile',
      turns: [[job('1.2'), job('1.3'), job('1.4')], [job('1.0')], [], []],
      order: ['1.2', '1.0', '1.3', '1.4'],
    },
    {
      name: 'requeued after an eviction: its place too (QDate and the time it became idle do not count)',
      turns: [[job('1.1'), job('1.2'), job('2.0')], [job('1.0')], [], []],
      order: ['1.1', '1.0', '1.2', '2.0'],
    },
    {
      name: 'condor_prio on an idle job moves it',
      turns: [[job('1.0'), job('1.1'), job('1.2')], [job('1.2', { prio: 3 })], []],
      order: ['1.0', '1.2', '1.1'],
    },
  ];
  for (const { name, turns, order } of table) {
    t.same(oneSlotAtATime(turns, 'scan'), order, `${name} (the slot freed)`);
    t.same(oneSlotAtATime(turns, 'newly idle'), order, `${name} (the slot explored before)`);
  }
});

t.test('a job that moves many times between two passes is tried at its last place', async (t) => {
  const jobs: Job[] = [];
  const { q, placed } = queue(jobs);
  const matchmaker = new Matchmaker();
  // The slot is explored with nothing idle: the jobs below are tried on it as newly idle ones.
  matchmaker.pass(slots({ a: 128 }, { count: 0 }), [], q, NO_LIMITS);
  jobs.push(job('1.0'), job('1.1', { prio: -1 }));
  matchmaker.jobBecameIdle('1.0', placeOf(jobs[0]));
  for (let i = 0; i < 3000; i++) matchmaker.jobBecameIdle('1.1', placeOf({ ...jobs[1], prio: i % 2 === 0 ? 1 : -1 }));
  matchmaker.pass(slots({ a: 128 }, { count: 0 }), [], q, NO_LIMITS);
  t.same(placed, ['1.0->a:start']);
});

t.test('a free slot goes to a job queued on a busy slot before a worse idle job: kept for it while its start is taken back', async (t) => {
  const reads = { count: 0 };
  // 1.9 waits queued behind a run that goes on; 1.10 was materialized since.
  const nine = job('1.9');
  const jobs = [nine, job('1.10')];
  const queued = new Set(['1.9']);
  const movable = [nine];
  const { q, placed, takenBack } = queue(jobs, queued, movable);
  const matchmaker = new Matchmaker();
  matchmaker.jobBecameIdle('1.10', placeOf(jobs[1]));
  matchmaker.pass(slots({ a: 128 }, reads), [], q, NO_LIMITS);
  t.same(placed, [], '1.10 does not take it');
  t.same(takenBack, ['1.9']);
  matchmaker.pass(slots({ a: 128 }, reads), [], q, NO_LIMITS);
  t.same(placed, [], 'nor in the passes before the startd lets go of 1.9');
  // The startd dropped the start: 1.9 is idle again.
  queued.delete('1.9');
  movable.length = 0;
  matchmaker.jobBecameIdle('1.9', placeOf(nine));
  matchmaker.pass(slots({ a: 128 }, reads), [], q, NO_LIMITS);
  t.same(placed, ['1.9->a:start']);
  matchmaker.slotChanged('b');
  matchmaker.pass(slots({ b: 128 }, reads), [], q, NO_LIMITS);
  t.same(placed, ['1.9->a:start', '1.10->b:start']);
});

t.test('queued jobs take free slots in their order among idle ones, only slots they fit and their limits let them start on', async (t) => {
  const reads = { count: 0 };
  const queuedJobs = [job('1.9'), job('1.5', { memory: 4096 }), job('1.7', { stuck: true }), job('3.0', { prio: 2 })];
  const jobs = [job('1.3'), job('1.12'), ...queuedJobs];
  const { q, placed, takenBack } = queue(jobs, new Set(queuedJobs.map((j) => j.id)), queuedJobs);
  new Matchmaker().pass(slots({ a: 128, b: 128, c: 128, d: 128 }, reads), slots({ busy: 128 }, reads), q, NO_LIMITS);
  t.same(takenBack, ['3.0', '1.9'], 'the better JobPrio first; not 1.5, which fits no slot, nor 1.7, whose limits would be over');
  t.same(placed, ['1.3->b:start', '1.12->d:start'], 'a kept for 3.0, then 1.3, then c kept for 1.9, then 1.12');
});

/** Slots with attributes of their own (Net), and the limits their runs hold when busy. */
function limitSlots(spec: Record<string, { net?: string; held?: string }>): Candidate<string>[] {
  return Object.entries(spec).map(([name, { net, held }]) => ({
    slot: name,
    key: name,
    ad: ClassAd.fromJSON({ Memory: '128', ...(net === undefined ? {} : { Net: JSON.stringify(net) }) }),
    heldLimits: held,
  }));
}

/** The limits held by `running` (lists, as the runs' ConcurrencyLimits), with the knobs given. */
function limitsState(running: string[], knobs: Record<string, number>): LimitsState {
  return {
    inUse: () => {
      const inUse = new LimitsInUse();
      for (const limits of running) inUse.add(limits);
      return inUse;
    },
    knob: (name) => knobs[name.toUpperCase()],
  };
}

t.test('concurrency limits: a job is not matched while its limit would go over its maximum; others are', async (t) => {
  const { q, placed, limited } = queue([
    { id: '1.0', memory: 64, limits: 'foo' },
    { id: '1.1', memory: 64, limits: 'foo' },
    { id: '1.2', memory: 64, limits: 'bar' },
    { id: '1.3', memory: 64, limits: 'foo:2' },
  ]);
  new Matchmaker().pass(limitSlots({ a: {}, b: {}, c: {}, d: {} }), [], q, limitsState([], { FOO_LIMIT: 1 }));
  t.same(placed, ['1.0->a:start', '1.2->b:start'], 'one foo job, and the bar job alongside');
  t.same(limited, ['1.1: concurrency limit foo reached', '1.3: concurrency limit foo reached'], 'the others stay idle, with the negotiator\'s reason');
  const heavy = queue([{ id: '2.0', memory: 64, limits: 'foo:2' }]);
  new Matchmaker().pass(limitSlots({ a: {} }), [], heavy.q, limitsState([], { FOO_LIMIT: 1 }));
  t.same(heavy.placed, [], 'a weight over the maximum never runs, even with nothing in use');
  const fits = queue([{ id: '3.0', memory: 64, limits: 'foo:0.5' }, { id: '3.1', memory: 64, limits: 'foo:0.5' }, { id: '3.2', memory: 64, limits: 'foo:0.5' }]);
  new Matchmaker().pass(limitSlots({ a: {}, b: {}, c: {} }), [], fits.q, limitsState([], { FOO_LIMIT: 1 }));
  t.same(fits.placed, ['3.0->a:start', '3.1->b:start'], 'weights add up to the maximum');
});

t.test('concurrency limits: a job queued on a busy slot whose run holds the same limits takes them over (claim reuse); other limits are checked', async (t) => {
  const { q, placed } = queue([{ id: '1.1', memory: 64, limits: 'foo' }, { id: '1.2', memory: 64, limits: 'foo' }]);
  new Matchmaker().pass(limitSlots({ b: {} }), limitSlots({ a: { held: 'foo' }, c: { held: 'bar' } }), q, limitsState(['foo', 'bar'], { FOO_LIMIT: 1 }));
  t.same(placed, ['1.1->a:queue'], 'behind the foo run; not on the free slot nor behind the bar run');
});

t.test('concurrency limits: slots explored while a limit was reached are explored again when its use or maximum changes', async (t) => {
  const jobs: Job[] = [{ id: '1.1', memory: 64, limits: 'foo' }];
  const { q, placed, stats } = queue(jobs);
  const running = ['foo'];
  const knobs: Record<string, number> = { FOO_LIMIT: 1 };
  const matchmaker = new Matchmaker();
  matchmaker.pass(limitSlots({ b: {} }), [], q, limitsState(running, knobs));
  matchmaker.pass(limitSlots({ b: {} }), [], q, limitsState(running, knobs));
  t.same(placed, []);
  t.equal(stats.scanned, 1, 'nothing changed: the slot is not explored again');
  knobs.FOO_LIMIT = 2;
  matchmaker.pass(limitSlots({ b: {} }), [], q, limitsState(running, knobs));
  t.same(placed, ['1.1->b:start'], 'a higher maximum');
  jobs.push({ id: '1.2', memory: 64, limits: 'foo' });
  matchmaker.jobBecameIdle('1.2', placeOf({ id: '1.2', memory: 64 }));
  running.push('foo');
  matchmaker.pass(limitSlots({ c: {} }), [], q, limitsState(running, knobs));
  t.same(placed, ['1.1->b:start'], 'two in use');
  const scans = stats.scanned;
  // A foo run ends on a slot a queued start takes over: no slot frees, but the limit has room again.
  running.pop();
  matchmaker.pass(limitSlots({ c: {} }), [], q, limitsState(running, knobs));
  t.same(placed, ['1.1->b:start', '1.2->c:start'], 'a lower use');
  t.equal(stats.scanned, scans + 1);
});

t.test('concurrency limits: a limits expression is evaluated for each slot', async (t) => {
  const { q, placed, limited } = queue([{ id: '1.0', memory: 64, limits: 'net:' }]);
  new Matchmaker().pass(limitSlots({ a: { net: 'a' }, b: { net: 'b' } }), [], q, limitsState(['net_b'], { NET_A_LIMIT: 0 }));
  t.same(placed, ['1.0->b:start'], 'net_a has no room at all; net_b has the default maximum');
  const both = queue([{ id: '2.0', memory: 64, limits: 'net:' }]);
  new Matchmaker().pass(limitSlots({ a: { net: 'a' }, b: { net: 'b' } }), [], both.q, limitsState(['net_b'], { NET_A_LIMIT: 0, NET_B_LIMIT: 1 }));
  t.same(both.limited, ['2.0: concurrency limit net_a, net_b reached'], 'every limit reached is named');
  t.same(limited, []);
});

/** The share of submitters with idle jobs among `jobs`: their priorities as given, what they hold as given. */
function shareOf(jobs: Job[], total: number, priorities: Record<string, number>, used: Record<string, number> = {}): ShareState {
  return {
    total,
    submitters: () => [...new Set(jobs.map((j) => j.submitter ?? ''))].sort().map((name) => ({ name, priority: priorities[name], used: used[name] ?? 0 })),
  };
}

t.test('submitters take turns by effective priority, each its share of the slots (the negotiator\'s pie spin)', async (t) => {
  const reads = { count: 0 };
  const a = (id: string): Job => ({ id, memory: 1, submitter: 'a' });
  const b = (id: string): Job => ({ id, memory: 1, submitter: 'b' });
  {
    const jobs = [a('1.0'), a('1.1'), a('1.2'), b('2.0')];
    const { q, placed } = queue(jobs);
    new Matchmaker().pass(slots({ s1: 1 }, reads), [], q, NO_LIMITS, () => shareOf(jobs, 1, { a: 500.5, b: 500 }));
    t.same(placed, ['2.0->s1:start'], 'a freed slot goes to the better priority, though its jobs came later');
  }
  {
    const jobs = [a('1.0'), a('1.1'), a('1.2'), b('2.0'), b('2.1'), b('2.2')];
    const { q, placed } = queue(jobs);
    new Matchmaker().pass(slots({ s1: 1, s2: 1 }, reads), slots({ s3: 1, s4: 1 }, reads), q, NO_LIMITS, () => shareOf(jobs, 6, { a: 500, b: 500 }, { a: 2 }));
    t.same(placed, ['2.0->s1:start', '2.1->s2:start', '2.2->s3:queue', '1.0->s4:queue'], 'what a submitter holds counts against its share; the share left goes round again');
  }
  {
    const jobs = [a('1.0'), a('1.1'), b('2.0')];
    const { q, placed } = queue(jobs);
    new Matchmaker().pass(slots({ s1: 1, s2: 1, s3: 1 }, reads), [], q, NO_LIMITS, () => shareOf(jobs, 3, { a: 500, b: 500 }));
    t.same(placed, ['1.0->s1:start', '2.0->s2:start', '1.1->s3:start'], 'equal priorities: by name, and a share not taken goes to those with jobs left');
  }
  {
    const jobs = [a('1.0'), { id: '2.0', memory: 64, submitter: 'b' }, b('2.1')];
    const { q, placed } = queue(jobs);
    const matchmaker = new Matchmaker();
    matchmaker.pass(slots({ s1: 1 }, reads), [], q, NO_LIMITS, () => shareOf(jobs, 1, { a: 500, b: 400 }));
    t.same(placed, ['2.1->s1:start'], 'a submitter\'s job that fits no slot leaves the slot to its next');
  }
});

t.test('the newly idle budget is the whole pass\'s, whichever submitters spend it; a slot found to fit none of a submitter\'s jobs is that submitter\'s', async (t) => {
  const reads = { count: 0 };
  const jobs: Job[] = [{ id: '1.0', memory: 4096, submitter: 'a' }, { id: '2.0', memory: 4096, submitter: 'b' }];
  const { q, stats, placed } = queue(jobs);
  const matchmaker = new Matchmaker();
  const share = () => shareOf(jobs, 1, { a: 500, b: 500 });
  matchmaker.pass(slots({ small: 128 }, reads), [], q, NO_LIMITS, share);
  t.equal(stats.scanned, 2, "each submitter's idle jobs read once, for the new slot");
  // a (first by name) has more newly idle jobs than a pass tries, none of which fits; b has one that fits.
  const more: Job[] = [...Array.from({ length: NEWLY_IDLE_PER_PASS + 10 }, (_, i) => ({ id: `1.${i + 1}`, memory: 4096, submitter: 'a' })), { id: '2.1', memory: 64, submitter: 'b' }];
  jobs.push(...more);
  for (const job of more) matchmaker.jobBecameIdle(job.id, placeOf(job), job.submitter);
  const first = matchmaker.pass(slots({ small: 128 }, reads), [], q, NO_LIMITS, share);
  t.same([first.more, placed], [true, []], "a's turn spent the pass's budget: b's job waits for the next pass");
  const second = matchmaker.pass(slots({ small: 128 }, reads), [], q, NO_LIMITS, share);
  t.same([second.more, placed], [false, ['2.1->small:start']], 'then it is tried');
  t.equal(stats.scanned, 2, 'the newly idle jobs alone were tried');
  // A slot a's idle jobs were read for is not c's: c's are read for it too, once; then its newly idle job is tried.
  const others: Job[] = [{ id: '1.0', memory: 4096, submitter: 'a' }, { id: '3.1', memory: 4096, submitter: 'c' }];
  const { q: q2, placed: placed2, stats: stats2 } = queue(others);
  const another = new Matchmaker();
  another.pass(slots({ small: 128 }, reads), [], q2, NO_LIMITS, () => shareOf(others, 1, { a: 500, c: 400 }));
  t.equal(stats2.scanned, 2, "a's and c's queues each read for the slot");
  const fits: Job = { id: '3.0', memory: 64, submitter: 'c' };
  others.push(fits);
  another.jobBecameIdle(fits.id, placeOf(fits), 'c');
  another.pass(slots({ small: 128 }, reads), [], q2, NO_LIMITS, () => shareOf(others, 1, { a: 500, c: 400 }));
  t.same([placed2, stats2.scanned], [['3.0->small:start'], 2]);
});

t.test('submitters share a partitionable slot by the cpus of the dynamic slots carved for them', async (t) => {
  let cpusLeft = 4;
  const pslot: Candidate<string> = {
    slot: 'p1',
    key: 'p1',
    get ad() {
      return ClassAd.fromJSON({ Memory: String(cpusLeft) });
    },
    roomLeft: () => cpusLeft > 0,
    weight: 4,
  };
  const jobs: Job[] = [
    { id: '1.0', memory: 1, submitter: 'a', cpus: 2 },
    { id: '1.1', memory: 1, submitter: 'a' },
    { id: '1.2', memory: 1, submitter: 'a' },
    { id: '2.0', memory: 1, submitter: 'b' },
    { id: '2.1', memory: 1, submitter: 'b' },
    { id: '2.2', memory: 1, submitter: 'b' },
  ];
  const { q, placed } = queue(jobs);
  const carve = q.place;
  q.place = (job, slot, how) => {
    cpusLeft -= job.cpus ?? 1;
    carve(job, slot, how);
  };
  new Matchmaker().pass([pslot], [], q, NO_LIMITS, () => shareOf(jobs, 4, { a: 500, b: 500 }));
  t.same(placed, ['1.0->p1:start', '2.0->p1:start', '2.1->p1:start'], "a's two-cpu job is its half of the four cpus; b's two one-cpu jobs are b's");
});

t.test("a submitter that had no idle job at the last pass is not scanned whole: its jobs are newly idle", async (t) => {
  const reads = { count: 0 };
  const matchmaker = new Matchmaker();
  const none: Job[] = [];
  matchmaker.pass(slots({ s1: 64 }, reads), [], queue(none).q, NO_LIMITS, () => shareOf(none, 1, {}));
  const jobs: Job[] = Array.from({ length: 5 }, (_, i) => ({ id: `1.${i}`, memory: 999, submitter: 'a' }));
  for (const job of jobs) matchmaker.jobBecameIdle(job.id, placeOf(job), 'a');
  const { q, placed, stats } = queue(jobs);
  matchmaker.pass(slots({ s1: 64 }, reads), [], q, NO_LIMITS, () => shareOf(jobs, 1, { a: 500 }));
  t.same([placed, stats.scanned], [[], 0], 'its newly idle jobs were tried on the slot; its queue was not read whole');

  const fresh = queue(jobs.map((job) => ({ ...job })));
  new Matchmaker().pass(slots({ s1: 64 }, reads), [], fresh.q, NO_LIMITS, () => shareOf(jobs, 1, { a: 500 }));
  t.equal(fresh.stats.scanned, 1, 'a matchmaker that never saw the queue (a schedd just started) reads it whole');
});

t.test('a claim kept idle (KeepClaimIdle) goes only to a job of its submitter', async (t) => {
  const reads = { count: 0 };
  const kept: Candidate<string> = { ...slots({ kept1: 128 }, reads)[0], claimedBy: 'bob' };
  const { q, placed } = queue([
    { id: '1.0', memory: 100, submitter: 'alice' },
    { id: '2.0', memory: 100, submitter: 'bob' },
  ]);
  new Matchmaker().pass([kept, ...slots({ free1: 128 }, reads)], [], q, NO_LIMITS);
  t.same(placed, ['1.0->free1:start', '2.0->kept1:start'], "alice's job does not take bob's claim");
  const other = queue([{ id: '1.0', memory: 100, submitter: 'alice' }]);
  const matchmaker = new Matchmaker();
  matchmaker.pass([kept], [], other.q, NO_LIMITS);
  t.same(other.placed, [], 'nor does it when no other slot is free');
  const jobs = [{ id: '2.0', memory: 100, submitter: 'bob' }, { id: '1.0', memory: 100, submitter: 'alice' }];
  const shared = queue(jobs);
  new Matchmaker().pass([kept], [], shared.q, NO_LIMITS, () => shareOf(jobs, 2, { alice: 500, bob: 500 }, { bob: 2 }));
  t.same(shared.placed, ['2.0->kept1:start'], 'its submitter takes it though its share is used up: it is theirs already');
});

t.test('a start that pauses starts (NextJobStartDelay) leaves the other free slots for a later pass; jobs are still queued on busy slots', async (t) => {
  const reads = { count: 0 };
  const jobs = [{ id: '1.0', memory: 100 }, { id: '1.1', memory: 100 }, { id: '1.2', memory: 100 }];
  let paused = true;
  const { q, placed } = queue(jobs, new Set(), [], (done) => paused && done.length > 0);
  const matchmaker = new Matchmaker();
  matchmaker.pass(slots({ free1: 128, free2: 128 }, reads), slots({ busy1: 128 }, reads), q, NO_LIMITS);
  t.same(placed, ['1.0->free1:start', '1.1->busy1:queue'], 'one start, then queued');
  paused = false;
  matchmaker.pass(slots({ free2: 128 }, reads), [], q, NO_LIMITS);
  t.same(placed.slice(2), ['1.2->free2:start'], 'free2 was not marked as fitting no job: the next pass scans for it');
});
