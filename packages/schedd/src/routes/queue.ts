import { Readable } from 'node:stream';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { parseExpr, quoteString, type ClassAd, type EvalContext, type Expr } from '@tinycondor/shared/classad/index';
import { addToTotals, emptyTotals, SCHEDULER_UNIVERSE, type JobTotals } from '@tinycondor/shared/job-status';
import { MAX_SUBMIT_BODY_BYTES } from '@tinycondor/shared/submit-limits';
import { callerOf, type Caller } from '../caller.js';
import { constraintHolds, constraintSource } from '../constraint-jobs.js';
import { addClusterCounters, queriedClusterAd } from '../job-factories.js';
import type { ClusterTally, JobKey, StoredJob } from '../job-store.js';
import type { Schedd } from '../schedd.js';
import { SCAN_LIMITS, slices, type PagedSource } from '../slices.js';
import { streamedJson } from './byte-replies.js';
import {
  AdsReply,
  ClusterParams,
  ErrorReply,
  JobAdReply,
  JobIdParams,
  OkReply,
  QueueQuery,
  QueueReply,
  type QueueSummary,
  ReserveReply,
  SubmissionReply,
  SubmitBody,
  FactoryBody,
  SubmitRefusedReply,
  SubmitReply,
  TotalsReply,
  HistoryQuery,
} from '@tinycondor/shared/rest-schemas';

/** How selectedAdsDocument selects, and what it sends after the ads. */
interface Selection<T> {
  /** At most this many ads are sent (HTCondor's match limit). */
  limit?: number;
  /** The scan stops at the first ad this holds for (left out). */
  stop?: Expr;
  /** The scan stops after this many ads read (those `counted` holds for, when given). */
  scanLimit?: number;
  counted?: Expr;
  /** The ad sent for an item selected, when it is not the one evaluated (a cluster ad's counters are added once it is selected). */
  sentAd?: (item: T) => ClassAd | undefined;
  /** Told of each item selected, with the ad evaluated. */
  sent?: (item: T, ad: ClassAd) => void;
  /** The items are selected and told of (`sent`), but no ad is sent. */
  summaryOnly?: boolean;
  /** The document's members after `ads`, once every ad is sent (`,"summary":…`). */
  after?: () => string;
}

/**
 * `{"ads":[…]}` of the ads of `source` that `expr` selects (all without one), as `selection` says, evaluated with
 * `context`: read and evaluated a slice at a time (see slices), so that a big queue or a slow constraint never
 * holds the schedd.
 */
async function* selectedAdsDocument<T>(
  source: PagedSource<T, unknown>,
  adOf: (item: T) => ClassAd,
  context: EvalContext,
  expr: Expr | undefined,
  selection: Selection<T> = {},
): AsyncGenerator<string> {
  const { limit = Infinity, stop, scanLimit = Infinity, counted, sentAd, sent, summaryOnly = false, after } = selection;
  yield '{"ads":[';
  // As history.cpp: limit counts the ads selected (matchCount), scanLimit every ad read (adCount), or those `counted` holds for.
  let matched = 0;
  let scanned = 0;
  let done = false;
  for await (const slice of slices(source, SCAN_LIMITS)) {
    let text = '';
    for (const item of slice) {
      const ad = adOf(item);
      if (counted === undefined || constraintHolds(counted, ad, context)) scanned++;
      if (stop !== undefined && constraintHolds(stop, ad, context)) {
        done = true;
        break;
      }
      if (expr === undefined || constraintHolds(expr, ad, context)) {
        if (!summaryOnly) text += `${matched === 0 ? '' : ','}${JSON.stringify((sentAd?.(item) ?? ad).toJSON())}`;
        sent?.(item, ad);
        matched++;
      }
      if (matched >= limit || scanned >= scanLimit) {
        done = true;
        break;
      }
    }
    if (text !== '') yield text;
    if (done) break;
  }
  yield `]${after?.() ?? ''}}`;
}

/** An ad of the queue with its cluster ads: `counted` gives a cluster ad, once selected, its counters. */
interface QueueEntry {
  key: JobKey;
  ad: ClassAd;
  counted?: () => ClassAd;
}

/**
 * The cluster ads of the queue (see QueueQuery's clusterAds) in job-id order, each before the procs of
 * `jobs` (none: the cluster ads only). The clusters and their counters are read once, at the first page.
 */
