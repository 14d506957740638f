import t from 'tap';
import type { TimelineEntry } from '@tinycondor/shared/job-timeline';
import { median, runFigures } from './metrics.js';
import { buildReport, formatReport, progressChart } from './report.js';

const T0 = 1_800_000_000_000;
const at = (ms: number, kind: TimelineEntry['kind'], extra: Partial<TimelineEntry> = {}): TimelineEntry => ({ time: T0 + ms, kind, ...extra });

/** Two checkpoints, a vacate 300 ms after the second, a restart, then the end. */
const EVICTED: TimelineEntry[] = [
  at(-20, 'released', { code: 13 }),
  at(0, 'executing', { code: 1, runId: '0000000000000000000001' }),
  at(990, 'checkpoint-exit', { checkpoint: 0 }),
  at(1000, 'checkpoint-started', { code: 40, checkpoint: 0 }),
  at(1040, 'checkpoint-committed', { code: 40, checkpoint: 0, bytes: 100, files: 3 }),
  at(1050, 'checkpoint-restart', { checkpoint: 0 }),
  at(2000, 'checkpoint-started', { code: 40, checkpoint: 1 }),
  at(2060, 'checkpoint-committed', { code: 40, checkpoint: 1, bytes: 300, files: 3 }),
  at(2360, 'fault', { detail: 'evict now: vacate' }),
  at(2400, 'evicted', { code: 4 }),
  at(2500, 'executing', { code: 1, runId: '0000000000000000000002' }),
  at(4000, 'terminated', { code: 5 }),
];

t.test('figures from a timeline: checkpoints, badput, restart cost', async (t) => {
  const figures = runFigures([...EVICTED].reverse());
  t.equal(figures.wallMs, 4000);
  t.equal(figures.executions, 2);
  t.same(figures.checkpoints, [
    { number: 0, bytes: 100, files: 3, uploadMs: 40, committedAtMs: 1040, overheadMs: 60 },
    { number: 1, bytes: 300, files: 3, uploadMs: 60, committedAtMs: 2060 },
  ], 'the whole cost where the startd reported the restart');
  t.same(figures.evictions, [{ atMs: 2360, badputMs: 300, restartMs: 140 }], 'work since the last commit is lost; restart from the fault');
  t.equal(figures.failedUploads, 0);
});

t.test('an eviction before any checkpoint loses everything since the execution began', async (t) => {
  const figures = runFigures([at(0, 'executing'), at(700, 'evicted'), at(900, 'executing'), at(1500, 'checkpoint-failed'), at(2000, 'held')]);
  t.same(figures.evictions, [{ atMs: 700, badputMs: 700, restartMs: 200 }]);
  t.equal(figures.failedUploads, 1);
  t.equal(figures.wallMs, 2000);
  t.same(runFigures([]), { wallMs: 0, executions: 0, checkpoints: [], evictions: [], failedUploads: 0, startedAt: undefined });
});

t.test('median', async (t) => {
  t.equal(median([]), undefined);
  t.equal(median([3, 1, 2]), 2);
  t.equal(median([4, 1, 2, 3]), 2.5);
});

t.test('the report: per-run lines, chart, summary and interval advice', async (t) => {
  const reference = runFigures([at(0, 'executing'), at(1000, 'checkpoint-started'), at(1040, 'checkpoint-committed', { bytes: 100, files: 3, checkpoint: 0 }), at(2000, 'checkpoint-started'), at(2040, 'checkpoint-committed', { bytes: 100, files: 3, checkpoint: 1 }), at(3000, 'terminated')]);
  const evicted = runFigures(EVICTED);
  const report = buildReport({
    submitFile: 'job.sub',
    seed: 5,
    mtbfSeconds: 3600,
    lint: [],
    runs: [
      { name: 'reference', eviction: undefined, jobId: '1.0', directory: '/r', pass: true, diagnoses: [], figures: reference, committed: [], grace: undefined },
      {
        name: 'run 1',
        eviction: { kind: 'running', method: 'vacate', afterMs: 2360 },
        jobId: '2.0',
        directory: '/1',
        pass: false,
        diagnoses: [{ code: 'output-differs', message: 'job.out differs', advice: 'look' }],
        figures: evicted,
        committed: [],
        grace: undefined,
      },
    ],
  });
  t.equal(report.pass, false);
  t.same(report.summary, {
    checkpoints: 4,
    medianCheckpointBytes: 100,
    medianUploadMs: 40,
    medianCheckpointMs: 60,
    observedIntervalSeconds: 1.02,
    medianRestartMs: 140,
    totalBadputMs: 300,
    youngIntervalSeconds: Math.sqrt(2 * 0.06 * 3600),
    dalyIntervalSeconds: report.summary.dalyIntervalSeconds,
  });
  const text = formatReport(report);
  t.match(text, /^PASS {2}reference: undisturbed \(reference\) {2}\[job 1\.0, 3\.00 s, 1 execution\(s\), 2 checkpoint\(s\)\]$/m);
  t.match(text, /^FAIL {2}run 1: vacate 2\.36 s into the run/m);
  t.match(text, /^ {6}eviction at 2\.36 s: work lost 300 ms, restart took 140 ms$/m);
  t.match(text, /^ {6}output-differs: job\.out differs\n {8}-> look$/m);
  t.match(text, /the job checkpoints every 1\.0 s; for an MTBF of 1\.0 h the optimum is 20\.\d s \(Daly; Young 20\.8 s\)/);
  t.match(text, /^ {6}checkpoint 0 at 1\.04 s: 100 B in 3 file\(s\), upload\+commit 40 ms, exit to restart 60 ms$/m);
  t.match(text, /1 of 2 runs FAILED\n$/);
  const chart = progressChart(evicted, 40);
  t.equal([...chart].length, 40);
  t.equal(chart[0], '▁', 'nothing saved at the start');
  t.equal([...chart][23], '✕', 'the eviction at 2.36 s of 4 s');
  t.equal([...chart][39], '█', 'both checkpoints saved at the end');
});

t.test('a job that never checkpointed is told so', async (t) => {
  const report = buildReport({ submitFile: 'j.sub', seed: 1, mtbfSeconds: 60, lint: [], runs: [{ name: 'reference', eviction: undefined, jobId: '1.0', directory: '/r', pass: true, diagnoses: [], figures: runFigures([at(0, 'executing'), at(10, 'terminated')]), committed: [], grace: undefined }] });
  t.equal(report.summary.youngIntervalSeconds, undefined);
  t.match(formatReport(report), /the job never checkpointed: every eviction loses all its work/);
  t.match(formatReport(report), /all 1 runs match the reference/);
});
