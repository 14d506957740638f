// condor_q's default view since 8.5: one line per batch of jobs (jobProgress_PrintFormat + reduce_results).
import type { ClassAd } from './classad.js';
import { JobStatus } from '@tinycondor/shared/job-status';
import { fitRow, queueTitle, summaryLines, WIDE, type QueueViewContext, type QueueViewOptions } from './queue-frame.js';
import { linkRows, type JobRow } from './queue-rows.js';
import { alignLeft, alignRight, fitLeft, formatShortDate, maxOf } from './text.js';

interface BatchRow {
  owner: string;
  name: string;
  submitted: string;
  done: number;
  running: number;
  idle: number;
  held: number;
  total: number;
  jobIds: string;
}

export interface BatchOptions extends QueueViewOptions {
  /** -dag: a DAG node job heading its own line shows its DAGNodeName as OWNER (local_render_dag_owner). */
  dag?: boolean;
  /**
   * The query picked some jobs of a cluster only (-run, -hold, a cluster.proc argument:
   * querying_partial_clusters), so the jobs gone from a cluster are not counted DONE.
   */
  partialClusters?: boolean;
  /** -batch:C (b ? * . - _ # z): what a zero count shows in place of `_` (b: nothing, z: 0). */
  zeroChar?: string;
}

/** What reduce_procs and reduce_children sum over a batch line's clusters and DAG nodes. */
class Progress {
  nodesTotal = 0;
  nodesDone = 0;
  unknownTotal = 0;
  cluster = 0;
  minProc = 0;
  maxProc = 0;
  readonly states = new Map<number, number>();
  minJobId: [number, number] | undefined;
  maxJobId: [number, number] = [0, 0];

  count(status: number): void {
    this.states.set(status, (this.states.get(status) ?? 0) + 1);
  }
}

const before = (a: [number, number], b: [number, number]): boolean => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

/**
 * reduce_procs: a cluster's procs into `prog`. A DAGMan job adds its DAG_NodesTotal and DAG_NodesDone;
 * another cluster that is no DAG node adds TotalSubmitProcs, and the procs gone from it as done.
 */
function reduceProcs(prog: Progress, row: JobRow, folded: Set<JobRow>, partialClusters: boolean): void {
  prog.cluster = row.cluster;
  prog.minProc = prog.maxProc = row.proc;
  let totalSubmitProcs = 0;
  let numProcs = 0;
  if (row.schedulerUniverse) {
    prog.nodesTotal += row.job.getInt('DAG_NodesTotal') ?? 0;
    prog.nodesDone += row.job.getInt('DAG_NodesDone') ?? 0;
  } else {
    const submitted = row.job.getInt('DAG_NodesTotal') ?? row.job.getInt('TotalSubmitProcs');
    if (submitted !== undefined) {
      totalSubmitProcs = submitted;
      numProcs = 1;
    }
    prog.count(row.job.getInt('JobStatus') ?? 0);
  }
  for (let proc = row.nextProc; proc !== undefined; proc = proc.nextProc) {
    if (!folded.has(proc)) {
      prog.count(proc.job.getInt('JobStatus') ?? 0);
      prog.minProc = Math.min(prog.minProc, proc.proc);
      prog.maxProc = Math.max(prog.minProc, proc.proc);
      folded.add(proc);
    }
    numProcs += 1;
  }
  if (row.schedulerUniverse || row.dagCluster > 0) return;
  if (totalSubmitProcs) {
    prog.nodesTotal += totalSubmitProcs;
    if (!partialClusters) prog.nodesDone += totalSubmitProcs - numProcs;
  } else {
    prog.unknownTotal += 1;
  }
}

/** reduce_children: a row, its DAG children (recursively) and its later siblings. */
function reduceChildren(prog: Progress, first: JobRow | undefined, folded: Set<JobRow>, partialClusters: boolean): void {
  for (let row = first; row !== undefined; row = row.nextSib) {
    reduceProcs(prog, row, folded, partialClusters);
    if (!row.schedulerUniverse) {
      const min: [number, number] = [prog.cluster, prog.minProc];
      if (prog.minJobId === undefined || before(min, prog.minJobId)) prog.minJobId = min;
      const max: [number, number] = [prog.cluster, prog.maxProc];
      if (before(prog.maxJobId, max)) prog.maxJobId = max;
    }
    folded.add(row);
    reduceChildren(prog, row.children, folded, partialClusters);
  }
}

/** local_render_batch_name, then reduce_results' `ID: <cluster>` for a job with none. */
function batchName(row: JobRow): string {
  const name = row.job.getString('JobBatchName');
  if (name !== undefined) return name;
  if (row.schedulerUniverse) return `DAG: ${row.cluster}`;
  const node = row.job.has('DAGManJobId') ? row.job.getString('DAGNodeName') : undefined;
  return node !== undefined ? `NODE: ${node}` : `ID: ${row.cluster}`;
}

function jobIdRange(prog: Progress): string {
  const [minCluster, minProc] = prog.minJobId ?? [0, 0];
  const [maxCluster, maxProc] = prog.maxJobId;
  if (minCluster === maxCluster && minProc === maxProc) return `${minCluster}.${minProc}`;
  return minCluster === maxCluster ? `${minCluster}.${minProc}-${maxProc}` : `${minCluster}.${minProc} ... ${maxCluster}.${maxProc}`;
}

