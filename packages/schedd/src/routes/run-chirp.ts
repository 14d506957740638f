import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { remoteReadAllowed } from '@tinycondor/shared/chirp/access';
import { constrainEdits, type RemoteEditRefusal } from '@tinycondor/shared/chirp/remote-edits';
import { ChirpError } from '@tinycondor/shared/chirp/protocol';
import { RunParams, StartdTransferHeaders } from '@tinycondor/shared/protocol';
import {
  ErrorReply,
  OkReply,
  RunAttributeBody,
  RunAttributeParams,
  RunAttributeReply,
  RunConstrainBody,
  RunDescriptorParams,
  RunDescriptorReadQuery,
  RunDescriptorWriteQuery,
  RunDirectoryQuery,
  RunDirectoryReply,
  RunFileCallBody,
  RunFileCallReply,
  RunFileErrorReply,
  RunFileQuery,
  RunFileWrittenReply,
  RunPutFileQuery,
  RunUlogBody,
} from '@tinycondor/shared/rest-schemas';
import { formatJobId } from '@tinycondor/shared/job-id';
import { shadowCopy } from '@tinycondor/shared/run-copy';
import type { Readable } from 'node:stream';
import { MAX_REMOTE_BUF_SIZE } from '@tinycondor/shared/chirp/remote-files';
import { RunFileCalls } from '../run-file-calls.js';
import { failure, RunFiles, type FileFailure } from '../run-files.js';
import type { Schedd } from '../schedd.js';
import { bytesReply } from './byte-replies.js';
import { currentRunOf, requireStartdKey } from './run-requests.js';

/** A refusal as the startd passes it on: 403 for EACCES (NOT_AUTHORIZED), 400 for EINVAL (INVALID_REQUEST). */
function sendRefusal(reply: FastifyReply, refusal: RemoteEditRefusal) {
  return reply.code(refusal.code === ChirpError.NotAuthorized ? 403 : 400).send({ error: refusal.reason });
}

/** A file request that failed: 422 with the errno the startd's proxy converts for the job. */
function sendFileFailure(reply: FastifyReply, request: { log: FastifyReply['log'] }, jobId: string, failed: FileFailure) {
  request.log.info({ jobId, errno: failed.errno, reason: failed.error }, 'chirp file request failed');
  return reply.code(422).send(failed);
}

