// condor_watch_q's command line, parsed as its argparse parser parses it (src/condor_scripts/condor_watch_q.in):
// single-dash options, any unambiguous prefix of one, `-opt=value`, and its hints for condor_q-style arguments.
import { EXIT_GROUPERS, EXIT_JOB_STATUSES, type ExitCondition, type ExitGrouper, type ExitJobStatus } from './tracker.js';
import type { GroupBy } from './render.js';

export interface WatchArgs {
  help: boolean;
  debug: boolean;
  users: string[] | undefined;
  clusters: string[] | undefined;
  largerThan: number | undefined;
  files: string[] | undefined;
  batches: string[] | undefined;
  collector: string | undefined;
  schedd: string | undefined;
  interval: number;
  exit: ExitCondition[];
  exitOnKeyPress: boolean;
  groupBy: GroupBy;
  displayExited: boolean;
  exitedRowDecaySeconds: number;
  decayStartAtRead: boolean;
  table: boolean;
  progress: boolean;
  rowProgress: boolean;
  summary: boolean;
  summaryType: 'totals' | 'percentages';
  updatedAt: boolean;
  abbreviate: boolean;
  color: boolean;
  refresh: boolean;
}

/**
 * How argparse ended: `code` 2 with its "usage: …" and "condor_watch_q: error: …" on stderr, or 1 for
 * the original's own hints (usage on stdout, the hint on stderr).
 */
export interface ArgsError {
  code: number;
  stdout: string;
  stderr: string;
}

type Spec =
  | { kind: 'flag'; dest: 'help' | 'debug' }
  | { kind: 'negatable'; dest: NegatableDest }
  | { kind: 'list'; dest: 'users' | 'clusters' | 'files' | 'batches' }
  | { kind: 'value'; dest: 'largerThan' | 'collector' | 'schedd' | 'interval' | 'exit' | 'groupBy' | 'exitedRowDecay' | 'summaryType' };

type NegatableDest = 'exitOnKeyPress' | 'displayExited' | 'decayStartAtRead' | 'table' | 'progress' | 'rowProgress' | 'summary' | 'updatedAt' | 'abbreviate' | 'color' | 'refresh';

const negatable = (name: string, dest: NegatableDest): [string, Spec][] => [
  [`-${name}`, { kind: 'negatable', dest }],
  [`-no-${name}`, { kind: 'negatable', dest }],
];

/** The parser's option strings in the order it defines them (the order of an ambiguity's list). */
const OPTIONS: readonly [string, Spec][] = [
  ['-help', { kind: 'flag', dest: 'help' }],
  ['-debug', { kind: 'flag', dest: 'debug' }],
  ['-users', { kind: 'list', dest: 'users' }],
  ['-clusters', { kind: 'list', dest: 'clusters' }],
  ['-larger-than', { kind: 'value', dest: 'largerThan' }],
  ['-files', { kind: 'list', dest: 'files' }],
  ['-batches', { kind: 'list', dest: 'batches' }],
  ['-collector', { kind: 'value', dest: 'collector' }],
  ['-schedd', { kind: 'value', dest: 'schedd' }],
  ['-interval', { kind: 'value', dest: 'interval' }],
  ['-exit', { kind: 'value', dest: 'exit' }],
  ...negatable('exit-on-key-press', 'exitOnKeyPress'),
  ['-groupby', { kind: 'value', dest: 'groupBy' }],
  ...negatable('display-exited', 'displayExited'),
  ['-exited-row-decay', { kind: 'value', dest: 'exitedRowDecay' }],
  ...negatable('decay-start-at-read', 'decayStartAtRead'),
  ...negatable('table', 'table'),
  ...negatable('progress', 'progress'),
  ...negatable('row-progress', 'rowProgress'),
  ...negatable('summary', 'summary'),
  ['-summary-type', { kind: 'value', dest: 'summaryType' }],
  ...negatable('updated-at', 'updatedAt'),
  ...negatable('abbreviate', 'abbreviate'),
  ...negatable('color', 'color'),
  ...negatable('refresh', 'refresh'),
];

/** ExitDisplayDecay's units. */
const DECAY_UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800, M: 31 * 86400, y: 365 * 86400 };

