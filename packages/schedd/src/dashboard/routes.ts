import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ErrorReply, LoginBody, LoginQuery, OkReply } from '@tinycondor/shared/rest-schemas';
import type { Schedd } from '../schedd.js';
import type { DashboardPublisher } from './publisher.js';
import type { SshRelay } from '../ssh-relay.js';
import { tokenMatches } from '../token.js';
import { dashboardDataRoutes } from './data-routes.js';
import { dashboardPage } from './page.js';
import { clearSessionCookie, SESSION_COOKIE, setSessionCookie, type SessionStore } from './sessions.js';

/** The dashboard page, its assets, login/logout, and (registered from here) its data routes. */
export async function dashboardRoutes(
  app: FastifyInstance,
  opts: { schedd: Schedd; dashboard: DashboardPublisher; relay: SshRelay; sessions: SessionStore; token: string },
): Promise<void> {
  const { sessions } = opts;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  await app.register(dashboardPage);

  // The URL `tinycondor pool` prints: the one-time token is exchanged for a session cookie.
  api.get('/login', { schema: { querystring: LoginQuery } }, async (request, reply) => {
    const token = request.query.token;
    if (token === undefined || !sessions.consumeLoginToken(token)) return reply.redirect('/?login=invalid', 303);
    return setSessionCookie(reply, sessions.openSession()).redirect('/', 303);
  });

  // The page's login form: a one-time login token, or the pool token itself.
  api.post(
    '/login',
    { schema: { body: LoginBody, response: { 200: OkReply, 401: ErrorReply } } },
    async (request, reply) => {
      const { token } = request.body;
      if (!sessions.consumeLoginToken(token) && !tokenMatches(token, opts.token)) {
        return reply.code(401).send({ error: 'that token is not a valid login token or pool token' });
      }
      return setSessionCookie(reply, sessions.openSession()).send({ ok: true });
    },
  );

  api.post('/logout', { schema: { response: { 200: OkReply } } }, async (request, reply) => {
    sessions.closeSession(request.cookies[SESSION_COOKIE]);
    return clearSessionCookie(reply).send({ ok: true });
  });

  await app.register(dashboardDataRoutes, { schedd: opts.schedd, dashboard: opts.dashboard, relay: opts.relay, sessions });
}
