import t from 'tap';
import { ClassAd } from '@tinycondor/shared/classad/index';
import { Matchmaker, NEWLY_IDLE_PER_PASS, type Candidate, type MatchmakingQueue } from './matchmaker.js';

interface Job {
  id: string;
  /** Memory it needs; a slot fits it when it has as much. */
  memory: number;
  prio?: number;
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
  };
  return { q, placed, stats };
}

t.test('free slots first, then one job queued on each busy slot, best jobs first', async (t) => {
  const reads = { count: 0 };
  const { q, placed } = queue([{ id: '1.0', memory: 100 }, { id: '1.1', memory: 100 }, { id: '1.2', memory: 100 }, { id: '1.3', memory: 100 }]);
  const result = new Matchmaker().pass(slots({ free1: 128 }, reads), slots({ busy1: 128, busy2: 128 }, reads), q);
  t.same(placed, ['1.0->free1:start', '1.1->busy1:queue', '1.2->busy2:queue']);
  t.same(result, { unplacedFree: [], more: false });
});

t.test('a job that fits no slot leaves the slot free to take back a queued job; a fitting job in the queue is not blocked by it', async (t) => {
  const reads = { count: 0 };
  const { q, placed } = queue([{ id: '1.0', memory: 4096 }, { id: '1.1', memory: 64 }]);
  const result = new Matchmaker().pass(slots({ small: 128, smaller: 96 }, reads), [], q);
  t.same(placed, ['1.1->small:start']);
  t.same(result.unplacedFree.map((c) => c.key), ['smaller']);
});

t.test('a slot found to fit no idle job is not scanned for again until it or a job changes', async (t) => {
  const reads = { count: 0 };
  const big = [{ id: '1.0', memory: 4096 }];
  const { q, stats, placed } = queue(big);
  const matchmaker = new Matchmaker();
  matchmaker.pass(slots({ small: 128 }, reads), [], q);
  t.equal(stats.scanned, 1, 'the first pass scans the idle queue');
  matchmaker.pass(slots({ small: 128 }, reads), [], q);
  t.equal(stats.scanned, 1, 'the next pass does not: nothing changed');
  big.push({ id: '2.0', memory: 64 });
  matchmaker.jobBecameIdle('2.0', 0);
  matchmaker.pass(slots({ small: 128 }, reads), [], q);
  t.same(placed, ['2.0->small:start'], 'a newly idle job is tried on it');
  t.equal(stats.scanned, 1, 'without a scan');
  big.push({ id: '3.0', memory: 64 });
  matchmaker.pass(slots({ small: 128 }, reads), [], q);
  t.same(placed, ['2.0->small:start'], 'a job the matchmaker was not told of waits');
  matchmaker.slotChanged('small');
  matchmaker.pass(slots({ small: 128 }, reads), [], q);
  t.same(placed, ['2.0->small:start', '3.0->small:start'], 'until the slot changes: then the queue is scanned');
  t.equal(stats.scanned, 2);
});

t.test('jobs queued on a busy slot already are not placed again; a slot\'s ad is built only when a job is tried', async (t) => {
  const reads = { count: 0 };
  const { q, placed } = queue([{ id: '1.0', memory: 64 }, { id: '1.1', memory: 64 }], new Set(['1.0']));
  const matchmaker = new Matchmaker();
  matchmaker.jobBecameIdle('1.0', 0);
  matchmaker.pass(slots({ a: 128, b: 128, c: 128 }, reads), [], q);
  t.same(placed, ['1.1->a:start']);
  t.equal(reads.count, 1, 'one ad built: the first slot fit');
  t.same(new Matchmaker().pass([], [], q), { unplacedFree: [], more: false }, 'no slots: nothing read');
});

