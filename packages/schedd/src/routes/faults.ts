import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { callerOf, mayActOn, permissionDenied, refusal, requirePoolToken } from '../caller.js';
import type { FaultInjector, FaultOutcome } from '../fault-injector.js';
import type { Schedd } from '../schedd.js';
import { ErrorReply, EvictBody, FailCheckpointBody, FaultReply, JobIdParams, StartdFaultParams, TimelineReply } from '@tinycondor/shared/rest-schemas';

/** Fault injection (evict a job, fail its next checkpoint upload, kill or disconnect a startd) and job timelines. */
export async function faultRoutes(app: FastifyInstance, opts: { schedd: Schedd; faults: FaultInjector }): Promise<void> {
  const { schedd, faults } = opts;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  /** The job, if the caller may inject faults into it (its owner or a queue superuser). */
  const queued = (request: FastifyRequest, jobId: string) => {
    const [cluster, proc] = jobId.split('.').map(Number);
    const job = schedd.store.getJob(cluster, proc);
    if (!job) throw refusal(404, `job ${jobId} is not in the queue`);
    const caller = callerOf(request);
    const denied = permissionDenied(caller, jobId, job.ad.getString('Owner'));
    if (denied !== undefined) throw refusal(403, denied);
    return job;
  };
  const answer = (outcome: FaultOutcome) => {
    if (!outcome.ok) throw Object.assign(new Error(outcome.message), { statusCode: 409 });
    return outcome;
  };
  const replies = { 200: FaultReply, 400: ErrorReply, 403: ErrorReply, 404: ErrorReply, 409: ErrorReply };

  api.post(
    '/v1/jobs/:jobId/faults/evict',
    { schema: { params: JobIdParams, body: EvictBody, response: replies } },
    async (request) => {
      const { moment = 'now', method = 'vacate', checkpoint } = request.body;
      if (moment === 'now' && checkpoint !== undefined) throw Object.assign(new Error(`'checkpoint' needs moment 'after-checkpoint' or 'during-upload'`), { statusCode: 400 });
      return answer(faults.evict(queued(request, request.params.jobId), moment, method, checkpoint));
    },
  );

  api.post(
    '/v1/jobs/:jobId/faults/fail-next-checkpoint',
    { schema: { params: JobIdParams, body: FailCheckpointBody, response: replies } },
    async (request) => answer(faults.failNextCheckpoint(queued(request, request.params.jobId), request.body.permanent ?? false)),
  );

  api.post(
    '/v1/startds/:name/faults/:fault',
    { schema: { params: StartdFaultParams, response: replies } },
    async (request) => {
      requirePoolToken(callerOf(request), 'a startd fault');
      return answer(request.params.fault === 'kill' ? faults.killStartd(request.params.name) : faults.disconnectStartd(request.params.name));
    },
  );

  api.get(
    '/v1/jobs/:jobId/timeline',
    { schema: { params: JobIdParams, response: { 200: TimelineReply, 403: ErrorReply, 404: ErrorReply } } },
    async (request, reply) => {
      // A job that left the queue has no owner to check here: only a queue superuser reads its timeline.
      const [cluster, proc] = request.params.jobId.split('.').map(Number);
      const caller = callerOf(request);
      const owner = schedd.store.getJob(cluster, proc)?.ad.getString('Owner');
      if (!mayActOn(caller, owner)) throw refusal(403, `Job ${request.params.jobId}: permission denied (${owner === undefined ? 'not in the queue' : `owned by ${owner}`}, not ${caller.user})`);
      const entries = schedd.store.timeline(cluster, proc);
      if (!entries) return reply.code(404).send({ error: `no timeline for job ${request.params.jobId} (unknown, or older than the timelines kept)` });
      return { jobId: request.params.jobId, entries };
    },
  );
}
