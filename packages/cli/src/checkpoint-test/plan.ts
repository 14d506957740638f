/** Where an eviction falls: during normal running, right after a checkpoint exit, or during a checkpoint upload. */
export type EvictionKind = 'running' | 'after-checkpoint' | 'during-upload';
export type EvictionMethod = 'vacate' | 'kill-startd';

export interface PlannedEviction {
  kind: EvictionKind;
  method: EvictionMethod;
  /** For 'running': milliseconds after the run began executing. */
  afterMs?: number;
  /** For the checkpoint moments: the checkpoint number (0-based, as CheckpointNumber). */
  checkpoint?: number;
}

/** mulberry32: a small seeded generator, so that `--seed` reproduces the same eviction moments. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

export const EVICTION_KINDS: readonly EvictionKind[] = ['running', 'after-checkpoint', 'during-upload'];

/**
 * One eviction per run, the kinds (`moments`) taken in turn; a job that never checkpointed in the
 * reference run can only be evicted while running. Running moments fall in the middle 80 % of the
 * reference's execution; checkpoint moments on any of the reference's checkpoints but its last, when it
 * had more than one: a job that checkpoints on a timer may finish before that one in another run.
 */
export function planEvictions(opts: {
  evictions: number;
  seed: number;
  method: EvictionMethod;
  moments?: readonly EvictionKind[];
  referenceExecutingMs: number;
  referenceCheckpoints: number;
}): PlannedEviction[] {
  const random = seededRandom(opts.seed);
  const kinds = opts.referenceCheckpoints > 0 ? (opts.moments ?? EVICTION_KINDS) : ['running' as const];
  return Array.from({ length: opts.evictions }, (_, i): PlannedEviction => {
    const kind = kinds[i % kinds.length];
    if (kind === 'running') return { kind, method: opts.method, afterMs: Math.round(opts.referenceExecutingMs * (0.1 + 0.8 * random())) };
    const reachable = opts.referenceCheckpoints > 1 ? opts.referenceCheckpoints - 1 : 1;
    return { kind, method: opts.method, checkpoint: Math.floor(random() * reachable) };
  });
}

export function describeEviction(e: PlannedEviction): string {
  const how = e.method === 'vacate' ? 'vacate' : 'SIGKILL of the startd';
  if (e.kind === 'running') return `${how} ${((e.afterMs ?? 0) / 1000).toFixed(2)} s into the run`;
  return `${how} ${e.kind === 'after-checkpoint' ? 'right after' : 'during the upload of'} checkpoint ${e.checkpoint}`;
}
