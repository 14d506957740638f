/** JobStatus codes (HTCondor proc.h). */
export const JobStatus = {
    Idle: 1,
    Running: 2,
    Removed: 3,
    Completed: 4,
    Held: 5,
    TransferringOutput: 6,
    Suspended: 7,
    Failed: 8,
    Blocked: 9,
};
/** JobUniverse of DAGMan and other scheduler-universe jobs, counted apart in queue totals. */
export const SCHEDULER_UNIVERSE = 7;
/** encode_status(): the one-letter state condor_q prints in its ST column. */
export function statusLetter(status) {
    switch (status) {
        case JobStatus.Idle: return 'I';
        case JobStatus.Running: return 'R';
        case JobStatus.Removed: return 'X';
        case JobStatus.Completed: return 'C';
        case JobStatus.Held: return 'H';
        case JobStatus.TransferringOutput: return '>';
        case JobStatus.Suspended: return 'S';
        case JobStatus.Failed: return 'F';
        case JobStatus.Blocked: return 'B';
        default: return ' ';
    }
}
/**
 * Counts jobs the way the schedd fills its summary ad: transferring-output counts as running,
 * and scheduler-universe jobs (DAGMan) are left out of these totals.
 */
export function countJobs(jobs) {
    const totals = { jobs: 0, completed: 0, removed: 0, idle: 0, running: 0, held: 0, suspended: 0 };
    for (const job of jobs) {
        if (job.getInt('JobUniverse') === SCHEDULER_UNIVERSE)
            continue;
        let status = job.getInt('JobStatus') ?? 0;
        if (status === JobStatus.TransferringOutput)
            status = JobStatus.Running;
        switch (status) {
            case JobStatus.Idle:
                totals.idle += 1;
                break;
            case JobStatus.Running:
                totals.running += 1;
                break;
            case JobStatus.Removed:
                totals.removed += 1;
                break;
            case JobStatus.Completed:
                totals.completed += 1;
                break;
            case JobStatus.Held:
                totals.held += 1;
                break;
            case JobStatus.Suspended:
                totals.suspended += 1;
                break;
            default: continue;
        }
        totals.jobs += 1;
    }
    return totals;
}
//# sourceMappingURL=job-status.js.map