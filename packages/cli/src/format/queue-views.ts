// condor_q -idle, -hold-codes, -io and -factory: queue.cpp's jobIdle_PrintFormat, jobHoldCodes_PrintFormat,
// jobIO_PrintFormat and jobFactory_PrintFormat laid out as AttrListPrintMask lays them out.
import { parseExpr, unparseValue } from '@tinycondor/shared/classad/index';
import type { ClassAd } from './classad.js';
import { jobStatusCell } from './job-columns.js';
import { fitRow, maxOwnerWidth, queueTitle, sortByJobId, summaryLines, WIDE, type QueueViewContext, type QueueViewOptions, type RowFit } from './queue-frame.js';
import { alignLeft, alignRight, formatShortDate, invalidField, maxOf } from './text.js';

/**
 * One print-mask column: `width` < 0 left-aligns, > 0 right-aligns, 0 prints the text as it is; `auto`
 * (no WIDTH, or WIDTH AUTO) grows the width to the widest cell and never cuts; a fixed width cuts.
 * `noPrefix`: no blank before the column (NOPREFIX).
 */
interface Column {
  label: string;
  width: number;
  auto?: boolean;
  noPrefix?: boolean;
}

function cell(text: string, width: number, auto: boolean): string {
  if (width === 0) return text;
  const w = Math.abs(width);
  const fitted = !auto && text.length > w ? text.slice(0, w) : text;
  return width < 0 ? alignLeft(fitted, w) : alignRight(fitted, w);
}

/** The header and rows of `columns` (display_Headings: each label `%-Ns` in its width) fitted as `fit`. */
function table(columns: Column[], rows: string[][], fit: RowFit, { trimOnly = false } = {}): string {
  const widths = columns.map((c, i) => (c.auto ? Math.sign(c.width || -1) * maxOf(rows, (r) => r[i].length, Math.abs(c.width)) : c.width));
  const join = (cells: string[]): string => cells.map((text, i) => (i > 0 && !columns[i].noPrefix ? ' ' : '') + text).join('');
  const header = join(columns.map((c, i) => (widths[i] === 0 ? c.label : alignLeft(c.label, Math.abs(widths[i])))));
  const lines = rows.map((r) => join(r.map((text, i) => cell(text, widths[i], columns[i].auto === true))));
  // A view never cut to the console (-hold-codes) loses trailing blanks only in wide mode.
  if (trimOnly) return [header, ...lines.map((line) => (fit.wide ? line.trimEnd() : line))].map((line) => `${line}\n`).join('');
  return [fitRow(header, fit, { heading: true }), ...lines.map((line) => fitRow(line, fit))].map((line) => `${line}\n`).join('');
}

/**
 * The ID and OWNER columns of the job views after fixup_std_column_widths: they grow only when some
 * cluster id reaches 9999, some proc id 999 or some owner is longer than 14 (OWNER only on a console).
 */
function idColumns(jobs: readonly ClassAd[], fit: RowFit): { columns: Column[]; cells: (job: ClassAd) => string[] } {
  const maxCluster = maxOf(jobs, (j) => j.getInt('ClusterId') ?? 0, 0);
  const maxProc = maxOf(jobs, (j) => j.getInt('ProcId') ?? 0, 0);
  const longest = maxOf(jobs, (j) => j.getString('Owner')?.length ?? 0, 0);
  const widen = maxCluster >= 9999 || maxProc >= 999 || longest > 14;
  const cluster = widen ? Math.min(9, Math.max(4, String(maxCluster).length)) : 4;
  const proc = widen ? Math.min(9, Math.max(3, String(maxProc).length)) : 3;
  const owner = widen && !fit.wide && longest > 14 ? Math.max(14, Math.min(longest, maxOwnerWidth(fit))) : 14;
  return {
    columns: [{ label: ' ID', width: cluster + 1 }, { label: ' ', width: proc, noPrefix: true }, { label: 'OWNER', width: -owner }],
    cells: (job) => [
      `${alignRight(String(job.getInt('ClusterId') ?? 0), cluster)}.`,
      // A cluster ad has no ProcId: `%-3d` of it is no number, and no OR is given.
      alignLeft(String(job.getInt('ProcId') ?? ''), proc),
      job.getString('Owner') ?? invalidField(owner),
    ],
  };
}

