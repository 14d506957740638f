import { Type } from '@sinclair/typebox';
import { parseExpr } from '@tinycondor/shared/classad/index';
import { constraintHolds } from '../schedd.js';
import { ClusterParams, ErrorReply, JobIdParams, StoredAd } from './schemas.js';
const QueueQuery = Type.Object({
    constraint: Type.Optional(Type.String({ maxLength: 100_000 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000_000 })),
}, { additionalProperties: false });
const AdsReply = Type.Object({ ads: Type.Array(StoredAd) });
const SubmitBody = Type.Object({ procs: Type.Array(StoredAd, { minItems: 1, maxItems: 1_000_000 }) }, { additionalProperties: false });
function filtered(ads, constraint) {
    const expr = constraint === undefined ? undefined : parseExpr(constraint);
    return ads.filter((ad) => expr === undefined || constraintHolds(expr, ad)).map((ad) => ad.toJSON());
}
/** Submitting clusters and reading the queue, the history and the pool. */
export async function queueRoutes(app, opts) {
    const { schedd } = opts;
    app.post('/v1/clusters', { schema: { response: { 201: Type.Object({ clusterId: Type.Integer() }) } } }, async (_request, reply) => reply.code(201).send({ clusterId: schedd.reserveCluster() }));
    app.post('/v1/clusters/:clusterId/procs', {
        bodyLimit: 512 * 1024 * 1024,
        schema: {
            params: ClusterParams,
            body: SubmitBody,
            response: { 201: Type.Object({ clusterId: Type.Integer(), procs: Type.Integer() }), 400: ErrorReply },
        },
    }, async (request, reply) => {
        const procs = schedd.submitCluster(request.params.clusterId, request.body.procs);
        return reply.code(201).send({ clusterId: request.params.clusterId, procs });
    });
    app.get('/v1/jobs', { schema: { querystring: QueueQuery, response: { 200: AdsReply, 400: ErrorReply } } }, async (request) => ({ ads: filtered(schedd.store.allJobs().map((j) => j.ad), request.query.constraint) }));
    app.get('/v1/jobs/:jobId', { schema: { params: JobIdParams, response: { 200: Type.Object({ ad: StoredAd }), 404: ErrorReply } } }, async (request, reply) => {
        const [cluster, proc] = request.params.jobId.split('.').map(Number);
        const job = schedd.store.getJob(cluster, proc);
        if (!job)
            return reply.code(404).send({ error: `Job ${request.params.jobId} not found` });
        return { ad: job.ad.toJSON() };
    });
    app.get('/v1/history', { schema: { querystring: QueueQuery, response: { 200: AdsReply, 400: ErrorReply } } }, async (request) => ({ ads: filtered(schedd.store.history(request.query.limit ?? 10_000_000), request.query.constraint) }));
    app.get('/v1/status', { schema: { response: { 200: AdsReply } } }, async () => ({
        ads: schedd.registry.allSlotAds(new Date()).map((ad) => ad.toJSON()),
    }));
    app.post('/v1/reschedule', { schema: { response: { 200: Type.Object({ ok: Type.Boolean() }) } } }, async () => {
        schedd.scheduleMatchmaking();
        return { ok: true };
    });
}
//# sourceMappingURL=queue.js.map