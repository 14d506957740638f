import type { Logger } from 'pino';
import { ScheddRefused, type ScheddClient } from '@tinycondor/client';
import type { ClassAd } from '@tinycondor/shared/classad/index';
import { ChirpError, MAX_DELAYED_VALUE_LENGTH } from '@tinycondor/shared/chirp/protocol';
import type { ActionableRequest, ChirpAnswer, ChirpBackend } from './chirp-server.js';
import { delayedExpression, type DelayedUpdates } from './delayed-updates.js';

/**
 * The code a job gets when its request could not be carried out on the submit side: what the schedd
 * refused, as the shadow's errno converts (EACCES, EINVAL); anything else (the schedd unreachable, the
 * run no longer current) as a starter cut off from its shadow answers, ETIMEDOUT.
 */
function failureCode(err: unknown): number {
  if (err instanceof ScheddRefused && err.status === 403) return ChirpError.NotAuthorized;
  if (err instanceof ScheddRefused && err.status === 400) return ChirpError.InvalidRequest;
  return ChirpError.Offline;
}

/**
 * What a run's Chirp requests do: the delayed updates kept here (sent with the run's updates), the
 * others asked of the schedd for the run's job, as the starter asks its shadow.
 */
export function runChirpBackend(opts: { client: ScheddClient; jobId: string; runId: string; jobAd: ClassAd; delayed: DelayedUpdates; log: Logger }): ChirpBackend {
  const { client, jobId, runId, jobAd, delayed, log } = opts;
  const remote = async (what: string, call: () => Promise<unknown>): Promise<ChirpAnswer> => {
    try {
      await call();
      return { code: 0 };
    } catch (err) {
      log.info({ err, request: what }, 'chirp request not carried out');
      return { code: failureCode(err) };
    }
  };
  return {
    async answer(request: ActionableRequest): Promise<ChirpAnswer> {
      switch (request.kind) {
        case 'set_job_attr_delayed': {
          // As the proxy: a value too long is ENAMETOOLONG, which it converts to UNKNOWN; one that does not
          // parse is dropped yet answered 0; a refused name is answered 1 (its "!recorded").
          if (Buffer.byteLength(request.expr) > MAX_DELAYED_VALUE_LENGTH) return { code: ChirpError.Unknown };
          const expr = delayedExpression(request.expr);
          if (expr === undefined) {
            log.warn({ attribute: request.name, value: request.expr }, 'Failed to parse line to a ClassAd expression');
            return { code: 0 };
          }
          return { code: delayed.record(request.name, expr) ? 0 : 1 };
        }
        case 'get_job_attr_delayed': {
          const value = delayed.lookup(request.name, jobAd);
          return value === undefined ? { code: ChirpError.DoesntExist } : { value };
        }
        case 'set_job_attr':
          return remote('set_job_attr', () => client.setRunJobAttr(jobId, runId, request.name, request.expr));
        case 'get_job_attr':
          try {
            return { value: await client.getRunJobAttr(jobId, runId, request.name) };
          } catch (err) {
            log.info({ err, request: 'get_job_attr' }, 'chirp request not carried out');
            return { code: failureCode(err) };
          }
        case 'ulog':
          return remote('ulog', () => client.runUlog(jobId, runId, request.text));
        case 'constrain':
          return remote('constrain', () => client.runConstrain(jobId, runId, request.expr));
      }
    },
  };
}
