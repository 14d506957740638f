// condor_watch_q's screen, drawn as its make_table, make_progress_bar and make_summary_* draw it
// (src/condor_scripts/condor_watch_q.in): the grouped rows, the table, progress bars, the summary line.
import path from 'node:path';
import { maxOf, minOf } from '@tinycondor/shared/extremes';
import { roundHalfEven } from '@tinycondor/shared/rounding';
import { ORDERED_STATUSES, ACTIVE_STATES, type Cluster, type WatchStatus } from './tracker.js';

export type GroupBy = 'batch' | 'log' | 'cluster';
export const GROUP_KEY: Readonly<Record<GroupBy, string>> = { batch: 'BATCH', log: 'LOG', cluster: 'CLUSTER' };

const TOTAL = 'TOTAL';
const ACTIVE_JOBS = 'JOB_IDS';
const HEADERS: readonly string[] = [...ORDERED_STATUSES, TOTAL, ACTIVE_JOBS];
const ALWAYS_INCLUDE = new Set(['IDLE', 'RUN', 'DONE', 'LOG', TOTAL]);
const LEFT_ALIGNED = new Set(['LOG', 'CLUSTER', 'BATCH', ACTIVE_JOBS]);

/** One row: a count per status, TOTAL, JOB_IDS and the group's value under its key. */
export type Row = Record<string, string | number>;
export type Totals = Record<WatchStatus | 'TOTAL', number>;

export const ANSI = {
  RED: '\x1b[31m',
  GREEN: '\x1b[32m',
  YELLOW: '\x1b[33m',
  CYAN: '\x1b[36m',
  BRIGHT_YELLOW: '\x1b[93m',
  BRIGHT_WHITE: '\x1b[97m',
  RESET: '\x1b[0m',
} as const;

const colorize = (text: string, color: string): string => color + text + ANSI.RESET;

