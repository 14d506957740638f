// How condor_q links its result rows before printing them (queue.cpp linkup_nodes_by_id): the procs of a
// cluster to its first proc, DAG node jobs under their DAGMan job (DAGManJobId), and, in batch mode, the
// clusters that share a batch name to the oldest of them.
import { SCHEDULER_UNIVERSE } from '@tinycondor/shared/job-status';
import type { ClassAd } from './classad.js';
import { sortByJobId } from './queue-frame.js';

export interface JobRow {
  job: ClassAd;
  cluster: number;
  proc: number;
  /** The DAGMan job's cluster of a DAG node job (JROD_ISDAGNODE), else 0. */
  dagCluster: number;
  /** Jobs sharing a JobBatchName and Owner share this (resolve_job_batch_uid); 0 for none. */
  batchUid: number;
  /** How deep under DAGMan jobs in the result this row hangs; 0 at the top. */
  generation: number;
  schedulerUniverse: boolean;
  nextProc?: JobRow;
  children?: JobRow;
  nextSib?: JobRow;
  lastSib?: JobRow;
}

/** lookup_dagman_job_id: DAGManJobId as an integer, or the old string form `201.0`; -1 when none. */
export function dagmanJobId(job: ClassAd): number {
  const value = job.evaluate('DAGManJobId');
  if (value.type === 'int') return value.value;
  if (value.type === 'string') {
    const m = /^\s*[+-]?\d+/.exec(value.value);
    const rest = m === null ? '' : value.value.slice(m[0].length);
    const id = m === null ? 0 : Number(m[0]);
    if (id > 0 && (rest === '' || rest.startsWith('.'))) return id;
  }
  return -1;
}

function appendSibling(list: JobRow, sib: JobRow): void {
  if (list.nextSib === undefined) list.nextSib = sib;
  else if (list.lastSib !== undefined) list.lastSib.nextSib = sib;
  list.lastSib = sib;
}

/**
 * The rows of `jobs` in job-id order, linked as condor_q links them for -dag or batch output
 * (process_job_to_rod_per_ad_map + linkup_nodes_by_id). `batch`: jobs that are no DAG node get a batch
 * uid, and clusters sharing one hang off the oldest (DAGMan jobs are never folded by name).
 */
export function linkRows(jobs: readonly ClassAd[], batch: boolean): JobRow[] {
  const uids = new Map<string, number>();
  const rows = sortByJobId(jobs).map((job): JobRow => {
    const dag = dagmanJobId(job);
    let batchUid = 0;
    if (dag <= 0 && batch) {
      const name = job.getString('JobBatchName');
      if (name !== undefined) {
        const owner = job.getString('Owner');
        const key = owner === undefined ? name : `${name}\n${owner}`;
        batchUid = uids.get(key) ?? uids.size + 1;
        uids.set(key, batchUid);
      }
    }
    return {
      job,
      cluster: job.getInt('ClusterId') ?? 0,
      proc: job.getInt('ProcId') ?? 0,
      dagCluster: dag > 0 ? dag : 0,
      batchUid,
      generation: 0,
      schedulerUniverse: job.getInt('JobUniverse') === SCHEDULER_UNIVERSE,
    };
  });
  const byId = new Map(rows.map((row) => [`${row.cluster}.${row.proc}`, row]));
  const firstOfBatch = new Map<number, JobRow>();
  if (rows.length > 0 && rows[0].batchUid) firstOfBatch.set(rows[0].batchUid, rows[0]);
  for (let i = 1; i < rows.length; i++) {
    const prev = rows[i - 1];
    const row = rows[i];
    const firstProc = prev.cluster !== row.cluster;
    if (!firstProc) prev.nextProc = row;
    if (row.dagCluster > 0) {
      const parent = byId.get(`${row.dagCluster}.0`);
      if (parent === undefined) continue;
      row.generation = parent.generation + 1;
      if (parent.children === undefined) parent.children = row;
      else if (firstProc) appendSibling(parent.children, row);
    } else if (row.batchUid && firstProc) {
      const oldest = firstOfBatch.get(row.batchUid);
      if (oldest === undefined) firstOfBatch.set(row.batchUid, row);
      else if (oldest !== row && !row.schedulerUniverse) appendSibling(oldest, row);
    }
  }
  return rows;
}

/**
 * format_name_column_for_dag_nodes: a DAG node job's name-column text after `|-` and one blank per
 * generation below the top, cut so that the whole fits `width`.
 */
export function dagNodeCell(row: JobRow, text: string, width: number): string {
  const prefix = `${' '.repeat(row.generation)}|-`;
  return prefix + text.slice(0, Math.max(0, width - prefix.length));
}

/**
 * The order -dag prints rows in (print_results with children under parents): each row not yet printed,
 * then its children, their children and their later siblings. Only the first proc of a node cluster hangs
 * under its DAGMan job; the other procs come in their own place.
 */
export function dagOrder(rows: readonly JobRow[]): JobRow[] {
  const printed = new Set<JobRow>();
  const out: JobRow[] = [];
  const visit = (first: JobRow | undefined): void => {
    for (let row = first; row !== undefined; row = row.nextSib) {
      printed.add(row);
      out.push(row);
      visit(row.children);
    }
  };
  for (const row of rows) {
    if (printed.has(row)) continue;
    printed.add(row);
    out.push(row);
    visit(row.children);
  }
  return out;
}
