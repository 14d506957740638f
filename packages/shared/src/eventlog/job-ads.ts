// The job ads condor_q -userlog shows: each job a job event log describes, its state rebuilt from its
// events as HTCondor's userlog_to_classads (src/condor_utils/userlog_to_classads.cpp) rebuilds it. The
// log does not carry most job attributes; those the tools need are given made-up values ("???" for Cmd).

import { ClassAd, ClassAdParseError, parseExpr, type Expr } from '../classad/index.js';
import type { AdValue, ParsedEvent, ParsedLog } from './parsed-event.js';

const IDLE = 1;
const RUNNING = 2;
const REMOVED = 3;
const COMPLETED = 4;
const HELD = 5;
const SUSPENDED = 7;

/** The header attributes every event's ad has (ULogEvent::toClassAd), which a 028 event repeats. */
const EVENT_HEADER = ['MyType', 'EventTypeNumber', 'EventTime', 'Cluster', 'Proc', 'Subproc'];

export interface UserlogAdsOptions {
  /** The log's name as given, for the ads' UserLog. */
  filename: string;
  /** Owner of every job: the user reading the log (getpwuid(getuid())), the best guess HTCondor makes. */
  owner: string;
  now: Date;
}

/** "Usr 0 00:01:02, Sys 0 00:00:03" (formatRusage) as [user, system] seconds. */
function rusageSeconds(text: string | undefined): [number, number] {
  const m = /Usr (\d+) (\d+):(\d+):(\d+), Sys (\d+) (\d+):(\d+):(\d+)/.exec(text ?? '');
  if (m === null) return [0, 0];
  const n = m.slice(1).map(Number);
  return [n[0] * 86400 + n[1] * 3600 + n[2] * 60 + n[3], n[4] * 86400 + n[5] * 3600 + n[6] * 60 + n[7]];
}

/**
 * What an event's ad holds (its toClassAd attributes) for the events the rebuild reads. The XML form
 * carries the ad; the text form is read back as each event's readEvent reads it.
 */
export function eventAttributes(e: ParsedEvent): Record<string, AdValue> {
  if (e.attributes !== undefined) return e.attributes;
  const lines = e.lines;
  const after = (prefix: string): string | undefined => lines.find((l) => l.startsWith(prefix))?.slice(prefix.length);
  const usage = (label: string): string | undefined => lines.find((l) => l.endsWith(`  -  ${label}`))?.trim().split('  -  ')[0];
  // The number before `  -  label` (bytes, sizes).
  const amount = (label: string): number | undefined => {
    const text = usage(label);
    return text === undefined ? undefined : Number(text);
  };
  const fields: Record<string, AdValue> = {};
  const set = (name: string, value: AdValue | undefined): void => {
    if (value !== undefined) fields[name] = value;
  };
  switch (e.code) {
    case 0:
      set('SubmitHost', after('Job submitted from host: '));
      Object.assign(fields, submitNotes(lines.slice(1)));
      break;
    case 1:
      set('ExecuteHost', after('Job executing on host: '));
      set('SlotName', after('\tSlotName: '));
      break;
    case 4:
      set('Reason', after('\tReason: '));
      set('SentBytes', amount('Run Bytes Sent By Job'));
      set('ReceivedBytes', amount('Run Bytes Received By Job'));
      break;
    case 5: {
      const normal = /^\t\(1\) Normal termination \(return value (-?\d+)\)/.exec(lines[1] ?? '');
      const signal = /^\t\(0\) Abnormal termination \(signal (-?\d+)\)/.exec(lines[1] ?? '');
      set('TerminatedNormally', normal !== null);
      if (normal !== null) set('ReturnValue', Number(normal[1]));
      if (signal !== null) {
        set('TerminatedBySignal', Number(signal[1]));
      }
      set('RunLocalUsage', usage('Run Local Usage'));
      set('RunRemoteUsage', usage('Run Remote Usage'));
      set('TotalLocalUsage', usage('Total Local Usage'));
      set('TotalRemoteUsage', usage('Total Remote Usage'));
      set('SentBytes', amount('Run Bytes Sent By Job'));
      set('ReceivedBytes', amount('Run Bytes Received By Job'));
      set('TotalSentBytes', amount('Total Bytes Sent By Job'));
      set('TotalReceivedBytes', amount('Total Bytes Received By Job'));
      break;
    }
    case 6: {
      const size = /^Image size of job updated: (-?\d+)/.exec(lines[0] ?? '');
      if (size !== null) set('Size', Number(size[1]));
      set('MemoryUsage', amount('MemoryUsage of job (MB)'));
      set('ResidentSetSize', amount('ResidentSetSize of job (KB)'));
      set('ProportionalSetSize', amount('ProportionalSetSize of job (KB)'));
      break;
    }
    case 7:
      set('Message', lines[1]?.trim());
      break;
    case 9:
    case 13:
      set('Reason', lines[1]?.trim() || undefined);
      break;
    case 12: {
      const reason = lines[1]?.trim();
      if (reason && reason !== 'Reason unspecified') set('HoldReason', reason);
      const codes = /^\tCode (-?\d+) Subcode (-?\d+)/.exec(lines[2] ?? '');
      set('HoldReasonCode', codes === null ? 0 : Number(codes[1]));
      set('HoldReasonSubCode', codes === null ? 0 : Number(codes[2]));
      break;
    }
    case 24:
    case 46:
      set('Reason', lines[1]?.trim() || undefined);
      break;
  }
  return fields;
}

