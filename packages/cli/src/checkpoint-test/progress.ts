import type { FileHashes } from './capture.js';

/** What is known of a run's checkpoints, set against the reference run's. */
export interface CheckpointHistory {
  /** The reference's checkpoints, in order: what SPOOL held after each (empty when not recorded). */
  reference: FileHashes[];
  /** The run's checkpoints, in order (empty when not recorded). */
  run: FileHashes[];
  /** The sandboxes at each of those checkpoints (the job's files beyond what SPOOL got), where found. */
  referenceSandboxes: (FileHashes | undefined)[];
  runSandboxes: (FileHashes | undefined)[];
  /** How many checkpoints each committed, from the timelines (known even when contents are not). */
  referenceCount: number;
  runCount: number;
  /** Checkpoints the run committed before it was evicted; undefined when it was not evicted and restored. */
  committedBeforeEviction: number | undefined;
  /** The run's wall time beyond the reference's, less its restart; and the work an eviction should lose at most. */
  extraWallMs: number | undefined;
  lostSinceCheckpointMs: number | undefined;
  /** When the run's first checkpoints were committed (ms after it began): the work they hold. */
  committedWorkMs: number | undefined;
}

export type ProgressFinding =
  /** `wentBack`: files of the sandbox that after the restore held what they held at the reference's first checkpoint. */
  | { kind: 'restarted-from-scratch'; evidence: string[]; wentBack: string[] }
  | { kind: 'checkpoint-differs'; checkpoint: number; files: string[] };

/** Redone work this much beyond what an eviction loses is a restart, not noise (and only past a floor). */
const REDONE_WORK_SHARE = 0.75;
const REDONE_WORK_FLOOR_MS = 2000;

/**
 * Files whose contents are reproducible: equal in the reference and in the run at each of the first
 * `count` checkpoints. Only these can tell where a run resumed from (a file that embeds times never matches).
 */
export function reproducibleFiles(reference: (FileHashes | undefined)[], run: (FileHashes | undefined)[], count: number): string[] {
  if (count === 0 || reference.length < count || run.length < count) return [];
  return Object.keys(reference[0] ?? {}).filter((name) => {
    for (let i = 0; i < count; i++) if (reference[i]?.[name] === undefined || reference[i]?.[name] !== run[i]?.[name]) return false;
    return true;
  });
}

/**
 * Reproducible files that change from checkpoint to checkpoint in the reference and whose contents went
 * back, at the run's first checkpoint after the restore, to what the reference's first checkpoint held.
 */
function backToFirst(reference: (FileHashes | undefined)[], run: (FileHashes | undefined)[], k: number): string[] {
  const firstAfter = run[k];
  const first = reference[0];
  if (firstAfter === undefined || first === undefined) return [];
  const changes = (name: string) => reference.slice(1).some((later) => later !== undefined && later[name] !== first[name]);
  return reproducibleFiles(reference, run, k).filter((name) => firstAfter[name] === first[name] && changes(name));
}

function differing(a: FileHashes, b: FileHashes, files: string[]): string[] {
  return files.filter((name) => a[name] !== b[name]);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/**
 * Whether a run that was evicted after committing k checkpoints resumed from checkpoint k: the reference's
 * checkpoints are the ground truth. A run that redoes the checkpoints it already had (more than the
 * reference, or its first after the restore equal to the reference's first, or far more time redone than
 * the eviction could lose) restarted from scratch; one whose next checkpoints hold other contents than the
 * reference's k, k+1, ... did not resume correctly.
 */
export function judgeProgress(h: CheckpointHistory): ProgressFinding | undefined {
  const k = h.committedBeforeEviction;
  if (k === undefined || k === 0) return undefined;
  const evidence: string[] = [];
  const after = h.runCount - k;
  if (h.runCount > h.referenceCount && after >= h.referenceCount) {
    evidence.push(`it committed ${h.runCount} checkpoints where the reference committed ${h.referenceCount}: all ${h.referenceCount} again after the restore at checkpoint ${k - 1}`);
  }
  const files = reproducibleFiles(h.reference, h.run, k);
  const firstAfter = h.run[k];
  if (files.length > 0 && firstAfter !== undefined && h.reference.length > 0) {
    const sameAsFirst = differing(firstAfter, h.reference[0], files).length === 0;
    const firstIsDistinct = h.reference[k] === undefined || differing(h.reference[0], h.reference[k], files).length > 0;
    if (sameAsFirst && firstIsDistinct) evidence.push(`its first checkpoint after the restore (number ${k}) holds what the reference's checkpoint 0 held (${files.join(', ')})`);
  }

  // Files only the sandbox held that went back to their first contents name the state the restart lacked;
  // alone they prove nothing (a job may rebuild a scratch file), so they only explain the other evidence.
  const wentBack = backToFirst(h.referenceSandboxes, h.runSandboxes, k).filter((name) => firstAfter?.[name] === undefined);
  if (
    h.extraWallMs !== undefined &&
    h.lostSinceCheckpointMs !== undefined &&
    h.committedWorkMs !== undefined &&
    h.committedWorkMs >= REDONE_WORK_FLOOR_MS &&
    h.extraWallMs - h.lostSinceCheckpointMs > REDONE_WORK_SHARE * h.committedWorkMs
  ) {
    evidence.push(`it ran ${seconds(h.extraWallMs)} longer than the reference, though only ${seconds(h.lostSinceCheckpointMs)} had passed since its last checkpoint`);
  }
  if (evidence.length > 0) {
    if (wentBack.length > 0) evidence.push(`at its checkpoint ${k}, ${wentBack.join(', ')} held what ${wentBack.length === 1 ? 'it' : 'they'} held at the reference's checkpoint 0`);
    return { kind: 'restarted-from-scratch', evidence, wentBack };
  }
  for (let i = k; i < Math.min(h.run.length, h.reference.length); i++) {
    const changed = differing(h.run[i], h.reference[i], files);
    if (changed.length > 0) return { kind: 'checkpoint-differs', checkpoint: i, files: changed };
  }
  return undefined;
}

/**
 * Files the run's sandbox held at its last checkpoint before the eviction that SPOOL did not (inputs
 * left out): the state a restart elsewhere goes without.
 */
export function unsavedFiles(sandbox: FileHashes | undefined, spool: FileHashes, inputs: ReadonlySet<string>): string[] {
  if (sandbox === undefined) return [];
  return Object.keys(sandbox).filter((name) => spool[name] === undefined && !inputs.has(name) && !inputs.has(name.split('/')[0]));
}
