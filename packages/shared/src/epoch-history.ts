// The job epoch history as HTCondor's shadow writes it (src/condor_utils/job_ad_instance_recording.cpp):
// one record per ad, its attributes as `Name = expr` lines, then `EpochWriteDate`, then a banner
// `*** <type> ClusterId=… ProcId=… RunInstanceId=… Owner="…" CurrentTime=…`. The shadow writes a SPAWN
// record when it starts (shadow_v61_main.cpp), an INPUT / OUTPUT / CHECKPOINT record for each plugin result
// list the starter sends (remoteresource.cpp, updateFromStarter), and the whole job ad as an EPOCH record
// when its run ends (baseshadow.cpp). Pure: the schedd writes the texts, condor_history -epochs reads them.
import { ClassAd, parseExpr, type Expr } from './classad/index.js';
import { unparseOldSyntax } from './classad/unparse.js';

/** The record types (banner names) this pool writes; COMMON is the common-files transfer it does not have. */
export type EpochAdType = 'EPOCH' | 'SPAWN' | 'INPUT' | 'OUTPUT' | 'CHECKPOINT';

/** The transfers whose plugin results the starter sends, as its update ad names them (`<Class>PluginResultList`). */
export type TransferClassName = 'Input' | 'Output' | 'Checkpoint';

/** file_transfer.h's TransferClass: an invocation ad's `TransferClass`. */
export const TransferClassNumber: Readonly<Record<TransferClassName, number>> = { Input: 1, Output: 2, Checkpoint: 3 };

/** Where and what the epoch history records, from its knobs. */
export interface EpochSettings {
  /** JOB_EPOCH_HISTORY: the file all records are appended to; undefined when set empty. */
  historyFile: string | undefined;
  /** JOB_EPOCH_HISTORY_DIR: a directory of one `job.runs.<C>.<P>.ads` file per job; undefined when unset. */
  historyDir: string | undefined;
  /** MAX_EPOCH_HISTORY_LOG: the file is rotated before it would grow past this many bytes. */
  maxLogBytes: number;
  /** MAX_EPOCH_HISTORY_ROTATIONS: rotated files kept. */
  maxRotations: number;
  /** INPUT_JOB_ATTRS, OUTPUT_JOB_ATTRS, CHECKPOINT_JOB_ATTRS, each TRANSFER_JOB_ATTRS unless set. */
  transferAttrs: Readonly<Record<'INPUT' | 'OUTPUT' | 'CHECKPOINT', readonly string[]>>;
  /** SPAWN_JOB_ATTRS: the job attributes a SPAWN record adds to its base ones, or all of them. */
  spawnAttrs: readonly string[] | 'all';
}

/** param_info.in's MAX_EPOCH_HISTORY_LOG default (20 MiB) and MAX_EPOCH_HISTORY_ROTATIONS (2, at least 1). */
export const DEFAULT_MAX_EPOCH_HISTORY_LOG = 20 * 1024 * 1024;
export const DEFAULT_MAX_EPOCH_HISTORY_ROTATIONS = 2;
/** param_info.in's TRANSFER_JOB_ATTRS default. */
export const DEFAULT_TRANSFER_JOB_ATTRS = 'NumShadowStarts';

/** HTCondor's split(): items separated by commas and white space. */
export function splitAttributeList(text: string): string[] {
  return text.split(/[,\s]+/).filter((item) => item !== '');
}

export function wholeNumber(value: string | undefined, name: string, fallback: number, min: number, warnings: string[]): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value.trim());
  if (!Number.isInteger(n)) {
    warnings.push(`${name} is not a whole number (${value.trim()}); using ${fallback}`);
    return fallback;
  }
  return Math.max(n, min);
}

/**
 * The epoch history's settings from the knobs (`knob` gives a knob's value, '' when set empty, undefined
 * when not set), with param_info.in's defaults: JOB_EPOCH_HISTORY is `$(SPOOL)/epoch_history` unless set.
 */
