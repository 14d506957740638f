// Job event log (user log) event model, mirroring the event classes of
// HTCondor's src/condor_utils/condor_event.cpp.

import { formatAttributeName, unparseValue } from '../classad/unparse.js';
import type { Value } from '../classad/value.js';

export interface Rusage { userSeconds: number; systemSeconds: number }

/** How a job's process ended (TerminatedEvent in condor_event.cpp). */
export type JobExit =
  | { bySignal: false; returnValue: number }
  | { bySignal: true; signal: number; coreFile?: string };

/** One row of the "Partitionable Resources" table: [usage (null = not measured), request, allocated]. */
export type ResourceRow = [usage: number | null, request: number, allocated: number];

export interface ResourceUsage { cpus?: ResourceRow; disk?: ResourceRow; memory?: ResourceRow }

/** FileTransferEventType: IN_QUEUED=1 … OUT_FINISHED=6. */
export type FileTransferType = 1 | 2 | 3 | 4 | 5 | 6;

export type AdScalar = string | number | boolean;

/** A structured note's value: a ClassAd literal, its number tagged when it is a real. */
export type NoteValue = string | number | boolean | { real: number };

interface EventBase { cluster: number; proc: number; subproc?: number; time: Date }

export type JobEventBody =
  | {
      code: 0; submitHost: string; logNotes?: string; userNotes?: string; warnings?: string;
      /** The submit event's structured notes ad (schedd.cpp WriteSubmitToUserLog), attributes in order; a `real` number is a ClassAd real. */
      structuredNotes?: Array<[name: string, value: NoteValue]>;
    }
  | { code: 1; executeHost: string; slotName?: string; props?: Record<string, string | number | boolean> }
  | {
      code: 4; checkpointed: boolean; reasonCode?: number; reasonSubCode?: number; reason?: string;
      runRemoteUsage?: Rusage; runLocalUsage?: Rusage; sentBytes?: number; receivedBytes?: number;
      /** on_exit_remove was false: "(0) Job terminated and was requeued", then how it exited. */
      terminatedAndRequeued?: boolean; exit?: JobExit;
      resources?: ResourceUsage;
    }
  | {
      code: 5; exit: JobExit;
      runRemoteUsage?: Rusage; runLocalUsage?: Rusage; totalRemoteUsage?: Rusage; totalLocalUsage?: Rusage;
      sentBytes?: number; receivedBytes?: number; totalSentBytes?: number; totalReceivedBytes?: number;
      resources?: ResourceUsage;
    }
  | { code: 6; imageSizeKb: number; memoryUsageMb?: number; residentSetSizeKb?: number; proportionalSetSizeKb?: number }
  /** GenericEvent: a line of text (condor_chirp ulog), at most 1023 bytes. */
  | { code: 8; info: string }
  | { code: 9; reason?: string }
  | { code: 10; numPids: number }
  | { code: 11 }
  | { code: 12; reason?: string; reasonCode: number; reasonSubCode: number }
  | { code: 13; reason?: string }
  | {
      code: 21; daemon: string; executeHost: string; message: string;
      /** false prints "Message from …" instead of "Error from …" (HTCondor's critical_error). */
      critical?: boolean;
      /** Only printed when non-zero, as in HTCondor. */
      holdReasonCode?: number; holdReasonSubCode?: number;
    }
  | { code: 22; reason: string; startdName: string; startdAddr: string }
  | { code: 23; startdName: string; startdAddr: string; starterAddr: string }
  | { code: 24; reason: string; startdName: string }
  | {
      code: 28;
      /** Job ad attributes to report, printed in this order after the event's own attributes. */
      attrs: Record<string, AdScalar>;
      /** Event number of the event that triggered the report (TriggerEventTypeNumber). */
      triggerCode?: number;
    }
  | { code: 40; transferType: FileTransferType; host?: string; queueingDelaySeconds?: number }
  /** DataflowJobSkippedEvent: skip_if_dataflow found the outputs newer than the inputs; a 005 follows. */
  | { code: 46; reason?: string };

export type JobEvent = EventBase & JobEventBody;

