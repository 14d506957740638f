// The classic text form of an event: ULogEvent::formatHeader + each event's
// formatBody (condor_event.cpp) + the "...\n" SynchDelimiter (write_user_log.cpp).

import { formatHeaderDate, formatEventTime, type TimeFormat } from './dates.js';
import {
  EVENT_MY_TYPES, EVENT_NUMBER_NAMES, FILE_TRANSFER_STRINGS, oneLine, structuredNotesText,
  type AdScalar, type JobEvent, type JobExit, type Rusage,
} from './events.js';
import { formatLongFormLine, sortAttrNames } from './long-form.js';
import { formatUsageTable } from './usage-table.js';

export const SYNC_DELIMITER = '...\n';

/** printf("%03d"): zero-padded to 3 characters, wider when needed, sign first. */
export function pad3(n: number): string {
  const digits = String(Math.abs(Math.trunc(n)));
  return n < 0 ? `-${digits.padStart(2, '0')}` : digits.padStart(3, '0');
}

export function formatEventHeader(e: JobEvent, format: TimeFormat = {}): string {
  return `${pad3(e.code)} (${pad3(e.cluster)}.${pad3(e.proc)}.${pad3(e.subproc ?? 0)}) ${formatHeaderDate(e.time, format)} `;
}

/** The complete event, header through the "...\n" line, as one string to append with one write. */
export function formatEventText(e: JobEvent, format: TimeFormat = {}): string {
  return formatEventHeader(e, format) + formatBody(e, format.utc === true) + SYNC_DELIMITER;
}

const zero: Rusage = { userSeconds: 0, systemSeconds: 0 };

/** ULogEvent::formatRusage: "\tUsr %lld %02lld:%02lld:%02lld, Sys …" (days then h:m:s). */
export function formatRusage(usage: Rusage = zero): string {
  return `\tUsr ${daysHms(usage.userSeconds)}, Sys ${daysHms(usage.systemSeconds)}`;
}

