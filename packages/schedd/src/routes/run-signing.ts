import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { RunParams, StartdTransferHeaders } from '@tinycondor/shared/protocol';
import { ErrorReply, SignUrlsBody, SignUrlsReply } from '@tinycondor/shared/rest-schemas';
import type { Schedd } from '../schedd.js';
import { signRunUrls } from '../url-signing.js';
import { currentRunOf, requireStartdKey } from './run-requests.js';

/**
 * The s3:// and gs:// URLs of a run's transfers, presigned by the schedd as the shadow signs them
 * (DoUpload for inputs, DoDownload's SignUrls for outputs): the keys stay on the submit side.
 */
export async function runSigningRoutes(app: FastifyInstance, opts: { schedd: Schedd }): Promise<void> {
  const { schedd } = opts;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  requireStartdKey(app, schedd, "a run's URL signing");

  api.post(
    '/v1/jobs/:jobId/runs/:runId/sign-urls',
    {
      schema: {
        description: "The URLs presigned with the job's key files (AWS Signature V4), '' for one the schedd does not sign; or the hold a key file it cannot read gives the transfer.",
        params: RunParams,
        headers: StartdTransferHeaders,
        body: SignUrlsBody,
        response: { 200: SignUrlsReply, 403: ErrorReply, 409: ErrorReply, 503: ErrorReply },
      },
    },
    async (request, reply) => {
      const job = await currentRunOf(schedd, request, reply);
      if (!job) return reply;
      return signRunUrls(schedd, job, request.body.verb, request.body.urls);
    },
  );
}
