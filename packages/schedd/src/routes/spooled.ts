import fs from 'node:fs';
import path from 'node:path';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { callerOf, permissionDenied, refusal, requirePoolToken } from '../caller.js';
import { JobStatus } from '@tinycondor/shared/job-status';
import { packEntries } from '@tinycondor/transfer/tar/index';
import type { Schedd } from '../schedd.js';
import { isSpooled } from '@tinycondor/shared/transfer-files';
import { ErrorReply, JobIdParams, OkReply, TransferReply, UserLogQuery } from '@tinycondor/shared/rest-schemas';
import { warnWithheld } from './withheld.js';
import { acceptTarBodiesOnly, tarBody } from './tar-bodies.js';
import { bytesReply } from './byte-replies.js';

/** At most this much of a user log per request; the reader asks again from where it got to. */
const USER_LOG_CHUNK = 4 * 1024 * 1024;

/**
 * Remote submission (`condor_submit -spool`, `condor_transfer_data`, `condor_wait` on a spooled log): the
 * input sandbox is uploaded into SPOOL, and the output and the event log are fetched from there.
 */
export async function spooledRoutes(app: FastifyInstance, opts: { schedd: Schedd }): Promise<void> {
  const { schedd } = opts;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  acceptTarBodiesOnly(app);

  /** The spooled job, if the caller may move its files (its owner or a queue superuser). */
  const spooledJob = (request: FastifyRequest, jobId: string) => {
    const [cluster, proc] = jobId.split('.').map(Number);
    const job = schedd.store.getJob(cluster, proc);
    if (!job || !isSpooled(job.ad)) return undefined;
    const caller = callerOf(request);
    const owner = job.ad.getString('Owner');
    const denied = permissionDenied(caller, jobId, owner);
    if (denied !== undefined) throw refusal(403, denied);
    return job;
  };

  api.put(
    '/v1/jobs/:jobId/spool',
    { schema: { description: 'Body: a tar stream (content-type application/x-tar).', params: JobIdParams, response: { 200: TransferReply, 400: ErrorReply, 403: ErrorReply, 404: ErrorReply, 409: ErrorReply } } },
    async (request, reply) => {
      const body = tarBody(request);
      const job = spooledJob(request, request.params.jobId);
      if (!job) {
        body.resume();
        return reply.code(404).send({ error: `Job ${request.params.jobId} is not a spooled job in the queue` });
      }
      const waiting = schedd.inputSpooledCheck(job);
      if (waiting) {
        body.resume();
        return reply.code(409).send({ error: waiting.message });
      }
      const noSpace = schedd.spool.spaceRefusal();
      if (noSpace) {
        body.resume();
        return reply.code(400).send({ error: `spooling the input of job ${request.params.jobId} refused: ${noSpace}` });
      }
      try {
        const result = await schedd.spool.receiveAndCommit(job.cluster, job.proc, body);
        warnWithheld(request.log, request.params.jobId, result.withheld);
        const current = spooledJob(request, request.params.jobId);
        const refusal = current ? schedd.inputSpooled(current) : { message: `Job ${request.params.jobId} left the queue while its input was spooled` };
        if (refusal) return reply.code(409).send({ error: refusal.message });
        return { files: result.files, bytes: result.bytes };
      } catch (err) {
        request.log.warn({ err, jobId: request.params.jobId }, 'spooling input failed');
        return reply.code(400).send({ error: `spooling the input of job ${request.params.jobId} failed: ${(err as Error).message}` });
      }
    },
  );

  api.get(
    '/v1/jobs/:jobId/spool/output',
    { schema: { params: JobIdParams, response: { 200: bytesReply('application/x-tar'), 403: ErrorReply, 404: ErrorReply, 409: ErrorReply } } },
    async (request, reply) => {
      const job = spooledJob(request, request.params.jobId);
      if (!job) return reply.code(404).send({ error: `Job ${request.params.jobId} is not a spooled job in the queue` });
      if (job.status !== JobStatus.Completed) return reply.code(409).send({ error: `Job ${request.params.jobId} is not completed; its output is not ready` });
      const results = schedd.spool.resultsDir(job.cluster, job.proc);
      const entries = schedd.spool.resultEntries(job.cluster, job.proc).map((name) => ({ name, source: path.join(results, name) }));
      const { stream, done } = packEntries(entries);
      done.catch((err: unknown) => request.log.warn({ err, jobId: request.params.jobId }, 'sending spooled output failed'));
      return reply.header('content-type', 'application/x-tar').send(stream);
    },
  );

  api.post(
    '/v1/jobs/:jobId/spool/output/fetched',
    { schema: { params: JobIdParams, response: { 200: OkReply, 403: ErrorReply, 404: ErrorReply, 409: ErrorReply } } },
    async (request, reply) => {
      const job = spooledJob(request, request.params.jobId);
      if (!job) return reply.code(404).send({ error: `Job ${request.params.jobId} is not a spooled job in the queue` });
      const refusal = schedd.outputFetched(job);
      if (refusal) return reply.code(409).send({ error: refusal.message });
      return { ok: true };
    },
  );

  api.get(
    '/v1/user-log',
    { schema: { querystring: UserLogQuery, response: { 200: bytesReply('application/octet-stream'), 400: ErrorReply, 404: ErrorReply } } },
    async (request, reply) => {
      // Any job's log by its path: not for user tokens until a log is tied to the jobs that write it.
      requirePoolToken(callerOf(request), 'reading a spooled event log');
      const file = schedd.spool.userLogPath(request.query.path);
      let fd: number;
      try {
        fd = fs.openSync(file, 'r');
      } catch {
        return reply.code(404).send({ error: `the schedd keeps no event log for ${request.query.path}` });
      }
      try {
        const size = fs.fstatSync(fd).size;
        const start = Math.min(request.query.offset, size);
        const buffer = Buffer.alloc(Math.min(size - start, USER_LOG_CHUNK));
        const read = fs.readSync(fd, buffer, 0, buffer.length, start);
        return reply.header('content-type', 'application/octet-stream').header('x-tinycondor-log-size', String(size)).send(buffer.subarray(0, read));
      } finally {
        fs.closeSync(fd);
      }
    },
  );
}
