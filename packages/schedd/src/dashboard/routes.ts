import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Schedd } from '../schedd.js';
import type { DashboardPublisher } from './publisher.js';
import type { SshRelay } from '../ssh-relay.js';
import { tokenMatches } from '../token.js';
import { dashboardDataRoutes } from './data-routes.js';
import { dashboardPage } from './page.js';
import { clearSessionCookie, SESSION_COOKIE, setSessionCookie, type SessionStore } from './sessions.js';

const LoginQuery = Type.Object({ token: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false });
type LoginQuery = Static<typeof LoginQuery>;
const LoginBody = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });
type LoginBody = Static<typeof LoginBody>;

/** The dashboard page, its assets, login/logout, and (registered from here) its data routes. */
export async function dashboardRoutes(
  app: FastifyInstance,
  opts: { schedd: Schedd; dashboard: DashboardPublisher; relay: SshRelay; sessions: SessionStore; token: string },
): Promise<void> {
  const { sessions } = opts;
  await app.register(dashboardPage);

  // The URL `tinycondor pool` prints: the one-time token is exchanged for a session cookie.
  app.get<{ Querystring: LoginQuery }>('/login', { schema: { querystring: LoginQuery } }, async (request, reply) => {
    const token = request.query.token;
    if (token === undefined || !sessions.consumeLoginToken(token)) return reply.redirect('/?login=invalid', 303);
    return setSessionCookie(reply, sessions.openSession()).redirect('/', 303);
  });

  // The page's login form: a one-time login token, or the pool token itself.
  app.post<{ Body: LoginBody }>(
    '/login',
    { schema: { body: LoginBody, response: { 200: Type.Object({ ok: Type.Boolean() }), 401: Type.Object({ error: Type.String() }) } } },
    async (request, reply) => {
      const { token } = request.body;
      if (!sessions.consumeLoginToken(token) && !tokenMatches(token, opts.token)) {
        return reply.code(401).send({ error: 'that token is not a valid login token or pool token' });
      }
      return setSessionCookie(reply, sessions.openSession()).send({ ok: true });
    },
  );

  app.post('/logout', { schema: { response: { 200: Type.Object({ ok: Type.Boolean() }) } } }, async (request, reply) => {
    sessions.closeSession(request.cookies[SESSION_COOKIE]);
    return clearSessionCookie(reply).send({ ok: true });
  });

  await app.register(dashboardDataRoutes, { schedd: opts.schedd, dashboard: opts.dashboard, relay: opts.relay, sessions });
}
