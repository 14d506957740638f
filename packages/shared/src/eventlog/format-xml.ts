// The XML form of an event (log_xml = True): the event's ClassAd
// (ULogEvent::toClassAd and overrides in condor_event.cpp) written by
// classad::ClassAdXMLUnParser with compact spacing off (src/classad/xmlSink.cpp).

import { formatRealE } from '../classad/format-number.js';
import { formatEventTime } from './dates.js';
import { EVENT_MY_TYPES, type AdScalar, type NoteValue, type JobEvent, type JobExit, type Rusage } from './events.js';
import { jobAdInformationAttributes } from './format-text.js';
import { sortAttrNames } from './long-form.js';
import { usageAdAttributes } from './usage-table.js';

/** Written once at the top of a new XML user log: HTCondor writes no prolog (readers accept one). */
export const XML_LOG_PROLOGUE = '';

export type XmlAdValue =
  | { s: string }
  | { i: number }
  | { r: number }
  | { b: boolean }
  | { c: XmlAd };

export type XmlAd = Array<[name: string, value: XmlAdValue]>;

const INDENT_STEP = 4;

export function formatEventXml(e: JobEvent, options: { utc?: boolean } = {}): string {
  return unparseAd(eventAd(e, options.utc === true), 0);
}

export function unparseAd(ad: XmlAd, indent: number): string {
  let out = '<c>\n';
  for (const [name, value] of ad) {
    out += `${' '.repeat(indent + INDENT_STEP)}<a n="${escapeXmlString(name)}">${unparseValue(value, indent + INDENT_STEP)}</a>\n`;
  }
  out += `${' '.repeat(indent)}</c>`;
  return indent === 0 ? `${out}\n` : out;
}

function unparseValue(value: XmlAdValue, indent: number): string {
  if ('s' in value) return `<s>${escapeXmlString(value.s)}</s>`;
  if ('i' in value) return `<i>${Math.trunc(value.i)}</i>`;
  if ('r' in value) return `<r>${formatXmlReal(value.r)}</r>`;
  if ('b' in value) return `<b v="${value.b ? 't' : 'f'}"/>`;
  return unparseAd(value.c, indent);
}

/** ClassAdXMLUnParser's reals: "0.0" or printf("%1.15E"). */
export function formatXmlReal(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'INF' : '-INF';
  if (value === 0) return '0.0';
  return formatRealE(value);
}

const NAMED_ESCAPES: Readonly<Record<number, string>> = {
  0x07: '\\a', 0x08: '\\b', 0x0c: '\\f', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x0b: '\\v', 0x5c: '\\\\',
};

/**
 * ClassAdUnParser string body in XML mode: C escapes, octal for every byte
 * that is not printable ASCII (so UTF-8 becomes "\303\251"), and &, <, > as entities.
 */
export function escapeXmlString(text: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(text)) {
    const named = NAMED_ESCAPES[byte];
    if (named !== undefined) out += named;
    else if (byte < 0x20 || byte >= 0x7f) out += `\\${byte.toString(8).padStart(3, '0')}`;
    else if (byte === 0x26) out += '&amp;';
    else if (byte === 0x3c) out += '&lt;';
    else if (byte === 0x3e) out += '&gt;';
    else out += String.fromCharCode(byte);
  }
  return out;
}

const str = (s: string): XmlAdValue => ({ s });
const int = (i: number): XmlAdValue => ({ i });
const real = (r: number): XmlAdValue => ({ r });
const bool = (b: boolean): XmlAdValue => ({ b });
/** Integers stay ClassAd integers, anything else becomes a real. */
const num = (n: number): XmlAdValue => (Number.isInteger(n) ? int(n) : real(n));
const scalar = (v: AdScalar): XmlAdValue => (typeof v === 'string' ? str(v) : typeof v === 'boolean' ? bool(v) : num(v));

/** ULogEvent::rusageToStr. */
function rusageString(usage: Rusage | undefined): XmlAdValue {
  const seconds = (n: number): string => {
    let rest = Math.max(0, Math.floor(n));
    const days = Math.floor(rest / 86400);
    rest %= 86400;
    const two = (x: number): string => String(x).padStart(2, '0');
    return `${days} ${two(Math.floor(rest / 3600))}:${two(Math.floor((rest % 3600) / 60))}:${two(rest % 60)}`;
  };
  return str(`Usr ${seconds(usage?.userSeconds ?? 0)}, Sys ${seconds(usage?.systemSeconds ?? 0)}`);
}

function exitAttributes(exit: JobExit): XmlAd {
  const ad: XmlAd = [['TerminatedNormally', bool(!exit.bySignal)]];
  if (!exit.bySignal) ad.push(['ReturnValue', int(exit.returnValue)]);
  else {
    ad.push(['TerminatedBySignal', int(exit.signal)]);
    if (exit.coreFile) ad.push(['CoreFile', str(exit.coreFile)]);
  }
  return ad;
}

function noteXmlValue(value: NoteValue): XmlAdValue {
  if (typeof value === 'object') return { r: value.real };
  if (typeof value === 'string') return { s: value };
  if (typeof value === 'boolean') return { b: value };
  return { i: value };
}

