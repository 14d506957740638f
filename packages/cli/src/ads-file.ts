// Files of ClassAds the query tools read instead of asking the schedd: condor_q -jobads (long form, an ad
// per block of lines; `-- Schedd: …` title lines as condor_q prints them are skipped) and condor_history
// -file (HTCondor's history file: each ad followed by a `*** …` line).
import fs from 'node:fs';
import { ClassAd, isTrue, parseExpr, type Expr } from '@tinycondor/shared/classad/index';
import { EventLogParseError, parseEventLog, userlogToJobAds, type UserlogAdsOptions } from '@tinycondor/shared/eventlog/index';
import type { JobSpec } from '@tinycondor/shared/job-id';
import { CliError } from './cli-error.js';

function readText(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`Error opening ${what} ${file}: ${(err as NodeJS.ErrnoException).message}`);
  }
}

function parseAd(text: string, file: string, index: number): ClassAd {
  try {
    return ClassAd.parseText(text);
  } catch (err) {
    throw new CliError(`Error: ad ${index + 1} of ${file} is not a ClassAd: ${(err as Error).message}`);
  }
}

/** The ads of a file in long form (CondorQClassAdFileParseHelper): blocks separated by blank or `--` lines. */
export function readLongAds(file: string, what = 'job ads file'): ClassAd[] {
  const blocks = readText(file, what)
    .split(/\r?\n(?:\s*\r?\n|--[^\n]*\n)+/)
    .map((block) => block.split(/\r?\n/).filter((line) => !line.startsWith('--')).join('\n'))
    .filter((block) => block.trim() !== '');
  return blocks.map((block, index) => parseAd(block, file, index));
}

/** What condor_q (queue.cpp) and condor_history (history.cpp) say when ReadUserLog cannot open the log. */
const CANT_OPEN_USERLOG = {
  condor_q: (file: string) => `\nCan't open user log: ${file}`,
  condor_history: (file: string) => `Error: Can't open userlog ${file}`,
};

/**
 * condor_q/condor_history -userlog: the jobs of a job event log, their state rebuilt from its events,
 * those of `jobs` only when some are named (userlog_to_classads' JobIds).
 */
export function readUserlogAds(file: string, jobs: readonly JobSpec[], opts: Omit<UserlogAdsOptions, 'filename'>, tool: keyof typeof CANT_OPEN_USERLOG = 'condor_q'): ClassAd[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new CliError(CANT_OPEN_USERLOG[tool](file));
  }
  let log;
  try {
    log = parseEventLog(text);
  } catch (err) {
    if (err instanceof EventLogParseError) throw new CliError(`Error reading user log ${file}: ${err.message}`);
    throw err;
  }
  const keep = (cluster: number, proc: number): boolean =>
    jobs.length === 0 || jobs.some((j) => j.cluster === cluster && (j.proc === undefined || j.proc === proc));
  return userlogToJobAds(log, { ...opts, filename: file }, keep);
}

/** One ad of a history file and the `***` banner line that ends it. */
export interface HistoryRecord {
  ad: ClassAd;
  banner: string;
}

/** The records of a history file, oldest first (CondorClassAdFileParseHelper("***")). */
export function readHistoryRecords(file: string): HistoryRecord[] {
  const records: HistoryRecord[] = [];
  let lines: string[] = [];
  for (const line of readText(file, 'history file').split(/\r?\n/)) {
    if (line.startsWith('***')) {
      if (lines.some((l) => l.trim() !== '')) records.push({ ad: parseAd(lines.join('\n'), file, records.length), banner: line });
      lines = [];
    } else lines.push(line);
  }
  return records;
}

/** The ads a constraint holds for (true, not merely defined), in order, up to `limit`. */
export function selectAds(ads: readonly ClassAd[], constraint: string | undefined, limit: number | undefined): ClassAd[] {
  let expr: Expr | undefined;
  if (constraint !== undefined) {
    try {
      expr = parseExpr(constraint);
    } catch {
      throw new CliError(`Error: Invalid constraint (${constraint})`);
    }
  }
  const selected: ClassAd[] = [];
  for (const ad of ads) {
    if (expr !== undefined && !isTrue(ad.evaluateExpr(expr))) continue;
    selected.push(ad);
    if (limit !== undefined && selected.length >= limit) break;
  }
  return selected;
}
