import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { callerOf, requirePoolToken } from '../caller.js';
import { USER_NAME, type UserTokens } from '../user-tokens.js';
import { ErrorReply } from '@tinycondor/shared/rest-schemas';

const TokenBody = Type.Object({ user: Type.String({ pattern: USER_NAME.source }) }, { additionalProperties: false });
type TokenBody = Static<typeof TokenBody>;

/** `tinycondor token create USER`: a user's own token, issued by the pool's owner (the pool token). */
export async function tokenRoutes(app: FastifyInstance, opts: { tokens: UserTokens }): Promise<void> {
  app.post<{ Body: TokenBody }>(
    '/v1/tokens',
    { schema: { body: TokenBody, response: { 200: Type.Object({ user: Type.String(), token: Type.String(), file: Type.Optional(Type.String()) }), 400: ErrorReply, 403: ErrorReply } } },
    async (request) => {
      requirePoolToken(callerOf(request), 'issuing user tokens');
      return { user: request.body.user, ...opts.tokens.issue(request.body.user) };
    },
  );
}