/** The event's ClassAd, attributes in the order the toClassAd methods insert them. */
export function eventAd(e: JobEvent, utc = false): XmlAd {
  const ad: XmlAd = [
    ['MyType', str(EVENT_MY_TYPES[e.code] ?? 'FutureEvent')],
    ['EventTypeNumber', int(e.code)],
    ['EventTime', str(formatEventTime(e.time, utc))],
    ['Cluster', int(e.cluster)],
    ['Proc', int(e.proc)],
    ['Subproc', int(e.subproc ?? 0)],
  ];
  switch (e.code) {
    case 0:
      if (e.submitHost) ad.push(['SubmitHost', str(e.submitHost)]);
      if (e.logNotes) ad.push(['LogNotes', str(e.logNotes)]);
      if (e.userNotes) ad.push(['UserNotes', str(e.userNotes)]);
      if (e.warnings) ad.push(['Warnings', str(e.warnings)]);
      if (e.structuredNotes?.length) ad.push(['StructuredNotes', { c: e.structuredNotes.map(([name, value]) => [name, noteXmlValue(value)]) }]);
      break;
    case 1: {
      if (e.executeHost) ad.push(['ExecuteHost', str(e.executeHost)]);
      if (e.slotName) ad.push(['SlotName', str(e.slotName)]);
      const props = e.props ?? {};
      const names = sortAttrNames(Object.keys(props));
      if (names.length > 0) ad.push(['ExecuteProps', { c: names.map((n) => [n, scalar(props[n] as string | number | boolean)]) }]);
      break;
    }
    case 4: {
      ad.push(
        ['Checkpointed', bool(e.checkpointed)],
        ['RunLocalUsage', rusageString(e.runLocalUsage)],
        ['RunRemoteUsage', rusageString(e.runRemoteUsage)],
        ['SentBytes', real(e.sentBytes ?? 0)],
        ['ReceivedBytes', real(e.receivedBytes ?? 0)],
        ['TerminatedAndRequeued', bool(e.terminatedAndRequeued === true)],
      );
      if (e.terminatedAndRequeued && e.exit) ad.push(...exitAttributes(e.exit));
      else ad.push(['TerminatedNormally', bool(false)]);
      if (e.reason) ad.push(['Reason', str(e.reason)]);
      if (e.reasonCode) ad.push(['ReasonCode', int(e.reasonCode)]);
      if (e.reasonSubCode) ad.push(['ReasonSubCode', int(e.reasonSubCode)]);
      break;
    }
    case 5:
      if (e.resources) ad.push(...usageAdAttributes(e.resources).map(([n, v]): [string, XmlAdValue] => [n, num(v)]));
      ad.push(
        ...exitAttributes(e.exit),
        ['RunLocalUsage', rusageString(e.runLocalUsage)],
        ['RunRemoteUsage', rusageString(e.runRemoteUsage)],
        ['TotalLocalUsage', rusageString(e.totalLocalUsage)],
        ['TotalRemoteUsage', rusageString(e.totalRemoteUsage)],
        ['SentBytes', real(e.sentBytes ?? 0)],
        ['ReceivedBytes', real(e.receivedBytes ?? 0)],
        ['TotalSentBytes', real(e.totalSentBytes ?? 0)],
        ['TotalReceivedBytes', real(e.totalReceivedBytes ?? 0)],
      );
      break;
    case 6:
      ad.push(['Size', int(e.imageSizeKb)]);
      if (e.memoryUsageMb !== undefined) ad.push(['MemoryUsage', int(e.memoryUsageMb)]);
      if (e.residentSetSizeKb !== undefined) ad.push(['ResidentSetSize', int(e.residentSetSizeKb)]);
      if (e.proportionalSetSizeKb !== undefined) ad.push(['ProportionalSetSize', int(e.proportionalSetSizeKb)]);
      break;
    case 8:
      if (e.info) ad.push(['Info', str(e.info)]);
      break;
    case 10:
      ad.push(['NumberOfPIDs', int(e.numPids)]);
      break;
    case 11:
      break;
    case 9:
    case 13:
      if (e.reason) ad.push(['Reason', str(e.reason)]);
      break;
    case 12:
      if (e.reason) ad.push(['HoldReason', str(e.reason)]);
      ad.push(['HoldReasonCode', int(e.reasonCode)], ['HoldReasonSubCode', int(e.reasonSubCode)]);
      break;
    case 21:
      if (e.daemon) ad.push(['Daemon', str(e.daemon)]);
      if (e.executeHost) ad.push(['ExecuteHost', str(e.executeHost)]);
      if (e.message) ad.push(['ErrorMsg', str(e.message)]);
      if (e.critical === false) ad.push(['CriticalError', int(0)]);
      if (e.holdReasonCode) {
        ad.push(['HoldReasonCode', int(e.holdReasonCode)], ['HoldReasonSubCode', int(e.holdReasonSubCode ?? 0)]);
      }
      break;
    case 22:
      ad.push(
        ['StartdAddr', str(e.startdAddr)],
        ['StartdName', str(e.startdName)],
        ['DisconnectReason', str(e.reason)],
        ['EventDescription', str('Job disconnected, attempting to reconnect')],
      );
      break;
    case 23:
      ad.push(
        ['StartdAddr', str(e.startdAddr)],
        ['StartdName', str(e.startdName)],
        ['StarterAddr', str(e.starterAddr)],
        ['EventDescription', str('Job reconnected')],
      );
      break;
    case 24:
      ad.push(
        ['StartdName', str(e.startdName)],
        ['Reason', str(e.reason)],
        ['EventDescription', str('Job reconnect impossible: rescheduling job')],
      );
      break;
    case 28: {
      // toClassAd merges the reported ad over the event's own and resets MyType.
      const own = new Set(ad.map(([n]) => n.toLowerCase()));
      for (const [name, value] of jobAdInformationAttributes(e, utc)) {
        if (!own.has(name.toLowerCase())) ad.push([name, scalar(value)]);
      }
      break;
    }
    case 40:
      ad.push(['Type', int(e.transferType)]);
      if (e.queueingDelaySeconds !== undefined) ad.push(['QueueingDelay', int(e.queueingDelaySeconds)]);
      if (e.host) ad.push(['Host', str(e.host)]);
      break;
    case 46:
      if (e.reason) ad.push(['Reason', str(e.reason)]);
      break;
  }
  return ad;
}
