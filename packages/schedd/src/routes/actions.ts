import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { parseExpr } from '@tinycondor/shared/classad/index';
import { parseJobSpec, type JobSpec } from '@tinycondor/shared/job-id';
import type { Schedd } from '../schedd.js';
import { ActionBody, ActionReply, ClusterParams, ErrorReply, JobIdParams } from './schemas.js';

const BulkActionBody = Type.Object(
  {
    action: Type.Literal('remove'),
    ids: Type.Optional(Type.Array(Type.String({ pattern: '^[0-9]{1,9}(\\.[0-9]{1,9})?$' }), { maxItems: 100_000 })),
    constraint: Type.Optional(Type.String({ maxLength: 100_000 })),
    all: Type.Optional(Type.Boolean()),
    reason: Type.Optional(Type.String({ maxLength: 4000 })),
    user: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
type BulkActionBody = Static<typeof BulkActionBody>;

/** HTCondor's reason text for a tool action: `via condor_rm (by user alice)`. */
function actionReason(tool: string, body: { reason?: string; user?: string }): string {
  const reason = body.reason ?? `via ${tool}`;
  return body.user ? `${reason} (by user ${body.user})` : reason;
}

/** Job actions (condor_rm …), on one job, a cluster, or a selection. */
export async function actionRoutes(app: FastifyInstance, opts: { schedd: Schedd }): Promise<void> {
  const { schedd } = opts;
  const run = (specs: JobSpec[], constraint: string | undefined, all: boolean, body: { reason?: string; user?: string }): ActionReply => {
    const expr = constraint === undefined ? undefined : parseExpr(constraint);
    const { jobs, missing } = schedd.selectJobs(specs, expr, all);
    return { results: schedd.removeJobs(jobs, actionReason('condor_rm', body)), notFound: missing };
  };

  app.post<{ Body: BulkActionBody; Reply: ActionReply }>(
    '/v1/actions',
    { schema: { body: BulkActionBody, response: { 200: ActionReply, 400: ErrorReply } } },
    async (request) => {
      const { ids = [], constraint, all = false } = request.body;
      const specs = ids.map((id) => parseJobSpec(id) as JobSpec);
      return run(specs, constraint, all, request.body);
    },
  );

  app.post<{ Params: JobIdParams; Body: ActionBody; Reply: ActionReply }>(
    '/v1/jobs/:jobId/remove',
    { schema: { params: JobIdParams, body: ActionBody, response: { 200: ActionReply, 400: ErrorReply } } },
    async (request) => run([parseJobSpec(request.params.jobId) as JobSpec], undefined, false, request.body),
  );

  app.post<{ Params: ClusterParams; Body: ActionBody; Reply: ActionReply }>(
    '/v1/clusters/:clusterId/remove',
    { schema: { params: ClusterParams, body: ActionBody, response: { 200: ActionReply, 400: ErrorReply } } },
    async (request) => run([{ cluster: request.params.clusterId }], undefined, false, request.body),
  );
}