/** CondorUniverseNameUcFirst (condor_universe.cpp), indexed by JobUniverse. */
const UNIVERSE_NAMES = ['NULL', 'Standard', 'Pipe', 'Linda', 'PVM', 'Vanilla', 'PVMD', 'Scheduler', 'MPI', 'Grid', 'Java', 'Parallel', 'Local', 'VM'];

export function universeName(universe: number | undefined): string {
  if (universe === undefined) return '';
  return universe > 0 && universe < UNIVERSE_NAMES.length ? UNIVERSE_NAMES[universe] : 'Unknown';
}

/**
 * A column with no PRINTF (`%v`): a string as it is, any other value written as ClassAd text, so a job
 * without the attribute shows `undefined` (its evaluation is a valid value to AttrListPrintMask).
 */
export function valueText(job: ClassAd, attr: string): string {
  const value = job.evaluate(attr);
  return value.type === 'string' ? value.value : unparseValue(value, 'old');
}

/** An integer attribute printed `%Nd`; '' when the job has none (no OR). */
function printfInt(value: number | undefined, width: number): string {
  return value === undefined ? '' : alignRight(String(Math.trunc(value)), width);
}

/**
 * condor_q -idle (jobIdle_PrintFormat): the idle jobs with their universe, requested CPUs and memory,
 * how often they started and where they last ran; no summary.
 */
export function formatQueueIdle(jobs: ClassAd[], ctx: QueueViewContext, fit: RowFit = WIDE): string {
  const sorted = sortByJobId(jobs);
  const ids = idColumns(sorted, fit);
  const columns: Column[] = [
    ...ids.columns,
    { label: 'UNIVERSE ', width: -9, auto: true },
    { label: 'CPUS', width: -4, auto: true },
    { label: 'MEMORY', width: -6, auto: true },
    { label: 'STARTS', width: -6, auto: true },
    { label: 'LAST_HOST', width: 0 },
  ];
  const rows = sorted.map((job) => [
    ...ids.cells(job),
    universeName(job.getInt('JobUniverse')),
    printfInt(job.getNumber('RequestCpus'), 4),
    printfInt(job.getNumber('RequestMemory'), 6),
    printfInt(job.getNumber('NumShadowStarts') ?? 0, 6),
    valueText(job, 'LastRemoteHost'),
  ]);
  return queueTitle(ctx) + table(columns, rows, fit);
}

/**
 * metric_units (metric_units.cpp): `%.1f` and B, KB, MB, GB or TB, dividing by 1024 while above 1024;
 * FORMATAS READABLE_BYTES prints 8 blanks for a value that is no number.
 */
