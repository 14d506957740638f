import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { parseExpr, type Expr } from '@tinycondor/shared/classad/index';
import { parseJobSpec } from '@tinycondor/shared/job-id';
import { JobIdSchema } from '@tinycondor/shared/protocol';
import { callerOf } from '../caller.js';
import type { Schedd } from '../schedd.js';
import { actingCaller } from './actions.js';

const EditBody = Type.Object(
  {
    /** Jobs named by full id (condor_qedit 12.0 12.1): each must be in the queue. */
    jobs: Type.Optional(Type.Array(JobIdSchema, { minItems: 1, maxItems: 100_000 })),
    /** Or the jobs matching a ClassAd constraint (what qedit makes of clusters, owners and -constraint). */
    constraint: Type.Optional(Type.String({ minLength: 1, maxLength: 100_000 })),
    /** A constraint alone: only the caller's jobs, unless she is a queue superuser (CONDOR_Q_ONLY_MY_JOBS). */
    onlyMyJobs: Type.Optional(Type.Boolean()),
    /** Attribute names and ClassAd expressions, set in this order. */
    edits: Type.Array(Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), value: Type.String({ maxLength: 1_000_000 }) }, { additionalProperties: false }), {
      minItems: 1,
      maxItems: 1_000,
    }),
    dryRun: Type.Optional(Type.Boolean()),
    user: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
type EditBody = Static<typeof EditBody>;

/**
 * The jobs each attribute was set in; or, when the edit was refused (and nothing set), the attribute (and
 * job named by id) it failed on, with the schedd's reason, after the attributes HTCondor's tool reports first.
 */
const EditReply = Type.Object({
  set: Type.Array(Type.Object({ attribute: Type.String(), jobs: Type.Integer() })),
  failed: Type.Optional(Type.Object({ attribute: Type.String(), job: Type.Optional(Type.String()), reason: Type.String() })),
});

const badRequest = (message: string) => Object.assign(new Error(message), { statusCode: 400 });

/** condor_qedit: sets job attributes in every job selected, or in none. */
export async function editRoutes(app: FastifyInstance, opts: { schedd: Schedd }): Promise<void> {
  const { schedd } = opts;
  app.post<{ Body: EditBody }>(
    '/v1/edit',
    { schema: { body: EditBody, response: { 200: EditReply, 400: Type.Object({ error: Type.String() }) } } },
    async (request) => {
      const { jobs, constraint, onlyMyJobs = false, edits, dryRun = false } = request.body;
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
      const caller = actingCaller(callerOf(request), request.body.user, schedd.settings.superUsers);
      return schedd.editJobs({ jobs: specs, constraint: parsed, onlyMyJobs, edits: edits.map(({ name, value }) => [name, value]) }, caller, dryRun);
    },
  );
}
