import type { JobEvent } from '@tinycondor/shared/eventlog/index';
import type { StoredJob } from './job-store.js';

/** A file-transfer event (040) of a run: input started (2) or finished (3), output started (5) or finished (6). */
export function fileTransferEvent(job: StoredJob, transferType: 2 | 3 | 5 | 6, time: Date, host?: string): JobEvent {
  return { code: 40, cluster: job.cluster, proc: job.proc, time, transferType, host };
}

/** The 040 events of a transfer that moved nothing: started and finished at once. */
export function emptyTransferEvents(job: StoredJob, time: Date, [started, finished]: [2, 3] | [5, 6], host?: string): JobEvent[] {
  return [fileTransferEvent(job, started, time, host), fileTransferEvent(job, finished, time)];
}
