import { Type } from '@sinclair/typebox';
import { parseExpr } from '@tinycondor/shared/classad/index';
import { parseJobSpec } from '@tinycondor/shared/job-id';
import { ActionBody, ActionReply, ClusterParams, ErrorReply, JobIdParams } from './schemas.js';
const BulkActionBody = Type.Object({
    action: Type.Literal('remove'),
    ids: Type.Optional(Type.Array(Type.String({ pattern: '^[0-9]{1,9}(\\.[0-9]{1,9})?$' }), { maxItems: 100_000 })),
    constraint: Type.Optional(Type.String({ maxLength: 100_000 })),
    all: Type.Optional(Type.Boolean()),
    reason: Type.Optional(Type.String({ maxLength: 4000 })),
    user: Type.Optional(Type.String({ maxLength: 200 })),
}, { additionalProperties: false });
/** HTCondor's reason text for a tool action: `via condor_rm (by user alice)`. */
function actionReason(tool, body) {
    const reason = body.reason ?? `via ${tool}`;
    return body.user ? `${reason} (by user ${body.user})` : reason;
}
/** Job actions (condor_rm …), on one job, a cluster, or a selection. */
export async function actionRoutes(app, opts) {
    const { schedd } = opts;
    const run = (specs, constraint, all, body) => {
        const expr = constraint === undefined ? undefined : parseExpr(constraint);
        const { jobs, missing } = schedd.selectJobs(specs, expr, all);
        return { results: schedd.removeJobs(jobs, actionReason('condor_rm', body)), notFound: missing };
    };
    app.post('/v1/actions', { schema: { body: BulkActionBody, response: { 200: ActionReply, 400: ErrorReply } } }, async (request) => {
        const { ids = [], constraint, all = false } = request.body;
        const specs = ids.map((id) => parseJobSpec(id));
        return run(specs, constraint, all, request.body);
    });
    app.post('/v1/jobs/:jobId/remove', { schema: { params: JobIdParams, body: ActionBody, response: { 200: ActionReply, 400: ErrorReply } } }, async (request) => run([parseJobSpec(request.params.jobId)], undefined, false, request.body));
    app.post('/v1/clusters/:clusterId/remove', { schema: { params: ClusterParams, body: ActionBody, response: { 200: ActionReply, 400: ErrorReply } } }, async (request) => run([{ cluster: request.params.clusterId }], undefined, false, request.body));
}
//# sourceMappingURL=actions.js.map