// condor_q and condor_history -print-format FILE: HTCondor's print-format language (make_printmask.cpp
// SetAttrListPrintMaskFromStream and AddAttrListRow) and the table AttrListPrintMask prints from it
// (ad_printmask.cpp render, display and display_Headings). Supported: SELECT [NOTITLE | NOHEADER | BARE |
// NOSUMMARY], column lines with AS, WIDTH [-]N | AUTO, PRINTF, PRINTAS (condor_q's functions), OR, LEFT,
// RIGHT, TRUNCATE, NOPREFIX, NOSUFFIX; WHERE; GROUP BY (the row order); SUMMARY STANDARD | NONE.
import { parseOldExpr, unparseValue, type ClassAd, type EvalContext, type Value } from '@tinycondor/shared/classad/index';
import { jobDescription, jobRunSeconds, jobStatusCell, memoryUsageMb } from './job-columns.js';
import { renderPrintfColumn } from './printf-format.js';
import { fitRow, queueTitle, sortByJobId, summaryLines, WIDE, type QueueViewContext, type QueueViewOptions } from './queue-frame.js';
import { readableBytes, transferMisc, universeName } from './queue-views.js';
import { alignLeft, alignRight, formatDuration, formatShortDate, formatTimeT, invalidField } from './text.js';

export interface PrintColumn {
  expr: string;
  label: string;
  /** < 0 left-aligned, > 0 right-aligned, 0 as it is. */
  width: number;
  auto: boolean;
  noTruncate: boolean;
  left: boolean;
  noPrefix: boolean;
  printf?: string;
  printas?: string;
  /** The OR character for a value that cannot be shown, and whether it fills the width (OR ??). */
  alt: string;
  altWide: boolean;
}

export interface PrintFormat {
  columns: PrintColumn[];
  /** SELECT UNIQUE: an aggregation (condor_history refuses it). */
  unique?: boolean;
  noTitle: boolean;
  noHeader: boolean;
  summary: boolean;
  where?: string;
  groupBy: string[];
}

/** tokener::next: blank-separated tokens, a quoted one (' or ") without its quotes; `start` is where it begins. */
function tokens(line: string): Array<{ text: string; start: number }> {
  const out: Array<{ text: string; start: number }> = [];
  let i = 0;
  for (;;) {
    while (i < line.length && /\s/.test(line[i])) i++;
    if (i >= line.length) return out;
    const quote = line[i] === '"' || line[i] === "'" ? line[i] : undefined;
    const end = quote === undefined ? line.slice(i).search(/\s/) : line.indexOf(quote, i + 1);
    const stop = end < 0 ? line.length : quote === undefined ? i + end : end;
    out.push({ text: line.slice(quote === undefined ? i : i + 1, stop), start: i });
    i = quote === undefined ? stop : stop + 1;
  }
}

const KEYWORDS = new Set(['ALWAYS', 'AS', 'AUTO', 'FIT', 'LEFT', 'NOPREFIX', 'NOSUFFIX', 'OR', 'PRINTAS', 'PRINTF', 'RENDERAS', 'RIGHT', 'TRUNCATE', 'WIDTH']);
const ALT_CHARS = ' ?*.-_#0';

const PRINTAS = new Set(['BATCH_NAME', 'BUFFER_IO_MISC', 'CPU_TIME', 'DAG_OWNER', 'JOB_DESCRIPTION', 'JOB_ID', 'JOB_STATUS', 'JOB_UNIVERSE', 'MEMORY_USAGE', 'OWNER', 'QDATE', 'READABLE_BYTES', 'REMOTE_HOST']);

