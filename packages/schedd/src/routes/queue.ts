import { Readable } from 'node:stream';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { parseExpr, type ClassAd } from '@tinycondor/shared/classad/index';
import { callerOf } from '../caller.js';
import { constraintHolds, type Schedd } from '../schedd.js';
import { ClusterParams, ErrorReply, JobIdParams, StoredAd, StoredOverlay } from './schemas.js';

const QueueQuery = Type.Object(
  {
    constraint: Type.Optional(Type.String({ maxLength: 100_000 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000_000 })),
  },
  { additionalProperties: false },
);
type QueueQuery = Static<typeof QueueQuery>;

const AdsReply = Type.Object({ ads: Type.Array(StoredAd) });
type AdsReply = Static<typeof AdsReply>;

const TotalsReply = Type.Object({
  totals: Type.Array(Type.Object({ owner: Type.String(), status: Type.Integer(), count: Type.Integer() })),
});
type TotalsReply = Static<typeof TotalsReply>;

const SubmitBody = Type.Object(
  { common: Type.Optional(StoredAd), procs: Type.Array(StoredOverlay, { minItems: 1, maxItems: 1_000_000 }) },
  { additionalProperties: false },
);
type SubmitBody = Static<typeof SubmitBody>;

function filtered(ads: Iterable<ClassAd>, constraint: string | undefined): Record<string, string>[] {
  const expr = constraint === undefined ? undefined : parseExpr(constraint);
  const selected: Record<string, string>[] = [];
  for (const ad of ads) if (expr === undefined || constraintHolds(expr, ad)) selected.push(ad.toJSON());
  return selected;
}

/** `{"ads":[…]}` from ad texts, sent as they are produced. */
function* adsDocument(texts: Iterable<string>): Generator<string> {
  yield '{"ads":[';
  let first = true;
  for (const text of texts) {
    yield first ? text : `,${text}`;
    first = false;
  }
  yield ']}';
}

/** Submitting clusters and reading the queue, the history and the pool. */
export async function queueRoutes(app: FastifyInstance, opts: { schedd: Schedd }): Promise<void> {
  const { schedd } = opts;

  app.post<{ Reply: { clusterId: number } }>(
    '/v1/clusters',
    { schema: { response: { 201: Type.Object({ clusterId: Type.Integer() }) } } },
    async (_request, reply) => reply.code(201).send({ clusterId: schedd.reserveCluster() }),
  );

  app.post<{ Params: ClusterParams; Body: SubmitBody; Reply: { clusterId: number; procs: number } | { error: string } }>(
    '/v1/clusters/:clusterId/procs',
    {
      bodyLimit: 512 * 1024 * 1024,
      schema: {
        params: ClusterParams,
        body: SubmitBody,
        response: { 201: Type.Object({ clusterId: Type.Integer(), procs: Type.Integer() }), 400: ErrorReply },
      },
    },
    async (request, reply) => {
      const procs = schedd.submitCluster(request.params.clusterId, request.body.common, request.body.procs, callerOf(request));
      return reply.code(201).send({ clusterId: request.params.clusterId, procs });
    },
  );

  app.get<{ Querystring: QueueQuery; Reply: AdsReply | Readable }>(
    '/v1/jobs',
    { schema: { querystring: QueueQuery, response: { 200: AdsReply, 400: ErrorReply } } },
    async (request, reply) => {
      if (request.query.constraint !== undefined) {
        const expr = parseExpr(request.query.constraint);
        const texts = function* () {
          for (const job of schedd.store.jobs()) if (constraintHolds(expr, job.ad)) yield JSON.stringify(job.ad.toJSON());
        };
        return reply.type('application/json').send(Readable.from(adsDocument(texts())));
      }
      // Without a constraint the stored texts go out as they are: no parsing of a big queue.
      return reply.type('application/json').send(Readable.from(adsDocument(schedd.store.jobTexts())));
    },
  );

  app.get<{ Reply: TotalsReply }>('/v1/jobs/totals', { schema: { response: { 200: TotalsReply } } }, async () => ({
    totals: schedd.store.totals(),
  }));

  app.get<{ Params: JobIdParams; Reply: { ad: Record<string, string> } | { error: string } }>(
    '/v1/jobs/:jobId',
    { schema: { params: JobIdParams, response: { 200: Type.Object({ ad: StoredAd }), 404: ErrorReply } } },
    async (request, reply) => {
      const [cluster, proc] = request.params.jobId.split('.').map(Number);
      const job = schedd.store.getJob(cluster, proc);
      if (!job) return reply.code(404).send({ error: `Job ${request.params.jobId} not found` });
      return { ad: job.ad.toJSON() };
    },
  );

  app.get<{ Querystring: QueueQuery; Reply: AdsReply }>(
    '/v1/history',
    { schema: { querystring: QueueQuery, response: { 200: AdsReply, 400: ErrorReply } } },
    async (request) => ({ ads: filtered(schedd.store.history(request.query.limit ?? 10_000_000), request.query.constraint) }),
  );

  app.get<{ Reply: AdsReply }>('/v1/status', { schema: { response: { 200: AdsReply } } }, async () => ({
    ads: schedd.registry.allSlotAds(new Date()).map((ad) => ad.toJSON()),
  }));

  app.post<{ Reply: { ok: boolean } }>('/v1/reschedule', { schema: { response: { 200: Type.Object({ ok: Type.Boolean() }) } } }, async () => {
    schedd.scheduleMatchmaking();
    return { ok: true };
  });
}
