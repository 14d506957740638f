import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { parseExpr, type Expr } from '@tinycondor/shared/classad/index';
import { parseJobSpec } from '@tinycondor/shared/job-id';
import { EditBody, EditReply, ErrorReply } from '@tinycondor/shared/rest-schemas';
import { callerOf } from '../caller.js';
import type { Schedd } from '../schedd.js';
import { actingCaller } from './actions.js';

const badRequest = (message: string) => Object.assign(new Error(message), { statusCode: 400 });

/** condor_qedit: sets job attributes in every job selected, or in none. */
export async function editRoutes(app: FastifyInstance, opts: { schedd: Schedd }): Promise<void> {
  const { schedd } = opts;
  app.withTypeProvider<TypeBoxTypeProvider>().post('/v1/edit', { schema: { body: EditBody, response: { 200: EditReply, 400: ErrorReply } } }, async (request) => {
    const { jobs, constraint, onlyMyJobs = false, edits, dryRun = false, forward = false } = request.body;
    if ((jobs === undefined) === (constraint === undefined)) throw badRequest('give either jobs or a constraint');
    let parsed: Expr | undefined;
    try {
      parsed = constraint === undefined ? undefined : parseExpr(constraint);
    } catch (err) {
      throw badRequest(`invalid constraint: ${(err as Error).message}`);
    }
    const specs = jobs?.map((id) => {
      const spec = parseJobSpec(id);
      if (spec?.proc === undefined) throw badRequest(`'${id}' is not a job id (C.P)`);
      return { cluster: spec.cluster, proc: spec.proc };
    });
    const caller = actingCaller(callerOf(request), request.body.user);
    return schedd.editJobs({ jobs: specs, constraint: parsed, onlyMyJobs, edits: edits.map(({ name, value }) => [name, value]), forward }, caller, dryRun);
  });
}
