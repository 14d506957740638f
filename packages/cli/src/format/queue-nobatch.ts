// condor_q -nobatch: one line per job (jobDefault_PrintFormat).
import type { ClassAd } from './classad.js';
import { jobDescription, jobRunSeconds, jobStatusCell, memoryUsageMb } from './job-columns.js';
import { queueTitle, sortByJobId, summaryLines, type QueueViewContext, type QueueViewOptions } from './queue-frame.js';
import { alignLeft, alignRight, fitLeft, fitRight, formatDuration, formatShortDate } from './text.js';

export interface NoBatchOptions extends QueueViewOptions {
  /** condor_q -cumulative-time: RUN_TIME includes earlier runs. */
  cumulativeTime?: boolean;
}

interface JobCells {
  cluster: number;
  proc: number;
  owner: string;
  submitted: string;
  runTime: string;
  status: string;
  priority: string;
  memoryMb: number | undefined;
  command: string;
}

const OWNER_WIDTH = 14;

function renderJob(job: ClassAd, now: Date, cumulative: boolean): JobCells {
  const qdate = job.getInt('QDate');
  const priority = job.getInt('JobPrio');
  return {
    cluster: job.getInt('ClusterId') ?? 0,
    proc: job.getInt('ProcId') ?? 0,
    owner: job.getString('Owner') ?? '',
    submitted: qdate === undefined ? '' : formatShortDate(qdate),
    runTime: formatDuration(jobRunSeconds(job, now, cumulative)),
    status: jobStatusCell(job),
    priority: priority === undefined ? '' : String(priority),
    memoryMb: memoryUsageMb(job),
    command: jobDescription(job),
  };
}

/**
 * Column widths after fixup_std_column_widths: the id columns and SIZE grow only when some cluster id
 * reaches 9999, some proc id 999, or some owner is longer than 14. Output that is not a terminal gets no
 * wider OWNER column, so long owners are cut at 14 characters, as condor_q does when piped.
 */
function columnWidths(rows: readonly JobCells[]) {
  const maxCluster = Math.max(0, ...rows.map((r) => r.cluster));
  const maxProc = Math.max(0, ...rows.map((r) => r.proc));
  const longestOwner = Math.max(0, ...rows.map((r) => r.owner.length));
  const widen = maxCluster >= 9999 || maxProc >= 999 || longestOwner > OWNER_WIDTH;
  const maxMemory = Math.max(0, ...rows.map((r) => r.memoryMb ?? 0));
  return {
    cluster: widen ? Math.min(9, Math.max(4, String(maxCluster).length)) : 4,
    proc: widen ? Math.min(9, Math.max(3, String(maxProc).length)) : 3,
    priority: Math.max(3, ...rows.map((r) => r.priority.length)),
    size: widen ? Math.max(4, maxMemory.toFixed(1).length) : 4,
  };
}

/** condor_q -nobatch. */
export function formatQueueNoBatch(jobs: ClassAd[], ctx: QueueViewContext, opts: NoBatchOptions): string {
  const rows = sortByJobId(jobs).map((job) => renderJob(job, ctx.now, opts.cumulativeTime === true));
  const w = columnWidths(rows);
  const header = [
    alignLeft(' ID', w.cluster + 1) + alignLeft(' ', w.proc),
    alignLeft('OWNER', OWNER_WIDTH),
    '  SUBMITTED',
    '    RUN_TIME',
    'ST',
    alignLeft('PRI', w.priority),
    alignLeft('SIZE', w.size),
    'CMD',
  ].join(' ');
  const lines = rows.map((r) => [
    `${alignRight(String(r.cluster), w.cluster)}.${alignLeft(String(r.proc), w.proc)}`,
    fitLeft(r.owner, OWNER_WIDTH),
    fitRight(r.submitted, 11),
    fitRight(r.runTime, 12),
    alignLeft(r.status, 2),
    alignLeft(r.priority, w.priority),
    fitRight(r.memoryMb === undefined ? '' : r.memoryMb.toFixed(1), w.size),
    r.command,
  ].join(' ').trimEnd() + '\n');
  return queueTitle(ctx) + header + '\n' + lines.join('') + '\n' + summaryLines(jobs, ctx, opts) + '\n';
}

/** condor_q -hold: the held jobs with when and why they were held (jobHold_PrintFormat). */
export function formatQueueHeld(jobs: ClassAd[], ctx: QueueViewContext, opts: QueueViewOptions): string {
  const held = sortByJobId(jobs).filter((job) => job.getInt('JobStatus') === 5);
  const rows = held.map((job) => renderJob(job, ctx.now, false));
  const w = columnWidths(rows);
  const header = [alignLeft(' ID', w.cluster + 1) + alignLeft(' ', w.proc), alignLeft('OWNER', OWNER_WIDTH), 'HELD_SINCE ', 'HOLD_REASON'].join(' ');
  const lines = held.map((job, i) => {
    const r = rows[i];
    const since = job.getInt('EnteredCurrentStatus');
    return [
      `${alignRight(String(r.cluster), w.cluster)}.${alignLeft(String(r.proc), w.proc)}`,
      fitLeft(r.owner, OWNER_WIDTH),
      fitRight(since === undefined ? '' : formatShortDate(since), 11),
      job.getString('HoldReason') ?? '',
    ].join(' ').trimEnd() + '\n';
  });
  return queueTitle(ctx) + header + '\n' + lines.join('') + '\n' + summaryLines(jobs, ctx, opts) + '\n';
}

/**
 * condor_q -run: the running jobs with where they run (jobRuntime_PrintFormat: REMOTE_HOST, `??` when
 * unknown), and no summary.
 */
export function formatQueueRun(jobs: ClassAd[], ctx: QueueViewContext): string {
  const sorted = sortByJobId(jobs);
  const rows = sorted.map((job) => renderJob(job, ctx.now, false));
  const w = columnWidths(rows);
  const header = [alignLeft(' ID', w.cluster + 1) + alignLeft(' ', w.proc), alignLeft('OWNER', OWNER_WIDTH), '  SUBMITTED', '    RUN_TIME', 'HOST(S)'].join(' ');
  const lines = sorted.map((job, i) => {
    const r = rows[i];
    return [
      `${alignRight(String(r.cluster), w.cluster)}.${alignLeft(String(r.proc), w.proc)}`,
      fitLeft(r.owner || '??', OWNER_WIDTH),
      fitRight(r.submitted || '??', 11),
      fitRight(r.runTime, 12),
      job.getString('RemoteHost') ?? '??',
    ].join(' ').trimEnd() + '\n';
  });
  return queueTitle(ctx) + header + '\n' + lines.join('');
}