const isNegativeNumber = (s: string) => /^-\d+$|^-\d*\.\d+$/.test(s);
const looksLikeOption = (s: string) => s.startsWith('-') && s !== '-' && !isNegativeNumber(s);

class Usage extends Error {}

/** Parses the arguments; `tty` gives the defaults that follow whether stdout is a terminal. */
export function parseWatchArgs(argv: readonly string[], usage: string, tty: boolean): WatchArgs | ArgsError {
  const args: WatchArgs = {
    help: false, debug: false, users: undefined, clusters: undefined, largerThan: undefined, files: undefined, batches: undefined,
    collector: undefined, schedd: undefined, interval: 0.5, exit: [], exitOnKeyPress: tty, groupBy: 'batch', displayExited: true,
    exitedRowDecaySeconds: 7 * 24 * 60 * 60, decayStartAtRead: false, table: true, progress: true, rowProgress: true, summary: true,
    summaryType: 'totals', updatedAt: true, abbreviate: true, color: tty, refresh: tty,
  };
  const unknown: string[] = [];
  const fail = (message: string): ArgsError => ({ code: 2, stdout: '', stderr: `${usage}condor_watch_q: error: ${message}\n` });
  try {
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i];
      if (!looksLikeOption(arg)) {
        unknown.push(arg);
        continue;
      }
      const found = findOption(arg);
      if (found === undefined) {
        unknown.push(arg);
        continue;
      }
      const [option, spec, explicit] = found;
      const values: string[] = [];
      if (explicit !== undefined) values.push(explicit);
      if (spec.kind === 'flag' || spec.kind === 'negatable') {
        if (explicit !== undefined) throw new Usage(`argument ${option}: ignored explicit argument '${explicit}'`);
        if (spec.kind === 'flag') args[spec.dest] = true;
        else args[spec.dest] = !option.replace(/^-+/, '').toLowerCase().startsWith('no');
        continue;
      }
      if (spec.kind === 'list') {
        if (explicit === undefined) while (i + 1 < argv.length && !looksLikeOption(argv[i + 1])) values.push(argv[++i]);
        if (values.length === 0) throw new Usage(`argument ${option}: expected at least one argument`);
        args[spec.dest] = values;
        continue;
      }
      if (explicit === undefined) {
        if (i + 1 >= argv.length || looksLikeOption(argv[i + 1])) throw new Usage(`argument ${option}: expected one argument`);
        values.push(argv[++i]);
      }
      setValue(args, option, spec.dest, values[0]);
    }
  } catch (err) {
    if (err instanceof Usage) return fail(err.message);
    throw err;
  }
  if (unknown.length > 0) {
    const hint = unknownArgHint(unknown);
    if (hint !== undefined) return { code: 1, stdout: usage, stderr: `condor_watch_q: error: argument ${hint.arg}: ${hint.message}\n` };
    return fail(`unrecognized arguments: ${unknown.join(' ')}`);
  }
  return args;
}

/** The option an argument names: exactly, as `-opt=value`, or by a prefix of one option only. */
function findOption(arg: string): [string, Spec, string | undefined] | undefined {
  const exact = OPTIONS.find(([name]) => name === arg);
  if (exact) return [exact[0], exact[1], undefined];
  const eq = arg.indexOf('=');
  if (eq !== -1) {
    const named = OPTIONS.find(([name]) => name === arg.slice(0, eq));
    if (named) return [named[0], named[1], arg.slice(eq + 1)];
  }
  const prefix = eq === -1 ? arg : arg.slice(0, eq);
  const matches = OPTIONS.filter(([name]) => name.startsWith(prefix));
  if (matches.length > 1) throw new Usage(`ambiguous option: ${prefix} could match ${matches.map(([n]) => n).join(', ')}`);
  if (matches.length === 1) return [matches[0][0], matches[0][1], eq === -1 ? undefined : arg.slice(eq + 1)];
  return undefined;
}

