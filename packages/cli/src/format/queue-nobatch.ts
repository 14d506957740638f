// condor_q -nobatch: one line per job (jobDefault_PrintFormat).
import type { ClassAd } from './classad.js';
import { jobDescription, jobRunSeconds, jobStatusCell, memoryUsageMb } from './job-columns.js';
import { fitRow, maxOwnerWidth, queueTitle, sortByJobId, summaryLines, WIDE, type QueueViewContext, type QueueViewOptions, type RowFit } from './queue-frame.js';
import { dagNodeCell, dagOrder, linkRows, type JobRow } from './queue-rows.js';
import { valueText } from './queue-views.js';
import { alignLeft, alignRight, fitLeft, fitRight, formatDuration, formatShortDate, invalidField, maxOf } from './text.js';

export interface NoBatchOptions extends QueueViewOptions {
  /** condor_q -cumulative-time: RUN_TIME includes earlier runs. */
  cumulativeTime?: boolean;
  /** condor_q -cputime: a CPU_TIME column (RemoteUserCpu) in place of RUN_TIME. */
  cpuTime?: boolean;
}

/** How the RUN_TIME column is computed (job_time). */
interface TimeOptions {
  cumulativeTime?: boolean;
  cpuTime?: boolean;
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

/** -cputime's column: RemoteUserCpu as a time, blank when the job has none (local_render_cpu_time fails). */
function cpuTimeCell(job: ClassAd): string {
  const cpu = job.getNumber('RemoteUserCpu');
  return cpu === undefined ? '' : formatDuration(cpu);
}

function renderJob(job: ClassAd, now: Date, time: TimeOptions): JobCells {
  const qdate = job.getInt('QDate');
  const priority = job.getInt('JobPrio');
  return {
    cluster: job.getInt('ClusterId') ?? 0,
    proc: job.getInt('ProcId') ?? 0,
    owner: job.getString('Owner') ?? '',
    submitted: qdate === undefined ? '' : formatShortDate(qdate),
    runTime: time.cpuTime ? cpuTimeCell(job) : formatDuration(jobRunSeconds(job, now, time.cumulativeTime === true)),
    status: jobStatusCell(job),
    priority: priority === undefined ? '' : String(priority),
    memoryMb: memoryUsageMb(job),
    command: jobDescription(job),
  };
}

/** The OWNER column's declared width: 14, or 17 for -dag's OWNER/NODENAME. */
const DAG_OWNER_WIDTH = 17;

/**
 * Column widths after fixup_std_column_widths: the id columns and SIZE grow only when some cluster id
 * reaches 9999, some proc id 999, or some owner is longer than 14. OWNER grows only on a console (not in
 * wide mode), up to 14 more than the console has beyond 80 columns; a longer owner is cut.
 * `longestOwner` is max_owner_name (with -dag, a node name counts 3 more, and its depth).
 */
function columnWidths(rows: readonly JobCells[], fit: RowFit, longestOwner: number, ownerBase = OWNER_WIDTH) {
  const maxCluster = maxOf(rows, (r) => r.cluster, 0);
  const maxProc = maxOf(rows, (r) => r.proc, 0);
  const widen = maxCluster >= 9999 || maxProc >= 999 || longestOwner > OWNER_WIDTH;
  const maxMemory = maxOf(rows, (r) => r.memoryMb ?? 0, 0);
  const ownerLimit = maxOwnerWidth(fit, ownerBase);
  return {
    widen,
    cluster: widen ? Math.min(9, Math.max(4, String(maxCluster).length)) : 4,
    proc: widen ? Math.min(9, Math.max(3, String(maxProc).length)) : 3,
    owner: widen && !fit.wide && longestOwner > OWNER_WIDTH ? Math.max(ownerBase, Math.min(longestOwner, ownerLimit)) : ownerBase,
    priority: maxOf(rows, (r) => r.priority.length, 3),
    size: widen ? Math.max(4, maxMemory.toFixed(1).length) : 4,
  };
}

function defaultTable(rows: readonly JobCells[], ownerHeading: string, w: ReturnType<typeof columnWidths>, fit: RowFit, cpuTime = false): string {
  const header = [
    alignLeft(' ID', w.cluster + 1) + alignLeft(' ', w.proc),
    alignLeft(ownerHeading, w.owner),
    '  SUBMITTED',
    cpuTime ? '    CPU_TIME' : '    RUN_TIME',
    'ST',
    alignLeft('PRI', w.priority),
    alignLeft('SIZE', w.size),
    'CMD',
  ].join(' ');
  const lines = rows.map((r) => fitRow([
    `${alignRight(String(r.cluster), w.cluster)}.${alignLeft(String(r.proc), w.proc)}`,
    fitLeft(r.owner, w.owner),
    fitRight(r.submitted, 11),
    fitRight(r.runTime, 12),
    alignLeft(r.status, 2),
    alignLeft(r.priority, w.priority),
    fitRight(r.memoryMb === undefined ? '' : r.memoryMb.toFixed(1), w.size),
    r.command,
  ].join(' '), fit) + '\n');
  return fitRow(header, fit, { heading: true }) + '\n' + lines.join('');
}

/** condor_q -nobatch. */
export function formatQueueNoBatch(jobs: ClassAd[], ctx: QueueViewContext, opts: NoBatchOptions): string {
  const fit = opts.fit ?? WIDE;
  const rows = sortByJobId(jobs).map((job) => renderJob(job, ctx.now, opts));
  const w = columnWidths(rows, fit, maxOf(rows, (r) => r.owner.length, 0));
  return queueTitle(ctx) + defaultTable(rows, 'OWNER', w, fit, opts.cpuTime) + '\n' + summaryLines(jobs, ctx, opts) + '\n';
}

/**
 * condor_q -dag -nobatch (jobDAG_PrintFormat): each DAG node job indented under its DAGMan job, its
 * OWNER/NODENAME cell `|-` and its DAGNodeName after one space per level (format_name_column_for_dag_nodes),
 * cut to fit the column; `warn` hears of a node job without a DAGNodeName.
 */
export function formatQueueDag(jobs: ClassAd[], ctx: QueueViewContext, opts: NoBatchOptions, warn: (message: string) => void): string {
  const fit = opts.fit ?? WIDE;
  const rows = linkRows(jobs, false);
  const cells = new Map<JobRow, JobCells>();
  let longest = 0;
  for (const row of rows) {
    const cell = renderJob(row.job, ctx.now, opts);
    // local_render_dag_owner: a node job (one with a DAGManJobId) shows its node name.
    if (row.job.has('DAGManJobId')) {
      const node = row.job.getString('DAGNodeName');
      if (node !== undefined) {
        cell.owner = node;
        longest = Math.max(longest, node.length + 3);
      } else {
        warn('DAG node job with no DAGNodeName attribute!\n');
        longest = Math.max(longest, cell.owner.length);
      }
    } else {
      longest = Math.max(longest, cell.owner.length);
    }
    cells.set(row, cell);
  }
  for (const row of rows.slice(1)) {
    if (row.generation > 1) longest = Math.max(longest, cells.get(row)!.owner.length + 2 + row.generation);
  }
  const w = columnWidths([...cells.values()], fit, longest, DAG_OWNER_WIDTH);
  // name_column_width: 17 on a console, 14 in wide mode, unless the id or owner columns were refitted.
  const nameWidth = w.widen ? w.owner : fit.wide ? OWNER_WIDTH : DAG_OWNER_WIDTH;
  for (const row of rows) {
    if (row.dagCluster === 0) continue;
    const cell = cells.get(row)!;
    cell.owner = dagNodeCell(row, cell.owner, nameWidth);
  }
  const ordered = dagOrder(rows).map((row) => cells.get(row)!);
  return queueTitle(ctx) + defaultTable(ordered, 'OWNER/NODENAME', w, fit, opts.cpuTime) + '\n' + summaryLines(jobs, ctx, opts) + '\n';
}

/**
 * condor_q -hold: the held jobs with when and why they were held and the hold's code and subcode
 * (jobHold_PrintFormat). condor_q never cuts this table to the console (initOutputMask sets wide_mode for
 * it) nor grows its OWNER column; rows lose their trailing blanks only in wide mode.
 */
export function formatQueueHeld(jobs: ClassAd[], ctx: QueueViewContext, opts: QueueViewOptions & { dag?: boolean }): string {
  const linked = linkRows(jobs.filter((job) => job.getInt('JobStatus') === 5), false);
  const rows = linked.map((row) => renderJob(row.job, ctx.now, {}));
  const cells = new Map(linked.map((row, i) => [row, rows[i]]));
  const w = columnWidths(rows, WIDE, maxOf(rows, (r) => r.owner.length, 0));
  const trim = (opts.fit ?? WIDE).wide;
  // -hold -dag: node jobs under their DAGMan job, their Owner after `|-` (format_name_column_for_dag_nodes).
  const order = opts.dag ? dagOrder(linked) : linked;
  const owner = (row: JobRow, cell: string): string => (!opts.dag || row.dagCluster === 0 ? cell : dagNodeCell(row, cell, OWNER_WIDTH));
  const codes = new Map(linked.map((row) => [row, holdCodeCells(row.job)]));
  // CODE and /SUB are as wide as their heading or their widest printf'd value (WIDTH AUTO from the label).
  const codeWidth = maxOf(linked, (row) => codes.get(row)!.code?.length ?? 0, 4);
  const subWidth = maxOf(linked, (row) => codes.get(row)!.sub?.length ?? 0, 4);
  const header = [
    alignLeft(' ID', w.cluster + 1) + alignLeft(' ', w.proc),
    alignLeft('OWNER', OWNER_WIDTH),
    'HELD_SINCE ',
    alignLeft('CODE', codeWidth) + alignLeft('/SUB', subWidth),
    'HOLD_REASON',
  ].join(' ');
  const lines = order.map((row) => {
    const r = cells.get(row)!;
    const since = row.job.getInt('EnteredCurrentStatus');
    const { code, sub } = codes.get(row)!;
    const line = [
      `${alignRight(String(r.cluster), w.cluster)}.${alignLeft(String(r.proc), w.proc)}`,
      fitLeft(owner(row, r.owner), OWNER_WIDTH),
      fitRight(since === undefined ? '' : formatShortDate(since), 11),
      // `OR ?` for a missing code, `OR ' '` (nothing) for a missing subcode; both left-aligned in their width.
      alignLeft(code === undefined ? '?' : alignRight(code, codeWidth), codeWidth) + alignLeft(sub ?? '', subWidth),
      valueText(row.job, 'HoldReason'),
    ].join(' ');
    return (trim ? line.trimEnd() : line) + '\n';
  });
  return queueTitle(ctx) + header + '\n' + lines.join('') + '\n' + summaryLines(jobs, ctx, opts) + '\n';
}

/** HoldReasonCode as `%4d` and HoldReasonSubCode as `/%-3d`; undefined when the job has no such number. */
function holdCodeCells(job: ClassAd): { code?: string; sub?: string } {
  const code = job.getInt('HoldReasonCode');
  const sub = job.getInt('HoldReasonSubCode');
  return {
    code: code === undefined ? undefined : alignRight(String(code), 4),
    sub: sub === undefined ? undefined : `/${alignLeft(String(sub), 3)}`,
  };
}

/**
 * condor_q -run: the running jobs with where they run (jobRuntime_PrintFormat: REMOTE_HOST, `??` when
 * unknown), and no summary.
 */
export function formatQueueRun(jobs: ClassAd[], ctx: QueueViewContext, fit: RowFit = WIDE, time: TimeOptions = {}): string {
  const sorted = sortByJobId(jobs);
  const rows = sorted.map((job) => renderJob(job, ctx.now, time));
  const w = columnWidths(rows, fit, maxOf(rows, (r) => r.owner.length, 0));
  const header = [alignLeft(' ID', w.cluster + 1) + alignLeft(' ', w.proc), alignLeft('OWNER', w.owner), '  SUBMITTED', time.cpuTime ? '    CPU_TIME' : '    RUN_TIME', 'HOST(S)'].join(' ');
  const lines = sorted.map((job, i) => {
    const r = rows[i];
    return fitRow([
      `${alignRight(String(r.cluster), w.cluster)}.${alignLeft(String(r.proc), w.proc)}`,
      fitLeft(r.owner || '??', w.owner),
      fitRight(r.submitted || '??', 11),
      fitRight(r.runTime || invalidField(12), 12),
      job.getString('RemoteHost') ?? '??',
    ].join(' '), fit) + '\n';
  });
  return queueTitle(ctx) + fitRow(header, fit, { heading: true }) + '\n' + lines.join('');
}
