import t from 'tap';
import { ClassAd } from './classad/index.js';
import { DEFAULT_START_PACING, nextJobStartDelay, StartPacer, startPacingSettings } from './start-pacing.js';

t.test('startPacingSettings: param_info.in and schedd.cpp defaults; JOB_START_COUNT at least 1; a value that is no whole number warned about', async (t) => {
  t.same(startPacingSettings(() => undefined), { settings: DEFAULT_START_PACING, warnings: [] });
  const knobs: Record<string, string> = { JOB_START_DELAY: '5', JOB_START_COUNT: '0', MAX_NEXT_JOB_START_DELAY: 'soon' };
  const { settings, warnings } = startPacingSettings((name) => knobs[name]);
  t.same(settings, { jobStartDelay: 5, jobStartCount: 1, maxNextJobStartDelay: 600 });
  t.same(warnings, ['MAX_NEXT_JOB_START_DELAY is not a whole number (soon); using 600']);
});

t.test('nextJobStartDelay: EvalInteger with the slot as target, limited by MAX_NEXT_JOB_START_DELAY unless 0', async (t) => {
  const slot = new ClassAd().set('Cpus', 4);
  const table: [string | undefined, number, { seconds: number; limitedFrom?: number }][] = [
    [undefined, 600, { seconds: 0 }],
    ['10', 600, { seconds: 10 }],
    ['2 * 60', 600, { seconds: 120 }],
    ['TARGET.Cpus * 5', 600, { seconds: 20 }],
    ['7.9', 600, { seconds: 7 }],
    ['"later"', 600, { seconds: 0 }],
    ['900', 600, { seconds: 600, limitedFrom: 900 }],
    ['900', 0, { seconds: 900 }],
    ['-3', 600, { seconds: -3 }],
  ];
  for (const [expr, max, expected] of table) {
    const job = new ClassAd();
    if (expr !== undefined) job.setExpr('NextJobStartDelay', expr);
    t.same(nextJobStartDelay(job, () => slot, max), expected, `NextJobStartDelay = ${expr ?? '(absent)'}, MAX_NEXT_JOB_START_DELAY = ${max}`);
  }
});

t.test('StartPacer: jobThrottle, bursts of JOB_START_COUNT every JOB_START_DELAY, a NextJobStartDelay holding the next start back', async (t) => {
  // Each row: starts at these times (ms) with these NextJobStartDelays; the pause after the last.
  const table: [Partial<typeof DEFAULT_START_PACING>, [number, number][], number | undefined, string][] = [
    [{}, [[0, 0], [0, 0], [0, 0]], undefined, 'the defaults: no pause'],
    [{}, [[1000, 10]], 11_000, 'NextJobStartDelay 10: the next start 10 s after this one'],
    [{}, [[1000, 10], [11_000, 0]], undefined, 'a start without one does not pause'],
    [{}, [[1000, 0], [1000, 5]], 6000, 'the pause follows the start that asked for it'],
    [{ jobStartDelay: 2 }, [[0, 0]], 2000, 'JOB_START_DELAY 2, JOB_START_COUNT 1: 2 s after every start'],
    [{ jobStartDelay: 2, jobStartCount: 3 }, [[0, 0], [0, 0]], undefined, 'JOB_START_COUNT 3: the first three go at once'],
    [{ jobStartDelay: 2, jobStartCount: 3 }, [[0, 0], [0, 0], [0, 0]], 2000, '... then 2 s'],
    [{ jobStartDelay: 2, jobStartCount: 3 }, [[0, 0], [0, 0], [0, 0], [2000, 0]], undefined, '... then the next burst'],
    [{ jobStartDelay: 20 }, [[0, 5]], 20_000, 'the longer of the two'],
    [{ jobStartDelay: 2 }, [[0, 30]], 30_000, 'the longer of the two, the other way'],
  ];
  for (const [knobs, starts, expected, what] of table) {
    const settings = { ...DEFAULT_START_PACING, ...knobs };
    const pacer = new StartPacer();
    for (const [at, delay] of starts) pacer.started(at, delay, settings);
    t.equal(pacer.pausedUntil(starts[starts.length - 1][0]), expected, what);
  }
  const pacer = new StartPacer();
  pacer.started(0, 10, DEFAULT_START_PACING);
  t.equal(pacer.pausedUntil(9999), 10_000, 'paused until then');
  t.equal(pacer.pausedUntil(10_000), undefined, 'not after');
});
