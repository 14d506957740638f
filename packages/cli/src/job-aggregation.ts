// condor_q -group-by and -autocluster: jobs grouped by the values of significant attributes, as HTCondor's
// schedd groups them for such a query (autocluster.cpp: JobCluster::getClusterid, JobAggregationResults::next;
// schedd.cpp command_query_job_aggregates). tinycondor's schedd keeps no autoclusters, so condor_q groups the
// ads it fetched, the one place this is done.
import { ClassAd, childExprs, isTrue, parseExpr, type EvalContext, type Expr } from '@tinycondor/shared/classad/index';
import { references, sortedNames } from './analyze/expr-analysis.js';

export interface AggregateOptions {
  /** The group's id attribute: Id (-group-by) or AutoClusterId (-autocluster). */
  idAttr: 'Id' | 'AutoClusterId';
  /** The query's constraint: -group-by's selects the jobs; both select the group ads (next()). */
  constraint?: Expr;
  /** -limit: groups returned at most, counted in signature order (result_limit). */
  limit?: number;
  context?: EvalContext;
}

/** The job ids dc_schedd asks for (MaxReturnedJobIds): the first and the last. */
const MAX_RETURNED_JOB_IDS = 2;

/**
 * The attributes an expression of `job` refers to, as getClusterid adds them (expand_refs): bare names and
 * MY.x, whether the job has them or not, and through the job's own attributes they name; TARGET.x and other
 * dotted names are left out.
 */
function referencedAttrs(job: ClassAd, expr: Expr, into: Map<string, string>): void {
  const walk = (e: Expr): void => {
    if (e.kind === 'select') {
      walk(e.base);
      return;
    }
    if (e.kind !== 'attr') {
      childExprs(e).forEach(walk);
      return;
    }
    if (e.scope !== undefined && e.scope !== 'MY') return;
    const key = e.name.toLowerCase();
    if (into.has(key)) return;
    into.set(key, e.name);
    const own = job.get(e.name);
    if (own !== undefined) walk(own);
  };
  walk(expr);
}

/**
 * getClusterid's signature of a job: a `Name = expression` line for each significant attribute (nothing
 * after `= ` when the job lacks it), then one for each attribute their expressions refer to, in
 * case-insensitive order.
 */
export function jobSignature(job: ClassAd, sigAttrs: readonly string[]): string[] {
  const refs = new Map<string, string>();
  for (const attr of sigAttrs) {
    const expr = job.get(attr);
    if (expr !== undefined) referencedAttrs(job, expr, refs);
  }
  for (const attr of sigAttrs) refs.delete(attr.toLowerCase());
  return [...sigAttrs, ...sortedNames(refs.values())].map((attr) => `${attr} = ${job.getSource(attr) ?? ''}`);
}

/** JobIds: the first job, ` ...` when there are more than two, and the last. */
function jobIdsText(ids: ReadonlyArray<{ cluster: number; proc: number }>): string {
  const text = (id: { cluster: number; proc: number }) => `${id.cluster}.${id.proc}`;
  if (ids.length === 1) return text(ids[0]);
  return `${text(ids[0])}${ids.length > MAX_RETURNED_JOB_IDS ? ' ...' : ''} ${text(ids[ids.length - 1])}`;
}

/**
 * One ad per group of `jobs` with the same signature: its lines as attributes (those with a value), the id
 * (numbered from 1 as groups are met in job-id order), JobIds and JobCount. Groups are returned, up to the
 * limit, in signature order and only when the constraint holds for the group ad, then ordered by id as
 * condor_q lists them.
 */
