import { JobStatus } from './job-status.js';
import { queueTitle, sortByJobId, summaryLines } from './queue-frame.js';
import { alignLeft, alignRight, formatShortDate } from './text.js';
/** Clusters in id order, each with its procs in id order. */
function groupClusters(jobs) {
    const clusters = [];
    for (const job of sortByJobId(jobs)) {
        const id = job.getInt('ClusterId') ?? 0;
        const last = clusters[clusters.length - 1];
        if (last && last.id === id)
            last.procs.push(job);
        else
            clusters.push({ id, procs: [job] });
    }
    return clusters;
}
/** Clusters that share a JobBatchName and Owner fold into the batch of the lowest cluster. */
function groupBatches(clusters) {
    const batches = [];
    const byName = new Map();
    for (const cluster of clusters) {
        const first = cluster.procs[0];
        const name = first.getString('JobBatchName');
        const key = name === undefined ? undefined : `${name}\n${first.getString('Owner') ?? ''}`;
        const existing = key === undefined ? undefined : byName.get(key);
        if (existing) {
            existing.push(cluster);
            continue;
        }
        const batch = [cluster];
        batches.push(batch);
        if (key !== undefined)
            byName.set(key, batch);
    }
    return batches;
}
function procId(job) {
    return job.getInt('ProcId') ?? 0;
}
function jobIdRange(batch) {
    const first = batch[0];
    const last = batch[batch.length - 1];
    const minProc = procId(first.procs[0]);
    const maxProc = procId(last.procs[last.procs.length - 1]);
    if (first === last)
        return minProc === maxProc ? `${first.id}.${minProc}` : `${first.id}.${minProc}-${maxProc}`;
    return `${first.id}.${minProc} ... ${last.id}.${maxProc}`;
}
/**
 * Sums a batch as reduce_procs does. DONE is TotalSubmitProcs minus the procs still queued, per cluster;
 * when a cluster lacks TotalSubmitProcs, DONE and TOTAL are unknown for the whole batch.
 */
function reduceBatch(batch) {
    const first = batch[0].procs[0];
    let done = 0;
    let total = 0;
    let unknownTotal = false;
    const states = new Map();
    for (const cluster of batch) {
        const submitted = cluster.procs[0].getInt('TotalSubmitProcs');
        if (submitted) {
            total += submitted;
            done += submitted - cluster.procs.length;
        }
        else {
            unknownTotal = true;
        }
        for (const job of cluster.procs) {
            const status = job.getInt('JobStatus') ?? 0;
            states.set(status, (states.get(status) ?? 0) + 1);
        }
    }
    const count = (status) => states.get(status) ?? 0;
    const qdate = first.getInt('QDate');
    return {
        owner: first.getString('Owner') ?? '',
        name: first.getString('JobBatchName') ?? `ID: ${batch[0].id}`,
        submitted: qdate === undefined ? '' : formatShortDate(qdate),
        done: unknownTotal ? 0 : done,
        running: count(JobStatus.Running) + count(JobStatus.TransferringOutput),
        idle: count(JobStatus.Idle) + count(JobStatus.Suspended),
        held: count(JobStatus.Held),
        total: unknownTotal ? 0 : total,
        jobIds: jobIdRange(batch),
    };
}
/** A counter column: `%6d`, or `_` when the count is zero. */
function counter(n) {
    return alignRight(n > 0 ? String(n) : '_', 6);
}
/** condor_q (-batch): batches of jobs, with a HOLD column only when some batch has held jobs. */
export function formatQueueBatch(jobs, ctx, opts) {
    const rows = groupBatches(groupClusters(jobs)).map(reduceBatch);
    // With no rows condor_q never adjusts the columns, so the header keeps its declared widths.
    const longestOwner = Math.max(0, ...rows.map((r) => r.owner.length));
    const ownerWidth = rows.length === 0 ? 5 : longestOwner < 5 ? Math.max(8, longestOwner) : longestOwner;
    const nameWidth = rows.length === 0 ? 12 : Math.max(10, ...rows.map((r) => r.name.length));
    const showHeld = rows.length === 0 || rows.some((r) => r.held > 0);
    const header = [
        alignLeft('OWNER', ownerWidth),
        alignLeft('BATCH_NAME', nameWidth),
        '   SUBMITTED',
        '  DONE',
        '  RUN ',
        '  IDLE',
        ...(showHeld ? ['  HOLD'] : []),
        ' TOTAL',
        'JOB_IDS',
    ].join(' ');
    const lines = rows.map((r) => [
        alignLeft(r.owner, ownerWidth),
        alignLeft(r.name, nameWidth),
        alignRight(r.submitted, 12),
        counter(r.done),
        counter(r.running),
        counter(r.idle),
        ...(showHeld ? [counter(r.held)] : []),
        counter(r.total),
        r.jobIds,
    ].join(' ') + '\n');
    return queueTitle(ctx) + header + '\n' + lines.join('') + '\n' + summaryLines(jobs, ctx, opts) + '\n';
}
//# sourceMappingURL=queue-batch.js.map