function daysHms(totalSeconds: number): string {
  let rest = Math.max(0, Math.floor(totalSeconds));
  const days = Math.floor(rest / 86400);
  rest %= 86400;
  const hours = Math.floor(rest / 3600);
  rest %= 3600;
  const minutes = Math.floor(rest / 60);
  const seconds = rest % 60;
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${days} ${two(hours)}:${two(minutes)}:${two(seconds)}`;
}

/** printf("%.0f"). */
const bytes = (n: number | undefined): string => (n ?? 0).toFixed(0);

/** printf("%.8191s"). */
const notes = (text: string): string => `    ${oneLine(text).slice(0, 8191)}\n`;

function formatExitLines(exit: JobExit, trailingTab: boolean): string {
  const tab = trailingTab ? '\t' : '';
  if (!exit.bySignal) return `\t(1) Normal termination (return value ${exit.returnValue})\n${tab}`;
  const core = exit.coreFile ? `\t(1) Corefile in: ${oneLine(exit.coreFile)}\n` : '\t(0) No core file\n';
  return `\t(0) Abnormal termination (signal ${exit.signal})\n${core}${tab}`;
}

function formatBody(e: JobEvent, utc: boolean): string {
  switch (e.code) {
    case 0: {
      let out = `Job submitted from host: ${oneLine(e.submitHost)}\n`;
      // The structured notes' ad takes the place of submit_event_notes (SubmitEvent::formatBody).
      if (e.structuredNotes?.length) out += `    ${oneLine(structuredNotesText(e.structuredNotes))}\n`;
      else if (e.logNotes) out += notes(e.logNotes);
      if (e.userNotes) out += notes(e.userNotes);
      // printf("%.8110s"): the submit requirements' warnings (SUBMIT_REQUIREMENT_<name>_IS_WARNING).
      if (e.warnings) out += `    WARNING: Committed job submission into the queue with the following warning(s): ${oneLine(e.warnings).slice(0, 8110)}\n`;
      return out;
    }
    case 1: {
      let out = `Job executing on host: ${oneLine(e.executeHost)}\n`;
      if (e.slotName) out += `\tSlotName: ${oneLine(e.slotName)}\n`;
      const props = e.props ?? {};
      for (const name of sortAttrNames(Object.keys(props))) {
        const value = props[name] as string | number | boolean;
        out += formatLongFormLine(name, typeof value === 'string' ? oneLine(value) : value, '\t');
      }
      return out;
    }
    case 4: {
      const codes = e.reasonCode ? ` Code ${e.reasonCode} Subcode ${e.reasonSubCode ?? 0}` : '';
      let out = `Job was evicted.${codes}\n\t`;
      // HTCondor's defaults (normal = false, signal = -1) when a requeue lacks its exit.
      const requeuedExit: JobExit | undefined = e.terminatedAndRequeued ? e.exit ?? { bySignal: true, signal: -1 } : undefined;
      if (requeuedExit) out += '(0) Job terminated and was requeued\n\t';
      else if (e.checkpointed) out += '(1) Job was checkpointed.\n\t';
      else out += '(0) CPU times\n\t';
      out += `${formatRusage(e.runRemoteUsage)}  -  Run Remote Usage\n\t`;
      out += `${formatRusage(e.runLocalUsage)}  -  Run Local Usage\n`;
      out += `\t${bytes(e.sentBytes)}  -  Run Bytes Sent By Job\n`;
      out += `\t${bytes(e.receivedBytes)}  -  Run Bytes Received By Job\n`;
      if (requeuedExit) out += formatExitLines(requeuedExit, false);
      if (e.reason) out += requeuedExit ? `\t${oneLine(e.reason)}\n` : `\tReason: ${oneLine(e.reason)}\n`;
      if (e.resources) out += formatUsageTable(e.resources);
      return out;
    }
    case 5: {
      let out = 'Job terminated.\n' + formatExitLines(e.exit, true);
      out += `${formatRusage(e.runRemoteUsage)}  -  Run Remote Usage\n\t`;
      out += `${formatRusage(e.runLocalUsage)}  -  Run Local Usage\n\t`;
      out += `${formatRusage(e.totalRemoteUsage)}  -  Total Remote Usage\n\t`;
      out += `${formatRusage(e.totalLocalUsage)}  -  Total Local Usage\n`;
      out += `\t${bytes(e.sentBytes)}  -  Run Bytes Sent By Job\n`;
      out += `\t${bytes(e.receivedBytes)}  -  Run Bytes Received By Job\n`;
      out += `\t${bytes(e.totalSentBytes)}  -  Total Bytes Sent By Job\n`;
      out += `\t${bytes(e.totalReceivedBytes)}  -  Total Bytes Received By Job\n`;
      if (e.resources) out += formatUsageTable(e.resources);
      return out;
    }
    case 6: {
      let out = `Image size of job updated: ${Math.trunc(e.imageSizeKb)}\n`;
      if (e.memoryUsageMb !== undefined) out += `\t${Math.trunc(e.memoryUsageMb)}  -  MemoryUsage of job (MB)\n`;
      if (e.residentSetSizeKb !== undefined) out += `\t${Math.trunc(e.residentSetSizeKb)}  -  ResidentSetSize of job (KB)\n`;
      if (e.proportionalSetSizeKb !== undefined) {
        out += `\t${Math.trunc(e.proportionalSetSizeKb)}  -  ProportionalSetSize of job (KB)\n`;
      }
      return out;
    }
    case 8:
      return `${oneLine(e.info)}\n`;
    case 9:
      return 'Job was aborted.\n' + (e.reason ? `\t${oneLine(e.reason)}\n` : '');
    case 10:
      return `Job was suspended.\n\tNumber of processes actually suspended: ${e.numPids}\n`;
    case 11:
      return 'Job was unsuspended.\n';
    case 12:
      return `Job was held.\n\t${e.reason ? oneLine(e.reason) : 'Reason unspecified'}\n`
        + `\tCode ${e.reasonCode} Subcode ${e.reasonSubCode}\n`;
    case 13:
      return 'Job was released.\n' + (e.reason ? `\t${oneLine(e.reason)}\n` : '');
    case 21: {
      const kind = e.critical === false ? 'Message' : 'Error';
      let out = `${kind} from ${oneLine(e.daemon)} on ${oneLine(e.executeHost)}:\n`;
      // Each message line is indented by one tab; a final newline adds no empty line.
      const message = e.message.replace(/\r/g, ' ');
      const lines = message.endsWith('\n') ? message.slice(0, -1).split('\n') : message.split('\n');
      if (message !== '') for (const line of lines) out += `\t${line}\n`;
      if (e.holdReasonCode) out += `\tCode ${e.holdReasonCode} Subcode ${e.holdReasonSubCode ?? 0}\n`;
      return out;
    }
    case 22:
      return 'Job disconnected, attempting to reconnect\n' + notes(e.reason)
        + `    Trying to reconnect to ${oneLine(e.startdName)} ${oneLine(e.startdAddr)}\n`;
    case 23:
      return `Job reconnected to ${oneLine(e.startdName)}\n`
        + `    startd address: ${oneLine(e.startdAddr)}\n`
        + `    starter address: ${oneLine(e.starterAddr)}\n`;
    case 24:
      return 'Job reconnection failed\n' + notes(e.reason)
        + `    Can not reconnect to ${oneLine(e.startdName)}, rescheduling job\n`;
    case 28:
      return 'Job ad information event triggered.\n'
        + jobAdInformationAttributes(e, utc).map(([name, value]) => formatLongFormLine(name, value)).join('');
    case 40: {
      let out = `${FILE_TRANSFER_STRINGS[e.transferType]}\n`;
      if (e.queueingDelaySeconds !== undefined) out += `\tSeconds spent in queue: ${Math.trunc(e.queueingDelaySeconds)}\n`;
      if (e.host) out += `\tTransferring to host: ${oneLine(e.host)}\n`;
      return out;
    }
    case 46:
      return 'Dataflow job was skipped.\n' + (e.reason ? `\t${oneLine(e.reason)}\n` : '');
  }
}

/**
 * What a 028 event reports: HTCondor builds it from the triggering event's ad
 * (so MyType stays the trigger's) plus TriggerEventType* and the chosen job attributes.
 */
export function jobAdInformationAttributes(e: JobEvent & { code: 28 }, utc: boolean): Array<[string, AdScalar]> {
  const trigger = e.triggerCode;
  const attrs: Array<[string, AdScalar]> = [
    ['MyType', trigger === undefined ? EVENT_MY_TYPES[28] : EVENT_MY_TYPES[trigger] ?? 'FutureEvent'],
    ['EventTypeNumber', 28],
    ['EventTime', formatEventTime(e.time, utc)],
    ['Cluster', e.cluster],
    ['Proc', e.proc],
    ['Subproc', e.subproc ?? 0],
  ];
  if (trigger !== undefined) {
    attrs.push(['TriggerEventTypeNumber', trigger], ['TriggerEventTypeName', EVENT_NUMBER_NAMES[trigger] ?? 'ULOG_FUTURE_EVENT']);
  }
  for (const [name, value] of Object.entries(e.attrs)) {
    if (!attrs.some(([existing]) => existing.toLowerCase() === name.toLowerCase())) {
      attrs.push([name, typeof value === 'string' ? oneLine(value) : value]);
    }
  }
  return attrs;
}
