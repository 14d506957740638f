import type { Logger } from 'pino';
import { IncompleteArchiveError } from '@tinycondor/transfer/tar/index';
import { ScheddRefused } from '@tinycondor/client';

const NETWORK_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** A failure worth retrying: the schedd unreachable (restarting), failing inside, or a transfer cut short. */
export function isTransient(err: unknown): boolean {
  if (err instanceof ScheddRefused) return err.status >= 500;
  if (err instanceof IncompleteArchiveError) return true;
  return NETWORK_ERRORS.has((err as NodeJS.ErrnoException).code ?? '');
}

/**
 * Runs `op` until it succeeds, a permanent error occurs, or `mayGoOn` says the run has no future (its
 * job lease ran out, or it was killed), backing off between tries. A schedd that restarts within the job
 * lease therefore does not cost the run.
 */
export async function retryTransient<T>(what: string, op: () => Promise<T>, mayGoOn: () => boolean, log: Logger): Promise<T> {
  for (let delay = 100; ; delay = Math.min(delay * 2, 1_000)) {
    try {
      return await op();
    } catch (err) {
      if (!isTransient(err) || !mayGoOn()) throw err;
      log.warn({ err, what, retryInMs: delay }, 'transfer failed; retrying');
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