/** AddAttrListRow for one SELECT line (condor_q: a fixed WIDTH truncates, and makes a %Nv of itself). */
function columnLine(line: string, lineNo: number, messages: string[]): PrintColumn | undefined {
  const toks = tokens(line);
  let expr: string | undefined;
  let label: string | undefined;
  let printf: string | undefined;
  let printas: string | undefined;
  let width = 0;
  let widthFromLabel = true;
  let auto = true;
  let noTruncate = true;
  let left = false;
  let noPrefix = false;
  let alt = '';
  let altWide = false;
  for (let i = 0; i < toks.length; i++) {
    const tok = toks[i];
    if (!KEYWORDS.has(tok.text)) continue;
    // The expression is the text before the first keyword.
    if (expr === undefined) expr = line.slice(0, tok.start);
    const next = toks[i + 1];
    const expected = (what: string): void => {
      messages.push(`expected ${what} at line ${lineNo} offset ${tok.start} in SELECT`);
    };
    switch (tok.text) {
      case 'AS':
        if (next === undefined) expected('column name after AS');
        else label = next.text;
        i++;
        break;
      case 'PRINTF':
        if (next === undefined) expected('format after PRINTF');
        else printf = next.text;
        i++;
        break;
      case 'PRINTAS':
      case 'RENDERAS':
        if (next === undefined) expected(`function name after ${tok.text}`);
        else if (!PRINTAS.has(next.text)) messages.push(`Unknown argument ${next.text} for ${tok.text}`);
        // The function writes the column itself (as its own printf format would).
        else printas = next.text;
        i++;
        break;
      case 'OR': {
        if (next === undefined) expected('? or ?? after OR');
        else if (next.text !== '' && ALT_CHARS.includes(next.text[0])) {
          alt = next.text[0];
          altWide = next.text.length > 1 && next.text[0] === next.text[1];
        } else messages.push(`Unknown argument ${next.text} for OR`);
        i++;
        break;
      }
      // condor_q's tables put a blank before fields and nothing after: NOSUFFIX changes nothing.
      case 'NOSUFFIX': break;
      case 'NOPREFIX': noPrefix = true; break;
      case 'LEFT': left = true; break;
      case 'RIGHT': left = false; break;
      case 'FIT': noTruncate = true; break;
      case 'TRUNCATE': noTruncate = false; break;
      case 'WIDTH':
        if (next === undefined) expected('number or AUTO after WIDTH');
        else if (next.text === 'AUTO') auto = true;
        else {
          width = Number.parseInt(next.text, 10) || 0;
          auto = false;
          noTruncate = false;
          widthFromLabel = false;
        }
        i++;
        break;
      default:
        break;
    }
  }
  const attr = (expr ?? line).trim();
  if (attr === '' || attr.startsWith('#')) return undefined;
  const shownLabel = label ?? attr;
  if (widthFromLabel) width = -shownLabel.length;
  return { expr: attr, label: shownLabel, width, auto: widthFromLabel || auto, noTruncate, left, noPrefix, printf, printas, alt, altWide };
}

/** SetAttrListPrintMaskFromStream: the format, and the messages HTCondor prints on stderr for it. */
export function parsePrintFormat(text: string): { format: PrintFormat; messages: string[] } {
  const format: PrintFormat = { columns: [], noTitle: false, noHeader: false, summary: false, groupBy: [] };
  const messages: string[] = [];
  let section: 'SELECT' | 'WHERE' | 'GROUP' | 'SUMMARY' | 'OTHER' = 'SELECT';
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    const toks = tokens(line);
    if (toks.length === 0 || toks[0].text === '#') return;
    const first = toks[0].text;
    if (first === 'SELECT') {
      section = 'SELECT';
      for (const tok of toks.slice(1)) {
        if (tok.text === 'BARE') Object.assign(format, { noTitle: true, noHeader: true });
        else if (tok.text === 'NOTITLE') format.noTitle = true;
        else if (tok.text === 'NOHEADER') format.noHeader = true;
        else if (tok.text === 'UNIQUE') format.unique = true;
        else if (tok.text !== 'NOSUMMARY') messages.push(`Warning: Unknown header argument ${tok.text} for SELECT`);
      }
      return;
    }
    if (first === 'SUMMARY') {
      section = 'SUMMARY';
      format.summary = true;
      for (const tok of toks.slice(1)) {
        if (tok.text === 'NONE') format.summary = false;
        else if (tok.text !== 'STANDARD') messages.push(`Unknown argument ${tok.text} for SELECT`);
      }
      return;
    }
    let rest = line;
    if (first === 'WHERE' || first === 'GROUP' || first === 'AND' || first === 'JOIN') {
      section = first === 'WHERE' ? 'WHERE' : first === 'GROUP' ? 'GROUP' : 'OTHER';
      const skip = first === 'GROUP' && toks[1]?.text === 'BY' ? 2 : 1;
      if (toks.length <= skip) return;
      rest = line.slice(toks[skip].start);
    }
    if (section === 'WHERE') format.where = rest.trim();
    else if (section === 'GROUP') {
      const key = rest.replace(/\s+(ASCENDING|DESCENDING)\s*$/, '').trim();
      if (key !== '' && !key.startsWith('#')) format.groupBy.push(key);
    } else if (section === 'SELECT') {
      const column = columnLine(rest, index + 1, messages);
      if (column !== undefined) format.columns.push(column);
    } else if (section === 'SUMMARY') {
      messages.push(`custom SUMMARY columns are not supported by tinycondor: ${rest}`);
    }
  });
  return { format, messages };
}

