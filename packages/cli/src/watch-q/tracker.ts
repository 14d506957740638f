// condor_watch_q's job state, built from job events as its JobStateTracker builds it
// (src/condor_scripts/condor_watch_q.in): one state per job, the clusters in the order first seen.
import { parseExpr, ClassAdParseError } from '@tinycondor/shared/classad/index';
import type { ParsedEvent } from '@tinycondor/shared/eventlog/index';

/** condor_watch_q's JobStatus; each value is its column header. */
export const WatchStatus = {
  REMOVED: 'REMOVED',
  HELD: 'HELD',
  IDLE: 'IDLE',
  RUNNING: 'RUN',
  COMPLETED: 'DONE',
  TRANSFERRING_INPUT: 'INPUT',
  TRANSFERRING_OUTPUT: 'OUTPUT',
  SUSPENDED: 'SUSPENDED',
} as const;
export type WatchStatus = (typeof WatchStatus)[keyof typeof WatchStatus];

/** JobStatus.ordered(): the table's column order. */
export const ORDERED_STATUSES: readonly WatchStatus[] = ['REMOVED', 'HELD', 'SUSPENDED', 'IDLE', 'INPUT', 'RUN', 'OUTPUT', 'DONE'];

export const ACTIVE_STATES: ReadonlySet<WatchStatus> = new Set(['IDLE', 'INPUT', 'RUN', 'OUTPUT', 'HELD', 'SUSPENDED']);
export const EXITED_STATES: ReadonlySet<WatchStatus> = new Set(['REMOVED', 'DONE']);

/** JOB_EVENT_STATUS_TRANSITIONS, by event number; file transfer (040) is read from its text. */
const TRANSITIONS: Readonly<Record<number, WatchStatus>> = {
  0: 'IDLE', // SUBMIT
  4: 'IDLE', // JOB_EVICTED
  11: 'IDLE', // JOB_UNSUSPENDED
  13: 'IDLE', // JOB_RELEASED
  7: 'IDLE', // SHADOW_EXCEPTION
  24: 'IDLE', // JOB_RECONNECT_FAILED
  5: 'DONE', // JOB_TERMINATED
  1: 'RUN', // EXECUTE
  12: 'HELD', // JOB_HELD
  10: 'SUSPENDED', // JOB_SUSPENDED
  9: 'REMOVED', // JOB_ABORTED
};

const FILE_TRANSFER = 40;
const CLUSTER_SUBMIT = 35;

/** The state an event puts its job in, or undefined for an event that changes none. */
export function statusAfter(event: ParsedEvent): WatchStatus | undefined {
  if (event.code !== FILE_TRANSFER) return TRANSITIONS[event.code];
  // The original lower-cases the event's text: "Started transferring input files" and so on.
  // An XML record carries its FileTransferEventType instead (2: input started, 5: output started).
  const type = event.attributes?.Type;
  if (typeof type === 'number') return type === 2 ? 'INPUT' : type === 5 ? 'OUTPUT' : undefined;
  const text = event.text.toLowerCase();
  if (!text.includes('started')) return undefined;
  if (text.includes('input')) return 'INPUT';
  if (text.includes('output')) return 'OUTPUT';
  return undefined;
}

/** JobBatchName from a submit event's structured notes (a ClassAd line, "[JobBatchName = ...]"), if any. */
export function structuredNotesBatchName(event: ParsedEvent): string | undefined {
  const notes = event.attributes?.StructuredNotes;
  if (notes !== undefined && notes !== null && typeof notes === 'object' && !Array.isArray(notes)) {
    const name = (notes as Record<string, unknown>).JobBatchName;
    return typeof name === 'string' ? name : undefined;
  }
  const line = event.lines.map((l) => l.trim()).find((l) => l.startsWith('['));
  if (line === undefined) return undefined;
  try {
    const expr = parseExpr(line);
    if (expr.kind !== 'record') return undefined;
    const entry = expr.entries.find((e) => e.name.toLowerCase() === 'jobbatchname');
    if (entry?.expr.kind === 'literal' && entry.expr.value.type === 'string') return entry.expr.value.value;
  } catch (err) {
    if (!(err instanceof ClassAdParseError)) throw err;
  }
  return undefined;
}

