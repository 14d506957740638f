import { oldSyntaxToStorage, parseExpr, parseOldExpr, plainLiteral, quoteString } from '@tinycondor/shared/classad/index';
import { parseJobSpec, type JobSpec } from '@tinycondor/shared/job-id';
import { CliError } from './cli-error.js';
import { DEFAULT_AUTOFORMAT, parseAutoFormatLetters, type AutoFormatOptions } from './format/autoformat.js';
import type { PrintfColumn } from './format/printf-format.js';
import { IO_CONSTRAINT } from './format/queue-views.js';
import { atoi } from '@tinycondor/shared/c-numbers';

/** Options shared by condor_q, condor_history and condor_status, spelled as HTCondor's tools spell them. */
export interface QueryArgs {
  view: 'default' | 'nobatch' | 'batch' | 'af' | 'format' | 'json' | 'long' | 'totals' | 'hold' | 'run' | 'idle' | 'holdcodes' | 'io' | 'xml' | 'jsonl' | 'new' | 'newl' | 'printformat';
  /** condor_q -long:nosort: each ad's attributes in its own order, not sorted by name. */
  nosort?: boolean;
  /** -format FMT ATTR, in order (view 'format'). */
  formats: PrintfColumn[];
  attrs: string[];
  /** What the letters after -af: ask for. */
  af: AutoFormatOptions;
  constraints: string[];
  jobs: JobSpec[];
  owners: string[];
  allUsers: boolean;
  limit: number | undefined;
  /** What the tool warns about and goes on (a -hold code that is not one). */
  warnings: string[];
  /** condor_history -since / -completedsince: the newest-first scan stops before the first job this holds for. */
  since?: string;
  /** condor_history -forwards: oldest first. */
  forwards: boolean;
  /** condor_history -scanlimit N (atoi): the scan stops after N ads, matched or not; 0 or less: no limit. */
  scanLimit?: number;
  /** condor_q -jobads FILE: the queue read from a file of job ads (long form), not from the schedd. */
  jobadsFile?: string;
  /** condor_history -file FILE: a history file (ads each followed by a `***` line), not the schedd's history. */
  historyFile?: string;
  /** condor_q/condor_history -userlog FILE: the jobs a job event log describes, their state rebuilt from its events. */
  userlogFile?: string;
  /** condor_q/condor_history -wide: rows are not cut to the console (widescreen). */
  wide: boolean;
  /** condor_q/condor_history -wide:N: the console width rows are cut to (0: the console's own); rows are then cut even when piped. */
  wideWidth?: number;
  /** condor_q -dag: DAG node jobs under their DAGMan job, shown by node name. */
  dag: boolean;
  /** condor_q -cputime: CPU_TIME (RemoteUserCpu) in place of RUN_TIME. */
  cpuTime: boolean;
  /** condor_q -cumulative-time: RUN_TIME includes earlier runs (-currentrun, the default, does not). */
  cumulativeTime: boolean;
  /** condor_q -submitter NAME: jobs whose AccountingGroup (else Owner) is NAME, from NAME's submitter. */
  submitters: string[];
  /** condor_q -batch:C: the character zero counts show as (reduce_results' alt_kind); '' for b. */
  batchZeroChar?: string;
  /** condor_q -help or -version: print it and stop, as queue.cpp does where it meets the option. */
  info?: 'help' | 'version';
  /** condor_q -name NAME: the schedd asked (this pool's, or none). */
  scheddName?: string;
  /** condor_q -pool HOST: the pool asked (this one, or none). */
  pool?: string;
  /** condor_q -global: every schedd of the pool that has jobs (here the one, when it has any). */
  global: boolean;
  /** condor_q/condor_history -print-format FILE (`-`: stdin): the table a print-format file describes (view 'printformat'). */
  printFormatFile?: string;
  /**
   * condor_history -print-format: where its rows are cut, fixed when -print-format (or a later -wide:N) is read
   * (history.cpp SetOverallWidth(getDisplayWidth()-1)): 'none' after -wide (or -wide:N, N > 80); else the
   * -wide:N width, 0 for the console's (80 when stdout is no terminal), of which one less is kept.
   */
  printFormatCut?: 'none' | number;
  /** condor_history: -print-format came after any -attributes, so the attributes its columns refer to are the projection (the later one wins). */
  printFormatProjects?: boolean;
  /** condor_q -attributes X,Y: the attributes -long and -json show (the query's projection). */
  projection?: string[];
  /** condor_q -autocluster (the schedd's autoclusters) or -group-by (groups by the projection's attributes). */
  aggregate?: 'autocluster' | 'group-by';
  /** condor_q -factory[:clusters_only,late_materialize]: dash_factory's bits (1: cluster ads only, 2: factories only). */
  factory?: number;
  /** condor_q -stream-results: each job printed as it is fetched. */
  streamResults?: boolean;
  /** condor_history -local: the history files HISTORY names (and their rotations), read here, not the schedd's answer. */
  historyLocal?: boolean;
  /** condor_history -name/-pool given after any -file, -userlog or -local: the schedd is asked (history.cpp's readfromfile false). */
  historyRemote?: boolean;
  /** condor_history -search PATH: PATH and its rotated files read in place of HISTORY's. */
  searchPath?: string;
  /** condor_history -extract FILE: the ads shown are also copied to FILE, each with its banner line. */
  extractFile?: string;
}

