import type { EvalContext, Expr } from '@tinycondor/shared/classad/index';
import { configValue, type CondorConfig } from '@tinycondor/shared/condor-config';
import type { Logger } from 'pino';
import { derivedFromConfig } from './configured.js';
import { DEFAULT_JOB_ATTR_RULES, editVerdict, jobAttrRules, type JobAttrRules } from '@tinycondor/shared/job-edit';
import { formatJobId, type JobSpec } from '@tinycondor/shared/job-id';
import { mayActOn, type Caller } from './caller.js';
import { constraintHolds, constraintSource } from './constraint-jobs.js';
import type { JobKey, JobStore, StoredJob } from './job-store.js';
import type { PagedSource } from './slices.js';

/**
 * A condor_qedit: the jobs it names by full id (each must be there), or a constraint (at least one job must
 * match); `onlyMyJobs` (a constraint alone) leaves others' jobs out unless the caller is a queue superuser.
 */
export interface EditRequest {
  jobs: Required<JobSpec>[] | undefined;
  constraint: Expr | undefined;
  onlyMyJobs: boolean;
  /** Attribute name → ClassAd expression, in the order qedit sets them (by name). */
  edits: [string, string][];
  /** condor_qedit -forward (SetAttribute_SetDirty): the edits reach the running jobs' shadow side at once. */
  forward?: boolean;
}

/**
 * The jobs an edit sets its attributes in, and those of its attributes dropped quietly (secure ones, with what
 * the log says of each); or the attribute (and job) it fails on and why.
 */
export type EditPlan = { jobs: StoredJob[]; ignored: Map<string, string> } | EditFailure;
export interface EditFailure {
  attribute: string;
  /** The jobs selected, for the attributes before `attribute`, which HTCondor's tool reports set before the failure. */
  selected: number;
  /** The job named by id it failed on; absent: by constraint. */
  job?: string;
  reason: string;
}

/**
 * Decides an edit as HTCondor's schedd does (qmgmt.cpp: SetAttribute, SetAttributeByConstraint and their
 * ModifyAttrCheck), before anything is set: the edit is one transaction, set in every job or in none. The
 * constraint is evaluated with `context` (the schedd's userMap() maps); `rules` are the immutable, protected
 * and secure attributes (a queue superuser may change protected ones).
 * Attributes are tried in order and, for each, the jobs: the first refusal is the edit's.
 */
export function planEdit(store: JobStore, request: EditRequest, caller: Caller, rules: JobAttrRules, context?: EvalContext): EditPlan {
  const first = request.edits[0]?.[0] ?? '';
  let jobs: StoredJob[];
  if (request.jobs) {
    jobs = [];
    for (const spec of request.jobs) {
      const jobId = formatJobId(spec.cluster, spec.proc);
      const job = store.getJob(spec.cluster, spec.proc);
      if (!job) return { attribute: first, selected: 0, job: jobId, reason: `Modifying attribute ${first} in nonexistent job ${jobId}` };
      jobs.push(job);
    }
  } else {
    const constraint = request.constraint;
    // SetAttributeByConstraint: CONDOR_Q_ONLY_MY_JOBS false strips the flag.
    const mine = request.onlyMyJobs && caller.access.onlyMyJobs && !caller.superUser;
    jobs = allOf(constraint ? constraintSource(store, constraint) : store.jobSource()).filter(
      (job) => (constraint === undefined || constraintHolds(constraint, job.ad, context)) && (!mine || job.ad.getString('Owner') === caller.user),
    );
    if (jobs.length === 0) return { attribute: first, selected: 0, reason: 'no job matches the constraint' };
  }
  const ignored = new Map<string, string>();
  for (const [name, value] of request.edits) {
    for (const job of jobs) {
      const jobId = formatJobId(job.cluster, job.proc);
      const where = { selected: jobs.length, ...(request.jobs ? { job: jobId } : {}) };
      // QUEUE_ALL_USERS_TRUSTED lets everyone change protected attributes, as a superuser.
      const superUser = caller.superUser || caller.access.allUsersTrusted;
      const setter = { user: caller.user, mayEditJob: mayActOn(caller, job.ad.getString('Owner')), superUser, allowProtectedChanges: true };
      const verdict = editVerdict(jobId, name, value, rules, setter);
      if (verdict === undefined) continue;
      if ('refused' in verdict) return { attribute: name, ...where, reason: verdict.refused };
      if (!ignored.has(name)) ignored.set(name, verdict.ignored);
    }
  }
  return { jobs, ignored };
}

/**
 * The immutable, protected and secure job attributes of the schedd's configuration, read again when it
 * changed (HTCondor: InitQmgmt at each reconfig), their problems logged then; param_info.in's defaults
 * without a configuration.
 */
export function configuredJobAttrRules(config: () => CondorConfig | undefined, log: Logger): () => JobAttrRules {
  return derivedFromConfig(
    config,
    (current) => {
      const problems: string[] = [];
      const rules = jobAttrRules((name) => configValue(current, name), problems);
      for (const problem of problems) log.warn(problem);
      return rules;
    },
    DEFAULT_JOB_ATTR_RULES,
  );
}

/** What an edit did (or a dry run would do): the jobs each attribute is set in; what refused it, if anything. */
export interface EditOutcome {
  set: { attribute: string; jobs: number }[];
  failed?: { attribute: string; job?: string; reason: string };
}

/** Every item of a paged source, read at once: an edit is one transaction, as on HTCondor. */
function allOf(source: PagedSource<StoredJob, JobKey>): StoredJob[] {
  const items: StoredJob[] = [];
  let after: JobKey | undefined;
  for (;;) {
    const page = source.read(after, 1_000);
    items.push(...page);
    if (page.length < 1_000) return items;
    after = source.key(page[page.length - 1]);
  }
}
