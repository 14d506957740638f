import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import websocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ClassAdParseError } from '@tinycondor/shared/classad/index';
import { MAX_MESSAGE_BYTES } from '@tinycondor/shared/protocol';
import { submissionTooLarge } from '@tinycondor/shared/submit-limits';
import { ConnectionGuard } from './connection-guard.js';
import { poolCaller, userCaller } from './caller.js';
import { authorize, bearerToken } from './dashboard/auth.js';
import type { DashboardPublisher } from './dashboard/publisher.js';
import { dashboardRoutes } from './dashboard/routes.js';
import { SessionStore } from './dashboard/sessions.js';
import { CommitRefused, SubmitRejected } from './job-store.js';
import { FaultInjector } from './fault-injector.js';
import { actionRoutes } from './routes/actions.js';
import { editRoutes } from './routes/edit.js';
import { tailRoutes } from './routes/tail.js';
import { faultRoutes } from './routes/faults.js';
import { FACTORY_ROUTE, queueRoutes, SUBMIT_ROUTE } from './routes/queue.js';
import { spooledRoutes } from './routes/spooled.js';
import { sshRoutes } from './routes/ssh.js';
import { startdChannelRoutes } from './routes/startd-channel.js';
import { transferRoutes } from './routes/transfer.js';
import { runChirpRoutes } from './routes/run-chirp.js';
import { runStreamRoutes } from './routes/run-streams.js';
import { runSigningRoutes } from './routes/run-signing.js';
import type { Schedd } from './schedd.js';
import { SshRelay } from './ssh-relay.js';
import { tokenRoutes } from './routes/tokens.js';
import { userPrioRoutes } from './routes/userprio.js';
import type { UserTokens } from './user-tokens.js';
import { cachedSchemaCompilers } from './compiled-schemas.js';

/** Where the schedd serves its OpenAPI document (docs/rest-api.md's reference is generated from it). */
export const OPENAPI_ROUTE = '/v1/openapi.json';

/** How long a client has to send a request's headers. */
const HEADERS_TIMEOUT_MS = 10_000;

export interface AppOptions {
  schedd: Schedd;
  /** The dashboard's view of the schedd (its queue rows and event stream). */
  dashboard: DashboardPublisher;
  token: string;
  logger: Logger;
  /** Dashboard logins and sessions; a fresh store when not given. */
  sessions?: SessionStore;
  userTokens: UserTokens;
  /** Where the routes' compiled schemas are kept between starts (compiled-schemas.ts); compiled at each start when not given. */
  compiledSchemaDir?: string;
}

/** The schedd's REST API and startd channel as one fastify app; tests drive it with inject(). */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: opts.logger as FastifyBaseLogger,
    // Two log lines per request would dominate the log and cost a write each; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 8 * 1024 * 1024,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false } },
    // A client that does not finish its headers soon is closed, checked every second (node's defaults, 60 s
    // checked every 30 s, let slow sockets hold the schedd's descriptors for about 80 s a wave).
    http: { headersTimeout: HEADERS_TIMEOUT_MS, connectionsCheckingInterval: 1_000 },
    ...(opts.compiledSchemaDir === undefined ? {} : { schemaController: { compilersFactory: cachedSchemaCompilers(opts.compiledSchemaDir, opts.logger) } }),
  });
  const guard = new ConnectionGuard(app.server);
  // Registered (and awaited) before the authorization hook below, so its onRequest hook has parsed
  // request.cookies (a dashboard session may call any route) by the time that hook runs.
  await app.register(cookie);

  const sessions = opts.sessions ?? new SessionStore();
  app.decorateRequest('caller', undefined);
  app.addHook('onRequest', async (request, reply) => {
    const verdict = authorize(request, opts.token, sessions);
    const tokenUser = verdict === 'unauthorized' ? opts.userTokens.userOf(bearerToken(request.headers.authorization)) : undefined;
    if (tokenUser !== undefined) {
      // The queue superusers as configured now: QUEUE_SUPER_USERS is read again when the configuration changes.
      request.caller = userCaller(opts.schedd.queueAccess(), tokenUser);
      guard.authenticated(request.raw.socket);
      return;
    }
    if (verdict === 'unauthorized') {
      // Its connection is not kept for another try: only authenticated clients hold connections open.
      return reply
        .code(401)
        .header('connection', 'close')
        .send({ error: 'missing or invalid bearer token (see the pool token file named in condor_config) or dashboard session' });
    }
    if (verdict === 'bearer' || verdict === 'session') {
      request.caller = poolCaller(opts.schedd.queueAccess());
      guard.authenticated(request.raw.socket);
    }
    if (verdict === 'cross-origin') return reply.code(403).send({ error: 'a dashboard session may only be used from the dashboard page' });
  });

  app.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown }, request, reply) => {
    // fastify's words for a body over the limit ("Request body is too large") do not say what to do.
    if ((err as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE' && (request.routeOptions.url === SUBMIT_ROUTE || request.routeOptions.url === FACTORY_ROUTE)) {
      return reply.code(413).send({ error: submissionTooLarge() });
    }
    if (err instanceof CommitRefused) return reply.code(400).send({ error: err.words, commitFailed: true });
    if (err.validation || err instanceof SubmitRejected || err instanceof ClassAdParseError) {
      return reply.code(400).send({ error: err.message });
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return reply.code(err.statusCode).send({ error: err.message });
    request.log.error({ err, url: request.url }, 'request failed');
    return reply.code(500).send({ error: `internal error: ${err.message}` });
  });

  // Before the routes: it collects their schemas as they are added.
  await app.register(swagger, {
    openapi: {
      info: { title: 'tinycondor schedd REST API', version: 'v1', description: 'Generated from the routes\' schemas (packages/shared/src/rest-schemas.ts); see docs/rest-api.md.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    // The REST API only (not the dashboard's page, assets and login), its websockets included: @fastify/websocket
    // hides them, as OpenAPI cannot describe one; each says what it is in its description.
    transform: ({ schema, url, route }) => ({ schema: { ...schema, hide: !url.startsWith('/v1/') || (schema?.hide === true && !route.websocket) }, url }),
  });
  app.get(OPENAPI_ROUTE, { schema: { hide: true } }, async () => app.swagger());
  await app.register(websocket, { options: { maxPayload: MAX_MESSAGE_BYTES } });
  await app.register(queueRoutes, { schedd: opts.schedd });
  await app.register(actionRoutes, { schedd: opts.schedd });
  await app.register(userPrioRoutes, { schedd: opts.schedd });
  await app.register(editRoutes, { schedd: opts.schedd });
  const faults = new FaultInjector(opts.schedd, opts.logger);
  await app.register(transferRoutes, { schedd: opts.schedd, faults });
  await app.register(runChirpRoutes, { schedd: opts.schedd });
  await app.register(runStreamRoutes, { schedd: opts.schedd });
  await app.register(runSigningRoutes, { schedd: opts.schedd });
  await app.register(faultRoutes, { schedd: opts.schedd, faults });
  await app.register(spooledRoutes, { schedd: opts.schedd });
  const relay = new SshRelay(opts.schedd, opts.logger);
  await app.register(startdChannelRoutes, { schedd: opts.schedd, relay });
  await app.register(sshRoutes, { relay });
  await app.register(tailRoutes, { schedd: opts.schedd, relay });
  await app.register(tokenRoutes, { tokens: opts.userTokens });
  await app.register(dashboardRoutes, { schedd: opts.schedd, dashboard: opts.dashboard, relay, sessions, token: opts.token });
  return app;
}