/** ULogEventNumberNames of condor_event.cpp, for the event numbers this module writes. */
export const EVENT_NUMBER_NAMES: Readonly<Record<number, string>> = {
  0: 'ULOG_SUBMIT', 1: 'ULOG_EXECUTE', 2: 'ULOG_EXECUTABLE_ERROR', 3: 'ULOG_CHECKPOINTED',
  4: 'ULOG_JOB_EVICTED', 5: 'ULOG_JOB_TERMINATED', 6: 'ULOG_IMAGE_SIZE', 7: 'ULOG_SHADOW_EXCEPTION',
  8: 'ULOG_GENERIC', 9: 'ULOG_JOB_ABORTED', 10: 'ULOG_JOB_SUSPENDED', 11: 'ULOG_JOB_UNSUSPENDED',
  12: 'ULOG_JOB_HELD', 13: 'ULOG_JOB_RELEASED', 21: 'ULOG_REMOTE_ERROR', 22: 'ULOG_JOB_DISCONNECTED',
  23: 'ULOG_JOB_RECONNECTED', 24: 'ULOG_JOB_RECONNECT_FAILED', 28: 'ULOG_JOB_AD_INFORMATION',
  33: 'ULOG_ATTRIBUTE_UPDATE', 35: 'ULOG_CLUSTER_SUBMIT', 36: 'ULOG_CLUSTER_REMOVE',
  40: 'ULOG_FILE_TRANSFER', 46: 'ULOG_DATAFLOW_JOB_SKIPPED', 47: 'ULOG_COMMON_FILES',
};

/** MyType of each event's ClassAd form (ULogEvent::toClassAd). */
export const EVENT_MY_TYPES: Readonly<Record<number, string>> = {
  0: 'SubmitEvent', 1: 'ExecuteEvent', 2: 'ExecutableErrorEvent', 3: 'CheckpointedEvent',
  4: 'JobEvictedEvent', 5: 'JobTerminatedEvent', 6: 'JobImageSizeEvent', 7: 'ShadowExceptionEvent',
  8: 'GenericEvent', 9: 'JobAbortedEvent', 10: 'JobSuspendedEvent', 11: 'JobUnsuspendedEvent',
  12: 'JobHeldEvent', 13: 'JobReleaseEvent', 21: 'RemoteErrorEvent', 22: 'JobDisconnectedEvent',
  23: 'JobReconnectedEvent', 24: 'JobReconnectFailedEvent', 28: 'JobAdInformationEvent',
  33: 'AttributeUpdateEvent', 35: 'ClusterSubmitEvent', 36: 'ClusterRemoveEvent',
  40: 'FileTransferEvent', 46: 'DataflowJobSkippedEvent', 47: 'CommonFilesEvent',
};

/** FileTransferEvent::FileTransferEventStrings, indexed by FileTransferType. */
export const FILE_TRANSFER_STRINGS: Readonly<Record<FileTransferType, string>> = {
  1: 'Entered queue to transfer input files',
  2: 'Started transferring input files',
  3: 'Finished transferring input files',
  4: 'Entered queue to transfer output files',
  5: 'Started transferring output files',
  6: 'Finished transferring output files',
};

/** ULogEvent::set_reason_member: a one-line field must not break the log's line structure. */
/** A note value as the ClassAd value it stands for. */
export function noteValue(value: NoteValue): Value {
  if (typeof value === 'object') return { type: 'real', value: value.real };
  if (typeof value === 'string') return { type: 'string', value };
  if (typeof value === 'boolean') return { type: 'bool', value };
  return { type: 'int', value };
}

/**
 * The structured notes as SubmitEvent::formatBody's ClassAdUnParser writes their ad on one line, in new
 * ClassAd syntax (no SetOldClassAd): `[ A = 1; B = "x"; C = 5.000000000000000E-01 ]`.
 */
export function structuredNotesText(notes: ReadonlyArray<[string, NoteValue]>): string {
  return `[ ${notes.map(([name, value]) => `${formatAttributeName(name, 'new')} = ${unparseValue(noteValue(value), 'new')}`).join('; ')} ]`;
}

export function oneLine(text: string): string {
  return text.replace(/\n/g, '|').replace(/\r/g, ' ');
}