/** One cluster's jobs, as the original's Cluster. */
export class Cluster {
  readonly jobs = new Map<number, WatchStatus>();
  /** When its last job left the queue (seconds since the epoch), once all have. */
  decayStart: number | undefined;

  constructor(
    readonly clusterId: number,
    readonly eventLogPath: string,
    private readonly givenBatchName: string | undefined,
    private readonly procCount: number | undefined,
  ) {}

  get numJobs(): number {
    return this.procCount ?? this.jobs.size;
  }

  get batchName(): string {
    return this.givenBatchName || `ID: ${this.clusterId}`;
  }

  /** Every job seen has left the queue (completed or removed). */
  done(): boolean {
    return [...this.jobs.values()].every((s) => EXITED_STATES.has(s));
  }

  /** Shown unless done for at least `decaySeconds`. */
  display(decaySeconds: number, nowSeconds: number): boolean {
    if (this.done() && this.decayStart !== undefined) return nowSeconds - this.decayStart < decaySeconds;
    return true;
  }
}

export interface TrackerOptions {
  /** JobBatchName by cluster, from the schedd (undefined: the cluster has none). */
  batchNames: Map<number, string | undefined>;
  /** Only these clusters (undefined: all). */
  filterIds: number[] | undefined;
  /** -larger-than: only clusters >= this. */
  since: number | undefined;
  /** TotalSubmitProcs by cluster, from the schedd. */
  numProcs: Map<number, number>;
  /** -decay-start-at-read. */
  decayStartAtRead: boolean;
}

export class JobStateTracker {
  private readonly byCluster = new Map<number, Cluster>();

  constructor(private readonly opts: TrackerOptions) {}

  /** Feeds one event read from `logPath` at `nowSeconds`. */
  observe(logPath: string, event: ParsedEvent, nowSeconds: number): void {
    const { filterIds, since, batchNames } = this.opts;
    if (filterIds !== undefined && !filterIds.includes(event.cluster)) return;
    if (since !== undefined && event.cluster < since) return;
    const status = statusAfter(event);
    if (status === undefined) return;
    let batchName = batchNames.get(event.cluster);
    if (batchName === undefined && (event.code === 0 || event.code === CLUSTER_SUBMIT)) {
      const fromNotes = structuredNotesBatchName(event);
      if (fromNotes !== undefined) {
        batchName = fromNotes;
        batchNames.set(event.cluster, fromNotes);
      }
    }
    let cluster = this.byCluster.get(event.cluster);
    if (cluster === undefined) {
      cluster = new Cluster(event.cluster, logPath, batchName, this.opts.numProcs.get(event.cluster));
      this.byCluster.set(event.cluster, cluster);
    }
    cluster.jobs.set(event.proc, status);
    if (EXITED_STATES.has(status) && cluster.done()) {
      cluster.decayStart = this.opts.decayStartAtRead ? nowSeconds : event.time.getTime() / 1000;
    }
  }

  get clusters(): Cluster[] {
    return [...this.byCluster.values()];
  }

  get jobStates(): WatchStatus[] {
    return this.clusters.flatMap((c) => [...c.jobs.values()]);
  }
}

export type ExitGrouper = 'all' | 'any' | 'none';
export type ExitJobStatus = 'active' | 'done' | 'idle' | 'held';
export const EXIT_GROUPERS: readonly ExitGrouper[] = ['all', 'any', 'none'];
export const EXIT_JOB_STATUSES: readonly ExitJobStatus[] = ['active', 'done', 'idle', 'held'];

export interface ExitCondition {
  grouper: ExitGrouper;
  status: ExitJobStatus;
  exitStatus: number;
}

const STATUS_CHECK: Readonly<Record<ExitJobStatus, (s: WatchStatus) => boolean>> = {
  active: (s) => ACTIVE_STATES.has(s),
  done: (s) => s === 'DONE',
  idle: (s) => s === 'IDLE',
  held: (s) => s === 'HELD',
};

/** Whether the jobs' states meet a condition; as Python's all()/any(), "all" holds for no jobs at all. */
export function exitConditionMet(condition: ExitCondition, states: readonly WatchStatus[]): boolean {
  const check = STATUS_CHECK[condition.status];
  if (condition.grouper === 'all') return states.every(check);
  if (condition.grouper === 'any') return states.some(check);
  return !states.some(check);
}