/** PRINTAS DAG_OWNER: with -dag a DAG node job's DAGNodeName, else the Owner. */
function ownerCell(job: ClassAd, dag: boolean): string {
  const node = dag && job.has('DAGManJobId') ? job.getString('DAGNodeName') : undefined;
  return node ?? job.getString('Owner') ?? '';
}

/**
 * reduce_results: one line per batch, DAG nodes folded into their DAGMan job's line; and the longest
 * OWNER cell of any job (the WIDTH AUTO column grew to it while each job was rendered).
 */
function reduceBatches(jobs: readonly ClassAd[], opts: BatchOptions): { rows: BatchRow[]; ownerColumn: number } {
  const folded = new Set<JobRow>();
  const out: BatchRow[] = [];
  const linked = linkRows(jobs, true);
  const ownerColumn = maxOf(linked, (row) => ownerCell(row.job, opts.dag === true).length, 5);
  for (const row of linked) {
    if (folded.has(row)) continue;
    const prog = new Progress();
    reduceChildren(prog, row, folded, opts.partialClusters === true);
    const count = (status: number): number => prog.states.get(status) ?? 0;
    const qdate = row.job.getInt('QDate');
    out.push({
      owner: ownerCell(row.job, opts.dag === true),
      name: batchName(row),
      submitted: qdate === undefined ? '' : formatShortDate(qdate),
      done: prog.unknownTotal ? 0 : prog.nodesDone,
      running: count(JobStatus.Running) + count(JobStatus.TransferringOutput),
      idle: count(JobStatus.Idle) + count(JobStatus.Suspended),
      held: count(JobStatus.Held),
      total: prog.unknownTotal ? 0 : prog.nodesTotal,
      jobIds: jobIdRange(prog),
    });
  }
  return { rows: out, ownerColumn };
}

/**
 * The OWNER and BATCH_NAME widths on a console too narrow for them and JOB_IDS (the end of
 * reduce_results): about 50 columns are fixed, the rest is shared out.
 */
function squeeze(owner: number, name: number, ids: number, width: number): { owner: number; name: number } {
  const varWidth = width - 50;
  if (name + owner + ids <= varWidth) return { owner, name };
  const varMin = 8 + 10 + 9;
  let bw = Math.trunc((varWidth - varMin) / 3);
  let nw = bw;
  const iw = bw;
  let idsWidth = ids;
  if (iw < idsWidth) {
    const needed = name + owner - (bw + nw + 10 + 8);
    if (needed > 7 && bw < 10) idsWidth = Math.trunc(idsWidth / 2);
  }
  if (iw + 9 > idsWidth) {
    const rw = iw + 9 - idsWidth;
    nw += Math.trunc(rw / 2);
    bw += rw - Math.trunc(rw / 2);
  }
  if (bw + 10 > name) nw = Math.min(8 + nw + (bw + 10 - name), owner) - 8;
  if (nw + 8 > owner) bw = Math.min(10 + bw + (nw + 8 - owner), name) - 10;
  return { owner: Math.min(owner, nw + 8), name: Math.min(name, bw + 10) };
}

/** A counter column: `%6d`, or `zero` (`_` unless -batch:C says) when the count is zero. */
function counter(n: number, zero = '_'): string {
  return alignRight(n > 0 ? String(n) : zero, 6);
}

/**
 * condor_q (-batch): batches of jobs, with a HOLD column only when some batch has held jobs. On a console
 * (not wide) OWNER and BATCH_NAME give way to fit it, and header and lines are cut to it.
 */
export function formatQueueBatch(jobs: ClassAd[], ctx: QueueViewContext, opts: BatchOptions): string {
  const fit = opts.fit ?? WIDE;
  const { rows, ownerColumn } = reduceBatches(jobs, opts);
  // With no rows condor_q never adjusts the columns, so the header keeps its declared widths.
  let longestOwner = maxOf(rows, (r) => r.owner.length, 0);
  let longestName = maxOf(rows, (r) => r.name.length, 0);
  if (!fit.wide && rows.length > 0) {
    const ids = maxOf(rows, (r) => r.jobIds.length, 0);
    ({ owner: longestOwner, name: longestName } = squeeze(longestOwner, longestName, ids, fit.width));
  }
  // fnFixupWidthsForProgressFormat: owners narrower than the column (at least its heading) make it 8 wide.
  const ownerWidth = rows.length === 0 ? 5 : longestOwner < ownerColumn ? Math.max(8, longestOwner) : longestOwner;
  const nameWidth = rows.length === 0 ? 12 : Math.max(10, longestName);
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
  const lines = rows.map((r) => fitRow([
    fitLeft(r.owner, ownerWidth),
    fitLeft(r.name, nameWidth),
    alignRight(r.submitted, 12),
    counter(r.done, opts.zeroChar),
    counter(r.running, opts.zeroChar),
    counter(r.idle, opts.zeroChar),
    ...(showHeld ? [counter(r.held, opts.zeroChar)] : []),
    counter(r.total, opts.zeroChar),
    r.jobIds,
  ].join(' '), fit) + '\n');
  return queueTitle(ctx) + fitRow(header, fit, { heading: true }) + '\n' + lines.join('') + '\n' + summaryLines(jobs, ctx, opts) + '\n';
}
