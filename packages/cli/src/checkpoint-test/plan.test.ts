import t from 'tap';
import { dalyInterval, parseDuration, youngInterval } from './interval.js';
import { describeEviction, planEvictions, seededRandom } from './plan.js';

t.test('the same seed gives the same eviction moments; another seed others', async (t) => {
  const opts = { evictions: 6, seed: 42, method: 'vacate' as const, referenceExecutingMs: 10_000, referenceCheckpoints: 4 };
  const plan = planEvictions(opts);
  t.same(planEvictions(opts), plan, 'reproducible');
  t.notSame(planEvictions({ ...opts, seed: 43 }), plan, 'another seed');
  t.same(plan.map((e) => e.kind), ['running', 'after-checkpoint', 'during-upload', 'running', 'after-checkpoint', 'during-upload'], 'kinds in turn');
  for (const e of plan.filter((p) => p.kind === 'running')) t.ok((e.afterMs ?? -1) >= 1000 && (e.afterMs ?? 0) <= 9000, `running moment ${e.afterMs} in the middle 80 %`);
  for (const e of plan.filter((p) => p.kind !== 'running')) t.ok(Number.isInteger(e.checkpoint) && (e.checkpoint ?? -1) >= 0 && (e.checkpoint ?? 9) < 3, `checkpoint ${e.checkpoint} exists and is not the last`);
});

t.test('a checkpoint moment is never the last of several, which a timer-driven job may not reach again', async (t) => {
  for (let seed = 0; seed < 200; seed++) {
    const [moment] = planEvictions({ evictions: 1, seed, method: 'vacate', moments: ['after-checkpoint'], referenceExecutingMs: 1000, referenceCheckpoints: 2 });
    t.equal(moment.checkpoint, 0, `seed ${seed}`);
  }
  const [only] = planEvictions({ evictions: 1, seed: 3, method: 'vacate', moments: ['during-upload'], referenceExecutingMs: 1000, referenceCheckpoints: 1 });
  t.equal(only.checkpoint, 0, 'a single checkpoint is the moment');
  const seen = new Set(Array.from({ length: 200 }, (_, seed) => planEvictions({ evictions: 1, seed, method: 'vacate', moments: ['after-checkpoint'], referenceExecutingMs: 1000, referenceCheckpoints: 5 })[0].checkpoint));
  t.same([...seen].sort(), [0, 1, 2, 3], 'every checkpoint but the last is chosen');
});

t.test('a job that never checkpointed is only evicted while running', async (t) => {
  const plan = planEvictions({ evictions: 3, seed: 1, method: 'kill-startd', referenceExecutingMs: 2000, referenceCheckpoints: 0 });
  t.same(plan.map((e) => `${e.kind}/${e.method}`), ['running/kill-startd', 'running/kill-startd', 'running/kill-startd']);
  t.equal(planEvictions({ evictions: 0, seed: 1, method: 'vacate', referenceExecutingMs: 1, referenceCheckpoints: 1 }).length, 0);
});

t.test('seededRandom stays in [0, 1)', async (t) => {
  const random = seededRandom(7);
  const values = Array.from({ length: 1000 }, random);
  t.ok(values.every((v) => v >= 0 && v < 1));
  t.ok(new Set(values).size > 990, 'no short cycle');
});

t.test('describeEviction says what happens when', async (t) => {
  t.equal(describeEviction({ kind: 'running', method: 'vacate', afterMs: 1234 }), 'vacate 1.23 s into the run');
  t.equal(describeEviction({ kind: 'after-checkpoint', method: 'kill-startd', checkpoint: 2 }), 'SIGKILL of the startd right after checkpoint 2');
  t.equal(describeEviction({ kind: 'during-upload', method: 'vacate', checkpoint: 0 }), 'vacate during the upload of checkpoint 0');
});

t.test('Young and Daly intervals', async (t) => {
  t.equal(youngInterval(10, 14_400), Math.sqrt(2 * 10 * 14_400));
  // Daly's higher-order terms make the optimum slightly larger than Young's less the cost.
  const daly = dalyInterval(10, 14_400);
  t.ok(Math.abs(daly - (Math.sqrt(288_000) * (1 + Math.sqrt(10 / 28_800) / 3 + 10 / 28_800 / 9) - 10)) < 1e-9);
  t.ok(daly < youngInterval(10, 14_400), 'for a small cost Daly is a little below Young');
  t.equal(dalyInterval(100, 40), 40, 'a cost beyond 2 MTBF: checkpoint once per MTBF');
});

t.test('parseDuration', async (t) => {
  t.equal(parseDuration('4h'), 14_400);
  t.equal(parseDuration('30m'), 1800);
  t.equal(parseDuration('90'), 90);
  t.equal(parseDuration('1.5d'), 129_600);
  for (const bad of ['', '0', '-3h', '4 hours', 'h']) t.equal(parseDuration(bad), undefined, `'${bad}' refused`);
});
