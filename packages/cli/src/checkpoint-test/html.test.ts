import t from 'tap';
import type { TimelineEntry } from '@tinycondor/shared/job-timeline';
import { formatHtml } from './html.js';
import { runFigures } from './metrics.js';
import { buildReport } from './report.js';

const T0 = 1_800_000_000_000;
const at = (ms: number, kind: TimelineEntry['kind'], extra: Partial<TimelineEntry> = {}): TimelineEntry => ({ time: T0 + ms, kind, ...extra });
const checkpointed = [at(0, 'executing'), at(900, 'checkpoint-started', { checkpoint: 0 }), at(1000, 'checkpoint-committed', { checkpoint: 0, bytes: 64, files: 3 }), at(2000, 'terminated')];
const evicted = [...checkpointed.slice(0, 3), at(1500, 'fault', { detail: 'evict now: vacate' }), at(1520, 'evicted'), at(1600, 'executing'), at(2600, 'terminated')];

t.test('the HTML report: self-contained, a timeline per run, the checkpoints, diagnoses, lint and interval advice, all escaped', async (t) => {
  const report = buildReport({
    submitFile: 'job<1>.sub',
    seed: 4,
    mtbfSeconds: 3600,
    lint: [{ code: 'no-checkpoint-list', severity: 'warning', line: 2, message: 'no list', htcondor: 'HTCondor checkpoints what changed' }],
    runs: [
      { name: 'reference', eviction: undefined, jobId: '1.0', directory: '/r', pass: true, diagnoses: [], figures: runFigures(checkpointed), committed: [], grace: undefined },
      {
        name: 'run 1',
        eviction: { kind: 'running', method: 'vacate', afterMs: 1500 },
        jobId: '2.0',
        directory: '/1',
        pass: false,
        diagnoses: [{ code: 'restarted-from-scratch', message: 'went from 3 back to <0>', advice: 'list the state' }],
        figures: runFigures(evicted),
        committed: [],
        grace: { sentAtEviction: false, savedFiles: [], message: 'nothing sent' },
      },
    ],
  });
  const html = formatHtml(report);
  t.match(html, /^<!DOCTYPE html>/);
  t.notMatch(html, /<script|https?:\/\/|src=/, 'nothing to fetch, nothing to run');
  t.equal(html.match(/<svg /g)?.length, 2, 'a timeline per run');
  t.match(html, /class="ckpt"><title>checkpoint 0: 64 B, committed at 1\.00 s/);
  t.match(html, /class="evict"><title>eviction at 1\.50 s/);
  t.match(html, /<b>restarted-from-scratch<\/b>: went from 3 back to &lt;0&gt;/);
  t.match(html, /job&lt;1&gt;\.sub:2: <b>warning no-checkpoint-list<\/b>/);
  t.match(html, /grace: nothing sent/);
  t.match(html, /the optimum interval is [\d.]+ (s|min) \(Daly; Young [\d.]+ (s|min)\)/);
  t.match(html, /1 of 2 runs FAILED/);
});
