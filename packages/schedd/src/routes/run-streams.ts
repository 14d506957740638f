import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { RunParams, StartdTransferHeaders } from '@tinycondor/shared/protocol';
import { ErrorReply, RunStdinReadBody, RunStdinReadReply, RunStreamOpenBody, RunStreamParams, RunStreamReply, RunStreamWriteBody } from '@tinycondor/shared/rest-schemas';
import { RunStreams } from '../run-streams.js';
import type { Schedd } from '../schedd.js';
import { currentRunOf, requireStartdKey } from './run-requests.js';

/**
 * stream_output / stream_error: a running job's stdout or stderr written to its submit-side file as it comes;
 * stream_input: its stdin read from its submit-side file as the job reads it.
 */
export async function runStreamRoutes(app: FastifyInstance, opts: { schedd: Schedd }): Promise<void> {
  const { schedd } = opts;
  const streams = new RunStreams(schedd);
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  requireStartdKey(app, schedd, "a job's streamed output");
  const refusals = { 403: ErrorReply, 409: ErrorReply, 422: ErrorReply, 503: ErrorReply };

  api.post(
    '/v1/jobs/:jobId/runs/:runId/streams/:stream/open',
    {
      schema: {
        description: "Opens the job's output or error file for streaming (created; truncated unless the job appends): the reply is its size.",
        params: RunStreamParams,
        headers: StartdTransferHeaders,
        body: RunStreamOpenBody,
        response: { 200: RunStreamReply, ...refusals },
      },
    },
    async (request, reply) => {
      const job = await currentRunOf(schedd, request, reply);
      if (!job) return reply;
      const opened = streams.open(job, request.params.stream, request.body.truncate);
      return 'status' in opened ? reply.code(opened.status).send({ error: opened.error }) : opened;
    },
  );

  api.post(
    '/v1/jobs/:jobId/runs/:runId/streams/:stream/write',
    {
      schema: {
        description: 'Bytes of the stream (base64) written at an offset of the file: the reply is where the next go.',
        params: RunStreamParams,
        headers: StartdTransferHeaders,
        body: RunStreamWriteBody,
        response: { 200: RunStreamReply, ...refusals },
      },
    },
    async (request, reply) => {
      const job = await currentRunOf(schedd, request, reply);
      if (!job) return reply;
      const written = streams.write(job, request.params.stream, request.body.offset, Buffer.from(request.body.data, 'base64'));
      return 'status' in written ? reply.code(written.status).send({ error: written.error }) : written;
    },
  );

  api.post(
    '/v1/jobs/:jobId/runs/:runId/stdin/read',
    {
      schema: {
        description: "Bytes of the job's input file (base64) from an offset, for a job that streams its stdin: none at the end of the file.",
        params: RunParams,
        headers: StartdTransferHeaders,
        body: RunStdinReadBody,
        response: { 200: RunStdinReadReply, ...refusals },
      },
    },
    async (request, reply) => {
      const job = await currentRunOf(schedd, request, reply);
      if (!job) return reply;
      const read = streams.readInput(job, request.body.offset, request.body.length);
      return 'status' in read ? reply.code(read.status).send({ error: read.error }) : { data: read.data.toString('base64') };
    },
  );
}
