// condor_history -epochs and -transfer-history (src/condor_tools/history.cpp): the records of the job epoch
// history file (JOB_EPOCH_HISTORY, and its rotated files) or of JOB_EPOCH_HISTORY_DIR's per-job files
// (-directory), read where the command runs, as HTCondor's tool reads its local files; newest first.
import fs from 'node:fs';
import { historyFiles } from '@tinycondor/shared/rotated-files';
import os from 'node:os';
import path from 'node:path';
import { ClassAd, isTrue, parseExpr, type EvalContext } from '@tinycondor/shared/classad/index';
import { parseEpochEntries, type EpochEntry } from '@tinycondor/shared/epoch-history';
import type { JobSpec } from '@tinycondor/shared/job-id';
import { strerror } from '@tinycondor/shared/submit/file-probe';
import { CliError, type CommandIo } from '../cli-error.js';
import { formatHistory, historyFit } from '../format/index.js';
import { commonView, projected } from '../format/query-view.js';
import type { PoolConfig } from '../pool-config.js';
import { buildConstraint, scanCountedConstraint, scanLimitOf, type QueryArgs } from '../query-args.js';
import { toolEvalContext } from '../tool-user-maps.js';

/** What the epoch options asked for. */
export interface EpochSource {
  /** The banner types shown: EPOCH for -epochs, the transfer types for -transfer-history. */
  types: Set<string>;
  /** -directory: JOB_EPOCH_HISTORY_DIR's per-job files instead of the aggregate file. */
  directory: boolean;
  /** -transfer-history: only JOB_EPOCH_HISTORY is read (-epochs reads JOB_EPOCH_HISTORY_DIR too). */
  transfers: boolean;
  /** -epochs:d: the per-job files read with -directory are deleted (the aggregate file never is). */
  deleteRead: boolean;
}

/** condor_history's options that take a value, with their shortest prefixes (history.cpp). */
const VALUE_OPTIONS: ReadonlyArray<readonly [string, number]> = [
  ['constraint', 1], ['since', 4], ['completedsince', 3], ['match', 1], ['limit', 3], ['scanlimit', 4], ['file', 2], ['userlog', 1],
  ['search', 3], ['extract', 2], ['name', 1], ['pool', 1], ['attributes', 2],
];

/** is_dash_arg_colon_prefix: `-name[:opts]`, any prefix of at least `min` characters. */
function dashPrefix(arg: string, name: string, min: number): { colon: string | undefined } | undefined {
  if (!arg.startsWith('-')) return undefined;
  const bare = arg.replace(/^--?/, '');
  const colon = bare.indexOf(':');
  const word = (colon < 0 ? bare : bare.slice(0, colon)).toLowerCase();
  if (word.length < min || !name.startsWith(word)) return undefined;
  return { colon: colon < 0 ? undefined : bare.slice(colon + 1) };
}

/** history.cpp's HistoryRecordSource: the history the options chose. */
type RecordSource = 'schedd' | 'startd' | 'epoch' | 'daemon';

/**
 * Takes the record source options (-epochs, -transfer-history[:ioc], -directory, -schedd, -startd, -daemon)
 * out of condor_history's arguments; undefined source when neither of the first two was given (`directory`
 * then asks for the schedd history's per-job files); `startd` after -startd (STARTD_HISTORY's files). -daemon
 * is refused: tinycondor's schedd keeps no history of its own ads (SCHEDD_DAEMON_HISTORY).
 */
