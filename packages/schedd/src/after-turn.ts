import type { Logger } from 'pino';

/**
 * `work` to be run once after the current event-loop turn (so after the transaction that turn commits), however
 * often asked for meanwhile. A failure is logged with `what` (the queue closed as the schedd stops: what the
 * work had to do waits for the next start).
 */
export function afterTurn(work: () => void, log: Logger, what: string): () => void {
  let scheduled = false;
  return () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      try {
        work();
      } catch (err) {
        log.warn({ err }, what);
      }
    });
  };
}
