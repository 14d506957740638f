// condor_history's default view (init_default_custom_format in history.cpp).
import type { ClassAd } from './classad.js';
import { jobDescription, jobStatusCell } from './job-columns.js';
import type { QueueViewContext } from './queue-frame.js';
import { alignLeft, alignRight, formatDuration, formatShortDate, formatTimeT, invalidField } from './text.js';

/**
 * How condor_history's default table is printed (printHeader): HTCondor's legacy short table
 * (displayJobShort), or the default print format cut at an overall width (SetOverallWidth; 0: not cut).
 */
export type HistoryFit = { legacy: true } | { legacy: false; overallWidth: number };

/**
 * printHeader's choice from -wide[:N] (the `wide` and `wideWidth` parseQueryArgs reads for condor_q too) and
 * the console's columns (undefined when stdout is no terminal): -wide:N sets wide_format_width N and
 * wide_format when N > 80 (the last -wide wins); wide_format_width 80 without wide_format is the legacy
 * table; -wide alone cuts nothing; else rows are cut at N, or at the console width - 1, or at 1024.
 */
export function historyFit(wide: boolean, wideWidth: number | undefined, consoleColumns: number | undefined): HistoryFit {
  const width = wideWidth ?? 0;
  const wideFormat = wide || width > 80;
  if (!wideFormat && width === 80) return { legacy: true };
  if (wideFormat && width === 0) return { legacy: false, overallWidth: 0 };
  // getConsoleWindowSize is -1 when stdout is no terminal; -1 more as HTCondor avoids the console's double spacing.
  let overallWidth = width;
  if (overallWidth <= 0) overallWidth = (consoleColumns ?? -1) - 1;
  if (overallWidth < 0) overallWidth = 1024;
  return { legacy: false, overallWidth };
}

/** The default print format's rows and heading are cut at the overall width (AttrListPrintMask::display). */
function cut(line: string, overallWidth: number): string {
  return overallWidth > 0 ? line.slice(0, overallWidth) : line;
}

const RUN_TIME_EXPR = 'RemoteWallClockTime ?:(RemoteUserCpu?:0)';

/** RUN_TIME_EXPR as an integer (IsNumber truncates); blank when not a value. */
function runTimeCell(job: ClassAd): string {
  const v = job.evaluateExpr(RUN_TIME_EXPR);
  if (v.type === 'undefined' || v.type === 'error') return '';
  return formatTimeT(v.type === 'int' || v.type === 'real' ? Math.trunc(v.value) : v.type === 'bool' ? Number(v.value) : 0);
}

/** PRINTAS QDATE: the short local date of a number; `alt` (OR ??'s [???]) when there is none. */
function dateCell(job: ClassAd, attr: string, alt: string): string {
  const date = job.getNumber(attr);
  return date === undefined ? alt : formatShortDate(Math.trunc(date));
}

/**
 * condor_history's default table: history.cpp's defaultJob_PrintFormat as AttrListPrintMask prints it.
 * The heading is printed first, so it keeps the ID column's initial width (its label's 12); the rows are
 * printed as they are read, so ID (WIDTH AUTO, never cut) widens from the first longer id on. OWNER is cut
 * to 14, the dates to 11, RUN_TIME to 12; CMD (WIDTH 0) is neither padded nor cut. `ctx` is accepted for
 * symmetry with condor_q; without `fit` the table is cut as when stdout is no terminal.
 */
export function formatHistory(jobs: ClassAd[], _ctx: QueueViewContext, fit: HistoryFit = { legacy: false, overallWidth: 1024 }): string {
  if (fit.legacy) return legacyHistory(jobs);
  const { overallWidth } = fit;
  const header = [' ID         ', alignLeft('OWNER', 14), '  SUBMITTED', '  RUN_TIME  ', 'ST', '  COMPLETED', 'CMD'].join(' ');
  let idWidth = 12;
  const lines = jobs.map((job) => {
    const cluster = job.getInt('ClusterId');
    const id = cluster === undefined ? job.getString('JobId') ?? '' : `${cluster}.${job.getInt('ProcId') ?? -1}`;
    idWidth = Math.max(idWidth, id.length);
    const owner = job.getString('Owner');
    const line = [
      alignLeft(id, idWidth),
      owner === undefined ? invalidField(14) : alignLeft(owner.slice(0, 14), 14),
      alignRight(dateCell(job, 'QDate', invalidField(11)).slice(0, 11), 11),
      alignRight(runTimeCell(job).slice(0, 12), 12),
      alignLeft(jobStatusCell(job), 2),
      alignRight(dateCell(job, 'CompletionDate', '').slice(0, 11), 11),
      jobDescription(job),
    ].join(' ');
    return cut(line, overallWidth) + '\n';
  });
  return cut(header, overallWidth) + '\n' + lines.join('');
}

/** encode_status (history_utils.h): a letter for every status from 1 to 10, else a blank. */
function legacyStatusLetter(status: number): string {
  return ' IRXCH>SFBP'[status] ?? ' ';
}

/**
 * condor_history -wide:80: HTCondor's legacy table (short_header, displayJobShort): fixed columns, the owner
 * cut to 14 and the command to 15 (an old-syntax Args appended while Cmd is under 14), dates left-aligned,
 * ` ??? ` for a date of 0, and ` --- ???? --- ` for a job missing one of the attributes it reads.
 */
function legacyHistory(jobs: ClassAd[]): string {
  const header = ` ${'ID'.padEnd(7)} ${'OWNER'.padEnd(14)} ${'SUBMITTED'.padStart(11)} ${'RUN_TIME'.padStart(12)} ${'ST'.padEnd(2)} ${'COMPLETED'.padStart(11)} ${'CMD'.padEnd(15)}\n`;
  const date = (seconds: number) => (seconds === 0 ? ' ??? ' : formatShortDate(seconds));
  const rows = jobs.map((job) => {
    const [cluster, proc, qdate, completed, status, prio, imageSize] = ['ClusterId', 'ProcId', 'QDate', 'CompletionDate', 'JobStatus', 'JobPrio', 'ImageSize'].map((attr) => job.getInt(attr));
    const owner = job.getString('Owner');
    let cmd = job.getString('Cmd');
    if ([cluster, proc, qdate, completed, status, prio, imageSize, owner, cmd].includes(undefined)) return ' --- ???? --- \n';
    const args = job.getString('Args');
    const extra = 14 - cmd!.length;
    if (args !== undefined && extra > 0) cmd = `${cmd} ${args.slice(0, extra)}`;
    const runTime = Math.trunc(job.getNumber('RemoteWallClockTime') ?? job.getNumber('RemoteUserCpu') ?? 0);
    return `${String(cluster).padStart(4)}.${String(proc).padEnd(3)} ${owner!.slice(0, 14).padEnd(14)} ${date(qdate!).padEnd(11)} ${formatDuration(runTime).padEnd(12)} ${legacyStatusLetter(status!).padEnd(2)} ${date(completed!).padEnd(11)} ${cmd!.slice(0, 15).padEnd(15)}\n`;
  });
  return header + rows.join('');
}
