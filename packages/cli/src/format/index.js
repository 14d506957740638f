export { formatAutoFormat } from './autoformat.js';
export { formatHistory } from './history.js';
export { countJobs, JobStatus, statusLetter } from './job-status.js';
export { formatJson } from './json.js';
export { formatLong } from './long.js';
export { formatQueueBatch } from './queue-batch.js';
export { formatTotals, queueTitle, summarizeSinful } from './queue-frame.js';
export { formatQueueNoBatch } from './queue-nobatch.js';
export { formatStatus, formatStatusTotals } from './status.js';
//# sourceMappingURL=index.js.map