export function epochSettings(knob: (name: string) => string | undefined, spoolDir: string): { settings: EpochSettings; warnings: string[] } {
  const warnings: string[] = [];
  const file = knob('JOB_EPOCH_HISTORY');
  const dir = knob('JOB_EPOCH_HISTORY_DIR')?.trim();
  const transfer = knob('TRANSFER_JOB_ATTRS') ?? DEFAULT_TRANSFER_JOB_ATTRS;
  // copyEpochJobAttrs: a record type's own knob when the configuration defines it (even empty), else TRANSFER_JOB_ATTRS.
  const attrsOf = (type: string) => splitAttributeList(knob(`${type}_JOB_ATTRS`) ?? transfer);
  const spawn = knob('SPAWN_JOB_ATTRS') ?? '';
  const settings: EpochSettings = {
    historyFile: file === undefined ? `${spoolDir}/epoch_history` : file.trim() === '' ? undefined : file.trim(),
    historyDir: dir === undefined || dir === '' ? undefined : dir,
    maxLogBytes: wholeNumber(knob('MAX_EPOCH_HISTORY_LOG'), 'MAX_EPOCH_HISTORY_LOG', DEFAULT_MAX_EPOCH_HISTORY_LOG, 0, warnings),
    maxRotations: wholeNumber(knob('MAX_EPOCH_HISTORY_ROTATIONS'), 'MAX_EPOCH_HISTORY_ROTATIONS', DEFAULT_MAX_EPOCH_HISTORY_ROTATIONS, 1, warnings),
    transferAttrs: { INPUT: attrsOf('INPUT'), OUTPUT: attrsOf('OUTPUT'), CHECKPOINT: attrsOf('CHECKPOINT') },
    spawnAttrs: spawn.trim().toLowerCase() === 'all' ? 'all' : splitAttributeList(spawn),
  };
  return { settings, warnings };
}

/** Whether the settings record anything (JOB_EPOCH_HISTORY or JOB_EPOCH_HISTORY_DIR). */
export function recordsEpochs(settings: EpochSettings): boolean {
  return settings.historyFile !== undefined || settings.historyDir !== undefined;
}

/** EPOCH_PER_JOB_FILE: a job's file in JOB_EPOCH_HISTORY_DIR. */
export function epochJobFileName(cluster: number, proc: number): string {
  return `job.runs.${cluster}.${proc}.ads`;
}

/** The base attributes of a SPAWN record (shadow_v61_main.cpp's filter). */
const SPAWN_BASE = ['ClusterId', 'ProcId', 'NumShadowStarts', 'Owner', 'ShadowBday', 'RunInstanceID', 'EpochAdType'];

function isTransferRecord(type: EpochAdType): type is 'INPUT' | 'OUTPUT' | 'CHECKPOINT' {
  return type === 'INPUT' || type === 'OUTPUT' || type === 'CHECKPOINT';
}

/**
 * One record's text (extractEpochInfo): `context` (a transfer record's own ad) with the job attributes its
 * type's knob names and RemoteHost, or else the job ad itself (SPAWN: only its base attributes and
 * SPAWN_JOB_ATTRS'); RunInstanceID (NumShadowStarts - 1), EpochAdType, ClusterId, ProcId and Owner where the
 * record lacks them; then EpochWriteDate and the banner. undefined when the job lacks ClusterId, ProcId or
 * NumShadowStarts (the shadow then writes nothing).
 */
