import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * For the routes of a plugin that take a tar stream: only an application/x-tar body is accepted (a JSON
 * body is refused with 415 before it is parsed), and an upload without a body is a 400, not a crash.
 */
export function acceptTarBodiesOnly(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-tar', (_request, payload, done) => done(null, payload));
  app.addHook('preHandler', async (request, reply) => {
    if (request.method === 'PUT' && !(request.body instanceof Readable)) {
      return reply.code(400).send({ error: 'an upload is a tar stream with content-type application/x-tar' });
    }
  });
}

/** The upload of a route whose plugin called acceptTarBodiesOnly: its preHandler let nothing else through. */
export function tarBody(request: FastifyRequest): Readable {
  return request.body as Readable;
}