const ANSI_ESCAPE_RE = /\x1B(?:[@-Z\\\-_]|\[[0-?]*[ -/]*[@-~])/g;
export const stripAnsi = (text: string): string => text.replace(ANSI_ESCAPE_RE, '');

export function emptyTotals(): Totals {
  return { REMOVED: 0, HELD: 0, IDLE: 0, RUN: 0, DONE: 0, INPUT: 0, OUTPUT: 0, SUSPENDED: 0, TOTAL: 0 };
}

/** group_clusters: clusters by batch name, event log or cluster id, in the order first seen. */
export function groupClusters(clusters: readonly Cluster[], groupBy: GroupBy): Map<string | number, Cluster[]> {
  const groups = new Map<string | number, Cluster[]>();
  for (const cluster of clusters) {
    const value = groupBy === 'batch' ? cluster.batchName : groupBy === 'log' ? cluster.eventLogPath : cluster.clusterId;
    const group = groups.get(value);
    if (group) group.push(cluster);
    else groups.set(value, [cluster]);
  }
  return groups;
}

/** row_data_from_job_state: the counts of one group and its active job ids (the first and last if more than two). */
export function rowFromClusters(clusters: readonly Cluster[]): Row {
  const row: Row = {};
  for (const s of ORDERED_STATUSES) row[s] = 0;
  const active: [number, number][] = [];
  let total = 0;
  for (const cluster of clusters) {
    total += cluster.numJobs;
    for (const [proc, state] of cluster.jobs) {
      row[state] = (row[state] as number) + 1;
      if (ACTIVE_STATES.has(state)) active.push([cluster.clusterId, proc]);
    }
  }
  row[TOTAL] = Math.max(-1, total);
  active.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const ids = active.map(([c, p]) => `${c}.${p}`);
  row[ACTIVE_JOBS] = ids.length > 2 ? `${ids[0]} ... ${ids[ids.length - 1]}` : ids.join(', ');
  return row;
}

/**
 * nice_path: the shortest of the absolute path, the path from the home directory (~/…) and, when the
 * file is under the working directory, the path from it (./…).
 */
export function nicePath(file: string, home: string, cwd: string): string {
  const abs = path.resolve(cwd, file);
  // Joined as os.path.join joins, without normalising "~/../..".
  const possibilities = [abs, `~/${path.relative(home, abs) || '.'}`];
  const fromCwd = path.relative(cwd, abs) || '.';
  if (!fromCwd.startsWith('../')) possibilities.push(`./${fromCwd}`);
  return possibilities.reduce((best, p) => (p.length < best.length ? p : best));
}

/**
 * abbreviate_path: each directory component cut to the prefix its directory's entries share, plus one
 * character ("~" and "." kept); the file name kept whole. `listdir` lists a directory.
 */
export function abbreviatePath(file: string, listdir: (dir: string) => string[], home: string): string {
  const components = splitAll(file);
  const out: string[] = [];
  let soFar = '';
  for (const component of components.slice(0, -1)) {
    soFar = expandUser(soFar === '' ? component : path.join(soFar, component), home);
    if (component === '~' || component === '.') {
      out.push(component);
      continue;
    }
    const contents = listdir(path.dirname(soFar));
    const common = contents.length === 1 ? '' : commonPrefix(contents);
    out.push(component.slice(0, common.length + 1));
  }
  out.push(components[components.length - 1]);
  return out.length === 1 ? out[0] : out[0] === '/' ? `/${out.slice(1).join('/')}` : out.join('/');
}

function expandUser(p: string, home: string): string {
  return p === '~' ? home : p.startsWith('~/') ? path.join(home, p.slice(2)) : p;
}

function splitAll(p: string): string[] {
  const parts = p.split('/');
  if (parts[0] === '') return ['/', ...parts.slice(1).filter((x) => x !== '')];
  return parts.filter((x) => x !== '');
}

function commonPrefix(names: string[]): string {
  if (names.length === 0) return '';
  let prefix = names[0];
  for (const name of names) while (!name.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

export interface RowsOptions {
  groupBy: GroupBy;
  displayExited: boolean;
  exitedRowDecaySeconds: number;
  nowSeconds: number;
  /** How a LOG value is shown (nice_path, then abbreviate_path under -abbreviate). */
  showPath: (file: string) => string;
}

/**
 * make_rows_from_groups, strip_empty_columns, the zero stripping and row_sorter: the rows to show
 * (active groups first, each set by its smallest cluster id), the columns they need and the totals.
 */
export function makeRows(groups: Map<string | number, Cluster[]>, opts: RowsOptions): { headers: string[]; rows: Row[]; totals: Totals } {
  const key = GROUP_KEY[opts.groupBy];
  const totals = emptyTotals();
  const kept: { row: Row; clusters: Cluster[] }[] = [];
  for (const [value, clusters] of groups) {
    const row = rowFromClusters(clusters);
    totals.TOTAL += row[TOTAL] as number;
    for (const s of ORDERED_STATUSES) totals[s] += row[s] as number;
    row[key] = opts.groupBy === 'log' ? opts.showPath(String(value)) : value;
    if (opts.displayExited || clusters.some((c) => c.display(opts.exitedRowDecaySeconds, opts.nowSeconds))) kept.push({ row, clusters });
  }
  const headers = HEADERS.filter((h) => ALWAYS_INCLUDE.has(h) || !kept.every(({ row }) => row[h] === 0));
  const sortKey = (clusters: Cluster[]): [number, number] => {
    const smallest = minOf(clusters, (c) => c.clusterId);
    return [clusters.some((c) => !c.done()) ? 0 : 1, smallest];
  };
  kept.sort((a, b) => {
    const [ga, ca] = sortKey(a.clusters);
    const [gb, cb] = sortKey(b.clusters);
    return ga - gb || ca - cb;
  });
  const rows = kept.map(({ row }) => {
    const shown: Row = {};
    for (const [name, v] of Object.entries(row)) if (v !== 0 && (name === key || headers.includes(name))) shown[name] = v;
    return shown;
  });
  return { headers: [key, ...headers], rows, totals };
}

/** determine_row_color. */
export function rowColor(row: Row): string {
  if (((row.HELD as number | undefined) ?? 0) > 0) return ANSI.RED;
  if (row.DONE === row[TOTAL]) return ANSI.GREEN;
  if (((row.RUN as number | undefined) ?? 0) > 0) return ANSI.CYAN;
  if (((row.IDLE as number | undefined) ?? 0) > 0) return ANSI.YELLOW;
  return ANSI.BRIGHT_WHITE;
}

const BAR_ORDER: readonly WatchStatus[] = ['IDLE', 'INPUT', 'RUN', 'OUTPUT', 'DONE', 'HELD', 'SUSPENDED', 'REMOVED'];
const BAR_CHARS: Readonly<Record<WatchStatus, [string, string]>> = {
  IDLE: [ANSI.BRIGHT_YELLOW, '-'],
  INPUT: [ANSI.CYAN, '>'],
  RUN: [ANSI.CYAN, '='],
  OUTPUT: [ANSI.CYAN, '>'],
  DONE: [ANSI.GREEN, '#'],
  HELD: [ANSI.RED, '!'],
  SUSPENDED: [ANSI.RED, '!'],
  REMOVED: [ANSI.RED, '!'],
};

/** safe_divide: 0 for a missing or zero numerator or denominator. */
function safeDivide(n: number | undefined, d: number | undefined): number {
  return !n || !d ? 0 : n / d;
}

/** make_progress_bar: `[` `-` idle, `>` transferring, `=` running, `#` done, `!` held/suspended/removed `]`. */
export function progressBar(counts: Partial<Record<string, string | number>>, width: number, color: boolean): string {
  const inner = Math.min(width, 79) - 2;
  const total = Number(counts[TOTAL] ?? 0);
  const lengths = BAR_ORDER.map((s) => Math.trunc(inner * safeDivide(Number(counts[s] ?? 0), total)));
  let longest = 0;
  lengths.forEach((l, i) => {
    if (l > lengths[longest]) longest = i;
  });
  lengths[longest] += inner - lengths.reduce((a, b) => a + b, 0);
  const sections = BAR_ORDER.map((s, i) => {
    const text = BAR_CHARS[s][1].repeat(Math.max(0, lengths[i]));
    return color ? colorize(text, BAR_CHARS[s][0]) : text;
  });
  return `[${sections.join('')}]`;
}

/** make_total_progress_bar. */
export function totalProgressBar(totals: Totals, width: number, color: boolean): string {
  return `Total Progress: ${progressBar(totals, width - 16, color)}`;
}

function pad(text: string, width: number, left: boolean): string {
  return left ? text.padEnd(width) : text.padStart(width);
}

/** make_table: headers, one line per row (coloured under -color), then each row's bar if room is left. */
export function makeTable(headers: readonly string[], rows: readonly Row[], opts: { rowProgress: boolean; columns: number; color: boolean }): string[] {
  const cells = rows.map((row) => headers.map((h) => `${row[h] ?? '-'} `));
  const lengths = headers.map((h, i) => maxOf(cells, (c) => c[i].length, h.length));
  const left = headers.map((h) => LEFT_ALIGNED.has(h));
  const header = headers.map((h, i) => pad(h, lengths[i], left[i])).join('  ').trimEnd();
  const lines = cells.map((c, r) => {
    const line = c.map((cell, i) => pad(cell, lengths[i], left[i])).join('  ');
    return opts.color ? colorize(line, rowColor(rows[r])) : line;
  });
  const remaining = opts.columns - (lines.length > 0 ? stripAnsi(lines[0]).length : 0);
  const shown =
    opts.rowProgress && remaining > 10 ? lines.map((line, r) => line + progressBar(rows[r], remaining, opts.color)) : lines.map((line) => line.slice(0, opts.columns));
  return [header, ...shown];
}

const SUMMARY_STATES: readonly (readonly WatchStatus[])[] = [['DONE'], ['REMOVED'], ['IDLE'], ['INPUT', 'RUN', 'OUTPUT'], ['HELD'], ['SUSPENDED']];
const SUMMARY_MESSAGES = ['completed', 'removed', 'idle', 'running', 'held', 'suspended'];

const stateTotal = (totals: Totals, states: readonly WatchStatus[]): number => states.reduce((sum, s) => sum + totals[s], 0);

/** make_summary_with_totals: the non-zero counts, their words cut shorter until the line fits. */
export function summaryWithTotals(totals: Totals, width: number): string {
  let strip = 11;
  for (;;) {
    strip -= 1;
    const parts = SUMMARY_STATES.map((states, i) => [stateTotal(totals, states), SUMMARY_MESSAGES[i].slice(0, strip)] as const)
      .filter(([n]) => n > 0)
      .map(([n, msg]) => `${n} ${msg}`);
    const summary = `Total: ${totals.TOTAL} jobs; ${parts.join(', ')}`;
    if (summary.length <= width || strip <= 2) return summary;
  }
}

/**
 * make_summary_with_percentages: every state's share. (The original's shortened form is never used:
 * it measures the line's first character against the width.)
 */
export function summaryWithPercentages(totals: Totals): string {
  const parts = SUMMARY_STATES.map((states, i) => `${roundHalfEven(100 * safeDivide(stateTotal(totals, states), totals.TOTAL))}% ${SUMMARY_MESSAGES[i]}`);
  return `Total: ${totals.TOTAL} jobs; ${parts.join(', ')}`;
}

export interface ScreenOptions {
  table: boolean;
  progress: boolean;
  rowProgress: boolean;
  summary: boolean;
  summaryType: 'totals' | 'percentages';
  updatedAt: boolean;
  color: boolean;
  refresh: boolean;
  /** Any -exit given: then no "Press ... to exit" line. */
  hasExitConditions: boolean;
  exitOnKeyPress: boolean;
  columns: number;
  lines: number;
}

/** The text condor_watch_q prints for one refresh (without the final newline print() adds). */
export function renderScreen(view: { headers: string[]; rows: Row[]; totals: Totals }, now: string, opts: ScreenOptions): string {
  let msg: string[] = [];
  // concat, not push(...): a table of one row per cluster can outgrow a call's arguments.
  if (opts.table) msg = msg.concat(makeTable(view.headers, view.rows, { rowProgress: opts.rowProgress, columns: opts.columns, color: opts.color }), '');
  if (opts.progress) msg.push(totalProgressBar(view.totals, opts.columns, opts.color), '');
  if (opts.summary) msg.push(opts.summaryType === 'totals' ? summaryWithTotals(view.totals, opts.columns) : summaryWithPercentages(view.totals), '');
  if (opts.updatedAt) msg.push(`Updated at ${now}`, '');
  let text: string;
  if (msg.length > opts.lines) {
    msg = msg.slice(0, Math.max(0, opts.lines - 2));
    text = `${msg.slice(0, -1).join('\n')}\nInsufficient terminal height to display full output!`;
  } else {
    text = msg.slice(0, -1).join('\n');
  }
  if (!opts.refresh) text += '\n...';
  if (!opts.hasExitConditions) text += opts.exitOnKeyPress ? '\nPress any key to exit' : '\nPress ^C to exit';
  return text;
}

/** "%Y-%m-%d %H:%M:%S" in local time. */
export function formatNow(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())} ${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}`;
}