export function takeEpochOptions(args: readonly string[]): { source: EpochSource | undefined; rest: string[]; directory: boolean; startd: boolean } {
  let epochs = false;
  let transferTypes: Set<string> | undefined;
  let directory = false;
  let deleteRead = false;
  let recordSource: { source: RecordSource; flag: string } | undefined;
  // SetRecordSource: a second source other than the first is an error, in history.cpp's words.
  const setRecordSource = (source: RecordSource, arg: string, canonical: string): void => {
    if (recordSource !== undefined && recordSource.source !== source) throw new CliError(`Error: ${recordSource.flag} can not be used in association with ${canonical}.`);
    recordSource = { source, flag: arg };
  };
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    // The values of the options that take one are not options (-constraint -epochs is a constraint).
    if (VALUE_OPTIONS.some(([name, min]) => dashPrefix(arg, name, min) !== undefined) && i + 1 < args.length) {
      rest.push(arg, args[++i]);
      continue;
    }
    const epochOption = dashPrefix(arg, 'epochs', 2);
    const transferOption = dashPrefix(arg, 'transfer-history', 2);
    if (dashPrefix(arg, 'schedd', 3) !== undefined && !arg.includes(':')) setRecordSource('schedd', arg, '-schedd');
    else if (dashPrefix(arg, 'startd', 3) !== undefined && !arg.includes(':')) setRecordSource('startd', arg, '-startd');
    else if (dashPrefix(arg, 'daemon', 3) !== undefined) setRecordSource('daemon', arg, '-daemon');
    else if (epochOption !== undefined) {
      setRecordSource('epoch', arg, '-epochs');
      // As history.cpp: a d (or D) among the letters after the colon; the others mean nothing.
      if (epochOption.colon !== undefined && /d/i.test(epochOption.colon)) deleteRead = true;
      epochs = true;
    } else if (transferOption !== undefined) {
      setRecordSource('epoch', arg, '-transfer-history');
      // Each -transfer-history sets the types anew; -epochs leaves them (both read the epoch history).
      transferTypes = new Set<string>();
      for (const letter of transferOption.colon ?? 'ioc') {
        const type = ({ i: 'INPUT', o: 'OUTPUT', c: 'CHECKPOINT' } as Record<string, string>)[letter.toLowerCase()];
        if (type === undefined) throw new CliError(`Error: Unknown -transfer-history extra attribute '${letter}'`);
        transferTypes.add(type);
      }
    } else if (dashPrefix(arg, 'directory', 3) !== undefined && !arg.includes(':')) {
      directory = true;
    } else {
      rest.push(arg);
    }
  }
  if (recordSource?.source === 'daemon') throw new CliError(`condor_history: ${recordSource.flag} is not supported by tinycondor: its schedd keeps no history of its own ads (SCHEDD_DAEMON_HISTORY)`);
  let source: EpochSource | undefined;
  if (transferTypes !== undefined) source = { types: transferTypes, directory, transfers: true, deleteRead };
  else if (epochs) source = { types: new Set(['EPOCH']), directory, transfers: false, deleteRead };
  return { source, rest, directory, startd: recordSource?.source === 'startd' };
}

/** findEpochDirFiles: the directory's `job.runs.<C>.<P>.ads` files, those of the jobs named (all without), in job order. */
function directoryFiles(dir: string, jobs: readonly JobSpec[]): string[] {
  let names: string[];
  try {
    if (!fs.statSync(dir).isDirectory()) throw new Error('not a directory');
    names = fs.readdirSync(dir);
  } catch {
    throw new CliError(`Error: ${dir} is not a valid directory.`);
  }
  const id = (name: string) => /^job\.runs\.(\d+)\.(\d+)\.ads$/.exec(name);
  const named = (name: string) => {
    const [, cluster, proc] = id(name)!.map(Number);
    return jobs.length === 0 || jobs.some((job) => job.cluster === cluster && (job.proc === undefined || job.proc === proc));
  };
  return names
    .filter((name) => id(name) !== null && named(name))
    .sort((a, b) => {
      const [, ca, pa] = id(a)!.map(Number);
      const [, cb, pb] = id(b)!.map(Number);
      return ca - cb || pa - pb;
    })
    .map((name) => path.join(dir, name));
}

