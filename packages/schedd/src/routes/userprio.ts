import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { callerOf, refusal } from '../caller.js';
import type { Schedd } from '../schedd.js';
import { ErrorReply, OkReply, UserPrioBody, UserPrioReply } from '@tinycondor/shared/rest-schemas';

/**
 * condor_userprio: the accountant's records, which anyone may read; their edits, which only a queue
 * superuser (or the pool token) may make, as only an administrator may send the negotiator SET_PRIORITY,
 * SET_PRIORITYFACTOR, RESET_USAGE … (ADMINISTRATOR authorization).
 */
export async function userPrioRoutes(app: FastifyInstance, opts: { schedd: Schedd }): Promise<void> {
  const { schedd } = opts;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get('/v1/userprio', { schema: { response: { 200: UserPrioReply } } }, async () => schedd.userPrio());

  api.post('/v1/userprio', { schema: { body: UserPrioBody, response: { 200: OkReply, 400: ErrorReply, 403: ErrorReply } } }, async (request) => {
    const caller = callerOf(request);
    if (!caller.superUser && !caller.poolToken) throw refusal(403, `${request.body.command}: permission denied: ${caller.user} is not a queue superuser (QUEUE_SUPER_USERS), who alone may change user priorities`);
    const { command, submitter, value } = request.body;
    if (command !== 'resetall' && submitter === undefined) throw Object.assign(new Error(`${command} needs a submitter`), { statusCode: 400 });
    if (['setprio', 'setfactor', 'setaccum', 'setbegin', 'setlast'].includes(command) && value === undefined) throw Object.assign(new Error(`${command} needs a value`), { statusCode: 400 });
    schedd.editUserPrio(command, submitter ?? '', value ?? 0);
    return { ok: true };
  });
}
