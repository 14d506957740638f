// The title and summary lines every condor_q table view shares.
import type { ClassAd } from './classad.js';
import { countJobs, type JobTotals } from '@tinycondor/shared/job-status';
import { formatTitleTime } from './text.js';

export interface QueueViewContext {
  scheddName: string;
  scheddAddress: string;
  now: Date;
  currentUser: string;
  /** Where the ads came from when not from the schedd (condor_q -jobads: `Jobads: FILE`). */
  sourceLabel?: string;
}

/**
 * How condor_q fits table rows to the console (queue.cpp): `wide` (-wide, or output that is not a
 * terminal) prints rows whole without their trailing blanks (trim_whitespace_before_newline); otherwise
 * header and rows are cut at `width` - 1 characters (SetOverallWidth) and keep their trailing blanks.
 */
export type RowFit = { wide: true } | { wide: false; width: number };

export const WIDE: RowFit = { wide: true };

/**
 * The fit queue.cpp picks: wide after -wide, and when no -wide option was given and stdout is no terminal
 * (`consoleColumns` undefined: getConsoleWindowSize fails); else the width of -wide:N, the console's, or 80.
 */
export function rowFit(wide: boolean, wideWidth: number | undefined, consoleColumns: number | undefined): RowFit {
  if (wide || (wideWidth === undefined && consoleColumns === undefined)) return WIDE;
  const width = wideWidth !== undefined && wideWidth > 0 ? wideWidth : consoleColumns !== undefined && consoleColumns > 0 ? consoleColumns : 80;
  return { wide: false, width };
}

/** A header or row fitted as `fit` says. */
export function fitRow(text: string, fit: RowFit, { heading = false } = {}): string {
  if (fit.wide) return heading ? text : text.trimEnd();
  return text.slice(0, Math.max(0, fit.width - 1));
}

/**
 * The widest the OWNER column of the job tables grows to (max_name_column_width): 14 plus what the
 * console has beyond 80 columns; in wide mode it never grows.
 */
export function maxOwnerWidth(fit: RowFit, base = 14): number {
  return fit.wide ? base : base + (fit.width - 80);
}

export interface QueueViewOptions {
  /** How rows fit the console; wide when not given. */
  fit?: RowFit;
  /** condor_q -allusers: the query was not limited to the current user's jobs. */
  allUsers: boolean;
  /** The counts of the jobs the query selected (the schedd's summary); defaults to counting `jobs`. */
  queryTotals?: JobTotals;
  /** Whose jobs the query selected (the schedd's MyName); defaults to ctx.currentUser. */
  myName?: string;
  /** That user's totals over the whole queue; defaults to counting `jobs` owned by ctx.currentUser. */
  myTotals?: JobTotals;
  /** Totals over every job in the queue; defaults to counting `jobs`. */
  allUsersTotals?: JobTotals;
  /**
   * The jobs came from a file (-jobads, -userlog: show_file_queue), whose summary ad has no per-user
   * counts: only the `Total for query` line, its seven empty columns left as blanks.
   */
  fromFile?: boolean;
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
  const query = opts.queryTotals ?? countJobs(jobs);
  if (opts.fromFile) return `${totalsText('query', query)}${' '.repeat(7)}\n`;
  const parts = [totalsText('query', query)];
  if (!opts.allUsers) {
    const mine = opts.myTotals ?? countJobs(jobs.filter((job) => job.getString('Owner') === ctx.currentUser));
    parts.push(totalsText(opts.myName ?? ctx.currentUser, mine));
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
