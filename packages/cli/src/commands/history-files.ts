// condor_history reading history files itself (history.cpp readHistoryFromFiles / readHistoryFromSingleFile):
// -file FILE, -search PATH (PATH and its rotated files), -local (the files HISTORY names), and -extract FILE,
// which copies the ads shown, each with its banner line, to FILE.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ClassAd } from '@tinycondor/shared/classad/index';
import { historyFiles } from '@tinycondor/shared/rotated-files';
import { strerror } from '@tinycondor/shared/submit/file-probe';
import { readHistoryRecords, selectAds, type HistoryRecord } from '../ads-file.js';
import { CliError } from '../cli-error.js';
import type { QueueViewContext } from '../format/index.js';
import type { PoolConfig } from '../pool-config.js';
import { buildConstraint, scanCountedConstraint, scanLimitOf, type QueryArgs } from '../query-args.js';

/** history.cpp's limit on the ads -extract copies when no -limit is given. */
const EXTRACT_DEFAULT_LIMIT = 100_000;

/** HISTORY: param_info.in's default is $(SPOOL)/history; set empty, there is none. */
export function configuredHistoryFile(pool: Pick<PoolConfig, 'value'>): string | undefined {
  const knob = pool.value('HISTORY');
  if (knob !== undefined) return knob.trim() === '' ? undefined : knob.trim();
  const spool = pool.value('SPOOL');
  return spool === undefined ? undefined : path.join(spool, 'history');
}

/** Whether this pool's configuration sets HISTORY empty (its schedd keeps no history); a client of a remote schedd does not know. */
export function historySetEmpty(pool: Pick<PoolConfig, 'value'>): boolean {
  return pool.value('HISTORY')?.trim() === '';
}

/** STARTD_HISTORY: param_info.in's default is $(LOG)/startd_history; set empty, there is none. */
export function configuredStartdHistoryFile(pool: Pick<PoolConfig, 'value'>): string | undefined {
  const knob = pool.value('STARTD_HISTORY');
  if (knob !== undefined) return knob.trim() === '' ? undefined : knob.trim();
  const log = pool.value('LOG');
  return log === undefined ? undefined : path.join(log, 'startd_history');
}

/**
 * The files condor_history reads here, oldest first, or undefined when it asks the schedd. `startd`
 * (-startd): STARTD_HISTORY's, always read here, as history.cpp reads them for a startd of this machine.
 */
export function localHistoryFiles(pool: () => Pick<PoolConfig, 'value'>, query: QueryArgs, startd = false): { files: string[]; label: string } | undefined {
  if (query.historyFile !== undefined) return { files: [query.historyFile], label: query.historyFile };
  if (query.searchPath !== undefined) return { files: historyFiles(query.searchPath), label: query.searchPath };
  // -extract reads the files, as history.cpp does on the schedd's machine (it refuses a schedd's answer).
  if (!startd && !query.historyLocal && query.extractFile === undefined) return undefined;
  const file = startd ? configuredStartdHistoryFile(pool()) : configuredHistoryFile(pool());
  if (file === undefined) throw historyUnset(startd ? 'STARTD_HISTORY' : 'HISTORY');
  return { files: historyFiles(file), label: file };
}

/** readHistoryFromFiles' words when HISTORY (or STARTD_HISTORY) is set empty (no history is kept). */
export function historyUnset(knob = 'HISTORY'): CliError {
  return new CliError(
    `Error: No passed search file and configuration key ${knob} is unset.\n\nExtra Info: The variable ${knob} is not defined in your config file. ` +
      `If you want Condor to keep a history of information, you must define ${knob} in your config file`,
  );
}

/** What the schedd answers a remote query (-name, -pool) when HISTORY is set empty (history_queue.cpp's error ad, code 5). */
export function remoteHistoryUnset(): CliError {
  return new CliError('Error 5: HISTORY undefined in remote configuration. No such related history to be queried.', 5);
}

/**
 * The ads of the files (oldest first) that condor_history shows, as readHistoryFromFileEx and
 * printJobIfConstraint pick them: newest first unless -forwards, -scanlimit (counting the named clusters'
 * and owners' ads only), -since, then the constraint and -limit. `records` maps each ad shown to its record.
 */
export function historyFromFiles(files: readonly string[], label: string, query: QueryArgs): { ads: ClassAd[]; context: QueueViewContext; records: Map<ClassAd, HistoryRecord> } {
  let records = files.flatMap((file) => readHistoryRecords(file));
  if (!query.forwards) records = records.reverse();
  const byAd = new Map(records.map((record) => [record.ad, record]));
  let ads = records.map((record) => record.ad);
  const scanLimit = scanLimitOf(query);
  if (scanLimit !== undefined) {
    const counted = scanCountedConstraint(query);
    // parseBanner: the ads of other clusters and owners are skipped unread, so they neither count nor show.
    if (counted !== undefined) ads = selectAds(ads, counted, undefined);
    ads = ads.slice(0, scanLimit);
  }
  if (query.since !== undefined) {
    const stop = selectAds(ads, query.since, 1)[0];
    if (stop !== undefined) ads = ads.slice(0, ads.indexOf(stop));
  }
  const limit = query.limit ?? (query.extractFile !== undefined ? EXTRACT_DEFAULT_LIMIT : undefined);
  const shown = selectAds(ads, buildConstraint(query), limit);
  return {
    ads: shown,
    context: { scheddName: '', scheddAddress: '', now: new Date(), currentUser: os.userInfo().username, sourceLabel: `Jobads: ${label}` },
    records: new Map(shown.map((ad) => [ad, byAd.get(ad) as HistoryRecord])),
  };
}

/** readHistoryFromDirectory's checks of its directory (-search's; the job history has no configured one). */
export function checkHistoryDirectory(dir: string | undefined): void {
  if (dir === undefined) throw new CliError('Error: No search directory found for locating history files.');
  let isDir = false;
  try {
    isDir = fs.statSync(dir).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new CliError(`Error: ${dir} is not a valid directory.`);
}

/** -extract's checks (history.cpp main), before any file is read: a schedd's answer cannot be copied, nor every ad. */
export function checkExtract(query: QueryArgs, readsFiles: boolean): void {
  if (query.extractFile === undefined) return;
  if (!readsFiles) throw new CliError('Error: -extract can only be used when reading directly from a history file');
  if (buildConstraint(query) === undefined) throw new CliError('Error: -extract requires a constraint for which ClassAds to copy');
}

/** Opens -extract's file for writing (truncated), before the reading, as history.cpp does. */
export function openExtractFile(file: string): number {
  try {
    return fs.openSync(file, 'w', 0o644);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    // history.cpp's words, its typo too.
    throw new CliError(`Error: Failed ot open extraction file ${file} (${-(e.errno ?? 0)}): ${strerror(e)}`);
  }
}

/**
 * Writes the ads shown to -extract's file as printJobIfConstraint copies them (sPrintAd, then the banner
 * line), in the files' order: reading backwards they are gathered and written oldest first at the end,
 * with a line saying so; reading forwards they are written as met.
 */
export function writeExtracted(fd: number, file: string, shown: readonly ClassAd[], records: Map<ClassAd, HistoryRecord>, forwards: boolean): string {
  const inFileOrder = forwards ? shown : [...shown].reverse();
  let text = '';
  for (const ad of inFileOrder) {
    for (const name of ad.names()) text += `${name} = ${ad.getOldSource(name) ?? 'undefined'}\n`;
    text += `${records.get(ad)?.banner ?? ''}\n`;
  }
  try {
    fs.writeSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
  return forwards ? '' : `\nWriting ${shown.length} matched ads to ${file}...\n`;
}
