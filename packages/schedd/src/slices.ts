import { performance } from 'node:perf_hooks';

/** A source read in key order a page at a time: the items after `after` (all from the start when undefined). */
export interface PagedSource<T, K> {
  read(after: K | undefined, limit: number): T[];
  key(item: T): K;
}

export interface SliceLimits {
  /** Items read at once, and so handled at most between two turns of the event loop. */
  pageSize: number;
  /** Time a slice may take before the rest of its page waits for the next turn. */
  sliceMs: number;
}

/** Long scans (bulk actions, constraints, the periodic policy) give other requests a turn this often. */
export const SCAN_LIMITS: SliceLimits = { pageSize: 500, sliceMs: 20 };

/** Lets every request, timer and I/O callback that is due run before the caller goes on. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The items of `source` in slices, the event loop yielded between two slices: a scan of a big queue, or of
 * jobs whose expressions are slow to evaluate, never keeps other clients waiting for more than a slice. A
 * slice is a page read at the moment it is handed out, so it holds the items as stored then; it ends early
 * once `sliceMs` have passed, and the next page is read from the last item the caller took. The caller
 * handles a slice synchronously (in one transaction, if it writes) before asking for the next.
 */
export async function* slices<T, K>(source: PagedSource<T, K>, limits: SliceLimits, clock: () => number = () => performance.now()): AsyncGenerator<Iterable<T>> {
  let after: K | undefined;
  for (let first = true; ; first = false) {
    if (!first) await yieldToEventLoop();
    const page = source.read(after, limits.pageSize);
    if (page.length === 0) return;
    let more = page.length === limits.pageSize;
    const started = clock();
    yield (function* (): Generator<T> {
      for (let i = 0; i < page.length; i++) {
        yield page[i];
        after = source.key(page[i]);
        if (i < page.length - 1 && clock() - started >= limits.sliceMs) {
          more = true;
          return;
        }
      }
    })();
    if (!more) return;
  }
}

/** An array as a paged source (its index is the key): a long list of named jobs is handled in slices too. */
export function arraySource<T>(items: readonly T[]): PagedSource<{ index: number; item: T }, number> {
  return {
    read: (after, limit) => {
      const start = after === undefined ? 0 : after + 1;
      return items.slice(start, start + limit).map((item, i) => ({ index: start + i, item }));
    },
    key: (entry) => entry.index,
  };
}
