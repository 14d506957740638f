import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply } from 'fastify';
import type { Readable } from 'node:stream';
import type { FaultInjector } from '../fault-injector.js';
import type { Schedd } from '../schedd.js';
import type { StoredJob } from '../job-store.js';
import { RunTransfers, type TransferOutcome } from '../run-transfers.js';
import { ErrorReply, TransferReply } from '@tinycondor/shared/rest-schemas';
import { acceptTarBodiesOnly, tarBody } from './tar-bodies.js';
import { bytesReply } from './byte-replies.js';
import { callerOf, requirePoolToken } from '../caller.js';
import { CheckpointQuery, RunParams, StartdTransferHeaders } from '@tinycondor/shared/protocol';

/**
 * A key this schedd did not give (or no longer knows: it restarted) is refused for now: the startd retries,
 * and its reconnect brings it a key for its runs.
 */
const UNKNOWN_KEY = 'unknown startd key: this schedd gives each startd its key when the startd says hello';

/** How long a transfer waits for the startd's earlier reports (its channel may be reconnecting) before a 503. */
const REPORT_WAIT_MS = 10_000;

interface RunRequest {
  params: RunParams;
  headers: StartdTransferHeaders;
  body: unknown;
  log: FastifyBaseLogger;
}

/** Input and output sandbox and checkpoint transfers: tar streams between schedd and startd, for the current run only. */
export async function transferRoutes(app: FastifyInstance, opts: { schedd: Schedd; faults: FaultInjector }): Promise<void> {
  const { schedd } = opts;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const transfers = new RunTransfers(schedd, opts.faults);
  acceptTarBodiesOnly(app);
  app.addHook('preHandler', async (request, reply) => {
    requirePoolToken(callerOf(request), 'a startd transfer');
    if (schedd.startdKeys.startdOf(String(request.headers['x-tinycondor-startd-key'])) === undefined) {
      return reply.code(503).send({ error: UNKNOWN_KEY });
    }
  });

  /**
   * The run, once the startd's reports made before the transfer are handled; a run is only ever the
   * startd's whose key the request carries (no header naming a startd is believed).
   */
  const currentRun = async (request: RunRequest, reply: FastifyReply): Promise<StoredJob | undefined> => {
    const { jobId, runId } = request.params;
    const startd = schedd.startdKeys.startdOf(request.headers['x-tinycondor-startd-key']);
    const after = request.headers['x-tinycondor-after-report'] ?? 0;
    const refuse = (status: 409 | 503, error: string) => {
      (request.body as Readable | undefined)?.resume();
      void reply.code(status).send({ error });
      return undefined;
    };
    if (startd === undefined) return refuse(503, UNKNOWN_KEY);
    if (!schedd.reportOrder.isHandled(startd, after)) {
      request.log.debug({ startd, after, jobId, runId }, 'transfer waits for the report its startd made before it');
      if (!(await schedd.reportOrder.whenHandled(startd, after, REPORT_WAIT_MS))) {
        return refuse(503, `report ${after} of startd ${startd}, made before this transfer, has not arrived`);
      }
    }
    return schedd.currentRun(jobId, runId, startd) ?? refuse(409, `run ${runId} of job ${jobId} is not current`);
  };

  // Whatever a transfer route refuses with (TransferOutcome's statuses).
  const refusals = { 400: ErrorReply, 409: ErrorReply, 412: ErrorReply, 422: ErrorReply, 503: ErrorReply };
  const sendOutcome = (reply: FastifyReply, outcome: TransferOutcome) =>
    'status' in outcome ? reply.code(outcome.status).send({ error: outcome.error }) : outcome;

  api.get(
    '/v1/jobs/:jobId/runs/:runId/input',
    { schema: { params: RunParams, headers: StartdTransferHeaders, response: { 200: bytesReply('application/x-tar'), ...refusals } } },
    async (request, reply) => {
      const job = await currentRun(request, reply);
      if (!job) return reply;
      const archive = transfers.sendInput(job, request.log);
      if ('status' in archive) return reply.code(archive.status).send({ error: archive.error });
      return reply.header('content-type', 'application/x-tar').send(archive.stream);
    },
  );

  api.put(
    '/v1/jobs/:jobId/runs/:runId/output',
    { schema: { description: 'Body: a tar stream (content-type application/x-tar).', params: RunParams, headers: StartdTransferHeaders, response: { 200: TransferReply, ...refusals } } },
    async (request, reply) => {
      const job = await currentRun(request, reply);
      if (!job) return reply;
      return sendOutcome(reply, await transfers.receiveOutput(job, tarBody(request), request.log));
    },
  );

  api.put(
    '/v1/jobs/:jobId/runs/:runId/checkpoint',
    {
      schema: {
        description: 'Body: a tar stream (content-type application/x-tar).',
        params: RunParams,
        querystring: CheckpointQuery,
        headers: StartdTransferHeaders,
        response: { 200: TransferReply, ...refusals },
      },
    },
    async (request, reply) => {
      const { kind, number, base } = request.query;
      if (kind === 'checkpoint' && number === undefined) {
        tarBody(request).resume();
        return reply.code(400).send({ error: 'a checkpoint upload names its number (number=N)' });
      }
      const job = await currentRun(request, reply);
      if (!job) return reply;
      return sendOutcome(reply, await transfers.receiveCheckpoint(job, kind === 'checkpoint' ? number : undefined, tarBody(request), request.log, base));
    },
  );
}