function readEntries(file: string): EpochEntry[] {
  try {
    return parseEpochEntries(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CliError(`Error opening history file ${file}: ${strerror(err as NodeJS.ErrnoException)}`);
  }
}

/**
 * readHistoryFromDirectory with -epochs:d: each file is renamed READING.txt in its directory (the schedd's next
 * record for the job then starts a new file), read and deleted, one after the other. A rename that fails is
 * passed over, as history.cpp does, and the read of READING.txt then fails. What the files read before a
 * failure held is kept in `entries`; the failure is `error`.
 */
function readAndDelete(dir: string, files: readonly string[]): { entries: EpochEntry[]; error: CliError | undefined } {
  const entries: EpochEntry[] = [];
  const reading = path.join(dir, 'READING.txt');
  for (const file of files) {
    try {
      fs.renameSync(file, reading);
    } catch {
      // history.cpp ignores rename()'s result.
    }
    try {
      entries.push(...readEntries(reading));
    } catch (err) {
      return { entries, error: err as CliError };
    }
    try {
      fs.rmSync(reading);
    } catch {
      return { entries, error: new CliError(`Error: Can't delete epoch ad file ${reading}`) };
    }
  }
  return { entries, error: undefined };
}

/**
 * The records shown, from the pool's configuration and the query (ids, owners, -constraint, -limit, -scanlimit, -since,
 * -forwards), and with -epochs:d -directory the failure that stopped the reading and deleting of the files
 * (the records of those read before it are shown, as HTCondor printed them before it stopped).
 */
export function readEpochRecords(pool: Pick<PoolConfig, 'value'>, source: EpochSource, query: QueryArgs, context?: EvalContext): { ads: ClassAd[]; error: CliError | undefined } {
  const spool = pool.value('SPOOL');
  const fileKnob = pool.value('JOB_EPOCH_HISTORY');
  const file = fileKnob === undefined ? (spool === undefined ? undefined : path.join(spool, 'epoch_history')) : fileKnob.trim() || undefined;
  const dir = pool.value('JOB_EPOCH_HISTORY_DIR')?.trim() || undefined;
  const fileUnset = new CliError(
    'Error: No passed search file and configuration key JOB_EPOCH_HISTORY is unset.\n\nExtra Info: The variable JOB_EPOCH_HISTORY is not defined in your config file. ' +
      'If you want Condor to keep a history of information, you must define JOB_EPOCH_HISTORY in your config file',
  );
  let files: string[];
  // history.cpp checks the configuration as it reads -epochs or -transfer-history, then reads a -file alone
  // (readHistoryFromSingleFile), else -directory's files, else the configured file and its rotations.
  if (!source.transfers && file === undefined && dir === undefined) throw new CliError('Error: No Job Run Instance recordings to read.');
  if (source.transfers && file === undefined) throw fileUnset;
  const fromDirectory = query.historyFile === undefined && source.directory;
  // -search PATH stands for the configured file, or with -directory for the configured directory.
  const searchDir = query.searchPath ?? dir;
  if (query.historyFile !== undefined) files = [query.historyFile];
  else if (fromDirectory) {
    // history.cpp checks -scanlimit first.
    if (source.deleteRead && query.scanLimit !== undefined) throw new CliError('Error: -epoch:d (delete) cannot be used with -scanlimit.');
    if (source.deleteRead && query.limit !== undefined) throw new CliError('Error: -epoch:d (delete) cannot be used with -limit or -match.');
    if (searchDir === undefined) throw new CliError('Error: No search directory found for locating history files.');
    files = directoryFiles(searchDir, query.jobs);
  } else if (query.searchPath !== undefined) files = historyFiles(query.searchPath);
  else if (file === undefined) throw fileUnset;
  else files = historyFiles(file);
  const constraintText = buildConstraint(query);
  const constraint = constraintText === undefined ? undefined : parseConstraint(constraintText);
  const since = query.since === undefined ? undefined : parseExpr(query.since);
  // Every file selected is deleted, also those past a -since cutoff, as history.cpp deletes the files it stops scanning.
  const read = fromDirectory && source.deleteRead ? readAndDelete(searchDir as string, files) : { entries: files.flatMap(readEntries), error: undefined };
  let entries = read.entries.filter((entry) => source.types.has(entry.type));
  if (!query.forwards) entries = entries.reverse();
  const shown: ClassAd[] = [];
  const scanLimit = scanLimitOf(query);
  // readHistoryFromDirectory reads every ad of the files it picked (by job id) whatever its banner says.
  const countedText = fromDirectory ? undefined : scanCountedConstraint(query);
  const counted = countedText === undefined ? undefined : parseExpr(countedText);
  let scanned = 0;
  for (const entry of entries) {
    let ad: ClassAd;
    try {
      ad = ClassAd.parseText(entry.adText);
    } catch {
      continue;
    }
    // printJobIfConstraint counts every ad read (adCount), -scanlimit's stop; parseBanner skips other clusters' and owners' unread.
    if (counted !== undefined && !isTrue(ad.evaluateExpr(counted, undefined, context))) continue;
    scanned++;
    if (since !== undefined && isTrue(ad.evaluateExpr(since, undefined, context))) break;
    if (constraint === undefined || isTrue(ad.evaluateExpr(constraint, undefined, context))) shown.push(ad);
    if ((query.limit !== undefined && shown.length >= query.limit) || (scanLimit !== undefined && scanned >= scanLimit)) break;
  }
  return { ads: shown, error: read.error };
}

function parseConstraint(text: string) {
  try {
    return parseExpr(text);
  } catch {
    throw new CliError(`Error: Invalid constraint (${text})`);
  }
}

/** condor_history -epochs / -transfer-history: the records in the view asked for (the job view by default). */
export function epochHistory(io: CommandIo, pool: PoolConfig, source: EpochSource, query: QueryArgs): number {
  const context = toolEvalContext('TOOL', io, () => pool.config);
  const { ads, error } = readEpochRecords(pool, source, query, context);
  io.stdout(commonView(query, projected(ads, query.projection), context) ?? formatHistory(ads, { scheddName: pool.value('SCHEDD_NAME') ?? os.hostname(), scheddAddress: '', now: new Date(), currentUser: os.userInfo().username }, historyFit(query.wide, query.wideWidth, io.stdoutColumns?.())));
  if (error !== undefined) throw error;
  return 0;
}
