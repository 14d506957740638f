// condor_history -epochs and -transfer-history (src/condor_tools/history.cpp): the records of the job epoch
// history file (JOB_EPOCH_HISTORY, and its rotated files) or of JOB_EPOCH_HISTORY_DIR's per-job files
// (-directory), read where the command runs, as HTCondor's tool reads its local files; newest first.
import fs from 'node:fs';
import { rotatedFiles } from '@tinycondor/shared/rotated-files';
import os from 'node:os';
import path from 'node:path';
import { ClassAd, isTrue, parseExpr, type EvalContext } from '@tinycondor/shared/classad/index';
import { parseEpochEntries, type EpochEntry } from '@tinycondor/shared/epoch-history';
import { CliError, type CommandIo } from '../cli-error.js';
import { formatHistory } from '../format/index.js';
import { commonView } from '../format/query-view.js';
import type { PoolConfig } from '../pool-config.js';
import { buildConstraint, type QueryArgs } from '../query-args.js';
import { toolEvalContext } from '../tool-user-maps.js';

/** What the epoch options asked for. */
export interface EpochSource {
  /** The banner types shown: EPOCH for -epochs, the transfer types for -transfer-history. */
  types: Set<string>;
  /** -directory: JOB_EPOCH_HISTORY_DIR's per-job files instead of the aggregate file. */
  directory: boolean;
  /** -transfer-history: only JOB_EPOCH_HISTORY is read (-epochs reads JOB_EPOCH_HISTORY_DIR too). */
  transfers: boolean;
}

/** is_dash_arg_colon_prefix: `-name[:opts]`, any prefix of at least `min` characters. */
function dashPrefix(arg: string, name: string, min: number): { colon: string | undefined } | undefined {
  if (!arg.startsWith('-')) return undefined;
  const bare = arg.replace(/^--?/, '');
  const colon = bare.indexOf(':');
  const word = (colon < 0 ? bare : bare.slice(0, colon)).toLowerCase();
  if (word.length < min || !name.startsWith(word)) return undefined;
  return { colon: colon < 0 ? undefined : bare.slice(colon + 1) };
}

/**
 * Takes the epoch options (-epochs, -transfer-history[:ioc], -directory) out of condor_history's arguments;
 * undefined source when none of the first two was given (then -directory is left for the others' error).
 */
export function takeEpochOptions(args: readonly string[]): { source: EpochSource | undefined; rest: string[] } {
  let epochs = false;
  let transferTypes: Set<string> | undefined;
  let directory = false;
  const rest: string[] = [];
  for (const arg of args) {
    const epochOption = dashPrefix(arg, 'epochs', 2);
    const transferOption = dashPrefix(arg, 'transfer-history', 2);
    if (epochOption !== undefined) {
      if (epochOption.colon !== undefined && /d/i.test(epochOption.colon)) {
        throw new CliError('Error: -epochs:d (delete the per-job epoch files read) is not supported by this pool: its schedd owns JOB_EPOCH_HISTORY_DIR.');
      }
      epochs = true;
    } else if (transferOption !== undefined) {
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
  let source: EpochSource | undefined;
  if (transferTypes !== undefined) source = { types: transferTypes, directory, transfers: true };
  else if (epochs) source = { types: new Set(['EPOCH']), directory, transfers: false };
  else if (directory) rest.push('-directory');
  return { source, rest };
}

/** The files to read, oldest first: the rotated ones and then the file, those that exist. */
function historyFiles(file: string): string[] {
  return [...rotatedFiles(file), ...(fs.existsSync(file) ? [file] : [])];
}

/** findEpochDirFiles: the directory's `job.runs.<C>.<P>.ads` files, in job order. */
function directoryFiles(dir: string): string[] {
  let names: string[];
  try {
    if (!fs.statSync(dir).isDirectory()) throw new Error('not a directory');
    names = fs.readdirSync(dir);
  } catch {
    throw new CliError(`Error: ${dir} is not a valid directory.`);
  }
  const id = (name: string) => /^job\.runs\.(\d+)\.(\d+)\.ads$/.exec(name);
  return names
    .filter((name) => id(name) !== null)
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
    throw new CliError(`Error opening history file ${file}: ${(err as NodeJS.ErrnoException).message}`);
  }
}

/** The records shown, from the pool's configuration and the query (ids, owners, -constraint, -limit, -since, -forwards). */
export function readEpochRecords(pool: Pick<PoolConfig, 'value'>, source: EpochSource, query: QueryArgs, context?: EvalContext): ClassAd[] {
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
  if (query.historyFile !== undefined) files = [query.historyFile];
  else if (source.directory) {
    if (dir === undefined) throw new CliError('Error: No search directory found for locating history files.');
    files = directoryFiles(dir);
  } else if (file === undefined) throw fileUnset;
  else files = historyFiles(file);
  const constraintText = buildConstraint(query);
  const constraint = constraintText === undefined ? undefined : parseConstraint(constraintText);
  const since = query.since === undefined ? undefined : parseExpr(query.since);
  let entries = files.flatMap(readEntries).filter((entry) => source.types.has(entry.type));
  if (!query.forwards) entries = entries.reverse();
  const shown: ClassAd[] = [];
  for (const entry of entries) {
    let ad: ClassAd;
    try {
      ad = ClassAd.parseText(entry.adText);
    } catch {
      continue;
    }
    if (since !== undefined && isTrue(ad.evaluateExpr(since, undefined, context))) break;
    if (constraint !== undefined && !isTrue(ad.evaluateExpr(constraint, undefined, context))) continue;
    shown.push(ad);
    if (query.limit !== undefined && shown.length >= query.limit) break;
  }
  return shown;
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
  const ads = readEpochRecords(pool, source, query, context);
  io.stdout(commonView(query, ads, context) ?? formatHistory(ads, { scheddName: pool.value('SCHEDD_NAME') ?? os.hostname(), scheddAddress: '', now: new Date(), currentUser: os.userInfo().username }));
  return 0;
}