/**
 * What HTCondor's shadow answers a running job's Chirp requests with (pseudo_set_job_attr, pseudo_get_job_attr,
 * pseudo_ulog, pseudo_constrain, the file calls getfile, putfile, unlink, getdir, getlongdir, and open with
 * the calls on its descriptors and the other path calls), asked by the job's startd for its current run.
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
    { schema: { description: "get_job_attr: an attribute of the job as its run's shadow holds it (without condor_qedit edits not forwarded).", params: RunAttributeParams, headers: StartdTransferHeaders, response: { 200: RunAttributeReply, ...refusals } } },
    async (request, reply) => {
      const job = await currentRunOf(schedd, request, reply);
      if (!job) return reply;
      if (!remoteReadAllowed(job.ad)) {
        request.log.info({ jobId: formatJobId(job.cluster, job.proc), attribute: request.params.name }, 'get_job_attr from the job refused');
        return reply.code(403).send({ error: 'the job wants neither Chirp nor remote updates (WantIOProxy, WantRemoteUpdates)' });
      }
      // pseudo_get_job_attr answers from the shadow's copy (an edit not forwarded to it is not there), in
      // old ClassAd syntax (ExprTreeToString).
      return { value: shadowCopy(job.ad, job.runEdits).getOldSource(request.params.name) ?? 'UNDEFINED' };
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

  const files = new RunFiles(schedd);
  const fileRefusals = { ...refusals, 422: RunFileErrorReply };
  // putfile's bytes come as they are; the route writes them into the file as they arrive.
  app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));

  api.get(
    '/v1/jobs/:jobId/runs/:runId/files',
    {
      schema: {
        description: "getfile (condor_chirp fetch): a file of the submit side, read with the job owner's rights; 422 names the errno.",
        params: RunParams,
        headers: StartdTransferHeaders,
        querystring: RunFileQuery,
        response: { 200: bytesReply('application/octet-stream'), ...fileRefusals },
      },
    },
    async (request, reply) => {
      const job = await currentRunOf(schedd, request, reply);
      if (!job) return reply;
      const read = files.read(job, request.query.path);
      if ('errno' in read) return sendFileFailure(reply, request, request.params.jobId, read);
      return reply.type('application/octet-stream').send(read);
    },
  );

  api.put(
    '/v1/jobs/:jobId/runs/:runId/files',
    {
      schema: {
        description: "putfile (condor_chirp put): the body (application/octet-stream) written to a file of the submit side with the job owner's rights, created with `mode` or truncated.",
        params: RunParams,
        headers: StartdTransferHeaders,
        querystring: RunPutFileQuery,
        response: { 200: RunFileWrittenReply, ...fileRefusals },
      },
    },
    async (request, reply) => {
      const job = await currentRunOf(schedd, request, reply);
      if (!job) return reply;
      const body = request.body as Readable | undefined;
      const declared = Number(request.headers['content-length'] ?? 0);
      const written = await files.write(job, request.query.path, request.query.mode, declared, body);
      if ('errno' in written) {
        body?.resume();
        return sendFileFailure(reply, request, request.params.jobId, written);
      }
      return written;
    },
  );

  api.delete(
    '/v1/jobs/:jobId/runs/:runId/files',
    {
      schema: { description: 'unlink (condor_chirp remove): a file of the submit side removed with the job owner\'s rights.', params: RunParams, headers: StartdTransferHeaders, querystring: RunFileQuery, response: { 200: OkReply, ...fileRefusals } },
    },
    async (request, reply) => {
      const job = await currentRunOf(schedd, request, reply);
      if (!job) return reply;
      const failed = files.remove(job, request.query.path);
      return failed ? sendFileFailure(reply, request, request.params.jobId, failed) : { ok: true };
    },
  );

  api.get(
    '/v1/jobs/:jobId/runs/:runId/directory',
    {
      schema: {
        description: "getdir / getlongdir (condor_chirp getdir [-l]): a directory of the submit side listed with the job owner's rights.",
        params: RunParams,
        headers: StartdTransferHeaders,
        querystring: RunDirectoryQuery,
        response: { 200: RunDirectoryReply, ...fileRefusals },
      },
    },
    async (request, reply) => {
      const job = await currentRunOf(schedd, request, reply);
      if (!job) return reply;
      const listed = files.list(job, request.query.path, request.query.long === true);
      return 'errno' in listed ? sendFileFailure(reply, request, request.params.jobId, listed) : listed;
    },
  );

  const calls = new RunFileCalls(files, schedd.runDescriptors, (name) => schedd.knob(name));

  api.post(
    '/v1/jobs/:jobId/runs/:runId/file-calls',
    {
      schema: {
        description:
          "A Chirp call on a path or a descriptor the run opened (condor_chirp read, write, put -mode, stat, rmdir, …): open, close, lseek, fsync, fstat, fstatfs, fchown, fchmod, ftruncate, rename, mkdir, rmdir, rmall, link, symlink, readlink, stat, lstat, statfs, access, chmod, chown, lchown, truncate, utime, with the job owner's rights, and lookup (the URL a name maps to: FileRemaps, LocalFiles, …, which open follows); 422 names the errno.",
        params: RunParams,
        headers: StartdTransferHeaders,
        body: RunFileCallBody,
        response: { 200: RunFileCallReply, ...fileRefusals },
      },
    },
    async (request, reply) => {
      const job = await currentRunOf(schedd, request, reply);
      if (!job) return reply;
      const result = calls.call(job, request.body);
      return 'errno' in result ? sendFileFailure(reply, request, request.params.jobId, result) : result;
    },
  );

  api.get(
    '/v1/jobs/:jobId/runs/:runId/descriptors/:fd',
    {
      schema: {
        description: 'Chirp read (at the descriptor\'s position), pread (`offset`) or sread (`offset`, `strideLength`, `strideSkip`): at most `length` bytes (1 to 256 MiB) of a descriptor the run opened.',
        params: RunDescriptorParams,
        headers: StartdTransferHeaders,
        querystring: RunDescriptorReadQuery,
        response: { 200: bytesReply('application/octet-stream'), ...fileRefusals },
      },
    },
    async (request, reply) => {
      const job = await currentRunOf(schedd, request, reply);
      if (!job) return reply;
      const read = calls.read(job, request.params.fd, request.query);
      if ('errno' in read) return sendFileFailure(reply, request, request.params.jobId, read);
      return reply.type('application/octet-stream').send(read);
    },
  );

  api.put(
    '/v1/jobs/:jobId/runs/:runId/descriptors/:fd',
    {
      schema: {
        description: "Chirp write (at the descriptor's position), pwrite (`offset`) or swrite (`offset`, `strideLength`, `strideSkip`) of the body (1 byte to 256 MiB) to a descriptor the run opened; how many bytes were written.",
        params: RunDescriptorParams,
        headers: StartdTransferHeaders,
        querystring: RunDescriptorWriteQuery,
        response: { 200: RunFileWrittenReply, ...fileRefusals },
      },
    },
    async (request, reply) => {
      const job = await currentRunOf(schedd, request, reply);
      if (!job) return reply;
      const body = request.body as Readable | undefined;
      const data = await boundedBody(body, Number(request.headers['content-length'] ?? 0));
      if ('errno' in data) {
        body?.resume();
        return sendFileFailure(reply, request, request.params.jobId, data);
      }
      const written = calls.write(job, request.params.fd, request.query, data);
      return 'errno' in written ? sendFileFailure(reply, request, request.params.jobId, written) : written;
    },
  );
}

/** A write's bytes, at most MAX_REMOTE_BUF_SIZE of them (more is EINVAL, as the shadow refuses that length). */
async function boundedBody(body: Readable | undefined, declared: number): Promise<Buffer | FileFailure> {
  if (declared > MAX_REMOTE_BUF_SIZE) return failure('EINVAL', `a write of ${declared} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body ?? []) {
    size += (chunk as Buffer).length;
    if (size > MAX_REMOTE_BUF_SIZE) return failure('EINVAL', `a write of more than ${MAX_REMOTE_BUF_SIZE} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