/** A cell's text and whether the column could show the job's value (else the OR character). */
interface CellOptions {
  now: Date;
  context?: EvalContext;
  /** -dag: DAG_OWNER shows a node job's node name. */
  dag: boolean;
  /** -cputime and -cumulative-time, which CPU_TIME follows (job_time). */
  cpuTime: boolean;
  cumulativeTime: boolean;
}

function cellText(job: ClassAd, column: PrintColumn, { now, context, dag, cpuTime, cumulativeTime }: CellOptions): string | undefined {
  const value = (): Value => {
    try {
      return job.evaluateExpr(job.get(column.expr) ?? parseOldExpr(column.expr), undefined, context);
    } catch {
      return { type: 'error' };
    }
  };
  const number = (): number | undefined => {
    const v = value();
    return v.type === 'int' || v.type === 'real' ? v.value : undefined;
  };
  switch (column.printas) {
    case 'OWNER': return job.getString('Owner');
    case 'DAG_OWNER': return (dag && job.has('DAGManJobId') ? job.getString('DAGNodeName') : undefined) ?? job.getString('Owner');
    case 'QDATE': { const n = number(); return n === undefined ? undefined : formatShortDate(n); }
    case 'CPU_TIME': {
      const cpu = job.getNumber('RemoteUserCpu');
      return cpu === undefined ? undefined : formatDuration(cpuTime ? cpu : jobRunSeconds(job, now, cumulativeTime));
    }
    case 'JOB_STATUS': return job.has('JobStatus') ? jobStatusCell(job) : undefined;
    case 'MEMORY_USAGE': { const mb = memoryUsageMb(job); return mb === undefined ? undefined : mb.toFixed(1); }
    case 'JOB_DESCRIPTION': return job.has('Cmd') ? jobDescription(job) : undefined;
    case 'REMOTE_HOST': return job.getString('RemoteHost');
    case 'JOB_ID': return `${job.getInt('ClusterId') ?? 0}.${job.getInt('ProcId') ?? -1}`;
    case 'JOB_UNIVERSE': { const n = number(); return n === undefined ? undefined : universeName(Math.trunc(n)); }
    case 'READABLE_BYTES': return readableBytes(number());
    case 'BUFFER_IO_MISC': return transferMisc(job);
    case 'BATCH_NAME': {
      const name = job.getString('JobBatchName');
      if (name !== undefined) return name;
      if (job.getInt('JobUniverse') === 7) return `DAG: ${job.getInt('ClusterId') ?? 0}`;
      const node = job.has('DAGManJobId') ? job.getString('DAGNodeName') : undefined;
      return node === undefined ? undefined : `NODE: ${node}`;
    }
    default:
      break;
  }
  // PRINTF %T (printf_format.cpp PFT_TIME): a number of seconds as format_time writes it.
  if (column.printf === '%T') {
    const v = value();
    return v.type === 'int' || v.type === 'real' || v.type === 'bool' ? formatTimeT(Math.trunc(Number(v.value))) : undefined;
  }
  const format = column.printf ?? (column.width === 0 ? '%v' : `%${column.width}${column.noTruncate ? '' : `.${Math.abs(column.width)}`}v`);
  const letter = /%[-+ 0#]*\d*(?:\.\d*)?[a-zA-Z]*?([dioxXucfeEgGsvV])/.exec(format)?.[1];
  const v = value();
  if (letter !== undefined && 'dioxXucfeEgG'.includes(letter) && v.type !== 'int' && v.type !== 'real') return undefined;
  if (letter === 's' && v.type !== 'string' && !job.has(column.expr)) return undefined;
  return renderPrintfColumn(job, { format, attr: column.expr }, context);
}

/** The sort key of a GROUP BY row (group_job): each key's value unparsed (a string quoted), a newline after each. */
function groupKey(job: ClassAd, keys: string[], context: EvalContext | undefined): string {
  return keys.map((key) => {
    let v: Value;
    try {
      v = job.evaluateExpr(parseOldExpr(key), undefined, context);
    } catch {
      v = { type: 'error' };
    }
    return `${unparseValue(v)}\n`;
  }).join('');
}

/** A column's text at `width` (< 0 left-aligned), as AttrListPrintMask::render aligns and cuts it. */
function alignedCell(text: string | undefined, column: PrintColumn, width: number): string {
  const w = Math.abs(width);
  const shown = text ?? (column.altWide ? invalidField(w) : column.alt.trim());
  if (w === 0) return shown;
  if (shown.length > w) return column.noTruncate ? shown : shown.slice(0, w);
  return width < 0 || column.left ? alignLeft(shown, w) : alignRight(shown, w);
}

/** The cells of a row joined, a blank before each but the first and the NOPREFIX ones. */
function joinCells(cols: PrintColumn[], cells: string[]): string {
  return cells.map((text, i) => (i > 0 && !cols[i].noPrefix ? ' ' : '') + text).join('');
}

/** display_Headings: each label padded (not cut) to its column's width, or as it is at width 0. */
function headingRow(cols: PrintColumn[], widths: number[]): string {
  return joinCells(cols, cols.map((c, i) => (widths[i] === 0 ? c.label : alignLeft(c.label, Math.abs(widths[i])))));
}

/** condor_q -print-format: the title, the headings, a row per job, and the summary when asked for. */
export function formatPrintFormat(
  format: PrintFormat,
  jobs: ClassAd[],
  ctx: QueueViewContext,
  opts: QueueViewOptions & { context?: EvalContext; dag?: boolean; cpuTime?: boolean; cumulativeTime?: boolean },
): string {
  const fit = opts.fit ?? WIDE;
  let ordered = sortByJobId(jobs);
  if (format.groupBy.length > 0) {
    const keyed = ordered.map((job) => ({ job, key: groupKey(job, format.groupBy, opts.context) }));
    keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    ordered = keyed.map((k) => k.job);
  }
  const cols = format.columns;
  const cellOptions: CellOptions = { now: ctx.now, context: opts.context, dag: opts.dag === true, cpuTime: opts.cpuTime === true, cumulativeTime: opts.cumulativeTime === true };
  const raw = ordered.map((job) => cols.map((c) => cellText(job, c, cellOptions)));
  const widths = cols.map((c, i) => (c.auto ? Math.sign(c.width || -1) * Math.max(Math.abs(c.width), ...raw.map((r) => r[i]?.length ?? 0)) : c.width));
  let out = format.noTitle ? '' : queueTitle(ctx);
  if (!format.noHeader) out += `${fitRow(headingRow(cols, widths), fit, { heading: true })}\n`;
  for (const r of raw) out += `${fitRow(joinCells(cols, r.map((text, i) => alignedCell(text, cols[i], widths[i]))), fit)}\n`;
  if (format.summary) out += `\n${summaryLines(jobs, ctx, opts)}\n`;
  return out;
}

/**
 * condor_history -print-format (history.cpp printHeader, printJob): no title and no summary; the headings
 * first, at the columns' initial widths; then a row per ad in the order read (GROUP BY sorts nothing), each
 * AUTO column widening from the first longer value on, as the mask grows while it prints. Headings and rows
 * are cut at `overallWidth` (SetOverallWidth; 0: not cut).
 */
export function formatHistoryPrintFormat(format: PrintFormat, jobs: ClassAd[], opts: { now: Date; overallWidth: number; context?: EvalContext }): string {
  const cols = format.columns;
  const cut = (line: string): string => (opts.overallWidth > 0 ? line.slice(0, opts.overallWidth) : line);
  const widths = cols.map((c) => c.width);
  const cellOptions: CellOptions = { now: opts.now, context: opts.context, dag: false, cpuTime: false, cumulativeTime: false };
  let out = format.noHeader ? '' : `${cut(headingRow(cols, widths))}\n`;
  for (const job of jobs) {
    const cells = cols.map((c, i) => {
      const text = cellText(job, c, cellOptions);
      // A value that cannot be shown does not widen its column (render's col_is_valid).
      if (c.auto && text !== undefined) widths[i] = Math.sign(widths[i] || -1) * Math.max(Math.abs(widths[i]), text.length);
      return alignedCell(text, c, widths[i]);
    });
    out += `${cut(joinCells(cols, cells))}\n`;
  }
  return out;
}
