import t from 'tap';
import { ClassAd } from '@tinycondor/shared/classad/index';
import { LimitsInUse } from '@tinycondor/shared/concurrency-limits';
import { Matchmaker, NEWLY_IDLE_PER_PASS, type Candidate, type LimitsState, type MatchmakingQueue } from './matchmaker.js';

/** No job here declares limits. */
const NO_LIMITS: LimitsState = { inUse: () => new LimitsInUse(), knob: () => undefined };

interface Job {
  id: string;
  /** Memory it needs; a slot fits it when it has as much. */
  memory: number;
  prio?: number;
  /** Its ConcurrencyLimits (lower-case); `net:` + the slot's Net for a limits expression. */
  limits?: string;
}

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

/** A queue of idle jobs; `placed` lists what a pass did, `scanned` how often the whole idle queue was read. */
function queue(jobs: Job[], queued: Set<string> = new Set()) {
  const placed: string[] = [];
  const limited: string[] = [];
  const stats = { scanned: 0 };
  const q: MatchmakingQueue<Job, string> = {
    idleJob: (jobId) => jobs.find((j) => j.id === jobId),
    idleJobs: function* () {
      stats.scanned++;
      // Best first; a job placed meanwhile is no longer idle.
      for (const job of [...jobs].sort((a, b) => (b.prio ?? 0) - (a.prio ?? 0))) if (jobs.includes(job) && !queued.has(job.id)) yield job;
    },
    jobIdOf: (job) => job.id,
    isQueued: (jobId) => queued.has(jobId),
    fits: (job, ad) => (ad.getInt('Memory') ?? 0) >= job.memory,
    place: (job, slot, how) => {
      placed.push(`${job.id}->${slot}:${how}`);
      jobs.splice(jobs.indexOf(job), 1);
    },
    concurrencyLimits: (job, ad) => (job.limits === 'net:' ? `net_${ad().getString('Net') ?? ''}` : job.limits),
    limitedBy: (job, reason) => limited.push(`${job.id}: ${reason}`),
  };
  return { q, placed, stats, limited };
}

t.test('free slots first, then one job queued on each busy slot, best jobs first', async (t) => {
  const reads = { count: 0 };
  const { q, placed } = queue([{ id: '1.0', memory: 100 }, { id: '1.1', memory: 100 }, { id: '1.2', memory: 100 }, { id: '1.3', memory: 100 }]);
  const result = new Matchmaker().pass(slots({ free1: 128 }, reads), slots({ busy1: 128, busy2: 128 }, reads), q, NO_LIMITS);
  t.same(placed, ['1.0->free1:start', '1.1->busy1:queue', '1.2->busy2:queue']);
  t.same(result, { unplacedFree: [], more: false });
});

t.test('a job that fits no slot leaves the slot free to take back a queued job; a fitting job in the queue is not blocked by it', async (t) => {
  const reads = { count: 0 };
  const { q, placed } = queue([{ id: '1.0', memory: 4096 }, { id: '1.1', memory: 64 }]);
  const result = new Matchmaker().pass(slots({ small: 128, smaller: 96 }, reads), [], q, NO_LIMITS);
  t.same(placed, ['1.1->small:start']);
  t.same(result.unplacedFree.map((c) => c.key), ['smaller']);
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
  matchmaker.jobBecameIdle('2.0', 0);
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
  matchmaker.jobBecameIdle('1.0', 0);
  matchmaker.pass(slots({ a: 128, b: 128, c: 128 }, reads), [], q, NO_LIMITS);
  t.same(placed, ['1.1->a:start']);
  t.equal(reads.count, 1, 'one ad built: the first slot fit');
  t.same(new Matchmaker().pass([], [], q, NO_LIMITS), { unplacedFree: [], more: false }, 'no slots: nothing read');
});

t.test('on slots already explored, newly idle jobs are tried NEWLY_IDLE_PER_PASS at a time; the rest wait for another pass', async (t) => {
  const reads = { count: 0 };
  const jobs: Job[] = [];
  const { q, stats } = queue(jobs);
  const matchmaker = new Matchmaker();
  matchmaker.pass(slots({ small: 128 }, reads), [], q, NO_LIMITS);
  jobs.push(...Array.from({ length: NEWLY_IDLE_PER_PASS + 10 }, (_, i) => ({ id: `1.${i}`, memory: 4096 })));
  for (const job of jobs) matchmaker.jobBecameIdle(job.id, job.prio ?? 0);
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
  for (const job of jobs) matchmaker.jobBecameIdle(job.id, job.prio ?? 0);
  matchmaker.pass(slots({ a: 128 }, reads), [], q, NO_LIMITS);
  t.same(placed, ['1.2->a:start'], 'a slot not explored yet: the idle queue in its order');
  // Slot b fits nothing idle now, so it is exhausted; then two jobs become idle, the better one second.
  const later = [{ id: '2.0', memory: 4096, prio: 0 }];
  const { q: q2, placed: placed2 } = queue(later);
  matchmaker.pass(slots({ b: 128 }, reads), [], q2, NO_LIMITS);
  later.push({ id: '2.1', memory: 64, prio: 0 }, { id: '2.2', memory: 64, prio: 5 });
  matchmaker.jobBecameIdle('2.1', 0);
  matchmaker.jobBecameIdle('2.2', 5);
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
  matchmaker.jobBecameIdle('3.0', 0);
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
  matchmaker.jobBecameIdle('1.0', 5);
  matchmaker.pass(slots({ small: 32 }, reads), [], q, NO_LIMITS);
  t.same(placed, []);
  // A slot that fits it frees as 2.0, of lower JobPrio, becomes idle: both are candidates in one pass.
  jobs.push({ id: '2.0', memory: 64, prio: 0 });
  matchmaker.jobBecameIdle('2.0', 0);
  matchmaker.slotChanged('big');
  matchmaker.pass(slots({ small: 32, big: 128 }, reads), [], q, NO_LIMITS);
  t.same(placed, ['1.0->big:start'], 'the older job of higher priority');
  matchmaker.slotChanged('big2');
  matchmaker.pass(slots({ small: 32, big2: 128 }, reads), [], q, NO_LIMITS);
  t.same(placed, ['1.0->big:start', '2.0->big2:start'], 'the newly idle job next');
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
  matchmaker.jobBecameIdle('1.2', 0);
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
