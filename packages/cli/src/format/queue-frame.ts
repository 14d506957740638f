// The title and summary lines every condor_q table view shares.
import type { ClassAd } from './classad.js';
import { countJobs, type JobTotals } from './job-status.js';
import { formatTitleTime } from './text.js';

export interface QueueViewContext {
  scheddName: string;
  scheddAddress: string;
  now: Date;
  currentUser: string;
  /** Where the ads came from when not from the schedd (condor_q -jobads: `Jobads: FILE`). */
  sourceLabel?: string;
}

export interface QueueViewOptions {
  /** condor_q -allusers: the query was not limited to the current user's jobs. */
  allUsers: boolean;
  /** The current user's totals over the whole queue; defaults to counting `jobs` owned by ctx.currentUser. */
  myTotals?: JobTotals;
  /** Totals over every job in the queue; defaults to counting `jobs`. */
  allUsersTotals?: JobTotals;
}

/** `<1.2.3.4:9618?addrs=...>` becomes `<1.2.3.4:9618?...`, as summarize_sinful_for_display does. */
export function summarizeSinful(address: string): string {
  const question = address.indexOf('?');
  return question < 0 ? address : `${address.slice(0, question)}?...`;
}

/** The two blank lines and `-- Schedd: name : <addr?...> @ mm/dd/yy HH:MM:SS` line. */
export function queueTitle(ctx: QueueViewContext): string {
  const source = ctx.sourceLabel ?? `Schedd: ${ctx.scheddName} : ${summarizeSinful(ctx.scheddAddress)}`;
  return `\n\n-- ${source} @ ${formatTitleTime(ctx.now)}\n`;
}

function totalsText(label: string, t: JobTotals): string {
  return `Total for ${label}: ${t.jobs} jobs; ${t.completed} completed, ${t.removed} removed, ` +
    `${t.idle} idle, ${t.running} running, ${t.held} held, ${t.suspended} suspended`;
}

/**
 * The `Total for query/<user>/all users` lines. HTCondor prints them as one print-mask row whose
 * later fields start with a newline, so every line but the last keeps a trailing space.
 */
export function summaryLines(jobs: readonly ClassAd[], ctx: QueueViewContext, opts: QueueViewOptions): string {
  return summaryLinesFor(countJobs(jobs), jobs, ctx, opts);
}

function summaryLinesFor(query: JobTotals, jobs: readonly ClassAd[], ctx: QueueViewContext, opts: QueueViewOptions): string {
  const parts = [totalsText('query', query)];
  if (!opts.allUsers) {
    const mine = opts.myTotals ?? countJobs(jobs.filter((job) => job.getString('Owner') === ctx.currentUser));
    parts.push(totalsText(ctx.currentUser, mine));
  }
  parts.push(totalsText('all users', opts.allUsersTotals ?? countJobs(jobs)));
  return `${parts.join(' \n')}\n`;
}

/** Jobs in job-id order, as condor_q keys its result map by cluster and proc. */
export function sortByJobId(jobs: readonly ClassAd[]): ClassAd[] {
  return [...jobs].sort((a, b) =>
    (a.getInt('ClusterId') ?? 0) - (b.getInt('ClusterId') ?? 0) || (a.getInt('ProcId') ?? 0) - (b.getInt('ProcId') ?? 0));
}

/** condor_q -totals: the title and the summary lines only. */
export function formatTotals(jobs: ClassAd[], ctx: QueueViewContext, opts: QueueViewOptions): string {
  return queueTitle(ctx) + summaryLines(jobs, ctx, opts) + '\n';
}

/** condor_q -totals from counts the schedd computed, without fetching the jobs. */
export function formatTotalsFromCounts(query: JobTotals, ctx: QueueViewContext, opts: QueueViewOptions): string {
  return queueTitle(ctx) + summaryLinesFor(query, [], ctx, opts) + '\n';
}
