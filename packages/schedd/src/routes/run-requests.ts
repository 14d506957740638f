import type { FastifyBaseLogger, FastifyInstance, FastifyReply } from 'fastify';
import type { Readable } from 'node:stream';
import type { RunParams, StartdTransferHeaders } from '@tinycondor/shared/protocol';
import { callerOf, requirePoolToken } from '../caller.js';
import type { StoredJob } from '../job-store.js';
import type { Schedd } from '../schedd.js';

/**
 * A key this schedd did not give (or no longer knows: it restarted) is refused for now: the startd retries,
 * and its reconnect brings it a key for its runs.
 */
const UNKNOWN_KEY = 'unknown startd key: this schedd gives each startd its key when the startd says hello';

/** How long a run's request waits for the startd's earlier reports (its channel may be reconnecting) before a 503. */
const REPORT_WAIT_MS = 10_000;

export interface RunRequest {
  params: RunParams;
  headers: StartdTransferHeaders;
  body: unknown;
  log: FastifyBaseLogger;
}

/** The routes of a plugin are a startd's, about its runs: each request carries the pool token and a key this schedd gave. */
export function requireStartdKey(app: FastifyInstance, schedd: Schedd, what: string): void {
  app.addHook('preHandler', async (request, reply) => {
    requirePoolToken(callerOf(request), what);
    if (schedd.startdKeys.startdOf(String(request.headers['x-tinycondor-startd-key'])) === undefined) {
      return reply.code(503).send({ error: UNKNOWN_KEY });
    }
  });
}

/**
 * The run a startd's request is about, once the startd's reports made before the request are handled; a
 * run is only ever the startd's whose key the request carries (no header naming a startd is believed).
 * Otherwise the reply is sent (409: not the current run; 503: try again) and undefined returned.
 */
export async function currentRunOf(schedd: Schedd, request: RunRequest, reply: FastifyReply): Promise<StoredJob | undefined> {
  const { jobId, runId } = request.params;
  const startd = schedd.startdKeys.startdOf(request.headers['x-tinycondor-startd-key']);
  const after = request.headers['x-tinycondor-after-report'] ?? 0;
  const refuse = (status: 409 | 503, error: string) => {
    (request.body as Readable | undefined)?.resume?.();
    void reply.code(status).send({ error });
    return undefined;
  };
  if (startd === undefined) return refuse(503, UNKNOWN_KEY);
  if (!schedd.reportOrder.isHandled(startd, after)) {
    request.log.debug({ startd, after, jobId, runId }, 'request waits for the report its startd made before it');
    if (!(await schedd.reportOrder.whenHandled(startd, after, REPORT_WAIT_MS))) {
      return refuse(503, `report ${after} of startd ${startd}, made before this request, has not arrived`);
    }
  }
  return schedd.currentRun(jobId, runId, startd) ?? refuse(409, `run ${runId} of job ${jobId} is not current`);
}
