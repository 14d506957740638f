import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import t, { type Test } from 'tap';
import { buildApp, OPENAPI_ROUTE } from './app.js';
import { EventFeed } from './dashboard/event-feed.js';
import { DashboardPublisher } from './dashboard/publisher.js';
import { CheckpointSizes } from './dashboard/spool-files.js';
import { openDatabase } from './db.js';
import { Schedd } from './schedd.js';
import { SpoolStore } from './spool-store.js';
import { UserTokens } from './user-tokens.js';

const TOKEN = 'a'.repeat(64);
const RUN = 'A'.repeat(22);

/** The schedd's app on a scratch pool directory, driven without a port. */
async function testApp(t: Test, compiledSchemaDir?: string): Promise<{ app: FastifyInstance; schedd: Schedd; home: string; db: ReturnType<typeof openDatabase>; userTokens: UserTokens }> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-app-'));
  fs.mkdirSync(path.join(home, 'pool'));
  const db = openDatabase(path.join(home, 'pool', 'job_queue.sqlite'));
  const spool = new SpoolStore(path.join(home, 'pool', 'spool'));
  const logger = pino({ level: 'silent' });
  const settings = {
    name: 'test-schedd',
    sinfulAddress: '<127.0.0.1:1>',
    leaseSeconds: 60,
    killGraceSeconds: 10,
    periodicSeconds: 2,
    poolRoot: path.join(home, 'pool'),
  };
  const dashboard = new DashboardPublisher(new EventFeed(), new CheckpointSizes((cluster, proc) => spool.jobDir(cluster, proc)));
  const schedd = new Schedd(db, spool, settings, logger, dashboard);
  const userTokens = new UserTokens(path.join(home, 'pool', 'user-tokens.json'), path.join(home, 'pool', 'tokens'));
  const app = await buildApp({ schedd, dashboard, token: TOKEN, logger, userTokens, compiledSchemaDir });
  t.teardown(async () => {
    await app.close();
    // A submission's event log flush waits two turns of the event loop (EventLogWriter.schedule), which
    // inject()ed requests may not give it: it runs before the queue closes.
    await new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
    db.close();
    fs.rmSync(home, { recursive: true, force: true });
  });
  return { app, schedd, home, db, userTokens };
}

interface Call {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  body?: unknown;
  tar?: boolean;
  headers?: Record<string, string>;
}

/** A request as the CLI or a startd makes it: the pool token, a JSON or tar body. */
async function call(app: FastifyInstance, { method, url, body, tar, headers }: Call) {
  const type = tar ? { 'content-type': 'application/x-tar' } : body === undefined ? {} : { 'content-type': 'application/json' };
  const payload = tar ? Buffer.alloc(1024) : body === undefined ? undefined : JSON.stringify(body);
  const reply = await app.inject({ method, url, payload, headers: { authorization: `Bearer ${TOKEN}`, ...type, ...headers } });
  return { status: reply.statusCode, type: String(reply.headers['content-type'] ?? ''), json: () => reply.json<Record<string, unknown>>() };
}

/** The cache's files and their modification times: unchanged when a start loaded every schema from it. */
function cacheListing(dir: string): Record<string, number> {
  return Object.fromEntries(fs.readdirSync(dir).map((name) => [name, fs.statSync(path.join(dir, name)).mtimeMs]));
}

t.test('with its compiled schemas kept between starts, the app answers and refuses as when it compiles them', async (t) => {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-schemas-'));
  t.teardown(() => fs.rmSync(cache, { recursive: true, force: true }));
  await t.test('the first start compiles and stores them', (t) => routeTable(t, cache));
  const stored = cacheListing(cache);
  t.ok(Object.keys(stored).length > 20, `${Object.keys(stored).length} compiled schemas stored`);
  await t.test('the next start loads them', (t) => routeTable(t, cache));
  t.same(cacheListing(cache), stored, 'nothing compiled again');
});

t.test('each route answers a valid request, and refuses an invalid one with a 400 naming the field', (t) => routeTable(t));