/** The forms condor_q -long writes ads in (CondorClassAdListWriter's: ClassAdFileParseType). */
const LONG_FORMS: ReadonlySet<QueryArgs['view']> = new Set(['long', 'json', 'jsonl', 'xml', 'new', 'newl']);

/** condor_history -since ARG: a job id (C or C.P), or an expression that is not a literal. */
function sinceExpression(arg: string): string | undefined {
  const id = parseJobSpec(arg);
  if (id !== undefined) return id.proc === undefined ? `ClusterId == ${id.cluster}` : `ClusterId == ${id.cluster} && ProcId == ${id.proc}`;
  if (plainLiteral(arg) !== undefined) return undefined;
  try {
    // history.cpp: ParseClassAdRvalExpr, old ClassAd syntax.
    parseOldExpr(arg);
    return oldSyntaxToStorage(arg);
  } catch {
    return undefined;
  }
}

/**
 * condor_q -hold:CODES (add_hold_code_constraint): `code` or `code/subcode`, comma-separated, any of them;
 * an item that is no code is warned about and left out.
 */
function holdCodeConstraint(codes: string, warnings: string[]): string | undefined {
  const clauses: string[] = [];
  for (const item of codes.split(',')) {
    const m = /^\s*([+-]?\d+)(?:\/([+-]?\d+))?/.exec(item);
    if (m === null) {
      if (item !== '') warnings.push(`Warning "${item}" is not a hold code and/or subcode. ignoring`);
      continue;
    }
    const code = Number(m[1]);
    const subcode = m[2] === undefined ? -1 : Number(m[2]);
    clauses.push(subcode >= 0 ? `(HoldReasonCode==${code} && HoldReasonSubCode==${subcode})` : `HoldReasonCode==${code}`);
  }
  return clauses.length === 0 ? undefined : clauses.join(' || ');
}

/** HTCondor accepts any unambiguous prefix of an option of at least `min` characters. */
function isOption(arg: string, name: string, min: number): boolean {
  const bare = arg.replace(/^--?/, '').split(':')[0].toLowerCase();
  return bare.length >= min && name.startsWith(bare);
}

