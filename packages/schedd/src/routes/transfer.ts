import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { FaultInjector } from '../fault-injector.js';
import type { Schedd } from '../schedd.js';
import { RunTransfers, type TransferOutcome } from '../run-transfers.js';
import { DockerCredentialsReply, ErrorReply, TransferReply } from '@tinycondor/shared/rest-schemas';
import { acceptTarBodiesOnly, tarBody } from './tar-bodies.js';
import { bytesReply } from './byte-replies.js';
import { currentRunOf, requireStartdKey, type RunRequest } from './run-requests.js';
import { CheckpointQuery, RunParams, StartdTransferHeaders } from '@tinycondor/shared/protocol';

/** Input and output sandbox and checkpoint transfers: tar streams between schedd and startd, for the current run only. */
export async function transferRoutes(app: FastifyInstance, opts: { schedd: Schedd; faults: FaultInjector }): Promise<void> {
  const { schedd } = opts;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const transfers = new RunTransfers(schedd, opts.faults);
  acceptTarBodiesOnly(app);
  requireStartdKey(app, schedd, 'a startd transfer');
  const currentRun = (request: RunRequest, reply: FastifyReply) => currentRunOf(schedd, request, reply);

  // Whatever a transfer route refuses with (TransferOutcome's statuses).
  const refusals = { 400: ErrorReply, 409: ErrorReply, 412: ErrorReply, 413: ErrorReply, 422: ErrorReply, 503: ErrorReply };
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

  api.get(
    '/v1/jobs/:jobId/runs/:runId/docker-credentials',
    { schema: { description: "docker_send_credentials: the job owner's docker config.json, as DOCKER_PAT_PRODUCER prints it, or why there is none.", params: RunParams, headers: StartdTransferHeaders, response: { 200: DockerCredentialsReply, 400: ErrorReply, 409: ErrorReply, 503: ErrorReply } } },
    async (request, reply) => {
      const job = await currentRun(request, reply);
      if (!job) return reply;
      const answer = await schedd.dockerCredentials(job, request.log);
      return 'config' in answer ? { config: answer.config } : { htcondorError: answer.error };
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
      if (kind !== 'evict' && number === undefined) {
        tarBody(request).resume();
        return reply.code(400).send({ error: 'a checkpoint upload names its number (number=N)' });
      }
      const job = await currentRun(request, reply);
      if (!job) return reply;
      if (kind === 'failed-checkpoint') return sendOutcome(reply, await transfers.receiveFailedCheckpoint(job, number as number, tarBody(request), request.log));
      return sendOutcome(reply, await transfers.receiveCheckpoint(job, kind === 'checkpoint' ? number : undefined, tarBody(request), request.log, base));
    },
  );
}
