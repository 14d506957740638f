// The schedd's job history file (HISTORY), as HTCondor's classadHistory.cpp writes it: each job ad that
// leaves the queue (sPrintAd, FastSort order, private attributes left out), then a banner line; the file
// renamed `<file>.<YYYYMMDDTHHMMSS>` (MaybeRotateHistory) before an ad would grow it past MAX_HISTORY_LOG,
// MAX_HISTORY_ROTATIONS of those kept.
import type { ClassAd } from './classad/index.js';
import { unparseOldSyntax } from './classad/unparse.js';
import { paramBoolean } from './condor-config.js';
import { wholeNumber } from './epoch-history.js';

export interface HistoryFileSettings {
  /** HISTORY: $(SPOOL)/history unless set; set empty, no history is kept. */
  file: string | undefined;
  /** ENABLE_HISTORY_ROTATION (default true): false lets the file grow without end. */
  rotate: boolean;
  /** MAX_HISTORY_LOG: 20 MiB unless set. */
  maxLogBytes: number;
  /** MAX_HISTORY_ROTATIONS: 2 unless set, at least 1. */
  maxRotations: number;
}

/** InitJobHistoryFile's defaults: 20 MiB, 2 rotations (at least 1). */
export const DEFAULT_MAX_HISTORY_LOG = 20 * 1024 * 1024;
export const DEFAULT_MAX_HISTORY_ROTATIONS = 2;

/** The settings from the knobs (`knob` gives a knob's value, '' when set empty, undefined when not set). */
export function historyFileSettings(knob: (name: string) => string | undefined, spoolDir: string): { settings: HistoryFileSettings; warnings: string[] } {
  return jobHistorySettings(knob, 'HISTORY', `${spoolDir}/history`);
}

/**
 * The startd's (startd_main.cpp InitJobHistoryFile("STARTD_HISTORY", …)): STARTD_HISTORY, $(LOG)/startd_history
 * unless set, rotated by the same knobs as HISTORY.
 */
export function startdHistorySettings(knob: (name: string) => string | undefined, logDir: string): { settings: HistoryFileSettings; warnings: string[] } {
  return jobHistorySettings(knob, 'STARTD_HISTORY', `${logDir}/startd_history`);
}

function jobHistorySettings(knob: (name: string) => string | undefined, fileKnob: string, defaultFile: string): { settings: HistoryFileSettings; warnings: string[] } {
  const warnings: string[] = [];
  const file = knob(fileKnob);
  const settings: HistoryFileSettings = {
    file: file === undefined ? defaultFile : file.trim() === '' ? undefined : file.trim(),
    rotate: paramBoolean(knob('ENABLE_HISTORY_ROTATION'), 'ENABLE_HISTORY_ROTATION', true, warnings),
    maxLogBytes: wholeNumber(knob('MAX_HISTORY_LOG'), 'MAX_HISTORY_LOG', DEFAULT_MAX_HISTORY_LOG, 0, warnings),
    maxRotations: wholeNumber(knob('MAX_HISTORY_ROTATIONS'), 'MAX_HISTORY_ROTATIONS', DEFAULT_MAX_HISTORY_ROTATIONS, 1, warnings),
  };
  if (settings.file !== undefined && !settings.rotate) warnings.push('WARNING: History file rotation is disabled and it may grow very large.');
  return { settings, warnings };
}

/** ClassAdPrivateAttrs and the V2 private prefix: never written to the history. */
const PRIVATE_ATTRS = new Set(['capability', 'childclaimids', 'claimid', 'claimidlist', 'claimids', 'transferkey']);

function isPrivate(name: string): boolean {
  const lower = name.toLowerCase();
  return PRIVATE_ATTRS.has(lower) || lower.startsWith('_condor_priv');
}

/** ClassAdFlatMapOrder: shorter names first, then case-insensitively. */
function fastSort(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  return la < lb ? -1 : la > lb ? 1 : 0;
}

/** AppendHistory's sPrintAd(…, FastSort): `Name = expr` lines in old ClassAd syntax, without the private attributes. */
export function historyAdText(ad: ClassAd): string {
  let text = '';
  for (const name of [...ad.names()].filter((n) => !isPrivate(n)).sort(fastSort)) text += `${name} = ${unparseOldSyntax(ad.get(name)!)}\n`;
  return text;
}

/** What the banner says of the job (ClusterId, ProcId, Owner, CompletionDate; -1 or ? when missing). */
export function historyBannerFields(ad: ClassAd): string {
  const int = (name: string) => ad.getInt(name) ?? -1;
  return `ClusterId = ${int('ClusterId')} ProcId = ${int('ProcId')} Owner = "${ad.getString('Owner') ?? '?'}" CompletionDate = ${int('CompletionDate')}`;
}

/** The banner line: Offset (findHistoryOffset: where the file's last line began, 0 in an empty file), then the fields, then when it is written. */
export function historyBanner(offset: number, fields: string, now: number): string {
  return `*** Offset = ${offset} ${fields} CurrentTime = ${now}\n`;
}
