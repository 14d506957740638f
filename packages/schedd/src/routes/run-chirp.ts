import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { remoteReadAllowed } from '@tinycondor/shared/chirp/access';
import { constrainEdits, type RemoteEditRefusal } from '@tinycondor/shared/chirp/remote-edits';
import { ChirpError } from '@tinycondor/shared/chirp/protocol';
import { RunParams, StartdTransferHeaders } from '@tinycondor/shared/protocol';
import { ErrorReply, OkReply, RunAttributeBody, RunAttributeParams, RunAttributeReply, RunConstrainBody, RunUlogBody } from '@tinycondor/shared/rest-schemas';
import { formatJobId } from '@tinycondor/shared/job-id';
import type { Schedd } from '../schedd.js';
import { currentRunOf, requireStartdKey } from './run-requests.js';

/** A refusal as the startd passes it on: 403 for EACCES (NOT_AUTHORIZED), 400 for EINVAL (INVALID_REQUEST). */
function sendRefusal(reply: FastifyReply, refusal: RemoteEditRefusal) {
  return reply.code(refusal.code === ChirpError.NotAuthorized ? 403 : 400).send({ error: refusal.reason });
}

/**
 * What HTCondor's shadow answers a running job's Chirp requests with (pseudo_set_job_attr, pseudo_get_job_attr,
 * pseudo_ulog, pseudo_constrain), asked by the job's startd for its current run.
 */
export async function runChirpRoutes(app: FastifyInstance, opts: { schedd: Schedd }): Promise<void> {
  const { schedd } = opts;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  requireStartdKey(app, schedd, "a job's Chirp request");
  const refusals = { 400: ErrorReply, 403: ErrorReply, 409: ErrorReply, 503: ErrorReply };

  api.post(
    '/v1/jobs/:jobId/runs/:runId/attributes',
    { schema: { description: 'set_job_attr: one attribute of the job set from its run.', params: RunParams, headers: StartdTransferHeaders, body: RunAttributeBody, response: { 200: OkReply, ...refusals } } },
    async (request, reply) => {
      const job = await currentRunOf(schedd, request, reply);
      if (!job) return reply;
      const refused = schedd.setAttributesFromRun(job, [[request.body.name, request.body.value]]);
      return refused ? sendRefusal(reply, refused) : { ok: true };
    },
  );

  api.get(
    '/v1/jobs/:jobId/runs/:runId/attributes/:name',
    { schema: { description: 'get_job_attr: an attribute of the job as the submit side holds it.', params: RunAttributeParams, headers: StartdTransferHeaders, response: { 200: RunAttributeReply, ...refusals } } },
    async (request, reply) => {
      const job = await currentRunOf(schedd, request, reply);
      if (!job) return reply;
      if (!remoteReadAllowed(job.ad)) {
        request.log.info({ jobId: formatJobId(job.cluster, job.proc), attribute: request.params.name }, 'get_job_attr from the job refused');
        return reply.code(403).send({ error: 'the job wants neither Chirp nor remote updates (WantIOProxy, WantRemoteUpdates)' });
      }
      return { value: job.ad.getSource(request.params.name) ?? 'UNDEFINED' };
    },
  );

  api.post(
    '/v1/jobs/:jobId/runs/:runId/ulog',
    { schema: { description: "ulog: a generic event (008) in the job's event log.", params: RunParams, headers: StartdTransferHeaders, body: RunUlogBody, response: { 200: OkReply, ...refusals } } },
    async (request, reply) => {
      const job = await currentRunOf(schedd, request, reply);
      if (!job) return reply;
      schedd.logFromRun(job, request.body.text);
      return { ok: true };
    },
  );

  api.post(
    '/v1/jobs/:jobId/runs/:runId/constrain',
    { schema: { description: 'constrain: AgentRequirements set, and ANDed into Requirements.', params: RunParams, headers: StartdTransferHeaders, body: RunConstrainBody, response: { 200: OkReply, ...refusals } } },
    async (request, reply) => {
      const job = await currentRunOf(schedd, request, reply);
      if (!job) return reply;
      const refused = schedd.setAttributesFromRun(job, constrainEdits(job.ad, request.body.expr));
      return refused ? sendRefusal(reply, refused) : { ok: true };
    },
  );
}
