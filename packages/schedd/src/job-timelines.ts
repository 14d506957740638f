import type { JobEvent } from '@tinycondor/shared/eventlog/index';
import { timelineKindOf, type TimelineEntry } from '@tinycondor/shared/job-timeline';

/** Bounds, so a long-lived schedd keeps the timelines of recent jobs only. */
export const MAX_TIMELINE_JOBS = 10_000;
const MAX_ENTRIES_PER_JOB = 10_000;

/**
 * The timelines of recent jobs, in memory (lost when the schedd restarts): millisecond times of what the
 * event log records to the second, plus checkpoint sizes and fault injections.
 */
export class JobTimelines {
  private readonly byJob = new Map<string, TimelineEntry[]>();

  record(jobId: string, entry: TimelineEntry): void {
    let entries = this.byJob.get(jobId);
    if (!entries) {
      if (this.byJob.size >= MAX_TIMELINE_JOBS) this.byJob.delete(this.byJob.keys().next().value as string);
      entries = [];
      this.byJob.set(jobId, entries);
    }
    if (entries.length < MAX_ENTRIES_PER_JOB) entries.push(entry);
  }

  /** Records the events the event log gets, with `extra` (checkpoint details) merged into each. */
  recordEvents(jobId: string, runId: string | undefined, events: JobEvent[], extra: Partial<TimelineEntry> = {}): void {
    for (const event of events) {
      const kind = timelineKindOf(event);
      if (kind === undefined) continue;
      this.record(jobId, { time: event.time.getTime(), kind, code: event.code, ...(runId ? { runId } : {}), ...extra });
    }
  }

  entries(jobId: string): TimelineEntry[] | undefined {
    return this.byJob.get(jobId);
  }
}