export function epochRecordText(job: ClassAd, type: EpochAdType, settings: EpochSettings, now: number, context?: ClassAd): string | undefined {
  const cluster = job.getInt('ClusterId');
  const proc = job.getInt('ProcId');
  const starts = job.getInt('NumShadowStarts');
  if (cluster === undefined || cluster < 0 || proc === undefined || proc < 0 || starts === undefined || starts < 1) return undefined;
  const runId = starts - 1;
  const owner = job.getString('Owner') ?? '?';
  let record: ClassAd;
  if (context === undefined) {
    record = job.clone();
  } else {
    record = context.clone();
    const names = isTransferRecord(type) ? [...settings.transferAttrs[type], 'RemoteHost'] : [];
    for (const name of names) {
      const expr = job.get(name);
      // CopyAttribute: under the name the knob spells, only what the record does not have.
      if (expr !== undefined && !record.has(name)) record.insert(name, expr);
    }
  }
  if (!record.has('RunInstanceID')) record.set('RunInstanceID', runId);
  if (!record.has('EpochAdType')) record.set('EpochAdType', type);
  if (!record.has('ClusterId')) record.set('ClusterId', cluster);
  if (!record.has('ProcId')) record.set('ProcId', proc);
  if (!record.has('Owner')) record.set('Owner', owner);
  const filter = type === 'SPAWN' && settings.spawnAttrs !== 'all' ? new Set([...SPAWN_BASE, ...settings.spawnAttrs].map((n) => n.toLowerCase())) : undefined;
  let text = '';
  for (const name of record.names()) {
    if (filter !== undefined && !filter.has(name.toLowerCase())) continue;
    text += `${name} = ${unparseOldSyntax(record.get(name) as Expr)}\n`;
  }
  text += `EpochWriteDate = ${now}\n`;
  text += `*** ${type} ClusterId=${cluster} ProcId=${proc} RunInstanceId=${runId} Owner="${owner}" CurrentTime=${now}\n`;
  return text;
}

function isInvocation(item: Expr): boolean {
  if (item.kind !== 'record') return false;
  const entry = item.entries.find((e) => e.name.toLowerCase() === 'transferclass');
  return entry !== undefined && entry.expr.kind === 'literal' && entry.expr.value.type === 'int';
}

/**
 * A transfer record's own ad from the starter's `<Class>PluginResultList` (RemoteResource::updateFromStarter):
 * the plugin invocation ads (those with an integer TransferClass) moved to `<Class>PluginInvocations`, the
 * per-file results left in `<Class>PluginResultList`, and TransferClass = "INPUT" (or OUTPUT, CHECKPOINT).
 * Throws a ClassAdParseError when the list does not parse; undefined when it is no list.
 */
export function transferRecordContext(transferClass: TransferClassName, resultList: string): ClassAd | undefined {
  const list = parseExpr(resultList);
  if (list.kind !== 'list') return undefined;
  const invocations = list.items.filter(isInvocation);
  const results = list.items.filter((item) => !isInvocation(item));
  const context = new ClassAd();
  context.insert(`${transferClass}PluginInvocations`, { kind: 'list', items: invocations });
  context.insert(`${transferClass}PluginResultList`, { kind: 'list', items: results });
  context.set('TransferClass', transferClass.toUpperCase());
  return context;
}

/** One record of an epoch history file, as condor_history reads its banner. */
export interface EpochEntry {
  type: string;
  cluster: number;
  proc: number;
  runId: number;
  owner: string;
  /** The banner's CurrentTime. */
  time: number;
  /** The record's `Name = expr` lines. */
  adText: string;
}

/** A banner's `Key=Value` pairs (history.cpp's parseBanner); the type is the word before them, if any. */
function parseBanner(line: string): Omit<EpochEntry, 'adText'> {
  const body = line.replace(/^\*+\s*/, '');
  const words = body.split(/\s+/).filter((w) => w !== '');
  const type = words.length > 0 && !words[0].includes('=') ? words.shift()!.toUpperCase() : 'JOB';
  const values = new Map<string, string>();
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq > 0) values.set(word.slice(0, eq).toLowerCase(), word.slice(eq + 1));
  }
  const int = (key: string) => {
    const n = Number(values.get(key));
    return Number.isInteger(n) ? n : -1;
  };
  return { type, cluster: int('clusterid'), proc: int('procid'), runId: int('runinstanceid'), owner: (values.get('owner') ?? '').replace(/^"|"$/g, ''), time: int('currenttime') };
}

/** The records of an epoch history file in file order; text after the last banner (a record being written) is left out. */
export function parseEpochEntries(text: string): EpochEntry[] {
  const entries: EpochEntry[] = [];
  let adText = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('***')) {
      entries.push({ ...parseBanner(line), adText });
      adText = '';
    } else if (line.trim() !== '') {
      adText += `${line}\n`;
    }
  }
  return entries;
}
