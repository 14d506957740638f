import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { callerOf, requirePoolToken } from '../caller.js';
import type { UserTokens } from '../user-tokens.js';
import { ErrorReply, TokenBody, TokenReply } from '@tinycondor/shared/rest-schemas';

/** `tinycondor token create USER`: a user's own token, issued by the pool's owner (the pool token). */
export async function tokenRoutes(app: FastifyInstance, opts: { tokens: UserTokens }): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/v1/tokens',
    { schema: { body: TokenBody, response: { 200: TokenReply, 400: ErrorReply, 403: ErrorReply } } },
    async (request) => {
      requirePoolToken(callerOf(request), 'issuing user tokens');
      return { user: request.body.user, ...opts.tokens.issue(request.body.user) };
    },
  );
}
