// condor_watch_q's find_job_event_logs (src/condor_scripts/condor_watch_q.in): which event logs to follow,
// from -files and from the UserLog of the jobs the schedd holds for -users, -clusters and -batches.
import path from 'node:path';
import { quoteString, type ClassAd } from '@tinycondor/shared/classad/index';

export interface Tracking {
  users: readonly string[];
  clusters: readonly string[];
  batches: readonly string[];
}

/** The schedd query: Owner == "u" || ClusterId == N || JobBatchName == "b" (empty: nothing to ask). */
export function trackingConstraint(t: Tracking): string {
  return [
    ...t.users.map((u) => `Owner == ${quoteString(u)}`),
    ...t.clusters.map((c) => `ClusterId == ${c}`),
    ...t.batches.map((b) => `JobBatchName == ${quoteString(b)}`),
  ].join(' || ');
}

export interface Discovered {
  /** Event log paths, absolute, in the order found. */
  eventLogs: string[];
  batchNames: Map<number, string | undefined>;
  numProcs: Map<number, number>;
  /** -batches: the clusters found for them, whose events alone are then followed. */
  batchFilterIds: number[];
  warnings: string[];
}

export function discoverEventLogs(ads: readonly ClassAd[], files: readonly string[], batchesGiven: boolean, cwd: string): Discovered {
  const logs = new Set(files.map((f) => path.resolve(cwd, f)));
  const out: Discovered = { eventLogs: [], batchNames: new Map(), numProcs: new Map(), batchFilterIds: [], warnings: [] };
  const warned = new Set<number>();
  for (const ad of ads) {
    const clusterId = ad.getInt('ClusterId');
    if (clusterId === undefined) continue;
    const procs = ad.getInt('TotalSubmitProcs');
    if (procs !== undefined) out.numProcs.set(clusterId, procs);
    out.batchNames.set(clusterId, ad.has('JobBatchName') ? ad.getString('JobBatchName') : undefined);
    if (batchesGiven) out.batchFilterIds.push(clusterId);
    const userLog = ad.getString('UserLog');
    if (userLog === undefined) {
      if (!warned.has(clusterId)) out.warnings.push(`Cluster ${clusterId} does not have a job event log file (set log=<path> in the submit description)`);
      warned.add(clusterId);
      continue;
    }
    logs.add(path.isAbsolute(userLog) ? userLog : path.resolve(ad.getString('Iwd') ?? cwd, userLog));
  }
  out.eventLogs = [...logs];
  return out;
}

/**
 * The clusters whose events are followed: -clusters, plus those found for -batches; undefined (all)
 * when neither selects any.
 */
export function filterIds(clusters: readonly number[] | undefined, batchFilterIds: readonly number[]): number[] | undefined {
  if (clusters === undefined) return batchFilterIds.length > 0 ? [...batchFilterIds] : undefined;
  return [...clusters, ...batchFilterIds];
}

/** shutil.get_terminal_size: COLUMNS and LINES when set, else the terminal's, else 80x24. */
export function terminalSize(env: NodeJS.ProcessEnv, tty: { columns?: number; rows?: number } | undefined): { columns: number; lines: number } {
  const fromEnv = (name: string) => {
    const n = Number.parseInt(env[name] ?? '', 10);
    return Number.isNaN(n) ? 0 : n;
  };
  let columns = fromEnv('COLUMNS');
  let lines = fromEnv('LINES');
  if (columns <= 0) columns = tty?.columns || 80;
  if (lines <= 0) lines = tty?.rows || 24;
  return { columns, lines };
}