async function routeTable(t: Test, compiledSchemaDir?: string): Promise<void> {
  const { app, schedd, home } = await testApp(t, compiledSchemaDir);
  const key = (schedd.admitStartd('startd-1', undefined) as { key: string }).key;
  const startd = { 'x-tinycondor-startd-key': key };
  const base = { ClusterId: '1', ProcId: '0', JobStatus: '1', Cmd: '"/bin/true"', Iwd: `"${home}"`, Owner: `"${os.userInfo().username}"` };

  // Clusters 1 and 2 (job 2.0 stays absent); the route's own reservation below is cluster 3, which the factory is submitted to.
  schedd.reserveCluster();
  schedd.reserveCluster();
  const factory = {
    limit: 1,
    totalProcs: 2,
    digest: {
      definitions: [{ name: 'executable', value: '/bin/true', pos: { file: 'job.sub', line: 1 } }],
      queue: { pos: { file: 'job.sub', line: 2 }, vars: [], count: 2, rows: [{}] },
      context: { fileName: 'job.sub', submitDir: home, env: {}, owner: os.userInfo().username, now: 1_700_000_000_000, euid: 1000, extendedCommands: [] },
    },
  };

  // [route as OpenAPI names it, a valid request and its status, an invalid one and the field its error names]
  const cases: [string, Call, number, Call | undefined, RegExp | undefined][] = [
    ['POST /v1/clusters', { method: 'POST', url: '/v1/clusters' }, 201, undefined, undefined],
    ['POST /v1/clusters/{clusterId}/procs', { method: 'POST', url: '/v1/clusters/1/procs', body: { procs: [base] } }, 201, { method: 'POST', url: '/v1/clusters/1/procs', body: { procs: 'no' } }, /procs/],
    ['POST /v1/clusters/{clusterId}/factory', { method: 'POST', url: '/v1/clusters/3/factory', body: factory }, 201, { method: 'POST', url: '/v1/clusters/3/factory', body: { ...factory, limit: 0 } }, /limit/],
    ['POST /v1/clusters/{clusterId}/settle', { method: 'POST', url: '/v1/clusters/1/settle' }, 200, { method: 'POST', url: '/v1/clusters/0/settle' }, /clusterId/],
    ['GET /v1/jobs', { method: 'GET', url: `/v1/jobs?constraint=ProcId%3D%3D0&clusterAds=include&limit=5&myJobs=${os.userInfo().username}&summaryOnly=false` }, 200, { method: 'GET', url: '/v1/jobs?clusterAds=all' }, /clusterAds/],
    ['GET /v1/jobs/totals', { method: 'GET', url: '/v1/jobs/totals' }, 200, undefined, undefined],
    ['GET /v1/jobs/{jobId}', { method: 'GET', url: '/v1/jobs/1.0' }, 200, { method: 'GET', url: '/v1/jobs/one' }, /jobId/],
    ['GET /v1/history', { method: 'GET', url: '/v1/history?since=ClusterId%3D%3D1' }, 200, { method: 'GET', url: '/v1/history?forwards=maybe' }, /forwards/],
    ['GET /v1/status', { method: 'GET', url: '/v1/status' }, 200, undefined, undefined],
    ['POST /v1/reschedule', { method: 'POST', url: '/v1/reschedule' }, 200, undefined, undefined],
    ['POST /v1/actions', { method: 'POST', url: '/v1/actions', body: { action: 'hold', ids: ['1.0'] } }, 200, { method: 'POST', url: '/v1/actions', body: { action: 'explode' } }, /action/],
    ['POST /v1/priority', { method: 'POST', url: '/v1/priority', body: { ids: ['1'], priority: 5 } }, 200, { method: 'POST', url: '/v1/priority', body: { priority: 'high' } }, /priority/],
    ['GET /v1/userprio', { method: 'GET', url: '/v1/userprio' }, 200, undefined, undefined],
    ['POST /v1/userprio', { method: 'POST', url: '/v1/userprio', body: { command: 'setfactor', submitter: 'alice@localhost', value: 10 } }, 200, { method: 'POST', url: '/v1/userprio', body: { command: 'explode' } }, /command/],
    ['POST /v1/edit', { method: 'POST', url: '/v1/edit', body: { jobs: ['1.0'], edits: [{ name: 'Foo', value: '1' }], forward: true } }, 200, { method: 'POST', url: '/v1/edit', body: { jobs: ['1.0'], edits: [] } }, /edits/],
    ['POST /v1/jobs/{jobId}/{action}', { method: 'POST', url: '/v1/jobs/1.0/release', body: {} }, 200, { method: 'POST', url: '/v1/jobs/1.0/explode', body: {} }, /action/],
    ['POST /v1/clusters/{clusterId}/{action}', { method: 'POST', url: '/v1/clusters/1/hold', body: { reason: 'test' } }, 200, { method: 'POST', url: '/v1/clusters/x/hold', body: {} }, /clusterId/],
    ['POST /v1/jobs/{jobId}/faults/evict', { method: 'POST', url: '/v1/jobs/1.0/faults/evict', body: {} }, 409, { method: 'POST', url: '/v1/jobs/1.0/faults/evict', body: { moment: 'later' } }, /moment/],
    ['POST /v1/jobs/{jobId}/faults/fail-next-checkpoint', { method: 'POST', url: '/v1/jobs/2.0/faults/fail-next-checkpoint', body: {} }, 404, { method: 'POST', url: '/v1/jobs/1.0/faults/fail-next-checkpoint', body: { permanent: 'maybe' } }, /permanent/],
    ['POST /v1/startds/{name}/faults/{fault}', { method: 'POST', url: '/v1/startds/startd-1/faults/kill' }, 409, { method: 'POST', url: '/v1/startds/startd-1/faults/explode' }, /fault/],
    ['GET /v1/jobs/{jobId}/timeline', { method: 'GET', url: '/v1/jobs/1.0/timeline' }, 200, { method: 'GET', url: '/v1/jobs/1/timeline' }, /jobId/],
    ['GET /v1/jobs/{jobId}/runs/{runId}/input', { method: 'GET', url: `/v1/jobs/1.0/runs/${RUN}/input`, headers: startd }, 409, { method: 'GET', url: '/v1/jobs/1.0/runs/short/input', headers: startd }, /runId/],
    ['GET /v1/jobs/{jobId}/runs/{runId}/docker-credentials', { method: 'GET', url: `/v1/jobs/1.0/runs/${RUN}/docker-credentials`, headers: startd }, 409, { method: 'GET', url: '/v1/jobs/1.0/runs/short/docker-credentials', headers: startd }, /runId/],
    ['PUT /v1/jobs/{jobId}/runs/{runId}/output', { method: 'PUT', url: `/v1/jobs/1.0/runs/${RUN}/output`, tar: true, headers: startd }, 409, { method: 'PUT', url: `/v1/jobs/1.0/runs/${RUN}/output`, tar: true, headers: { 'x-tinycondor-startd-key': 'short' } }, /x-tinycondor-startd-key/],
    ['PUT /v1/jobs/{jobId}/runs/{runId}/checkpoint', { method: 'PUT', url: `/v1/jobs/1.0/runs/${RUN}/checkpoint?kind=evict`, tar: true, headers: startd }, 409, { method: 'PUT', url: `/v1/jobs/1.0/runs/${RUN}/checkpoint?kind=other`, tar: true, headers: startd }, /kind/],
    ['PUT /v1/jobs/{jobId}/spool', { method: 'PUT', url: '/v1/jobs/1.0/spool', tar: true }, 404, { method: 'PUT', url: '/v1/jobs/1.x/spool', tar: true }, /jobId/],
    ['POST /v1/jobs/{jobId}/runs/{runId}/attributes', { method: 'POST', url: `/v1/jobs/1.0/runs/${RUN}/attributes`, body: { name: 'ChirpX', value: '1' }, headers: startd }, 409, { method: 'POST', url: `/v1/jobs/1.0/runs/${RUN}/attributes`, body: { name: 'ChirpX' }, headers: startd }, /value/],
    ['GET /v1/jobs/{jobId}/runs/{runId}/attributes/{name}', { method: 'GET', url: `/v1/jobs/1.0/runs/${RUN}/attributes/Owner`, headers: startd }, 409, { method: 'GET', url: '/v1/jobs/1.0/runs/short/attributes/Owner', headers: startd }, /runId/],
    ['POST /v1/jobs/{jobId}/runs/{runId}/ulog', { method: 'POST', url: `/v1/jobs/1.0/runs/${RUN}/ulog`, body: { text: 'hello' }, headers: startd }, 409, { method: 'POST', url: `/v1/jobs/1.0/runs/${RUN}/ulog`, body: { text: 'x'.repeat(6000) }, headers: startd }, /text/],
    ['POST /v1/jobs/{jobId}/runs/{runId}/streams/{stream}/open', { method: 'POST', url: `/v1/jobs/1.0/runs/${RUN}/streams/stdout/open`, body: { truncate: true }, headers: startd }, 409, { method: 'POST', url: `/v1/jobs/1.0/runs/${RUN}/streams/stdin/open`, body: { truncate: true }, headers: startd }, /stream/],
    ['POST /v1/jobs/{jobId}/runs/{runId}/streams/{stream}/write', { method: 'POST', url: `/v1/jobs/1.0/runs/${RUN}/streams/stderr/write`, body: { offset: 0, data: 'aGk=' }, headers: startd }, 409, { method: 'POST', url: `/v1/jobs/1.0/runs/${RUN}/streams/stderr/write`, body: { offset: -1, data: 'aGk=' }, headers: startd }, /offset/],
    ['POST /v1/jobs/{jobId}/runs/{runId}/stdin/read', { method: 'POST', url: `/v1/jobs/1.0/runs/${RUN}/stdin/read`, body: { offset: 0, length: 10 }, headers: startd }, 409, { method: 'POST', url: `/v1/jobs/1.0/runs/${RUN}/stdin/read`, body: { offset: 0, length: 0 }, headers: startd }, /length/],
    ['POST /v1/jobs/{jobId}/runs/{runId}/sign-urls', { method: 'POST', url: `/v1/jobs/1.0/runs/${RUN}/sign-urls`, body: { verb: 'GET', urls: ['s3://bucket/key'] }, headers: startd }, 409, { method: 'POST', url: `/v1/jobs/1.0/runs/${RUN}/sign-urls`, body: { verb: 'POST', urls: ['s3://bucket/key'] }, headers: startd }, /verb/],
    ['GET /v1/jobs/{jobId}/runs/{runId}/files', { method: 'GET', url: `/v1/jobs/1.0/runs/${RUN}/files?path=in.txt`, headers: startd }, 409, { method: 'GET', url: `/v1/jobs/1.0/runs/${RUN}/files`, headers: startd }, /path/],
    ['PUT /v1/jobs/{jobId}/runs/{runId}/files', { method: 'PUT', url: `/v1/jobs/1.0/runs/${RUN}/files?path=out.txt&mode=420`, headers: { ...startd, 'content-type': 'application/octet-stream' } }, 409, { method: 'PUT', url: `/v1/jobs/1.0/runs/${RUN}/files?path=out.txt`, headers: { ...startd, 'content-type': 'application/octet-stream' } }, /mode/],
    ['DELETE /v1/jobs/{jobId}/runs/{runId}/files', { method: 'DELETE', url: `/v1/jobs/1.0/runs/${RUN}/files?path=old.txt`, headers: startd }, 409, { method: 'DELETE', url: `/v1/jobs/1.0/runs/${RUN}/files`, headers: startd }, /path/],
    ['GET /v1/jobs/{jobId}/runs/{runId}/directory', { method: 'GET', url: `/v1/jobs/1.0/runs/${RUN}/directory?path=.&long=true`, headers: startd }, 409, { method: 'GET', url: `/v1/jobs/1.0/runs/${RUN}/directory?path=.&long=maybe`, headers: startd }, /long/],
    ['POST /v1/jobs/{jobId}/runs/{runId}/file-calls', { method: 'POST', url: `/v1/jobs/1.0/runs/${RUN}/file-calls`, body: { call: 'stat', path: 'in.txt' }, headers: startd }, 409, { method: 'POST', url: `/v1/jobs/1.0/runs/${RUN}/file-calls`, body: { call: 'format', path: '/' }, headers: startd }, /call/],
    ['GET /v1/jobs/{jobId}/runs/{runId}/descriptors/{fd}', { method: 'GET', url: `/v1/jobs/1.0/runs/${RUN}/descriptors/3?length=10`, headers: startd }, 409, { method: 'GET', url: `/v1/jobs/1.0/runs/${RUN}/descriptors/3`, headers: startd }, /length/],
    ['PUT /v1/jobs/{jobId}/runs/{runId}/descriptors/{fd}', { method: 'PUT', url: `/v1/jobs/1.0/runs/${RUN}/descriptors/3?offset=0`, headers: { ...startd, 'content-type': 'application/octet-stream' } }, 409, { method: 'PUT', url: `/v1/jobs/1.0/runs/${RUN}/descriptors/x`, headers: { ...startd, 'content-type': 'application/octet-stream' } }, /fd/],
    ['POST /v1/jobs/{jobId}/runs/{runId}/constrain', { method: 'POST', url: `/v1/jobs/1.0/runs/${RUN}/constrain`, body: { expr: 'true' }, headers: startd }, 409, { method: 'POST', url: `/v1/jobs/1.0/runs/${RUN}/constrain`, body: {}, headers: startd }, /expr/],
    ['GET /v1/jobs/{jobId}/spool/output', { method: 'GET', url: '/v1/jobs/1.0/spool/output' }, 404, { method: 'GET', url: '/v1/jobs/x/spool/output' }, /jobId/],
    ['POST /v1/jobs/{jobId}/spool/output/fetched', { method: 'POST', url: '/v1/jobs/1.0/spool/output/fetched' }, 404, { method: 'POST', url: '/v1/jobs/x/spool/output/fetched' }, /jobId/],
    ['GET /v1/user-log', { method: 'GET', url: `/v1/user-log?path=${encodeURIComponent(path.join(home, 'none.log'))}&offset=0` }, 404, { method: 'GET', url: '/v1/user-log?path=relative&offset=0' }, /path/],
    ['POST /v1/tokens', { method: 'POST', url: '/v1/tokens', body: { user: 'alice' } }, 200, { method: 'POST', url: '/v1/tokens', body: { user: 'not a name' } }, /user/],
    ['GET /v1/queue', { method: 'GET', url: '/v1/queue' }, 200, { method: 'GET', url: '/v1/queue?limit=5000' }, /limit/],
    ['GET /v1/slots', { method: 'GET', url: '/v1/slots' }, 200, undefined, undefined],
    ['GET /v1/jobs/{jobId}/events', { method: 'GET', url: '/v1/jobs/1.0/events' }, 200, { method: 'GET', url: '/v1/jobs/1.0.0/events' }, /jobId/],
    ['GET /v1/jobs/{jobId}/spool', { method: 'GET', url: '/v1/jobs/1.0/spool' }, 200, { method: 'GET', url: '/v1/jobs/-1/spool' }, /jobId/],
    ['GET /v1/jobs/{jobId}/spool/file', { method: 'GET', url: '/v1/jobs/1.0/spool/file?path=missing' }, 404, { method: 'GET', url: '/v1/jobs/1.0/spool/file' }, /path/],
    ['GET /v1/jobs/{jobId}/tail', { method: 'GET', url: '/v1/jobs/1.0/tail?file=stdout&maxBytes=10' }, 409, { method: 'GET', url: '/v1/jobs/1.0/tail?file=stdout&maxBytes=0' }, /maxBytes/],
    ['GET /v1/jobs/{jobId}/stdout', { method: 'GET', url: '/v1/jobs/1.0/stdout' }, 200, { method: 'GET', url: '/v1/jobs/1.0/stdout?bytes=0' }, /bytes/],
  ];
  for (const [route, valid, status, invalid, field] of cases) {
    const reply = await call(app, valid);
    t.equal(reply.status, status, `${route}: ${reply.status === status ? 'answered' : JSON.stringify(reply.json())}`);
    if (reply.type.startsWith('application/json')) t.ok(reply.json(), `${route}: a JSON reply`);
    if (!invalid) continue;
    const refused = await call(app, invalid);
    t.equal(refused.status, 400, `${route}: an invalid request is a 400`);
    t.match(refused.json().error, field, `${route}: the error names the field`);
  }

  // The websockets (driven end to end by the integration tests): a bad request is refused before any upgrade.
  t.equal((await call(app, { method: 'GET', url: '/v1/events?since=0' })).status, 400);
  const badSsh = await call(app, { method: 'GET', url: '/v1/jobs/x/ssh' });
  t.equal(badSsh.status, 400);
  t.match(badSsh.json().error, /jobId/);

  const document = (await call(app, { method: 'GET', url: OPENAPI_ROUTE })).json() as { paths: Record<string, Record<string, unknown>> };
  const documented = Object.entries(document.paths).flatMap(([route, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${route}`));
  const websockets = ['GET /v1/events', 'GET /v1/jobs/{jobId}/ssh', 'GET /v1/startd'];
  t.same(documented.sort(), [...cases.map(([route]) => route), ...websockets].sort(), 'the OpenAPI document lists every route');
}

t.test('the queue with its cluster ads: each before its procs, with the counters of its procs (condor_q -factory)', async (t) => {
  const { app, schedd, home } = await testApp(t);
  const owner = `"${os.userInfo().username}"`;
  const digest = {
    definitions: [{ name: 'executable', value: '/bin/true', pos: { file: 'job.sub', line: 1 } }],
    queue: { pos: { file: 'job.sub', line: 2 }, vars: [], count: 3, rows: [{}] },
    context: { fileName: 'job.sub', submitDir: home, env: {}, owner: os.userInfo().username, now: 1_700_000_000_000, extendedCommands: [] },
  };
  schedd.reserveCluster();
  t.equal((await call(app, { method: 'POST', url: '/v1/clusters/1/factory', body: { limit: 2, totalProcs: 3, digest } })).status, 201);
  schedd.reserveCluster();
  const proc = (id: number) => ({ ClusterId: '2', ProcId: String(id), JobStatus: id === 0 ? '5' : '1', Cmd: '"/bin/true"', Iwd: `"${home}"`, Owner: owner });
  t.equal((await call(app, { method: 'POST', url: '/v1/clusters/2/procs', body: { procs: [proc(0), proc(1)] } })).status, 201);

  const ads = async (query: string) => (await call(app, { method: 'GET', url: `/v1/jobs?${query}` })).json().ads as Record<string, string>[];
  const ids = (list: Record<string, string>[]) => list.map((ad) => `${ad.ClusterId}.${ad.ProcId ?? ''}`);
  t.same(ids(await ads('clusterAds=include')), ['1.', '1.0', '1.1', '2.', '2.0', '2.1'], 'in job-id order, a cluster ad before its procs');
  const [factory, plain] = await ads('clusterAds=only');
  t.match(factory, { ClusterId: '1', JobsPresent: '2', JobsIdle: '2', JobsRunning: '0', JobsHeld: '0', ClusterSize: '2', JobFactoryId: '1', JobFactoryPaused: '0', JobFactoryTotalProcs: '3', JobMaterializeNextProcId: '2' });
  t.equal(factory.JobMaterializeDigestFile, JSON.stringify(path.join(home, 'pool', 'spool', '1', 'condor_submit.1.digest')), "HTCondor's digest path");
  t.notOk('ProcId' in factory, 'a cluster ad has no ProcId');
  t.match(plain, { ClusterId: '2', JobsPresent: '2', JobsIdle: '1', JobsHeld: '1' });
  t.notOk('JobFactoryPaused' in plain, 'a cluster without a factory has no factory attributes');
  t.same(ids(await ads(`clusterAds=include&constraint=${encodeURIComponent('ClusterId == 2')}`)), ['2.', '2.0', '2.1'], 'a constraint naming a cluster selects its ad and procs');
  t.same(ids(await ads(`clusterAds=only&constraint=${encodeURIComponent('JobsPresent > 0')}`)), [], 'the constraint is evaluated on the cluster ad without its counters');
  t.same(ids(await ads('')), ['1.0', '1.1', '2.0', '2.1'], 'without clusterAds, the procs only');

  // Over more than a page of the scan (500): each cluster ad still comes just before its procs.
  for (const [cluster, count] of [[3, 600], [4, 1]]) {
    schedd.reserveCluster();
    const procs = Array.from({ length: count }, (_, id) => ({ ...proc(id), ClusterId: String(cluster), JobStatus: '1' }));
    t.equal((await call(app, { method: 'POST', url: `/v1/clusters/${cluster}/procs`, body: { procs } })).status, 201);
  }
  const all = ids(await ads('clusterAds=include'));
  const expected = [[1, 2], [2, 2], [3, 600], [4, 1]].flatMap(([cluster, count]) => [`${cluster}.`, ...Array.from({ length: count }, (_, id) => `${cluster}.${id}`)]);
  t.same(all, expected, 'every ad once, in order');
  t.same(ids(await ads('clusterAds=only')), ['1.', '2.', '3.', '4.']);
});

t.test("the queue query: the schedd applies the my-jobs clause and the limit, and counts what it sent (command_query_job_ads' summary)", async (t) => {
  const { app, schedd, home, userTokens } = await testApp(t);
  const me = os.userInfo().username;
  /** A cluster of `owner`'s, `common` in its cluster ad, `own` in each proc's. */
  const submit = async (owner: string, statuses: number[], common: Record<string, string> = {}, own: Record<string, string> = {}) => {
    const cluster = schedd.reserveCluster();
    const procs = statuses.map((status, proc) => ({ ProcId: String(proc), JobStatus: String(status), ...own }));
    const shared = { ClusterId: String(cluster), Cmd: '"/bin/true"', Iwd: `"${home}"`, Owner: JSON.stringify(owner), ...common };
    const submitted = await call(app, { method: 'POST', url: `/v1/clusters/${cluster}/procs`, body: { common: shared, procs } });
    t.equal(submitted.status, 201, JSON.stringify(submitted.json()));
  };
  await submit(me, [1, 5, 1]);
  await submit('alice', [1, 5]);
  // Held: the schedd would start an idle one.
  await submit(me, [5], { JobUniverse: '7' });
  t.equal(schedd.store.clusterAd(3).stored.JobUniverse, '7', 'the universe is in the cluster ad');
  await submit('alice', [5], {}, { JobUniverse: '7' });
  t.equal(schedd.store.getJob(4, 0)?.overlay.JobUniverse, '7', "and here in the proc's own ad");
  const totals = (jobs: number, idle: number, held: number) => ({ jobs, completed: 0, removed: 0, idle, running: 0, held, suspended: 0 });
  const query = async (params: string, headers?: Record<string, string>) => {
    const reply = await call(app, { method: 'GET', url: `/v1/jobs?${params}`, headers });
    const body = reply.json() as { ads: Record<string, string>[]; summary: unknown };
    return { ids: body.ads.map((ad) => `${ad.ClusterId}.${ad.ProcId}`), summary: body.summary };
  };
  const everyone = totals(5, 3, 2);
  const mine = totals(3, 2, 1);

  t.same(await query(`myJobs=${me}`), { ids: ['1.0', '1.1', '1.2', '3.0'], summary: { query: mine, allUsers: everyone, myName: me, my: mine } }, 'the scheduler-universe job is shown, counted apart');
  t.same(await query(`myJobs=${me}&limit=2`), { ids: ['1.0', '1.1'], summary: { query: totals(2, 1, 1), allUsers: everyone, myName: me, my: mine } }, 'the first two of her jobs; her and all totals whole');
  t.same(await query('limit=4'), { ids: ['1.0', '1.1', '1.2', '2.0'], summary: { query: totals(4, 3, 1), allUsers: everyone } }, 'everyone\'s jobs, without a name');
  t.same(await query(''), { ids: ['1.0', '1.1', '1.2', '2.0', '2.1', '3.0', '4.0'], summary: { query: everyone, allUsers: everyone } }, 'the whole queue, counted from the index');
  t.same(await query(`myJobs=${me}&constraint=${encodeURIComponent('JobStatus == 1')}`), { ids: ['1.0', '1.2'], summary: { query: totals(2, 2, 0), allUsers: everyone, myName: me, my: mine } }, 'and the constraint');
  t.same(await query(`myJobs=${me}&summaryOnly=true`), { ids: [], summary: { query: mine, allUsers: everyone, myName: me, my: mine } }, 'condor_q -totals: no ads');
  t.same(await query(`myJobs=${me}&summaryOnly=true&limit=1`), { ids: [], summary: { query: totals(1, 1, 0), allUsers: everyone, myName: me, my: mine } }, 'the limit bounds the counts too');

  const alice = { authorization: `Bearer ${userTokens.issue('alice', () => '').token}` };
  t.same(await query(`myJobs=${me}`, alice), { ids: ['2.0', '2.1', '4.0'], summary: { query: totals(2, 1, 1), allUsers: everyone, myName: 'alice', my: totals(2, 1, 1) } }, 'a user token is who asks, whatever the query names');
  const superUser = { authorization: `Bearer ${userTokens.issue(me, () => '').token}` };
  t.same((await query(`myJobs=${me}`, superUser)).summary, { query: everyone, allUsers: everyone }, "a queue superuser's token sees every job");
});

t.test('the OpenAPI document is a /v1 route like the others: it needs credentials', async (t) => {
  const { app } = await testApp(t);
  t.equal((await app.inject({ method: 'GET', url: OPENAPI_ROUTE })).statusCode, 401);
});

t.test('the history scan stops before the first job since holds for, read either way (condor_history -completedsince goes with -forwards)', async (t) => {
  const { app } = await testApp(t);
  const forwards = await call(app, { method: 'GET', url: '/v1/history?since=true&forwards=true' });
  t.same([forwards.status, forwards.json().ads], [200, []]);
  const broken = await call(app, { method: 'GET', url: '/v1/history?since=%28%28' });
  t.equal(broken.status, 400, 'a since that does not parse is refused as a constraint is');
});

t.test('the history query: limit counts the jobs selected, scanLimit every job read (history.cpp matchCount, adCount)', async (t) => {
  const { app, db } = await testApp(t);
  const insert = db.prepare('INSERT INTO history (cluster_id, proc_id, completion_date, ad) VALUES (?, ?, ?, ?)');
  for (let cluster = 1; cluster <= 6; cluster++) insert.run(cluster, 0, cluster, JSON.stringify({ ClusterId: String(cluster), ProcId: '0', Odd: String(cluster % 2 === 1) }));
  const clusters = async (query: string) => ((await call(app, { method: 'GET', url: `/v1/history?${query}` })).json().ads as Record<string, string>[]).map((ad) => Number(ad.ClusterId));
  t.same(await clusters('constraint=Odd&limit=2'), [5, 3], 'two jobs selected, newest first');
  t.same(await clusters('constraint=Odd&scanLimit=3'), [5], 'three jobs read: 6, 5 and 4');
  t.same(await clusters('constraint=Odd&scanLimit=3&forwards=true'), [1, 3]);
  t.same(await clusters('scanLimit=10&limit=4'), [6, 5, 4, 3]);
  t.equal((await call(app, { method: 'GET', url: '/v1/history?scanLimit=0' })).status, 400, 'condor_history sends a scan limit above 0 only');
  t.same(await clusters(`constraint=${encodeURIComponent('ClusterId == 4 || ClusterId == 2')}&scanLimit=2&scanCounted=${encodeURIComponent('ClusterId == 4 || ClusterId == 2')}`), [4, 2], 'only the ads scanCounted holds for count');
});

t.test('condor_userprio: any user reads the priorities; only a queue superuser changes them', async (t) => {
  const { app } = await testApp(t);
  // A user that is not root, condor nor the schedd's own user: not a queue superuser.
  const issued = await call(app, { method: 'POST', url: '/v1/tokens', body: { user: 'fairshareuser' } });
  t.equal(issued.status, 200, JSON.stringify(issued.json()));
  const asUser = { authorization: `Bearer ${String(issued.json().token)}` };
  t.equal((await call(app, { method: 'GET', url: '/v1/userprio', headers: asUser })).status, 200);
  const refused = await call(app, { method: 'POST', url: '/v1/userprio', body: { command: 'setprio', submitter: 'fairshareuser@localhost', value: 1 }, headers: asUser });
  t.equal(refused.status, 403);
  t.match(refused.json().error, /setprio: permission denied: fairshareuser is not a queue superuser/);
  const set = await call(app, { method: 'POST', url: '/v1/userprio', body: { command: 'setprio', submitter: 'fairshareuser@localhost', value: 7 } });
  t.equal(set.status, 200, 'the pool token may');
  const listed = await call(app, { method: 'GET', url: '/v1/userprio' });
  const [record] = listed.json().records as { name: string; priority: number; priorityFactor: number }[];
  t.same([record.name, Math.round(record.priority), record.priorityFactor], ['fairshareuser@localhost', 7000, 1000], 'the real priority 7 (decaying from it) times the factor');
  const missing = await call(app, { method: 'POST', url: '/v1/userprio', body: { command: 'setfactor', submitter: 'fairshareuser@localhost' } });
  t.same([missing.status, missing.json().error], [400, 'setfactor needs a value']);
});
