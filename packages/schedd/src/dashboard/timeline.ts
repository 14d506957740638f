import type { TimelineEntry, TimelineKind } from '@tinycondor/shared/job-timeline';

export type RunOutcome = 'running' | 'evicted' | 'held' | 'terminated' | 'aborted' | 'failed';

export interface TimelineRun {
  /** Epoch seconds. */
  start: number;
  /** null while the run goes on. */
  end: number | null;
  outcome: RunOutcome;
}

export interface TimelineMark {
  kind: 'submitted' | 'checkpoint' | 'evicted' | 'held' | 'released' | 'terminated' | 'aborted';
  time: number;
}

export interface Timeline {
  runs: TimelineRun[];
  marks: TimelineMark[];
}

/** Entries that end a run. */
const RUN_ENDS: Partial<Record<TimelineKind, RunOutcome>> = { evicted: 'evicted', terminated: 'terminated', aborted: 'aborted', held: 'held' };
const MARKS: Partial<Record<TimelineKind, TimelineMark['kind']>> = {
  submitted: 'submitted',
  evicted: 'evicted',
  terminated: 'terminated',
  aborted: 'aborted',
  held: 'held',
  released: 'released',
  'checkpoint-committed': 'checkpoint',
};

/**
 * Runs, checkpoints and evictions of one job, from its timeline (the schedd's own record, see
 * JobStore.timeline): a run lasts from `executing` to the entry that ends it; each committed checkpoint
 * is a mark.
 */
export function jobTimeline(entries: readonly TimelineEntry[]): Timeline {
  const runs: TimelineRun[] = [];
  const marks: TimelineMark[] = [];
  let open: TimelineRun | undefined;
  for (const entry of entries) {
    const time = Math.floor(entry.time / 1000);
    const mark = MARKS[entry.kind];
    if (mark) marks.push({ kind: mark, time });
    if (entry.kind === 'executing') {
      if (open) open.end = time;
      open = { start: time, end: null, outcome: 'running' };
      runs.push(open);
      continue;
    }
    const outcome = RUN_ENDS[entry.kind];
    if (outcome && open) {
      open.end = time;
      open.outcome = outcome;
      open = undefined;
    }
  }
  return { runs, marks };
}