/**
 * The submit event's note lines as SubmitEvent::readEvent reads them: a `[…]` line is the structured notes'
 * ad (and the LogNotes), `DAG Node: <name>` the notes of an older DAGMan, `WARNING: …` the warnings; other
 * lines are the LogNotes if first, the UserNotes if second.
 */
function submitNotes(lines: readonly string[]): Record<string, AdValue> {
  const fields: Record<string, AdValue> = {};
  let structured: Record<string, AdValue> | undefined;
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line.startsWith('[')) {
      if (structured !== undefined) return;
      fields.LogNotes = line;
      structured = structuredNotes(line);
    } else if (line.startsWith('DAG Node: ')) {
      fields.LogNotes = line;
      structured = { ...structured, DAGNodeName: line.slice('DAG Node: '.length).trim() };
    } else if (line.startsWith('WARNING: ')) {
      fields.Warnings = line;
    } else if (index === 0) {
      fields.LogNotes = line;
    } else if (index === 1) {
      fields.UserNotes = line;
    }
  });
  if (structured !== undefined) fields.StructuredNotes = structured;
  return fields;
}

/** The literal attributes of a structured notes line (`[ A = 1; B = "x" ]`); none where it does not parse. */
function structuredNotes(line: string): Record<string, AdValue> {
  const notes: Record<string, AdValue> = {};
  let expr: Expr;
  try {
    expr = parseExpr(line);
  } catch (err) {
    if (err instanceof ClassAdParseError) return notes;
    throw err;
  }
  if (expr.kind !== 'record') return notes;
  for (const { name, expr: value } of expr.entries) {
    if (value.kind === 'literal' && value.value.type !== 'undefined' && value.value.type !== 'error') notes[name] = value.value.value;
  }
  return notes;
}

/**
 * A 028 event's ad: the XML record's attributes, or the text form's `Name = value` lines (a line that
 * does not parse is left out).
 */
function jobAdInformation(e: ParsedEvent): ClassAd {
  const ad = new ClassAd();
  if (e.attributes !== undefined) {
    for (const [name, value] of Object.entries(e.attributes)) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) ad.set(name, value);
    }
    return ad;
  }
  for (const line of e.lines.slice(1)) {
    try {
      ad.update(ClassAd.parseText(line));
    } catch (err) {
      if (!(err instanceof ClassAdParseError)) throw err;
    }
  }
  return ad;
}