export function readableBytes(bytes: number | undefined): string {
  if (bytes === undefined) return ' '.repeat(8);
  const suffixes = ['B ', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let power = 0;
  while (value > 1024 && power < suffixes.length - 1) {
    value /= 1024;
    power++;
  }
  return `${value.toFixed(1)} ${suffixes[power]}`;
}

/** render_buffer_io_misc: ` transfer=in`, `out`, `in,out`, `queued`… from the transfer flags, else ''. */
export function transferMisc(job: ClassAd): string {
  const ix = (job.getBool('TransferringInput') ? 1 : 0) + (job.getBool('TransferringOutput') ? 2 : 0) + (job.getBool('TransferQueued') ? 4 : 0);
  return ix === 0 ? '' : ` transfer=${['in', 'out', 'in,out', 'queued', 'in,queued', 'out,queued', 'in,out,queued'][ix - 1]}`;
}

/** What jobIO_PrintFormat's WHERE keeps: standard universe jobs and jobs queued for or transferring files. */
export const IO_CONSTRAINT = 'JobUniverse==1 || TransferQueued=?=true || TransferringOutput=?=true || TransferringInput=?=true';

/**
 * condor_q -io (jobIO_PrintFormat): runs, state, bytes received and sent and their sum, and what is
 * being transferred, then the summary. `jobs` are those IO_CONSTRAINT selected.
 */
export function formatQueueIo(jobs: ClassAd[], ctx: QueueViewContext, opts: QueueViewOptions): string {
  const fit = opts.fit ?? WIDE;
  const sorted = sortByJobId(jobs);
  const ids = idColumns(sorted, fit);
  const columns: Column[] = [
    ...ids.columns,
    { label: 'RUNS', width: -4, auto: true },
    { label: 'ST', width: -2, auto: true },
    { label: ' INPUT', width: -6, auto: true },
    { label: ' OUTPUT', width: -7, auto: true },
    { label: ' RATE', width: 10 },
    { label: 'MISC', width: -4, auto: true },
  ];
  const rows = sorted.map((job) => {
    const standard = job.getInt('JobUniverse') === 1;
    const bytes = (attr: string): number | undefined => job.getNumber(attr);
    const input = standard ? bytes('FileReadBytes') : bytes('BytesRecvd');
    const output = standard ? bytes('FileWriteBytes') : bytes('BytesSent');
    const runs = standard ? job.getNumber('NumCkpts_RAW') : job.getNumber('NumJobStarts');
    return [
      ...ids.cells(job),
      runs === undefined ? '?' : printfInt(runs, 4),
      jobStatusCell(job),
      readableBytes(input),
      readableBytes(output),
      readableBytes(input === undefined || output === undefined ? undefined : input + output),
      transferMisc(job),
    ];
  });
  return queueTitle(ctx) + table(columns, rows, fit) + '\n' + summaryLines(jobs, ctx, opts) + '\n';
}

/**
 * condor_q -hold-codes (jobHoldCodes_PrintFormat, GROUP BY HoldReasonCode HoldReasonSubCode, then
 * reduce_holds): one row per code and subcode, the oldest held job's, with how many held jobs share them.
 * Groups come in the order of their sort keys, the code's and subcode's text (so 13 before 3); a job
 * with no code is a row of its own. Never cut to the console; no summary.
 */
export function formatQueueHoldCodes(jobs: ClassAd[], ctx: QueueViewContext, opts: QueueViewOptions): string {
  const fit = opts.fit ?? WIDE;
  const held = jobs.filter((job) => job.getInt('JobStatus') === 5);
  const text = (job: ClassAd, attr: string): string => {
    const value = job.getInt(attr);
    return value === undefined ? 'undefined' : String(value);
  };
  const keyed = sortByJobId(held).map((job) => ({ job, key: `${text(job, 'HoldReasonCode')}\n${text(job, 'HoldReasonSubCode')}\n` }));
  // A stable sort keeps job-id order (the key's last part) within a group.
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const groups: Array<{ job: ClassAd; count: number | undefined }> = [];
  let last: { code: number; sub: number; group: { job: ClassAd; count: number | undefined } } | undefined;
  for (const { job } of keyed) {
    const code = job.getInt('HoldReasonCode');
    const sub = job.getInt('HoldReasonSubCode') ?? -1;
    if (code === undefined) {
      // reduce_holds leaves it alone: its COUNT shows the JobStatus it was rendered from.
      groups.push({ job, count: undefined });
    } else if (last !== undefined && last.code === code && last.sub === sub) {
      last.group.count = (last.group.count ?? 0) + 1;
    } else {
      const group = { job, count: 1 };
      groups.push(group);
      last = { code, sub, group };
    }
  }
  const columns: Column[] = [
    { label: 'OWNER', width: -14 },
    { label: 'CODE', width: -4, auto: true },
    { label: '/SUB', width: -4, auto: true, noPrefix: true },
    { label: '   COUNT ', width: -9, auto: true },
    { label: 'OLDEST_JOB_ID', width: -13, auto: true },
    { label: 'HELD_SINCE', width: 11 },
    { label: 'HOLD_REASON', width: 0 },
  ];
  const rows = groups.map(({ job, count }) => {
    const code = job.getInt('HoldReasonCode');
    const sub = job.getInt('HoldReasonSubCode');
    const since = job.getInt('EnteredCurrentStatus');
    return [
      job.getString('Owner') ?? invalidField(14),
      code === undefined ? '?' : alignRight(String(code), 4),
      sub === undefined ? '' : `/${alignLeft(String(sub), 3)}`,
      alignRight(String(count ?? job.getInt('JobStatus')), 9),
      `${job.getInt('ClusterId') ?? 0}.${job.getInt('ProcId') ?? -1}`,
      since === undefined ? invalidField(11) : formatShortDate(since),
      valueText(job, 'HoldReason'),
    ];
  });
  return queueTitle(ctx) + table(columns, rows, fit, { trimOnly: true });
}

/** What jobFactory_PrintFormat's WHERE keeps: the cluster ads of job factories. */
export const FACTORY_CONSTRAINT = '(ProcId is undefined) && (JobMaterializeDigestFile isnt undefined)';

/** jobFactory_PrintFormat's MODE: the pause the cluster ad records, else the factory's (JobFactoryPaused). */
const FACTORY_MODE = parseExpr('JobMaterializePaused ?: JobFactoryPaused');

/** format_job_factory_mode: a factory's MaterializeMode as a word; '' when undefined, `????` when no number. */
export function factoryModeText(job: ClassAd): string {
  const paused = job.evaluateExpr(FACTORY_MODE);
  if (paused.type === 'undefined') return '';
  if (paused.type !== 'int' && paused.type !== 'real' && paused.type !== 'bool') return '????';
  const mode = Math.trunc(Number(paused.value));
  return ({ [-1]: 'Errs', 0: 'Norm', 1: 'Held', 2: 'Done', 3: 'Gone' } as Record<number, string>)[mode] ?? 'Unk';
}

/**
 * condor_q -factory (jobFactory_PrintFormat): each factory's cluster ad (those FACTORY_CONSTRAINT selects)
 * with its JobMaterializeLimit, the counters of its procs in the queue, the next proc id, its mode and its
 * digest file; no summary.
 */
export function formatQueueFactory(clusters: ClassAd[], ctx: QueueViewContext, fit: RowFit = WIDE): string {
  const sorted = sortByJobId(clusters);
  const ids = idColumns(sorted, fit);
  const columns: Column[] = [
    ...ids.columns,
    { label: '  SUBMITTED', width: 11 },
    { label: ' LIMIT', width: 6 },
    { label: 'PRESNT', width: 6 },
    { label: '  RUN ', width: 6 },
    { label: '  IDLE', width: 6 },
    { label: '  HOLD', width: 6 },
    { label: 'NEXTID', width: 6 },
    { label: 'MODE', width: -4, auto: true },
    { label: 'DIGEST', width: -6, auto: true },
  ];
  const rows = sorted.map((job) => {
    const qdate = job.getNumber('QDate');
    const count = (attr: string): string => printfInt(job.getNumber(attr), 6);
    return [
      ...ids.cells(job),
      qdate === undefined ? '' : formatShortDate(Math.trunc(qdate)),
      count('JobMaterializeLimit'),
      count('JobsPresent'),
      count('JobsRunning'),
      count('JobsIdle'),
      count('JobsHeld'),
      count('JobMaterializeNextProcId'),
      factoryModeText(job),
      valueText(job, 'JobMaterializeDigestFile'),
    ];
  });
  return queueTitle(ctx) + table(columns, rows, fit);
}
