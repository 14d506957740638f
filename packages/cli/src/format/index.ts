export { formatAutoFormat } from './autoformat.js';
export { formatHistory } from './history.js';
export { addToTotals, countJobs, emptyTotals, JobStatus, statusLetter, type JobTotals } from './job-status.js';
export { formatJson } from './json.js';
export { formatLong } from './long.js';
export { formatQueueBatch } from './queue-batch.js';
export { formatTotals, formatTotalsFromCounts, queueTitle, summarizeSinful, type QueueViewContext, type QueueViewOptions } from './queue-frame.js';
export { formatQueueHeld, formatQueueNoBatch, formatQueueRun, type NoBatchOptions } from './queue-nobatch.js';
export { formatStatus, formatStatusTotals } from './status.js';