function text(value: AdValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function num(value: AdValue | undefined): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

/** Changes the status, keeping the old one as LastJobStatus. */
function setStatus(ad: ClassAd, status: number): void {
  const old = ad.get('JobStatus');
  ad.delete('JobStatus');
  if (old !== undefined) ad.insert('LastJobStatus', old);
  ad.set('JobStatus', status);
}

/** Sets `name` to the value of `expr` when it is a real (EvaluateExpr + IsRealValue). */
function setIfReal(ad: ClassAd, name: string, expr: string): void {
  const value = ad.evaluateExpr(expr);
  if (value.type === 'real') ad.setReal(name, value.value);
}

function newJobAd(e: ParsedEvent, fields: Record<string, AdValue>, opts: UserlogAdsOptions): ClassAd {
  const time = Math.floor(e.time.getTime() / 1000);
  const ad = new ClassAd()
    .set('MyType', 'Job')
    .set('TargetType', 'Machine')
    .set('ClusterId', e.cluster)
    .set('ProcId', e.proc)
    .set('UserLog', opts.filename)
    .set('QDate', time)
    .set('EnteredCurrentStatus', time)
    .set('GlobalJobId', `localhost#${e.cluster}.${e.proc}#${time}`)
    .set('ServerTime', Math.floor(opts.now.getTime() / 1000))
    .set('SubmitHost', text(fields.SubmitHost) ?? '')
    .set('JobStatus', IDLE)
    .set('LastJobStatus', 0)
    .set('Owner', opts.owner)
    .set('JobPrio', 0)
    .set('ImageSize', 0)
    .set('Cmd', '???')
    .set('LastSuspensionTime', 0)
    .set('CompletionDate', 0)
    .set('NumJobStarts', 0)
    .set('TotalSuspensions', 0)
    .set('NumSystemHolds', 0);
  for (const name of ['LocalUserCpu', 'RemoteUserCpu', 'LocalSysCpu', 'RemoteSysCpu', 'RemoteWallClockTime']) ad.setReal(name, 0);
  return ad;
}

/** Adds one to an integer counter, or starts it at 1. */
function increment(ad: ClassAd, name: string): void {
  const value = ad.evaluateExpr(`${name} + 1`);
  ad.set(name, value.type === 'int' ? value.value : 1);
}

/**
 * The jobs `log` describes, in job-id order: one ad per job whose submit event the log holds (events of
 * other jobs are dropped), updated by each later event; `keep` picks which submitted jobs to follow.
 */
export function userlogToJobAds(
  log: ParsedLog,
  opts: UserlogAdsOptions,
  keep: (cluster: number, proc: number) => boolean = () => true,
): ClassAd[] {
  const ads = new Map<string, { cluster: number; proc: number; subproc: number; ad: ClassAd }>();
  const previous = new Map<string, ParsedEvent>();
  for (const e of log.events) {
    const key = `${e.cluster}.${e.proc}.${e.subproc}`;
    const fields = eventAttributes(e);
    const time = Math.floor(e.time.getTime() / 1000);
    if (e.code === 0) {
      if (!keep(e.cluster, e.proc)) continue;
      ads.set(key, { cluster: e.cluster, proc: e.proc, subproc: e.subproc, ad: newJobAd(e, fields, opts) });
      previous.set(key, e);
      continue;
    }
    const ad = ads.get(key)?.ad;
    if (ad === undefined) continue;
    switch (e.code) {
      case 1: {
        setStatus(ad, RUNNING);
        ad.set('EnteredCurrentStatus', time).set('JobCurrentStartDate', time);
        increment(ad, 'NumJobStarts');
        const host = text(fields.ExecuteHost) ?? '';
        ad.set('StartdIpAddr', host).set('RemoteHost', host);
        break;
      }
      case 5: {
        setStatus(ad, COMPLETED);
        const host = ad.get('RemoteHost');
        ad.delete('RemoteHost');
        if (host !== undefined) ad.insert('LastRemoteHost', host);
        ad.set('EnteredCurrentStatus', time).set('CompletionDate', time);
        if (fields.TerminatedNormally === true) ad.set('ExitBySignal', false).set('ExitCode', num(fields.ReturnValue) ?? 0);
        else ad.set('ExitBySignal', true).set('ExitSignal', num(fields.TerminatedBySignal) ?? 0);
        const [runLocalUser, runLocalSys] = rusageSeconds(text(fields.RunLocalUsage));
        const [runRemoteUser, runRemoteSys] = rusageSeconds(text(fields.RunRemoteUsage));
        ad.setReal('LastLocalUserCpu', runLocalUser).setReal('LastRemoteUserCpu', runRemoteUser);
        ad.setReal('LastLocalSysCpu', runLocalSys).setReal('LastRemoteSysCpu', runRemoteSys);
        setIfReal(ad, 'LastRemoteWallClockTime', 'real(EnteredCurrentStatus - JobCurrentStartDate)');
        const [totalLocalUser, totalLocalSys] = rusageSeconds(text(fields.TotalLocalUsage));
        const [totalRemoteUser, totalRemoteSys] = rusageSeconds(text(fields.TotalRemoteUsage));
        ad.setReal('LocalUserCpu', totalLocalUser).setReal('RemoteUserCpu', totalRemoteUser);
        ad.setReal('LocalSysCpu', totalLocalSys).setReal('RemoteSysCpu', totalRemoteSys);
        setIfReal(ad, 'RemoteWallClockTime', 'RemoteWallClockTime + LastRemoteWallClockTime');
        break;
      }
      case 10:
        setStatus(ad, SUSPENDED);
        ad.set('EnteredCurrentStatus', time).set('LastSuspensionTime', time);
        increment(ad, 'TotalSuspensions');
        break;
      case 11:
        setStatus(ad, RUNNING);
        ad.set('EnteredCurrentStatus', time);
        break;
      case 4:
        setStatus(ad, IDLE);
        ad.set('EnteredCurrentStatus', time).set('LastVacateTime', time);
        if (text(fields.Reason) !== undefined) ad.set('LastVacateReason', text(fields.Reason)!);
        break;
      case 7:
        // A text log does not say whether the job had begun to run, so no LastVacateTime (began_execution).
        setStatus(ad, IDLE);
        ad.set('EnteredCurrentStatus', time);
        if (text(fields.Message) !== undefined) ad.set('LastVacateReason', text(fields.Message)!);
        break;
      case 24:
        setStatus(ad, IDLE);
        ad.set('EnteredCurrentStatus', time).set('LastVacateTime', time);
        if (text(fields.Reason)) ad.set('LastVacateReason', text(fields.Reason)!);
        break;
      case 12: {
        const before = ad.getInt('JobStatus') ?? IDLE;
        setStatus(ad, HELD);
        const reason = text(fields.HoldReason);
        ad.set('EnteredCurrentStatus', time);
        if (before !== IDLE) {
          ad.set('LastVacateTime', time);
          if (reason) ad.set('LastVacateReason', reason);
        }
        if (reason !== undefined) ad.set('HoldReason', reason);
        const code = num(fields.HoldReasonCode) ?? 0;
        ad.set('HoldReasonCode', code).set('HoldReasonSubCode', num(fields.HoldReasonSubCode) ?? 0);
        if (code !== 1) increment(ad, 'NumSystemHolds');
        break;
      }
      case 13:
        setStatus(ad, IDLE);
        ad.set('EnteredCurrentStatus', time);
        if (text(fields.Reason)) ad.set('ReleaseReason', text(fields.Reason)!);
        break;
      case 9:
        setStatus(ad, REMOVED);
        ad.set('EnteredCurrentStatus', time);
        if (text(fields.Reason)) ad.set('RemoveReason', text(fields.Reason)!);
        break;
      case 6:
        // JobImageSizeEvent's defaults for what the event leaves out.
        ad.set('ImageSize', num(fields.Size) ?? -1);
        ad.set('ResidentSetSize', num(fields.ResidentSetSize) ?? 0);
        ad.set('ProportionalSetSize', num(fields.ProportionalSetSize) ?? -1);
        break;
      case 28: {
        // The 028 ad repeats the previous event's attributes: only the rest are the job's.
        const info = jobAdInformation(e);
        const drop = [...EVENT_HEADER, 'TriggerEventTypeNumber', 'TriggerEventTypeName', ...Object.keys(eventAttributes(previous.get(key)!))];
        for (const name of drop) info.delete(name);
        ad.update(info);
        break;
      }
    }
    previous.set(key, e);
  }
  return [...ads.values()]
    .sort((a, b) => a.cluster - b.cluster || a.proc - b.proc || a.subproc - b.subproc)
    .map((job) => job.ad);
}