/** `queueViews`: condor_q's own options (-hold/-held, -run); `historyScan`: condor_history's (-since, -forwards…). */
export function parseQueryArgs(args: string[], usage: string, { queueViews = false, historyScan = false } = {}): QueryArgs {
  /** condor_history's -xml, -jsonl and -json given (history.cpp refuses more than one). */
  const historyForms = new Set<string>();
  /** history.cpp's hasSince: -since was given (-completedsince, which also sets the stop, does not exclude -forwards). */
  let hasSince = false;
  const parsed: QueryArgs = { view: 'default', formats: [], attrs: [], af: DEFAULT_AUTOFORMAT, constraints: [], jobs: [], owners: [], allUsers: false, limit: undefined, warnings: [], forwards: false, wide: false, dag: false, cpuTime: false, cumulativeTime: false, submitters: [], global: false };
  // queue.cpp's dash_run, show_held (-hold or -hold-codes) and dash_idle, which exclude one another.
  let shown: 'run' | 'hold' | 'holdcodes' | 'idle' | undefined;
  // qdo_mode's built-in tables, the last one given wins: -io's, or -batch's (QDO_Progress, which
  // -nobatch takes back); then -run's, -hold's or -idle's (initOutputMask).
  let table: 'io' | 'progress' | undefined;
  let batchSpecified: boolean | undefined;
  let runtimeTypeSet = false;
  const incompatible = (message: string): CliError => new CliError(`${message}\n${usage}`);
  const custom = (): boolean => !['default', 'nobatch', 'batch'].includes(parsed.view);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = (): string => {
      const v = args[++i];
      // history.cpp's words (-completedsince's end with a period).
      if (v === undefined && historyScan) throw new CliError(`Error: Argument ${isOption(arg, 'completedsince', 3) ? '-completedsince' : arg} requires another parameter${isOption(arg, 'completedsince', 3) ? '.' : ''}`);
      if (v === undefined) throw new CliError(`Error: Argument ${arg} requires another argument\n${usage}`);
      return v;
    };
    if (!arg.startsWith('-')) {
      const spec = parseJobSpec(arg);
      if (spec) parsed.jobs.push(spec);
      else parsed.owners.push(arg);
    } else if (historyScan && isOption(arg, 'long', 1)) {
      // history.cpp: -long keeps the form -xml, -json or -jsonl chose.
      if (historyForms.size === 0) parsed.view = 'long';
    } else if (historyScan && isOption(arg, 'backwards', 1)) parsed.forwards = false;
    else if (historyScan && (isOption(arg, 'nobackwards', 3) || isOption(arg, 'forwards', 4))) {
      // history.cpp's words.
      if (hasSince) throw new CliError('Error: Argument -forwards cannot be combined with -since.');
      parsed.forwards = true;
    } else if (historyScan && isOption(arg, 'since', 4)) {
      if (parsed.forwards) throw new CliError('Error: Argument -forwards cannot be combined with -since.');
      const given = value();
      const since = sinceExpression(given);
      if (since === undefined) throw new CliError(`Error: invalid -since constraint: ${given}\n\tconstraint must be a job-id, or expression.`);
      parsed.since = since;
      hasSince = true;
    } else if (historyScan && isOption(arg, 'scanlimit', 4)) {
      // history.cpp's words.
      const given = args[++i];
      if (given === undefined) throw new CliError(`Error: Argument ${arg} requires a number value  as a parameter.`);
      parsed.scanLimit = atoi(given);
    } else if (historyScan && isOption(arg, 'completedsince', 3)) {
      const time = value();
      const since = `CompletionDate <= ${time}`;
      try {
        parseExpr(since);
      } catch {
        throw new CliError(`Error: '${time}' not valid parameter for -completedsince `);
      }
      parsed.since = since;
    } else if (historyScan && (isOption(arg, 'match', 1) || isOption(arg, 'limit', 3))) {
      // history.cpp's words; atoi, and 0 or less is no limit (specifiedMatch > 0).
      const given = args[++i];
      if (given === undefined) throw new CliError('Error: Argument -match requires a number value as a parameter.');
      const n = atoi(given);
      parsed.limit = n > 0 ? n : undefined;
    } else if (historyScan && (isOption(arg, 'file', 2) || isOption(arg, 'userlog', 1))) {
      // history.cpp: -file and -userlog name the one file read; a second one, or none, is a usage error.
      const file = args[++i];
      if (file === undefined || parsed.historyFile !== undefined || parsed.userlogFile !== undefined) throw new CliError(usage);
      if (isOption(arg, 'userlog', 1)) parsed.userlogFile = file;
      else parsed.historyFile = file;
      parsed.historyRemote = false;
    } else if (historyScan && isOption(arg, 'local', 2)) {
      if (parsed.scheddName !== undefined) throw new CliError('Error: Arguments -local and -name cannot be used together');
      parsed.historyLocal = true;
      parsed.historyRemote = false;
    } else if (historyScan && isOption(arg, 'search', 3)) {
      const path = args[++i];
      if (path === undefined) throw new CliError(`Error: Argument ${arg} requires another parameter`);
      parsed.searchPath = path;
    } else if (historyScan && isOption(arg, 'extract', 2)) {
      const file = args[++i];
      if (file === undefined) throw new CliError('Error: Argument -extract requires another parameter.');
      parsed.extractFile = file;
    } else if (historyScan && isOption(arg, 'help', 1)) {
      parsed.info = 'help';
      return parsed;
    } else if (historyScan && (isOption(arg, 'name', 1) || isOption(arg, 'pool', 1))) {
      const value = args[++i];
      // history.cpp's words, the same for both.
      if (value === undefined) throw new CliError('Error: Argument -name requires name of a remote schedd\n\t\te.g. condor_history -name submit.example.com ');
      if (isOption(arg, 'name', 1)) {
        if (parsed.historyLocal) throw new CliError('Error: -local and -name cannot be used together');
        parsed.scheddName = value;
      } else parsed.pool = value;
      parsed.historyRemote = true;
    } else if (historyScan && isOption(arg, 'debug', 3)) {
      // -debug[:flags] shows the tool's dprintf (TOOL_DEBUG) output: tinycondor's tools have none; the ads are the same.
    } else if (historyScan && isOption(arg, 'no-librarian', 12)) {
      // The librarian is an index HTCondor may seek the history through; tinycondor has none, so it always scans.
    } else if (historyScan && isOption(arg, 'print-format', 2)) {
      const file = args[i + 1];
      // history.cpp's words; `-` alone is stdin.
      if (file === undefined || (file.startsWith('-') && file !== '-')) throw new CliError('Error: Argument -print-format requires a filename argument');
      i++;
      // `-pr !` turns off the user's default print-format files, which tinycondor does not read.
      if (file === '!') continue;
      // -long, -json, -jsonl and -xml print the ads whatever the mask (printJob); -af and -format are refused below.
      if (!LONG_FORMS.has(parsed.view) && parsed.view !== 'af' && parsed.view !== 'format') parsed.view = 'printformat';
      parsed.printFormatFile = file;
      parsed.projection = undefined;
      parsed.printFormatProjects = true;
      parsed.printFormatCut = parsed.wide || (parsed.wideWidth ?? 0) > 80 ? 'none' : parsed.wideWidth ?? 0;
    } else if (historyScan && (isOption(arg, 'type', 2) || isOption(arg, 'diagnostic', 4) || isOption(arg, 'stream-results', 6) || /^--?inherit$/i.test(arg))) {
      // -type, -diagnostic, -stream-results and -inherit are the schedd's HISTORY_HELPER's (history.cpp: purposefully undocumented).
      throw new CliError(`condor_history: ${arg} is not supported by tinycondor`);
    } else if (queueViews && isOption(arg, 'jobads', 1)) {
      const file = args[++i];
      if (file === undefined) throw new CliError('Error: -jobads requires a filename');
      const format = arg.split(':')[1];
      if (format !== undefined && !/^(long|auto)$/i.test(format)) throw new CliError(`condor_q: ${arg}: tinycondor reads job ads in long form only`);
      parsed.jobadsFile = file;
    } else if (queueViews && isOption(arg, 'userlog', 1)) {
      const file = args[++i];
      if (file === undefined) throw new CliError('Error: -userlog requires a filename');
      parsed.userlogFile = file;
    } else if ((queueViews || historyScan) && isOption(arg, 'wide', 1)) {
      // queue.cpp: -wide stops the cutting; -wide:N cuts to N columns instead of the console's (atoi).
      // history.cpp reads the same two and decides from them (historyFit).
      parsed.wide = true;
      const colon = arg.indexOf(':');
      // After -print-format, -wide:N cuts its rows to N - 1 (the mask is not empty); -wide alone changes nothing.
      if (historyScan && colon >= 0 && parsed.printFormatFile !== undefined) parsed.printFormatCut = atoi(arg.slice(colon + 1));
      else if (historyScan && colon >= 0 && (parsed.view === 'af' || parsed.view === 'format')) {
        // history.cpp then cuts the -af/-format rows built so far to the display width - 1 (its mask is not empty).
        throw new CliError(`condor_history: ${arg} after -af or -format (which cuts their rows) is not supported by tinycondor`);
      }
      if (colon >= 0) {
        parsed.wideWidth = atoi(arg.slice(colon + 1));
        parsed.wide = false;
      }
    } else if (queueViews && isOption(arg, 'dag', 2)) {
      if (parsed.streamResults) throw new CliError(`-stream-results and -dag are incompatible\n${usage}`);
      parsed.dag = true;
    } else if (queueViews && isOption(arg, 'autocluster', 2)) parsed.aggregate = 'autocluster';
    else if (queueViews && isOption(arg, 'group-by', 2)) parsed.aggregate = 'group-by';
    else if (queueViews && isOption(arg, 'factory', 4)) {
      let bits = 0;
      const colon = arg.indexOf(':');
      for (const opt of colon < 0 ? [] : arg.slice(colon + 1).split(',').filter((o) => o !== '')) {
        if ('clusters_only'.startsWith(opt)) bits |= 1;
        else if ('late_materialize'.startsWith(opt)) bits |= 2;
        else throw new CliError(`Error: unknown option ${opt} for -factory`);
      }
      // Neither named: cluster ads of factories only.
      parsed.factory = bits === 0 ? 3 : bits;
    } else if (queueViews && isOption(arg, 'stream-results', 2)) {
      if (parsed.dag || table === 'progress') throw new CliError(`-stream-results and -dag or -batch are incompatible\n${usage}`);
      parsed.streamResults = true;
    } else if (isOption(arg, 'format', 1)) {
      const format = args[++i];
      const attr = args[++i];
      if (format === undefined || attr === undefined) {
        // Each tool's words (condor_q's queue.cpp, condor_history's history.cpp).
        throw new CliError(
          historyScan
            ? "Error: Argument -format requires a spec and classad attribute name as parameters.\n\t\te.g. condor_history -format '%d' ClusterId"
            : 'Error: -format requires format and attribute parameters',
        );
      }
      if (parsed.view === 'af') throw new CliError(`Error: -format and -autoformat together are not supported by tinycondor\n${usage}`);
      parsed.view = 'format';
      parsed.formats.push({ format, attr });
    } else if (queueViews && isOption(arg, 'nobatch', 3)) {
      batchSpecified = false;
      if (table === 'progress') table = undefined;
    } else if (queueViews && (isOption(arg, 'batch', 2) || isOption(arg, 'progress', 3))) {
      if (parsed.streamResults) throw new CliError(`-stream-results and -batch are incompatible\n${usage}`);
      batchSpecified = true;
      if (!custom()) table = 'progress';
      const colon = arg.indexOf(':');
      for (const opt of colon < 0 ? [] : arg.slice(colon + 1).split(/[,:]/).filter((o) => o !== '')) {
        // Digits set queue.cpp's experimental dash_batch bits (-batch:2 folds DAGMan siblings).
        if (/^[0-9]/.test(opt)) {
          if (Number.parseInt(opt, 10) !== 1) throw new CliError(`condor_q: ${arg}: -batch:${opt} (experimental batch modes) is not supported by tinycondor`);
        } else if ('b?*.-_#z'.includes(opt[0])) {
          parsed.batchZeroChar = opt[0] === 'b' ? '' : opt[0] === 'z' ? '0' : opt[0];
        }
        // Any other letter is ignored, as queue.cpp ignores it.
      }
    } else if (!historyScan && isOption(arg, 'nobatch', 3)) parsed.view = 'nobatch';
    else if (!historyScan && isOption(arg, 'batch', 3)) parsed.view = 'batch';
    else if (isOption(arg, 'autoformat', historyScan ? 5 : 2) || isOption(arg, 'af', 2)) {
      if (parsed.view === 'format') throw new CliError(`Error: -format and -autoformat together are not supported by tinycondor\n${usage}`);
      // history.cpp's words when no attribute follows.
      if (historyScan && (i + 1 >= args.length || args[i + 1].startsWith('-'))) throw new CliError(`Error: Argument ${arg} requires at least one attribute parameter\n\t\te.g. condor_history ${arg} ClusterId`);
      parsed.view = 'af';
      try {
        parsed.af = parseAutoFormatLetters(arg.split(':').slice(1).join(':'));
      } catch (err) {
        if (err instanceof RangeError) throw new CliError(`Error: ${err.message}\n${usage}`);
        throw err;
      }
      while (i + 1 < args.length && !args[i + 1].startsWith('-')) parsed.attrs.push(args[++i]);
      if (parsed.attrs.length === 0) throw new CliError(`Error: ${arg} requires at least one attribute\n${usage}`);
    } else if (queueViews && isOption(arg, 'run', 1)) {
      // As condor_q: running, transferring output or suspended jobs, shown with where they run.
      if (shown === 'hold' || shown === 'holdcodes' || shown === 'idle') throw incompatible('-run and -hold/held or -idle are incompatible');
      shown = 'run';
      parsed.constraints.push('JobStatus == 2 || JobStatus == 6 || JobStatus == 7');
    } else if (queueViews && (isOption(arg, 'hold-codes', 6) || isOption(arg, 'holdcodes', 5))) {
      // As condor_q: held jobs, one row per hold code and subcode (its :CODES select as -hold's do).
      if (shown === 'run' || shown === 'idle') throw incompatible('-hold-codes incompatible with -idle or -run');
      shown = 'holdcodes';
      parsed.constraints.push('JobStatus==5');
      const codes = holdCodeConstraint(arg.split(':').slice(1).join(':'), parsed.warnings);
      if (codes !== undefined) parsed.constraints.push(codes);
    } else if (queueViews && (isOption(arg, 'hold', 2) || isOption(arg, 'held', 2))) {
      // As condor_q: only held jobs (added to the query), shown with when and why they were held.
      if (shown === 'run' || shown === 'idle') throw incompatible('-run and -hold/held or -idle are incompatible');
      shown = 'hold';
      parsed.constraints.push('JobStatus==5');
      const codes = holdCodeConstraint(arg.split(':').slice(1).join(':'), parsed.warnings);
      if (codes !== undefined) parsed.constraints.push(codes);
    } else if (queueViews && isOption(arg, 'idle', 3)) {
      // As condor_q: only idle jobs, shown with what they request and where they last ran.
      if (shown === 'run' || shown === 'hold' || shown === 'holdcodes') throw incompatible('-run and -hold/held or -idle are incompatible');
      shown = 'idle';
      parsed.constraints.push('JobStatus==1');
    } else if (queueViews && isOption(arg, 'io', 2)) {
      table = 'io';
      parsed.constraints.push(IO_CONSTRAINT);
    } else if (queueViews && isOption(arg, 'cputime', 2)) parsed.cpuTime = true;
    else if (queueViews && isOption(arg, 'currentrun', 3)) {
      if (runtimeTypeSet) throw new CliError("Error: -currentrun can't be used with -cumulative-time");
      runtimeTypeSet = true;
    } else if (queueViews && isOption(arg, 'cumulative-time', 3)) {
      if (runtimeTypeSet) throw new CliError("Error: -cumulative-time can't be used with -currentrun");
      runtimeTypeSet = true;
      parsed.cumulativeTime = true;
    } else if (queueViews && isOption(arg, 'limit', 3)) {
      // queue.cpp's words.
      const given = args[++i];
      if (given === undefined) throw new CliError('Error: -limit requires the max number of results as an argument.');
      const m = /^\s*[+-]?\d*/.exec(given)![0];
      if (m.length !== given.length) throw new CliError(`Error: Unable to convert (${given}) to a number for -limit.`);
      const n = Number.parseInt(m, 10) || 0;
      if (n <= 0) throw new CliError(`Error: ${n} is not a valid for -limit.`);
      parsed.limit = n;
    } else if ((queueViews || historyScan) && isOption(arg, 'attributes', 2)) {
      const list = args[++i];
      if (queueViews && list === undefined) throw new CliError('Error: -attributes requires a list of attributes to show');
      // history.cpp's words: a list is required, and one starting with - is none.
      if (historyScan && (list === undefined || list.startsWith('-'))) throw new CliError('Error: Argument -attributes must be followed by a list of attributes');
      if (historyScan) parsed.printFormatProjects = false;
      parsed.projection = [...(parsed.projection ?? []), ...list.split(/[\s,]+/).filter((name) => name !== '')];
    } else if (queueViews && (isOption(arg, 'help', 1) || isOption(arg, 'version', 1))) {
      parsed.info = isOption(arg, 'help', 1) ? 'help' : 'version';
      return parsed;
    } else if (queueViews && isOption(arg, 'name', 1)) {
      // queue.cpp's words.
      if (parsed.submitters.length > 0) throw new CliError("Cannot query both schedd's and submitters");
      const name = args[++i];
      if (name === undefined) throw new CliError('Error: -name requires the name of a schedd as an argument.');
      parsed.scheddName = name;
    } else if (queueViews && isOption(arg, 'pool', 1)) {
      const host = args[++i];
      if (host === undefined) throw new CliError('Error: -pool requires a hostname as an argument.');
      parsed.pool = host;
    } else if (queueViews && isOption(arg, 'global', 1)) parsed.global = true;
    else if (queueViews && isOption(arg, 'submitter', 1)) {
      if (parsed.scheddName !== undefined) throw new CliError("Cannot query both schedd's and submitters");
      const name = args[++i];
      if (name === undefined) throw new CliError('Error: -submitter requires the name of a user.');
      parsed.submitters.push(name);
    } else if (queueViews && isOption(arg, 'expert', 1)) {
      // Shorter error messages: tinycondor's condor_q prints none of the longer "Extra Info" texts.
    } else if (queueViews && isOption(arg, 'schedd-constraint', 5)) {
      // A constraint on the collector's schedd ads, which tinycondor has none of: refused rather than ignored.
      throw new CliError(`condor_q: ${arg} is not supported by tinycondor: it has one schedd, the one CONDOR_CONFIG names`);
    } else if (queueViews && isOption(arg, 'jobset', 5)) {
      // queue.cpp asks the schedd for its job set ads (JOBSET.* submit commands), which tinycondor does not keep.
      throw new CliError(`condor_q: ${arg} is not supported by tinycondor: it keeps no job set ads`);
    } else if (queueViews && isOption(arg, 'grid', 2)) {
      throw new CliError(`condor_q: ${arg} is not supported by tinycondor: it runs no grid universe jobs`);
    } else if (queueViews && isOption(arg, 'xml', 3) && !arg.includes(':')) {
      if (parsed.view === 'json') throw new CliError('Error: Cannot print as both XML and JSON');
      parsed.view = 'xml';
    } else if (historyScan && (isOption(arg, 'xml', 3) || isOption(arg, 'jsonl', 5) || isOption(arg, 'json', 4))) {
      // history.cpp: each of -xml, -jsonl and -json prints the ads long, in its form; more than one is an error.
      const form = isOption(arg, 'xml', 3) ? 'xml' : isOption(arg, 'jsonl', 5) ? 'jsonl' : 'json';
      historyForms.add(form);
      if (historyForms.size > 1) throw new CliError('Error: Cannot use more than one of XML and JSON[L]');
      parsed.view = form;
    } else if (queueViews && isOption(arg, 'print-format', 2)) {
      const file = args[i + 1];
      if (file === undefined || (file.startsWith('-') && file !== '-')) throw new CliError('Error: -print-format requires a filename argument');
      i++;
      // `-pr !` turns off the Q_DEFAULT_*_PRINT_FORMAT_FILE files, which tinycondor does not read.
      if (file === '!') continue;
      parsed.view = 'printformat';
      parsed.printFormatFile = file;
    } else if (!historyScan && isOption(arg, 'json', 2) && !(queueViews && arg.includes(':'))) {
      // queue.cpp's -json and -xml take no :FORM (is_dash_arg_prefix): -long:FORM chooses the others.
      if (parsed.view === 'xml') throw new CliError('Error: Cannot print as both XML and JSON');
      parsed.view = 'json';
    } else if (isOption(arg, 'long', 1)) {
      // -long prints the ads in the form -json, -xml or an earlier -long:FORM chose (queue.cpp's dash_long_format).
      if (!queueViews || !LONG_FORMS.has(parsed.view)) parsed.view = historyScan && historyForms.size > 0 ? parsed.view : 'long';
      const colon = arg.indexOf(':');
      for (const form of !queueViews || colon < 0 ? [] : arg.slice(colon + 1).split(/[\s,]+/).filter((f) => f !== '')) {
        if (form === 'nosort') parsed.nosort = true;
        // parseAdsFileFormat: auto leaves the choice to the writer, which picks long; any other word changes nothing.
        else if (form === 'auto') parsed.view = 'long';
        else if (LONG_FORMS.has(form as QueryArgs['view'])) parsed.view = form as QueryArgs['view'];
      }
    }
    else if (!historyScan && (isOption(arg, 'totals', 3) || isOption(arg, 'total', 3))) parsed.view = 'totals';
    else if (isOption(arg, 'constraint', queueViews || historyScan ? 1 : 5)) {
      // queue.cpp's and history.cpp's words when there is no expression.
      if (queueViews && i + 1 >= args.length) throw new CliError('Error: -constraint requires another parameter');
      if (historyScan && i + 1 >= args.length) throw new CliError(`Error: Argument ${arg} requires another parameter`);
      parsed.constraints.push(value());
    } else if (!historyScan && (isOption(arg, 'allusers', queueViews ? 2 : 4) || (queueViews && isOption(arg, 'all-users', 2)))) parsed.allUsers = true;
    else if (!historyScan && (isOption(arg, 'limit', 3) || isOption(arg, 'match', 3))) {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1) throw new CliError(`Error: ${arg} needs a positive number\n${usage}`);
      parsed.limit = n;
    } else if (queueViews) throw new CliError(`Error: unrecognized argument ${arg}\n${usage}`);
    else if (historyScan) throw new CliError(`Error: Unknown argument ${arg}\n${usage}`);
    else throw new CliError(`Error: unknown option ${arg}\n${usage}`);
  }
  // history.cpp adds -af, -format and -print-format columns to one mask; tinycondor keeps them apart.
  if (historyScan && parsed.printFormatFile !== undefined && (parsed.view === 'af' || parsed.view === 'format')) {
    throw new CliError('condor_history: -print-format with -af or -format (one table of both) is not supported by tinycondor');
  }
  if (queueViews && batchSpecified && (parsed.view === 'af' || parsed.view === 'format')) throw new CliError('Error: -batch conflicts with -format and -af');
  if (queueViews && batchSpecified && parsed.aggregate !== undefined && !LONG_FORMS.has(parsed.view)) throw new CliError(`Error: -batch conflicts with -${parsed.aggregate}`);
  if (queueViews && !custom()) {
    parsed.view = table === 'io' ? 'io' : table === 'progress' ? 'batch' : shown ?? (batchSpecified === false ? 'nobatch' : 'default');
  }
  return parsed;
}

