import type { ParsedEvent } from '@tinycondor/shared/eventlog/index';

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

/** Events that end a run. */
const RUN_ENDS: Record<number, RunOutcome> = { 2: 'failed', 4: 'evicted', 5: 'terminated', 9: 'aborted', 12: 'held' };
const MARKS: Record<number, TimelineMark['kind']> = { 0: 'submitted', 4: 'evicted', 5: 'terminated', 9: 'aborted', 12: 'held', 13: 'released' };

function finishedOutputTransfer(event: ParsedEvent): boolean {
  return event.code === 40 && (event.text.includes('Finished transferring output files') || event.attributes?.Type === 6);
}

/**
 * Runs, checkpoints and evictions of one job from its event log: a run lasts from 001 to the event that
 * ends it. HTCondor logs each checkpoint as a 040 output pair and the job keeps running; the exit's
 * output is a 040 pair right before 005, and with `when_to_transfer_output = ON_EXIT_OR_EVICT`
 * (`outputAtEviction`) an eviction's, hold's or removal's output is one right before 004/012/009.
 * Every other finished output transfer inside a run is a checkpoint.
 */
export function jobTimeline(events: ParsedEvent[], opts: { outputAtEviction: boolean }): Timeline {
  const runs: TimelineRun[] = [];
  const marks: TimelineMark[] = [];
  let open: TimelineRun | undefined;
  events.forEach((event, index) => {
    const time = Math.floor(event.time.getTime() / 1000);
    const mark = MARKS[event.code];
    if (mark) marks.push({ kind: mark, time });
    if (event.code === 1) {
      if (open) open.end = time;
      open = { start: time, end: null, outcome: 'running' };
      runs.push(open);
      return;
    }
    const outcome = RUN_ENDS[event.code];
    if (outcome && open) {
      open.end = time;
      open.outcome = outcome;
      open = undefined;
      return;
    }
    if (open && finishedOutputTransfer(event)) {
      const next = events[index + 1]?.code;
      const endsWithOutput = next === 5 || (opts.outputAtEviction && (next === 4 || next === 12 || next === 9));
      if (!endsWithOutput) marks.push({ kind: 'checkpoint', time });
    }
  });
  return { runs, marks };
}
