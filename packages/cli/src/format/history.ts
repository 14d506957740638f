// condor_history's default view (init_default_custom_format in history.cpp).
import type { ClassAd } from './classad.js';
import { JobStatus } from './job-status.js';
import { jobCommandAndArgs } from './job-columns.js';
import type { QueueViewContext } from './queue-frame.js';
import { alignLeft, alignRight, formatDuration, formatShortDate } from './text.js';

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

/** format_job_status_char: history has no letter for held or suspended jobs. */
function historyStatusLetter(status: number): string {
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

function dateCell(job: ClassAd, attr: string): string {
  const date = job.getInt(attr);
  return date === undefined ? '' : formatShortDate(date);
}

/** render_hist_runtime: RemoteWallClockTime (else RemoteUserCpu); a zero run time prints blank. */
function runTimeCell(job: ClassAd): string {
  const seconds = Math.trunc(job.getNumber('RemoteWallClockTime') ?? job.getNumber('RemoteUserCpu') ?? 0);
  return seconds === 0 ? '' : formatDuration(seconds);
}

/**
 * condor_history. Rows are printed as they are read, so the ID and OWNER columns widen from the first
 * longer value on and the heading keeps its initial widths. `ctx` is accepted for symmetry with condor_q;
 * without `fit` the table is cut as when stdout is no terminal.
 */
export function formatHistory(jobs: ClassAd[], _ctx: QueueViewContext, fit: HistoryFit = { legacy: false, overallWidth: 1024 }): string {
  if (fit.legacy) return legacyHistory(jobs);
  const { overallWidth } = fit;
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
