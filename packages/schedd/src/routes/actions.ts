import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { callerOf, poolCaller, type Caller } from '../caller.js';
import { parseExpr } from '@tinycondor/shared/classad/index';
import { parseJobSpec, type JobSpec } from '@tinycondor/shared/job-id';
import type { JobAction } from '../job-actions.js';
import type { Schedd } from '../schedd.js';
import { ActionBody, ActionReply, BulkActionBody, ClusterActionParams, ErrorReply, JobActionParams, PriorityBody } from '@tinycondor/shared/rest-schemas';

/** What the default reason names (rm.cpp: "via condor_rm -forcex" …). */
const TOOLS: Record<JobAction, string> = {
  remove: 'condor_rm',
  'remove-x': 'condor_rm -forcex',
  hold: 'condor_hold',
  release: 'condor_release',
  vacate: 'condor_vacate_job',
  'vacate-fast': 'condor_vacate_job -fast',
  suspend: 'condor_suspend',
  continue: 'condor_continue',
};

/** A job or cluster id from a request; id 0 and other non-ids are a 400, not a crash. */
function jobSpecOf(text: string): JobSpec {
  const spec = parseJobSpec(text);
  if (!spec) throw Object.assign(new Error(`'${text}' is not a job id (C.P) or cluster id (C)`), { statusCode: 400 });
  return spec;
}

/**
 * Who an action acts as: a user token's user whatever the body says; with the pool token (the queue
 * superuser's credential), the user the body names, as condor_rm sends it.
 */
export function actingCaller(caller: Caller, named: string | undefined): Caller {
  return caller.poolToken && named !== undefined ? poolCaller(caller.access, named) : caller;
}

/** HTCondor's reason text for a tool action: `via condor_rm (by user alice)`; a vacate is always the schedd's. */
function actionReason(action: JobAction, body: { reason?: string; user?: string }): string {
  if (action === 'vacate' || action === 'vacate-fast') return 'Job vacated by schedd';
  const reason = body.reason ?? `via ${TOOLS[action]}`;
  return body.user ? `${reason} (by user ${body.user})` : reason;
}

/** Job actions (condor_rm …), on one job, a cluster, or a selection. */
export async function actionRoutes(app: FastifyInstance, opts: { schedd: Schedd }): Promise<void> {
  const { schedd } = opts;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const run = (
    request: FastifyRequest,
    action: JobAction,
    specs: JobSpec[],
    constraint: string | undefined,
    all: boolean,
    body: { reason?: string; subcode?: number; user?: string },
    perJob = false,
  ): Promise<ActionReply> => {
    const caller = actingCaller(callerOf(request), body.user);
    const expr = constraint === undefined ? undefined : parseExpr(constraint);
    const reason = actionReason(action, { reason: body.reason, user: body.user === undefined ? undefined : caller.user });
    return schedd.actOnSelection(action, { specs, constraint: expr, all, perJob }, reason, caller, body.subcode ?? 0);
  };

  api.post(
    '/v1/actions',
    { schema: { body: BulkActionBody, response: { 200: ActionReply, 400: ErrorReply } } },
    async (request) => {
      const { ids = [], constraint, all = false, long = false } = request.body;
      const specs = ids.map(jobSpecOf);
      return run(request, request.body.action, specs, constraint, all, request.body, long);
    },
  );

  // condor_prio: set (priority) or move (adjustment) JobPrio of the jobs named, an owner's, or all.
  api.post(
    '/v1/priority',
    { schema: { body: PriorityBody, response: { 200: ActionReply, 400: ErrorReply } } },
    async (request) => {
      const { ids = [], owner, all = false, priority, adjustment } = request.body;
      if ((priority === undefined) === (adjustment === undefined)) throw Object.assign(new Error('give exactly one of priority and adjustment'), { statusCode: 400 });
      const caller = actingCaller(callerOf(request), request.body.user);
      const constraint = owner === undefined ? undefined : parseExpr(`Owner == ${JSON.stringify(owner)}`);
      const change = priority !== undefined ? { priority } : { adjustment: adjustment as number };
      return schedd.setPriority({ specs: ids.map(jobSpecOf), constraint, all }, change, caller);
    },
  );

  api.post(
    '/v1/jobs/:jobId/:action',
    { schema: { params: JobActionParams, body: ActionBody, response: { 200: ActionReply, 400: ErrorReply } } },
    async (request) => run(request, request.params.action, [jobSpecOf(request.params.jobId)], undefined, false, request.body),
  );

  api.post(
    '/v1/clusters/:clusterId/:action',
    { schema: { params: ClusterActionParams, body: ActionBody, response: { 200: ActionReply, 400: ErrorReply } } },
    async (request) => run(request, request.params.action, [{ cluster: request.params.clusterId }], undefined, false, request.body),
  );
}