export function aggregateJobs(jobs: readonly ClassAd[], sigAttrs: readonly string[], opts: AggregateOptions): ClassAd[] {
  const groups = new Map<string, { id: number; lines: string[]; jobs: Array<{ cluster: number; proc: number }> }>();
  const ordered = [...jobs].sort((a, b) => (a.getInt('ClusterId') ?? 0) - (b.getInt('ClusterId') ?? 0) || (a.getInt('ProcId') ?? 0) - (b.getInt('ProcId') ?? 0));
  for (const job of ordered) {
    if (opts.idAttr === 'Id' && opts.constraint !== undefined && !isTrue(job.evaluateExpr(opts.constraint, undefined, opts.context))) continue;
    const lines = jobSignature(job, sigAttrs);
    const key = lines.map((line) => `${line}\n`).join('');
    let group = groups.get(key);
    if (group === undefined) {
      group = { id: groups.size + 1, lines, jobs: [] };
      groups.set(key, group);
    }
    group.jobs.push({ cluster: job.getInt('ClusterId') ?? 0, proc: job.getInt('ProcId') ?? 0 });
  }
  const results: Array<{ id: number; ad: ClassAd }> = [];
  // std::map<std::string, int>: signatures in byte order.
  for (const key of [...groups.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (opts.limit !== undefined && results.length >= opts.limit) break;
    const group = groups.get(key)!;
    const ad = new ClassAd();
    for (const line of group.lines) {
      const eq = line.indexOf(' = ');
      const source = line.slice(eq + 3);
      if (source !== '') ad.setExpr(line.slice(0, eq), source);
    }
    ad.set(opts.idAttr, group.id);
    ad.set('JobIds', jobIdsText(group.jobs));
    ad.set('JobCount', group.jobs.length);
    if (opts.constraint !== undefined && !isTrue(ad.evaluateExpr(opts.constraint, undefined, opts.context))) continue;
    results.push({ id: group.id, ad });
  }
  return results.sort((a, b) => a.id - b.id).map((r) => r.ad);
}

/** Job attributes the negotiator never counts as significant (compute_significant_attrs' erase list). */
const NEVER_SIGNIFICANT = new Set(
  [
    'CurrentTime', 'LastHeardFrom', 'RemoteUser', 'RemoteOwner', 'RemoteUserFloor', 'RemoteUserPrio', 'RemoteUserResourcesInUse',
    'RemoteGroupResourcesInUse', 'SubmittorPrio', 'SubmitterUserPrio', 'SubmitterUserResourcesInUse', 'SubmitterGroupResourcesInUse',
    'TotalJobRunTime', 'MachineLastMatchTime', 'JobCurrentStartDate', 'JobState', 'Mips', 'KFlops', 'SlotID', 'DSlotId',
    'PartitionableSlot', 'DynamicSlot', 'Offline', 'PelicanPluginVersion',
  ].map((name) => name.toLowerCase()),
);

/** REMOVE_SIGNIFICANT_ATTRIBUTES_REGEX's default. */
const SLOT_ATTR = /^Slot[0-9]*_/i;

/**
 * What tinycondor's matchmaker reads from a job besides its Requirements: a HTCondor slot's own expressions
 * refer to them (a partitionable slot's WithinResourceLimits), so the negotiator finds them significant.
 */
const MATCHED_REQUESTS = ['RequestCpus', 'RequestDisk', 'RequestMemory'];

/** The schedd's MinimalSigAttrs, always significant (its START expression's JOB.x aside). */
const MINIMAL_SIG_ATTRS = ['ConcurrencyLimits', 'FlockTo', 'Rank', 'Requirements'];

/**
 * The default autocluster's significant attributes: SIGNIFICANT_ATTRIBUTES when configured, else what the
 * negotiator computes from the slot ads (compute_significant_attrs: the job attributes their expressions
 * refer to, lists aside, and the requests the matchmaker checks, in case-insensitive order, less the
 * never-significant ones) with MinimalSigAttrs appended (AutoCluster::config).
 */
export function significantAttrs(configured: string | undefined, slots: readonly ClassAd[]): string[] {
  if (configured !== undefined && configured.trim() !== '') return configured.split(/[\s,]+/).filter((name) => name !== '');
  const external = new Map<string, string>(MATCHED_REQUESTS.map((name) => [name.toLowerCase(), name]));
  for (const slot of slots) {
    for (const name of slot.names()) {
      const expr = slot.get(name)!;
      if (expr.kind === 'list') continue;
      for (const ref of references(slot, expr).target) if (!external.has(ref.toLowerCase())) external.set(ref.toLowerCase(), ref);
    }
  }
  const computed = sortedNames([...external.values()].filter((name) => !NEVER_SIGNIFICANT.has(name.toLowerCase()) && !SLOT_ATTR.test(name)));
  const have = new Set(computed.map((name) => name.toLowerCase()));
  return [...computed, ...MINIMAL_SIG_ATTRS.filter((name) => !have.has(name.toLowerCase()))];
}

/**
 * -group-by's significant attributes: the query's projection, the attributes the shown expressions refer to
 * (parse_format_args), in case-insensitive order and each once (classad::References).
 */
export function projectionOf(exprTexts: readonly string[], named: readonly string[] = []): string[] {
  const names = new Map<string, string>();
  const walk = (e: Expr): void => {
    if (e.kind === 'attr') {
      if (e.scope !== 'TARGET' && !names.has(e.name.toLowerCase())) names.set(e.name.toLowerCase(), e.name);
      return;
    }
    childExprs(e).forEach(walk);
  };
  for (const text of exprTexts) walk(parseExpr(text));
  for (const name of named) if (!names.has(name.toLowerCase())) names.set(name.toLowerCase(), name);
  return sortedNames(names.values());
}
