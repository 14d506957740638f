import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Schedd } from '../schedd.js';
import type { DashboardPublisher } from './publisher.js';
import type { SshRelay } from '../ssh-relay.js';
import { tokenMatches } from '../token.js';
import { dashboardDataRoutes } from './data-routes.js';
import { cookieValue, SESSION_COOKIE, sessionCookie, type SessionStore } from './sessions.js';

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The page may load and connect to its own origin only. */
const CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** The built dashboard (packages/dashboard: static/ and the compiled dist/), read once into memory. */
function loadAssets(): Map<string, Asset> {
  const root = path.dirname(createRequire(import.meta.url).resolve('@tinycondor/dashboard/package.json'));
  const assets = new Map<string, Asset>();
  for (const dir of [path.join(root, 'static'), path.join(root, 'dist')]) {
    for (const name of fs.readdirSync(dir)) {
      const type = CONTENT_TYPES[path.extname(name)];
      if (!type || !/^[a-z0-9-]+\.[a-z]+$/.test(name)) continue;
      const body = fs.readFileSync(path.join(dir, name));
      assets.set(name, { body, type, etag: `"${crypto.createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
    }
  }
  if (!assets.has('index.html') || !assets.has('main.js')) throw new Error(`the dashboard in ${root} is not built (run npm run build)`);
  return assets;
}

const AssetParams = Type.Object({ file: Type.String({ pattern: '^[a-z0-9-]+\\.[a-z]+$', maxLength: 100 }) });
type AssetParams = Static<typeof AssetParams>;
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
  const assets = loadAssets();

  const sendAsset = (name: string, request: FastifyRequest, reply: FastifyReply) => {
    const asset = assets.get(name);
    if (!asset) return reply.code(404).send({ error: `no dashboard file ${name}` });
    // Revalidated on every load, so a rebuilt dashboard shows at once; unchanged files cost a 304.
    reply.header('cache-control', 'no-cache').header('etag', asset.etag).header('x-content-type-options', 'nosniff');
    if (name.endsWith('.html')) reply.header('content-security-policy', CONTENT_SECURITY_POLICY).header('x-frame-options', 'DENY');
    if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
    return reply.type(asset.type).send(asset.body);
  };

  const PageQuery = Type.Object({ login: Type.Optional(Type.String({ maxLength: 20 })) });
  app.get('/', { schema: { querystring: PageQuery } }, async (request, reply) => sendAsset('index.html', request, reply));
  app.get<{ Params: AssetParams }>('/dashboard/:file', { schema: { params: AssetParams } }, async (request, reply) => sendAsset(request.params.file, request, reply));

  // The URL `tinycondor pool` prints: the one-time token is exchanged for a session cookie.
  app.get<{ Querystring: LoginQuery }>('/login', { schema: { querystring: LoginQuery } }, async (request, reply) => {
    const token = request.query.token;
    if (token === undefined || !sessions.consumeLoginToken(token)) return reply.redirect('/?login=invalid', 303);
    return reply.header('set-cookie', sessionCookie(sessions.openSession())).redirect('/', 303);
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
      return reply.header('set-cookie', sessionCookie(sessions.openSession())).send({ ok: true });
    },
  );

  app.post('/logout', { schema: { response: { 200: Type.Object({ ok: Type.Boolean() }) } } }, async (request, reply) => {
    sessions.closeSession(cookieValue(request.headers.cookie, SESSION_COOKIE));
    return reply.header('set-cookie', sessionCookie(null)).send({ ok: true });
  });

  await app.register(dashboardDataRoutes, { schedd: opts.schedd, dashboard: opts.dashboard, relay: opts.relay, sessions });
}
