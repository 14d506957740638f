import { JobStatus } from './job-status.js';
import { jobCommandAndArgs } from './job-columns.js';
import { alignLeft, alignRight, formatDuration, formatShortDate } from './text.js';
/** Without a terminal condor_history caps each line at this many characters. */
const OVERALL_WIDTH = 1024;
/** format_job_status_char: history has no letter for held or suspended jobs. */
function historyStatusLetter(status) {
    switch (status) {
        case JobStatus.Idle: return 'I';
        case JobStatus.Running: return 'R';
        case JobStatus.Removed: return 'X';
        case JobStatus.Completed: return 'C';
        case JobStatus.Failed: return 'F';
        case JobStatus.Blocked: return 'B';
        case JobStatus.TransferringOutput: return '>';
        default: return ' ';
    }
}
function dateCell(job, attr) {
    const date = job.getInt(attr);
    return date === undefined ? '' : formatShortDate(date);
}
/** render_hist_runtime: RemoteWallClockTime (else RemoteUserCpu); a zero run time prints blank. */
function runTimeCell(job) {
    const seconds = Math.trunc(job.getNumber('RemoteWallClockTime') ?? job.getNumber('RemoteUserCpu') ?? 0);
    return seconds === 0 ? '' : formatDuration(seconds);
}
/**
 * condor_history. Rows are printed as they are read, so the ID and OWNER columns widen from the first
 * longer value on and the heading keeps its initial widths. `ctx` is accepted for symmetry with condor_q.
 */
export function formatHistory(jobs, _ctx) {
    const header = [' ID    ', 'OWNER         ', 'SUBMITTED  ', 'RUN_TIME    ', 'ST', 'COMPLETED  ', 'CMD            '].join(' ');
    let idWidth = 7;
    let ownerWidth = 14;
    const lines = jobs.map((job) => {
        const cluster = job.getInt('ClusterId');
        const id = cluster === undefined ? '' : `${cluster}.${job.getInt('ProcId') ?? 0}`;
        const owner = job.getString('Owner') ?? '';
        idWidth = Math.max(idWidth, id.length);
        ownerWidth = Math.max(ownerWidth, owner.length);
        const status = job.getInt('JobStatus');
        const line = [
            alignLeft(id, idWidth),
            alignLeft(owner, ownerWidth),
            alignRight(dateCell(job, 'QDate'), 11),
            alignRight(runTimeCell(job), 12),
            alignLeft(status === undefined ? '' : historyStatusLetter(status), 2),
            alignRight(dateCell(job, 'CompletionDate'), 11),
            alignLeft(jobCommandAndArgs(job) ?? '', 15),
        ].join(' ');
        return line.slice(0, OVERALL_WIDTH) + '\n';
    });
    return header.slice(0, OVERALL_WIDTH) + '\n' + lines.join('');
}
//# sourceMappingURL=history.js.map