/**
 * One ClassAd constraint for the schedd from ids, owners and -constraint expressions. `dagNodes` (-dag
 * or batch output): a cluster id also selects the node jobs of the DAGMan job it names.
 */
/** condor_history -scanlimit's limit: history.cpp stops at maxAds ads read only when it is above 0. */
export function scanLimitOf(query: QueryArgs): number | undefined {
  return query.scanLimit !== undefined && query.scanLimit > 0 ? query.scanLimit : undefined;
}

/**
 * The ads -scanlimit counts when reading newest first: history.cpp's parseBanner skips, unread and uncounted,
 * the ads of clusters and owners not named (by cluster: 4.1 is read when 4.0 is named); undefined: every ad.
 */
export function scanCountedConstraint(query: QueryArgs): string | undefined {
  if (query.forwards) return undefined;
  const selection = [...new Set(query.jobs.map((j) => `ClusterId == ${j.cluster}`)), ...query.owners.map((o) => `Owner == ${quoteString(o)}`)];
  return selection.length === 0 ? undefined : selection.join(' || ');
}

export function buildConstraint(query: QueryArgs, { dagNodes = false } = {}): string | undefined {
  // A -constraint is read in old ClassAd syntax (ParseClassAdRvalExpr).
  const clauses: string[] = query.constraints.map((c) => `(${oldSyntaxToStorage(c)})`);
  const ids = query.jobs.flatMap((j) => [
    j.proc === undefined ? `ClusterId == ${j.cluster}` : `(ClusterId == ${j.cluster} && ProcId == ${j.proc})`,
    ...(dagNodes && (j.proc ?? 0) < 1 ? [`DAGManJobId == ${j.cluster}`] : []),
  ]);
  const owners = query.owners.map((o) => `Owner == ${quoteString(o)}`);
  // CondorQ::add(CQ_SUBMITTER): the name as given, less a nice-user. prefix.
  const submitters = (query.submitters ?? []).map((name) => `(AccountingGroup ?: Owner) == ${quoteString(name.replace(/^nice-user\./, ''))}`);
  const selection = [...ids, ...owners, ...submitters];
  if (selection.length > 0) clauses.push(`(${selection.join(' || ')})`);
  return clauses.length === 0 ? undefined : clauses.join(' && ');
}