function setValue(args: WatchArgs, option: string, dest: Extract<Spec, { kind: 'value' }>['dest'], value: string): void {
  switch (dest) {
    case 'largerThan':
      if (!/^\s*[-+]?\d+\s*$/.test(value)) throw new Usage(`argument ${option}: invalid int value: '${value}'`);
      args.largerThan = Number(value);
      return;
    case 'interval': {
      const n = Number(value);
      if (value.trim() === '' || Number.isNaN(n)) throw new Usage(`argument ${option}: invalid float value: '${value}'`);
      args.interval = n;
      return;
    }
    case 'collector':
    case 'schedd':
      args[dest] = value;
      return;
    case 'groupBy':
      if (value !== 'batch' && value !== 'log' && value !== 'cluster') throw new Usage(`argument ${option}: invalid choice: '${value}' (choose from 'batch', 'log', 'cluster')`);
      args.groupBy = value;
      return;
    case 'summaryType':
      if (value !== 'totals' && value !== 'percentages') throw new Usage(`argument ${option}: invalid choice: '${value}' (choose from 'totals', 'percentages')`);
      args.summaryType = value;
      return;
    case 'exit':
      args.exit.push(parseExitCondition(value));
      return;
    case 'exitedRowDecay':
      args.exitedRowDecaySeconds = parseDecay(value);
      return;
  }
}

/** ExitConditions: GROUPER,JOB_STATUS[,EXIT_STATUS], the status 0 when left out. */
export function parseExitCondition(value: string): ExitCondition {
  const parts = value.split(',');
  if (parts.length !== 2 && parts.length !== 3) throw new Usage('invalid -exit specification');
  const [grouper, status, exitText = '0'] = parts;
  if (!(EXIT_GROUPERS as readonly string[]).includes(grouper)) throw new Usage(`invalid GROUPER "${grouper}", must be one of {${EXIT_GROUPERS.join(', ')}}`);
  if (!(EXIT_JOB_STATUSES as readonly string[]).includes(status)) throw new Usage(`invalid JOB_STATUS "${status}", must be one of {${EXIT_JOB_STATUSES.join(', ')}}`);
  // Python's int(): surrounding blanks and underscores between digits allowed.
  if (!/^\s*[-+]?\d+(_\d+)*\s*$/.test(exitText)) throw new Usage(`exit_status must be an integer, but was "${exitText}"`);
  return { grouper: grouper as ExitGrouper, status: status as ExitJobStatus, exitStatus: Number(exitText.replace(/_/g, '').trim()) };
}

/** ExitDisplayDecay: a count and an optional unit (weeks when none). */
function parseDecay(value: string): number {
  let unit = 'w';
  let count = value;
  if (!/\d$/.test(value)) {
    unit = value.slice(-1);
    count = value.slice(0, -1);
  }
  if (DECAY_UNITS[unit] === undefined) throw new Usage(`Unknown unit specifier provided for -exited-row-decay: ${unit}`);
  if (!/^\s*[-+]?\d+\s*$/.test(count)) throw new Usage('Invalid time value provided for -exited-row-decay');
  return Number(count) * DECAY_UNITS[unit];
}

/** _check_unknown_arg: the original's hint for condor_q-style arguments, at the first one it has one for. */
export function unknownArgHint(unknown: readonly string[]): { arg: string; message: string } | undefined {
  const isDigits = (s: string) => /^\d+$/.test(s);
  let i = 0;
  // The following ones, up to the next option, are taken by the hint (as the original's shared iterator does).
  const following = (): string[] => {
    const out: string[] = [];
    while (i < unknown.length) {
      const next = unknown[i++];
      if (next.startsWith('-')) break;
      out.push(next);
    }
    return out;
  };
  while (i < unknown.length) {
    const arg = unknown[i++];
    if (isDigits(arg)) return { arg, message: `to track specific cluster IDs, try -clusters ${[arg, ...following().filter(isDigits)].join(' ')}` };
    if (arg.includes('-totals')) return { arg, message: 'to only print totals, try -no-table' };
    if (arg.includes('-userlog')) return { arg, message: `to track jobs from specific event logs, try -files ${following().join(' ')}` };
    if (arg.includes('-nobatch')) return { arg, message: 'to group by something other than batch name, try -groupby {batch,log,cluster}' };
    if (!arg.startsWith('-')) return { arg, message: `to track jobs from specific users, try -users ${[arg, ...following().filter((a) => !isDigits(a))].join(' ')}` };
  }
  return undefined;
}
