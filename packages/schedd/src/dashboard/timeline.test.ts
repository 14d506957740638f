import t from 'tap';
import type { TimelineEntry, TimelineKind } from '@tinycondor/shared/job-timeline';
import { jobTimeline } from './timeline.js';

const at = (hms: string) => Date.parse(`2026-12-01T${hms}Z`);
const entry = (kind: TimelineKind, hms: string, more: Partial<TimelineEntry> = {}): TimelineEntry => ({ time: at(hms) + 250, kind, ...more });
const seconds = (hms: string) => Math.floor(at(hms) / 1000);

t.test('runs, checkpoints, evictions, holds from one job\'s timeline', async (t) => {
  const timeline = jobTimeline([
    entry('submitted', '10:00:00'),
    entry('executing', '10:00:01'),
    entry('checkpoint-started', '10:00:05', { checkpoint: 0 }),
    entry('checkpoint-committed', '10:00:05', { checkpoint: 0 }),
    entry('checkpoint-exit', '10:00:05', { checkpoint: 0 }),
    entry('checkpoint-restart', '10:00:06', { checkpoint: 0 }),
    // Files sent at an eviction (ON_EXIT_OR_EVICT) are output, not a checkpoint.
    entry('output-started', '10:00:09'),
    entry('output-finished', '10:00:09'),
    entry('evicted', '10:00:10'),
    entry('executing', '10:00:12'),
    entry('held', '10:00:20'),
    entry('released', '10:00:30'),
    entry('executing', '10:00:31'),
    entry('output-started', '10:00:40'),
    entry('output-finished', '10:00:40'),
    entry('terminated', '10:00:40'),
  ]);
  t.same(timeline.runs, [
    { start: seconds('10:00:01'), end: seconds('10:00:10'), outcome: 'evicted' },
    { start: seconds('10:00:12'), end: seconds('10:00:20'), outcome: 'held' },
    { start: seconds('10:00:31'), end: seconds('10:00:40'), outcome: 'terminated' },
  ]);
  t.same(timeline.marks.map((m) => m.kind), ['submitted', 'checkpoint', 'evicted', 'held', 'released', 'terminated']);
});

t.test('a run still going, and a checkpoint as the last entry', async (t) => {
  const timeline = jobTimeline([entry('executing', '10:00:01'), entry('checkpoint-committed', '10:00:05', { checkpoint: 0 })]);
  t.same(timeline.runs, [{ start: seconds('10:00:01'), end: null, outcome: 'running' }]);
  t.same(timeline.marks, [{ kind: 'checkpoint', time: seconds('10:00:05') }]);
  t.same(jobTimeline([]), { runs: [], marks: [] });
});
