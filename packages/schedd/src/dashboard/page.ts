import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

/** The page may load and connect to its own origin only. */
const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  styleSrc: ["'self'"],
  scriptSrc: ["'self'"],
  connectSrc: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
};

/** The built dashboard's directories (packages/dashboard: static/ and the compiled dist/). */
function assetRoots(): string[] {
  const root = path.dirname(createRequire(import.meta.url).resolve('@tinycondor/dashboard/package.json'));
  const roots = [path.join(root, 'static'), path.join(root, 'dist')];
  if (!fs.existsSync(path.join(roots[0], 'index.html')) || !fs.existsSync(path.join(roots[1], 'main.js'))) {
    throw new Error(`the dashboard in ${root} is not built (run npm run build)`);
  }
  return roots;
}

// Only the page's own kinds of file, by plain names: nothing else in those directories (dist's .d.ts) is served.
const AssetParams = Type.Object({ file: Type.String({ pattern: '^[a-z0-9-]+\\.(html|js|css|svg)$', maxLength: 100 }) });
type AssetParams = Static<typeof AssetParams>;
const PageQuery = Type.Object({ login: Type.Optional(Type.String({ maxLength: 20 })) });

/**
 * The dashboard page and its files, with the browser's security headers. Its own encapsulated scope, so the
 * headers stay off the REST API and the websocket routes.
 */
export async function dashboardPage(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    frameguard: { action: 'deny' },
    // The schedd speaks plain HTTP; pinning HTTPS for the host (and its subdomains) is not its call.
    strictTransportSecurity: false,
  });
  await app.register(fastifyStatic, {
    root: assetRoots(),
    serve: false,
    // Revalidated on every load, so a rebuilt dashboard shows at once; unchanged files cost a 304 (by ETag).
    cacheControl: false,
    setHeaders: (res) => res.setHeader('cache-control', 'no-cache'),
  });

  app.get('/', { schema: { querystring: PageQuery } }, async (_request, reply) => reply.sendFile('index.html'));
  app.get<{ Params: AssetParams }>('/dashboard/:file', { schema: { params: AssetParams } }, async (request, reply) => reply.sendFile(request.params.file));
}
