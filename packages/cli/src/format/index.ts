export { formatAutoFormat } from './autoformat.js';
export { formatHistory, historyFit, type HistoryFit } from './history.js';
export { addToTotals, countJobs, emptyTotals, JobStatus, statusLetter, type JobTotals } from '@tinycondor/shared/job-status';
export { formatJson } from './json.js';
export { formatLong } from './long.js';
export { formatQueueBatch, type BatchOptions } from './queue-batch.js';
export { formatTotals, queueTitle, rowFit, summarizeSinful, type QueueViewContext, type QueueViewOptions, type RowFit } from './queue-frame.js';
export { formatQueueDag, formatQueueHeld, formatQueueNoBatch, formatQueueRun, type NoBatchOptions } from './queue-nobatch.js';
export { formatStatus, formatStatusTotals } from './status.js';