t.test('on slots already explored, newly idle jobs are tried NEWLY_IDLE_PER_PASS at a time; the rest wait for another pass', async (t) => {
  const reads = { count: 0 };
  const jobs: Job[] = [];
  const { q, stats } = queue(jobs);
  const matchmaker = new Matchmaker();
  matchmaker.pass(slots({ small: 128 }, reads), [], q);
  jobs.push(...Array.from({ length: NEWLY_IDLE_PER_PASS + 10 }, (_, i) => ({ id: `1.${i}`, memory: 4096 })));
  for (const job of jobs) matchmaker.jobBecameIdle(job.id, job.prio ?? 0);
  const first = matchmaker.pass(slots({ small: 128 }, reads), [], q);
  t.equal(first.more, true, 'another pass is wanted');
  const second = matchmaker.pass(slots({ small: 128 }, reads), [], q);
  t.equal(second.more, false);
  t.equal(stats.scanned, 1, 'the idle queue was read once, for the slot when it was new');
});

t.test('the best job gets a slot first, whether the slot was explored or not and however the jobs became idle', async (t) => {
  const reads = { count: 0 };
  const jobs = [{ id: '1.0', memory: 64, prio: 0 }, { id: '1.1', memory: 64, prio: 0 }, { id: '1.2', memory: 64, prio: 9 }];
  const { q, placed } = queue(jobs);
  const matchmaker = new Matchmaker();
  for (const job of jobs) matchmaker.jobBecameIdle(job.id, job.prio ?? 0);
  matchmaker.pass(slots({ a: 128 }, reads), [], q);
  t.same(placed, ['1.2->a:start'], 'a slot not explored yet: the idle queue in its order');
  // Slot b fits nothing idle now, so it is exhausted; then two jobs become idle, the better one second.
  const later = [{ id: '2.0', memory: 4096, prio: 0 }];
  const { q: q2, placed: placed2 } = queue(later);
  matchmaker.pass(slots({ b: 128 }, reads), [], q2);
  later.push({ id: '2.1', memory: 64, prio: 0 }, { id: '2.2', memory: 64, prio: 5 });
  matchmaker.jobBecameIdle('2.1', 0);
  matchmaker.jobBecameIdle('2.2', 5);
  matchmaker.pass(slots({ b: 128 }, reads), [], q2);
  t.same(placed2, ['2.2->b:start'], 'an explored slot: the newly idle jobs, best first');
});

t.test('a job that becomes idle again takes a free slot before a busy one, though the busy one is unexplored', async (t) => {
  const reads = { count: 0 };
  const jobs = [{ id: '3.0', memory: 64 }];
  const queued = new Set(['3.0']);
  const { q, placed } = queue(jobs, queued);
  const matchmaker = new Matchmaker();
  // Slot b frees while 3.0 waits queued behind a's run: b is explored, no idle job fits it (3.0 is held out).
  matchmaker.pass(slots({ b: 128 }, reads), [], q);
  t.same(placed, []);
  // 3.0 is taken back and becomes idle; a's queue place is free again (so unexplored).
  queued.delete('3.0');
  matchmaker.jobBecameIdle('3.0', 0);
  matchmaker.queueSlotChanged('a');
  matchmaker.pass(slots({ b: 128 }, reads), slots({ a: 128 }, reads), q);
  t.same(placed, ['3.0->b:start'], 'free before queued');
});

t.test('a slot that frees goes to an older idle job of higher JobPrio before a job that just became idle', async (t) => {
  const reads = { count: 0 };
  const jobs: Job[] = [{ id: '1.0', memory: 64, prio: 5 }];
  const { q, placed } = queue(jobs);
  const matchmaker = new Matchmaker();
  // 1.0 is tried and fits no slot there is.
  matchmaker.jobBecameIdle('1.0', 5);
  matchmaker.pass(slots({ small: 32 }, reads), [], q);
  t.same(placed, []);
  // A slot that fits it frees as 2.0, of lower JobPrio, becomes idle: both are candidates in one pass.
  jobs.push({ id: '2.0', memory: 64, prio: 0 });
  matchmaker.jobBecameIdle('2.0', 0);
  matchmaker.slotChanged('big');
  matchmaker.pass(slots({ small: 32, big: 128 }, reads), [], q);
  t.same(placed, ['1.0->big:start'], 'the older job of higher priority');
  matchmaker.slotChanged('big2');
  matchmaker.pass(slots({ small: 32, big2: 128 }, reads), [], q);
  t.same(placed, ['1.0->big:start', '2.0->big2:start'], 'the newly idle job next');
});
