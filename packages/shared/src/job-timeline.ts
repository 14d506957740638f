import type { JobEvent } from './eventlog/index.js';

/**
 * A job's timeline: what the schedd saw happen to it, with millisecond times. Entries that stand for an
 * event-log event carry its code and the very time the event log prints (to the second), so figures
 * computed from the timeline agree with the event log.
 */
export type TimelineKind =
  | 'submitted'
  | 'executing'
  | 'evicted'
  | 'terminated'
  | 'aborted'
  | 'held'
  | 'released'
  | 'input-started'
  | 'input-finished'
  | 'output-started'
  | 'output-finished'
  | 'checkpoint-started'
  | 'checkpoint-committed'
  | 'checkpoint-failed'
  /** The job exited to checkpoint, and was started again in place after the upload (the startd's times). */
  | 'checkpoint-exit'
  | 'checkpoint-restart'
  | 'fault';

export interface TimelineEntry {
  /** Milliseconds since the epoch. */
  time: number;
  kind: TimelineKind;
  /** The event-log code this entry stands for, if any. */
  code?: number;
  runId?: string;
  checkpoint?: number;
  bytes?: number;
  files?: number;
  /** Of `files`, those an incremental checkpoint linked from the committed one (not sent: not in `bytes`). */
  linked?: number;
  /** The top-level names a checkpoint (or a transfer at eviction) put into SPOOL, at most 100. */
  names?: string[];
  detail?: string;
}

const KIND_OF_CODE: Record<number, TimelineKind> = { 0: 'submitted', 1: 'executing', 4: 'evicted', 5: 'terminated', 9: 'aborted', 12: 'held', 13: 'released' };
const KIND_OF_TRANSFER: Record<number, TimelineKind> = { 2: 'input-started', 3: 'input-finished', 5: 'output-started', 6: 'output-finished' };

/** The timeline kind of an event-log event, or undefined for events the timeline does not keep. */
export function timelineKindOf(event: JobEvent): TimelineKind | undefined {
  if (event.code === 40) return KIND_OF_TRANSFER[event.transferType];
  return KIND_OF_CODE[event.code];
}

/** The timeline entries of event-log events (those it keeps), with `extra` (checkpoint details) merged into each. */
export function timelineEntriesOf(events: readonly JobEvent[], runId: string | undefined, extra: Partial<TimelineEntry> = {}): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (const event of events) {
    const kind = timelineKindOf(event);
    if (kind !== undefined) entries.push({ time: event.time.getTime(), kind, code: event.code, ...(runId ? { runId } : {}), ...extra });
  }
  return entries;
}