function queueWithClusters(schedd: Schedd, jobs: PagedSource<StoredJob, JobKey> | undefined): PagedSource<QueueEntry, JobKey> {
  let tallies: ClusterTally[] | undefined;
  const clusterEntry = (tally: ClusterTally): QueueEntry => {
    const cluster = schedd.store.clusterAd(tally.cluster);
    const ad = queriedClusterAd(cluster, tally.cluster);
    return { key: { cluster: tally.cluster, proc: -1 }, ad, counted: () => addClusterCounters(ad, cluster, tally) };
  };
  /** The index of the first cluster whose ad comes after `from` (a binary search: pages of a big queue each find their place). */
  const firstAfter = (list: ClusterTally[], from: JobKey | undefined): number => {
    if (from === undefined) return 0;
    // A cluster ad (proc -1) comes after `from` exactly when its cluster is a later one.
    const past = (tally: ClusterTally): boolean => tally.cluster > from.cluster;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (past(list[mid])) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  return {
    read: (from, limit) => {
      tallies ??= schedd.store.clusterTallies();
      const procs = jobs?.read(from, limit) ?? [];
      // The page ends at its last proc (or the limit): the clusters up to there, in order with the procs.
      const last = procs.length === limit ? procs[procs.length - 1] : undefined;
      const clusters: ClusterTally[] = [];
      for (let i = firstAfter(tallies, from); i < tallies.length && clusters.length < limit && (last === undefined || tallies[i].cluster <= last.cluster); i++) clusters.push(tallies[i]);
      const entries: QueueEntry[] = [...clusters.map(clusterEntry), ...procs.map((job) => ({ key: { cluster: job.cluster, proc: job.proc }, ad: job.ad }))];
      entries.sort((a, b) => a.key.cluster - b.key.cluster || a.key.proc - b.key.proc);
      return entries.slice(0, limit);
    },
    key: (entry) => entry.key,
  };
}

/** `{"ads":[…]}` from ad texts, sent as they are produced, then the members `after` gives. */
function* adsDocument(texts: Iterable<string>, after: () => string): Generator<string> {
  yield '{"ads":[';
  let first = true;
  for (const text of texts) {
    yield first ? text : `,${text}`;
    first = false;
  }
  yield `]${after()}}`;
}

/**
 * Whose jobs a myJobs query shows (command_query_job_ads): the user of the caller's own token, whatever the
 * query names, and none (every job) for a queue superuser's; the pool token names no user, so the name the
 * query gives (HTCondor's Me of a query it cannot authenticate). CONDOR_Q_ONLY_MY_JOBS false: every job.
 */
function myJobsOwner(caller: Caller, me: string | undefined): string | undefined {
  if (me === undefined || !caller.access.onlyMyJobs) return undefined;
  if (caller.poolToken) return me;
  return caller.superUser ? undefined : caller.user;
}

/** The my-jobs clause (`Owner == "name"`, or `User ==` a fully qualified name) and'ed with the query's constraint. */
function queueConstraint(owner: string | undefined, constraint: string | undefined): string | undefined {
  if (owner === undefined) return constraint;
  const mine = `${owner.includes('@') ? 'User' : 'Owner'} == ${quoteString(owner)}`;
  return constraint === undefined ? mine : `(${mine}) && (${constraint})`;
}

/**
 * The summary of a queue query (sendDone's summary ad): `query`, the counts of the jobs selected (undefined: all
 * of `owner`'s, or every job without one).
 */
function queueSummary(schedd: Schedd, query: JobTotals | undefined, owner: string | undefined): QueueSummary {
  const { all, mine } = schedd.store.summaryCounts(owner);
  if (owner === undefined) return { query: query ?? all, allUsers: all };
  return { query: query ?? mine, allUsers: all, myName: owner, my: mine };
}

/** The route a cluster's procs are submitted on. */
export const SUBMIT_ROUTE = '/v1/clusters/:clusterId/procs';
/** The route a cluster's job factory is submitted on. */
export const FACTORY_ROUTE = '/v1/clusters/:clusterId/factory';

/** Submitting clusters and reading the queue, the history and the pool. */
export async function queueRoutes(app: FastifyInstance, opts: { schedd: Schedd }): Promise<void> {
  const { schedd } = opts;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.post(
    '/v1/clusters',
    { schema: { response: { 201: ReserveReply } } },
    async (_request, reply) => reply.code(201).send({ clusterId: schedd.reserveCluster() }),
  );

  api.post(
    SUBMIT_ROUTE,
    {
      bodyLimit: MAX_SUBMIT_BODY_BYTES,
      schema: {
        params: ClusterParams,
        body: SubmitBody,
        response: { 201: SubmitReply, 400: SubmitRefusedReply },
      },
    },
    async (request, reply) => {
      const { procs, warning } = schedd.submitCluster(request.params.clusterId, request.body.submissionId, request.body.common, request.body.procs, callerOf(request));
      return reply.code(201).send({ clusterId: request.params.clusterId, procs, ...(warning === undefined ? {} : { warning }) });
    },
  );

  // Late materialization: the cluster's job factory (its submit digest); the schedd makes the procs (Schedd.submitFactory).
  api.post(
    FACTORY_ROUTE,
    {
      bodyLimit: MAX_SUBMIT_BODY_BYTES,
      schema: { params: ClusterParams, body: FactoryBody, response: { 201: SubmitReply, 400: SubmitRefusedReply } },
    },
    async (request, reply) => {
      const { submissionId, ...submission } = request.body;
      const { procs, warning } = schedd.submitFactory(request.params.clusterId, submissionId, submission, callerOf(request));
      return reply.code(201).send({ clusterId: request.params.clusterId, procs, ...(warning === undefined ? {} : { warning }) });
    },
  );

  // A submitter that lost its connection while submitting asks what became of the submission: stored (under
  // its id), or not, and then never (the reservation is given up, so a copy still on its way is refused).
  api.post(
    '/v1/clusters/:clusterId/settle',
    { schema: { params: ClusterParams, response: { 200: SubmissionReply, 404: ErrorReply } } },
    async (request, reply) => {
      const submission = schedd.store.settleSubmission(request.params.clusterId);
      if (!submission) return reply.code(404).send({ error: `cluster ${request.params.clusterId} was never reserved` });
      return { clusterId: request.params.clusterId, ...submission };
    },
  );

  api.get(
    '/v1/jobs',
    { schema: { querystring: QueueQuery, response: { 200: streamedJson(QueueReply), 400: ErrorReply } } },
    async (request, reply) => {
      const { clusterAds, limit, myJobs, summaryOnly } = request.query;
      const owner = myJobsOwner(callerOf(request), myJobs);
      const constraint = queueConstraint(owner, request.query.constraint);
      const expr = constraint === undefined ? undefined : parseExpr(constraint);
      // HTCondor's query counters count the jobs sent, not cluster ads.
      const query = emptyTotals();
      const count = (ad: ClassAd): void => {
        if (ad.getInt('JobUniverse') !== SCHEDULER_UNIVERSE) addToTotals(query, ad.getInt('JobStatus') ?? 0, 1);
      };
      const after = () => `,"summary":${JSON.stringify(queueSummary(schedd, query, owner))}`;
      // Her own jobs (by Owner) or the whole queue, and nothing else: counted from the index, and the stored texts
      // sent as they are (no parsing of a big queue).
      if (request.query.constraint === undefined && limit === undefined && clusterAds === undefined && !owner?.includes('@')) {
        const summary = () => queueSummary(schedd, undefined, owner);
        const document = summaryOnly === true ? [JSON.stringify({ ads: [], summary: summary() })] : adsDocument(schedd.store.jobTexts(owner), () => `,"summary":${JSON.stringify(summary())}`);
        return reply.type('application/json').send(Readable.from(document));
      }
      if (clusterAds !== undefined) {
        const source = queueWithClusters(schedd, clusterAds === 'only' ? undefined : expr === undefined ? schedd.store.jobSource() : constraintSource(schedd.store, expr));
        const sent = (entry: QueueEntry, ad: ClassAd): void => {
          if (entry.key.proc >= 0) count(ad);
        };
        return reply.type('application/json').send(Readable.from(selectedAdsDocument(source, (entry) => entry.ad, schedd.evalContext(), expr, { limit, sentAd: (entry) => entry.counted?.(), sent, summaryOnly, after })));
      }
      const source = expr === undefined ? schedd.store.jobSource() : constraintSource(schedd.store, expr);
      return reply.type('application/json').send(Readable.from(selectedAdsDocument(source, (job) => job.ad, schedd.evalContext(), expr, { limit, sent: (_job, ad) => count(ad), summaryOnly, after })));
    },
  );

  api.get('/v1/jobs/totals', { schema: { response: { 200: TotalsReply } } }, async () => ({
    totals: schedd.store.totals(),
  }));

  api.get(
    '/v1/jobs/:jobId',
    { schema: { params: JobIdParams, response: { 200: JobAdReply, 404: ErrorReply } } },
    async (request, reply) => {
      const [cluster, proc] = request.params.jobId.split('.').map(Number);
      const job = schedd.store.getJob(cluster, proc);
      if (!job) return reply.code(404).send({ error: `Job ${request.params.jobId} not found` });
      return { ad: job.ad.toJSON() };
    },
  );

  api.get(
    '/v1/history',
    { schema: { querystring: HistoryQuery, response: { 200: streamedJson(AdsReply), 400: ErrorReply } } },
    async (request, reply) => {
      const { constraint, limit, since, forwards, scanLimit, scanCounted } = request.query;
      const expr = constraint === undefined ? undefined : parseExpr(constraint);
      const stop = since === undefined ? undefined : parseExpr(since);
      const counted = scanCounted === undefined ? undefined : parseExpr(scanCounted);
      const document = selectedAdsDocument(schedd.store.historySource(forwards === true), (entry) => entry.ad, schedd.evalContext(), expr, { limit, stop, scanLimit, counted });
      return reply.type('application/json').send(Readable.from(document));
    },
  );

  api.get('/v1/status', { schema: { response: { 200: AdsReply } } }, async () => ({
    ads: schedd.registry.allSlotAds(new Date()).map((ad) => ad.toJSON()),
  }));

  api.post('/v1/reschedule', { schema: { response: { 200: OkReply } } }, async () => {
    schedd.scheduleMatchmaking();
    return { ok: true };
  });
}
