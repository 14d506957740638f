import type { AddressInfo, Socket } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import t, { type Test } from 'tap';
import { NOT_JSON, ScheddRefused, ScheddReplyInvalid, ScheddUnreachable } from './errors.js';
import { ScheddClient } from './schedd-client.js';

const TOKEN = 'secret';
const RUN_ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const KEY = 'k'.repeat(43);

async function serve(t: Test, routes: (app: FastifyInstance) => void): Promise<ScheddClient> {
  const app = Fastify();
  app.addContentTypeParser('application/x-tar', (_request, payload, done) => done(null, payload));
  app.addHook('onRequest', async (request, reply) => {
    if (request.headers.authorization !== `Bearer ${TOKEN}`) await reply.code(401).send({ error: 'no credentials' });
  });
  routes(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => app.close());
  const { port } = app.server.address() as AddressInfo;
  return new ScheddClient({ baseUrl: `http://127.0.0.1:${port}`, token: TOKEN, maxSockets: 1, reportsBefore: () => 5 });
}

const NO_JOBS = { jobs: 0, completed: 0, removed: 0, idle: 0, running: 0, held: 0, suspended: 0 };
const SUMMARY = { query: NO_JOBS, allUsers: NO_JOBS };

t.test('a reply matching its schema comes back typed', async (t) => {
  const client = await serve(t, (app) => {
    app.post('/v1/clusters', async (_request, reply) => reply.code(201).send({ clusterId: 7 }));
    app.get('/v1/jobs', async (request) => ({ ads: [{ Query: JSON.stringify(request.query) }], summary: SUMMARY }));
  });
  t.same(await client.reserveCluster(), { clusterId: 7 });
  t.same(await client.jobs({ constraint: 'Owner == "a b"', limit: 3 }), { ads: [{ Query: JSON.stringify({ constraint: 'Owner == "a b"', limit: '3' }) }], summary: SUMMARY });
});

t.test('a reply violating its schema is rejected, naming the route and the field', async (t) => {
  const client = await serve(t, (app) => {
    app.get('/v1/jobs/totals', async () => ({ totals: [{ owner: 'alice', status: 'idle', count: 1 }] }));
    app.post('/v1/reschedule', async (_request, reply) => reply.type('application/json').send('{"ok": tru'));
  });
  const err = await client.totals().catch((e: unknown) => e);
  t.ok(err instanceof ScheddReplyInvalid);
  t.match((err as ScheddReplyInvalid).message, /^the schedd's reply to GET \/v1\/jobs\/totals is invalid: \/totals\/0\/status Expected integer/);
  const notJson = await client.reschedule().catch((e: unknown) => e);
  t.ok(notJson instanceof ScheddReplyInvalid);
  t.match(notJson, { route: 'POST /v1/reschedule', status: 200, problem: NOT_JSON });
});

t.test("a refusal carries the status and the schedd's text", async (t) => {
  const client = await serve(t, (app) => {
    app.post('/v1/edit', async (_request, reply) => reply.code(400).send({ error: 'Attribute name "1x" is invalid' }));
    app.get('/v1/jobs/:jobId/runs/:runId/input', async (_request, reply) => reply.code(409).send({ error: 'not the current run' }));
    app.get('/v1/status', async (_request, reply) => reply.code(502).type('text/html').send('<html>bad gateway</html>'));
  });
  const err = await client.edit({ jobs: ['1.0'], edits: [{ name: '1x', value: '1' }] }).catch((e: unknown) => e);
  t.ok(err instanceof ScheddRefused);
  t.match(err, { status: 400, reason: 'Attribute name "1x" is invalid', message: 'Attribute name "1x" is invalid', route: 'POST /v1/edit' });
  t.match(await client.fetchInput('1.0', RUN_ID).catch((e: unknown) => e), { status: 409, message: 'not the current run' });
  t.match(await client.status().catch((e: unknown) => e), { status: 502, reason: undefined, message: 'HTTP 502: <html>bad gateway</html>' });
});

t.test('a schedd not there is unreachable, with the system error code', async (t) => {
  const client = await serve(t, () => undefined);
  const closed = new ScheddClient({ baseUrl: client.baseUrl.replace(/:\d+$/, ':1'), token: TOKEN, maxSockets: 1 });
  const err = await closed.status().catch((e: unknown) => e);
  t.ok(err instanceof ScheddUnreachable);
  t.match(err, { code: 'ECONNREFUSED', baseUrl: closed.baseUrl });
});

t.test('a kept-alive connection reset by the schedd is retried once on a new one', async (t) => {
  const served = new WeakMap<Socket, number>();
  let resets = 0;
  const client = await serve(t, (app) => {
    app.get('/v1/status', async (request, reply) => {
      const socket = request.raw.socket;
      const count = (served.get(socket) ?? 0) + 1;
      served.set(socket, count);
      // The second request on a connection finds it closed, as after the schedd's keep-alive timeout.
      if (count === 2) {
        resets += 1;
        socket.destroy();
        return reply;
      }
      return { ads: [] };
    });
  });
  t.same(await client.status(), { ads: [] });
  t.same(await client.status(), { ads: [] }, 'the second call is answered on a new connection');
  t.equal(resets, 1);
});

t.test('an upload streams the tar with the run headers, giving each chunk back once written', async (t) => {
  let headers: Record<string, unknown> = {};
  const client = await serve(t, (app) => {
    app.put('/v1/jobs/:jobId/runs/:runId/output', async (request) => {
      headers = request.headers;
      let bytes = 0;
      for await (const chunk of request.body as AsyncIterable<Buffer>) bytes += chunk.length;
      return { files: 1, bytes };
    });
  });
  client.startdKey = KEY;
  const chunks = 64;
  const size = 64 * 1024;
  let produced = 0;
  const released: Uint8Array[] = [];
  async function* stream() {
    for (let i = 0; i < chunks; i++) {
      produced += 1;
      yield Buffer.alloc(size, i);
    }
  }
  const reply = await client.sendOutput('3.1', RUN_ID, { stream: stream(), release: (chunk) => released.push(chunk) });
  t.same(reply, { files: 1, bytes: chunks * size });
  t.equal(produced, chunks);
  t.equal(released.length, chunks, 'every chunk released');
  t.match(headers, { 'content-type': 'application/x-tar', 'x-tinycondor-startd-key': KEY, 'x-tinycondor-after-report': '5', 'transfer-encoding': 'chunked' });
});

t.test('a call the schedd leaves unanswered past timeoutMs is unreachable (ETIMEDOUT)', async (t) => {
  const served = await serve(t, (app) => {
    app.get('/v1/status', () => new Promise(() => undefined));
  });
  const client = new ScheddClient({ baseUrl: served.baseUrl, token: TOKEN, maxSockets: 1, timeoutMs: 50 });
  const err = await client.status().catch((e: unknown) => e);
  t.ok(err instanceof ScheddUnreachable);
  t.match(err, { code: 'ETIMEDOUT', message: 'no answer within 50 ms' });
});
