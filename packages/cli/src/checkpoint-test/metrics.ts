import type { TimelineEntry } from '@tinycondor/shared/job-timeline';

export interface CheckpointFigure {
  number: number;
  bytes: number;
  files: number;
  /** From the first byte of the upload reaching the schedd to its commit into SPOOL. */
  uploadMs: number;
  /** The checkpoint's whole cost to the job: from its checkpoint exit to its restart in place (startd's clock). */
  overheadMs?: number;
  /** Milliseconds after the run's first execution began. */
  committedAtMs: number;
}

export interface EvictionFigure {
  /** Milliseconds after the first execution began: the fault's moment, else the eviction event's. */
  atMs: number;
  /** Work lost: from the last committed checkpoint (or the start of the evicted execution) to the eviction. */
  badputMs: number;
  /** From the eviction to the next execution's start (end of the old run, matchmaking, input and checkpoint transfer). */
  restartMs: number | undefined;
}

export interface RunFigures {
  /** From the first execution to termination (or to the end of the timeline). */
  wallMs: number;
  executions: number;
  checkpoints: CheckpointFigure[];
  evictions: EvictionFigure[];
  failedUploads: number;
  /** The first execution's start, ms since the epoch; the origin of the other figures. */
  startedAt: number | undefined;
}

/** The figures of one job's run, computed from its timeline only. */
export function runFigures(entries: TimelineEntry[]): RunFigures {
  const sorted = [...entries].sort((a, b) => a.time - b.time);
  const origin = sorted.find((e) => e.kind === 'executing')?.time;
  const rel = (time: number) => time - (origin ?? time);
  const checkpoints: CheckpointFigure[] = [];
  const evictions: EvictionFigure[] = [];
  let uploadStart: TimelineEntry | undefined;
  let lastSave: number | undefined;
  let pendingFault: number | undefined;
  let waitingRestart: EvictionFigure | undefined;
  let evictedAt = 0;
  let executions = 0;
  let failedUploads = 0;
  let end: number | undefined;
  const exits = new Map<number, number>();
  const overheads = new Map<number, number>();
  for (const entry of sorted) {
    switch (entry.kind) {
      case 'checkpoint-exit':
        if (entry.checkpoint !== undefined) exits.set(entry.checkpoint, entry.time);
        break;
      case 'checkpoint-restart': {
        const exited = entry.checkpoint === undefined ? undefined : exits.get(entry.checkpoint);
        if (exited !== undefined) overheads.set(entry.checkpoint as number, entry.time - exited);
        break;
      }
      case 'executing':
        executions += 1;
        lastSave = entry.time;
        if (waitingRestart) waitingRestart.restartMs = entry.time - evictedAt;
        waitingRestart = undefined;
        break;
      case 'checkpoint-started':
        uploadStart = entry;
        break;
      case 'checkpoint-committed':
        checkpoints.push({
          number: entry.checkpoint ?? checkpoints.length,
          bytes: entry.bytes ?? 0,
          files: entry.files ?? 0,
          uploadMs: uploadStart ? entry.time - uploadStart.time : 0,
          committedAtMs: rel(entry.time),
        });
        lastSave = entry.time;
        uploadStart = undefined;
        break;
      case 'checkpoint-failed':
        failedUploads += 1;
        uploadStart = undefined;
        break;
      case 'fault':
        if (entry.detail?.startsWith('evict')) pendingFault = entry.time;
        break;
      case 'evicted': {
        const at = pendingFault ?? entry.time;
        const figure = { atMs: rel(at), badputMs: Math.max(0, at - (lastSave ?? at)), restartMs: undefined };
        evictions.push(figure);
        waitingRestart = figure;
        evictedAt = at;
        pendingFault = undefined;
        break;
      }
      case 'terminated':
      case 'aborted':
      case 'held':
        end ??= entry.kind === 'held' && executions === 0 ? undefined : entry.time;
        break;
    }
  }
  for (const checkpoint of checkpoints) {
    const overhead = overheads.get(checkpoint.number);
    if (overhead !== undefined) checkpoint.overheadMs = overhead;
  }
  const last = sorted.length > 0 ? sorted[sorted.length - 1].time : undefined;
  const finish = end ?? last;
  return {
    wallMs: origin === undefined || finish === undefined ? 0 : finish - origin,
    executions,
    checkpoints,
    evictions,
    failedUploads,
    startedAt: origin,
  };
}

export function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
