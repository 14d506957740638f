import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { parseExpr } from '@tinycondor/shared/classad/index';
import { parseJobSpec, type JobSpec } from '@tinycondor/shared/job-id';
import type { JobAction, Schedd } from '../schedd.js';
import { ActionBody, ActionReply, ClusterParams, ErrorReply, JobIdParams } from './schemas.js';

const ActionName = Type.Union([Type.Literal('remove'), Type.Literal('hold'), Type.Literal('release'), Type.Literal('vacate')]);
const ActionParams = Type.Object({ action: ActionName });
type ActionParams = Static<typeof ActionParams>;

const TOOLS: Record<JobAction, string> = { remove: 'condor_rm', hold: 'condor_hold', release: 'condor_release', vacate: 'condor_vacate_job' };

const BulkActionBody = Type.Object(
  {
    action: ActionName,
    ids: Type.Optional(Type.Array(Type.String({ pattern: '^[0-9]{1,9}(\\.[0-9]{1,9})?$' }), { maxItems: 100_000 })),
    constraint: Type.Optional(Type.String({ maxLength: 100_000 })),
    all: Type.Optional(Type.Boolean()),
    reason: Type.Optional(Type.String({ maxLength: 4000 })),
    user: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
type BulkActionBody = Static<typeof BulkActionBody>;

/** A job or cluster id from a request; id 0 and other non-ids are a 400, not a crash. */
function jobSpecOf(text: string): JobSpec {
  const spec = parseJobSpec(text);
  if (!spec) throw Object.assign(new Error(`'${text}' is not a job id (C.P) or cluster id (C)`), { statusCode: 400 });
  return spec;
}

/** HTCondor's reason text for a tool action: `via condor_rm (by user alice)`; a vacate is always the schedd's. */
function actionReason(action: JobAction, body: { reason?: string; user?: string }): string {
  if (action === 'vacate') return 'Job vacated by schedd';
  const reason = body.reason ?? `via ${TOOLS[action]}`;
  return body.user ? `${reason} (by user ${body.user})` : reason;
}

/** Job actions (condor_rm …), on one job, a cluster, or a selection. */
export async function actionRoutes(app: FastifyInstance, opts: { schedd: Schedd }): Promise<void> {
  const { schedd } = opts;
  const run = (action: JobAction, specs: JobSpec[], constraint: string | undefined, all: boolean, body: { reason?: string; user?: string }): Promise<ActionReply> => {
    const expr = constraint === undefined ? undefined : parseExpr(constraint);
    return schedd.actOnSelection(action, { specs, constraint: expr, all }, actionReason(action, body), body.user);
  };

  app.post<{ Body: BulkActionBody; Reply: ActionReply }>(
    '/v1/actions',
    { schema: { body: BulkActionBody, response: { 200: ActionReply, 400: ErrorReply } } },
    async (request) => {
      const { ids = [], constraint, all = false } = request.body;
      const specs = ids.map(jobSpecOf);
      return run(request.body.action, specs, constraint, all, request.body);
    },
  );

  app.post<{ Params: JobIdParams & ActionParams; Body: ActionBody; Reply: ActionReply }>(
    '/v1/jobs/:jobId/:action',
    { schema: { params: Type.Intersect([JobIdParams, ActionParams]), body: ActionBody, response: { 200: ActionReply, 400: ErrorReply } } },
    async (request) => run(request.params.action, [jobSpecOf(request.params.jobId)], undefined, false, request.body),
  );

  app.post<{ Params: ClusterParams & ActionParams; Body: ActionBody; Reply: ActionReply }>(
    '/v1/clusters/:clusterId/:action',
    { schema: { params: Type.Intersect([ClusterParams, ActionParams]), body: ActionBody, response: { 200: ActionReply, 400: ErrorReply } } },
    async (request) => run(request.params.action, [{ cluster: request.params.clusterId }], undefined, false, request.body),
  );
}
