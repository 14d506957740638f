import { isTrue, type ClassAd, type EvalContext, type Expr } from '@tinycondor/shared/classad/index';
import type { JobSpec } from '@tinycondor/shared/job-id';
import type { JobKey, JobStore, StoredJob } from './job-store.js';
import type { PagedSource } from './slices.js';

/**
 * Whether a job matches a constraint (condor_q -constraint, condor_rm -constraint): true, not merely defined.
 * `context`: the schedd's userMap() maps, which HTCondor's schedd evaluates the constraints it is sent with.
 */
export function constraintHolds(constraint: Expr, jobAd: ClassAd, context?: EvalContext): boolean {
  return isTrue(jobAd.evaluateExpr(constraint, undefined, context));
}

/** The jobs a constraint is evaluated on: those it names itself (see namedJobs), or the whole queue. */
export function constraintSource(store: JobStore, constraint: Expr): PagedSource<StoredJob, JobKey> {
  const named = namedJobs(constraint);
  return named === undefined ? store.jobSource() : store.namedJobsSource(named);
}

/**
 * The jobs a constraint can select at most, when it names them itself: condor_q and condor_rm turn job ids
 * into `ClusterId == C` and `(ClusterId == C && ProcId == P)` terms joined by `||`, a clause of a `&&`. Only
 * those jobs need to be read and evaluated, instead of the whole queue. undefined: any job may match.
 */
export function namedJobs(expr: Expr): JobSpec[] | undefined {
  switch (expr.kind) {
    case 'paren':
      return namedJobs(expr.inner);
    case 'binary':
      break;
    default:
      return undefined;
  }
  const cluster = equalsInt(expr, 'clusterid');
  if (cluster !== undefined) return [{ cluster }];
  if (expr.op === '||') {
    const left = namedJobs(expr.left);
    const right = left && namedJobs(expr.right);
    return left && right && [...left, ...right];
  }
  if (expr.op !== '&&') return undefined;
  const [clusterTerm, procTerm] = [equalsInt(unparenthesized(expr.left), 'clusterid'), equalsInt(unparenthesized(expr.right), 'procid')];
  if (clusterTerm !== undefined && procTerm !== undefined) return [{ cluster: clusterTerm, proc: procTerm }];
  // Either side of a conjunction bounds what it selects.
  return namedJobs(expr.left) ?? namedJobs(expr.right);
}

function unparenthesized(expr: Expr): Expr {
  return expr.kind === 'paren' ? unparenthesized(expr.inner) : expr;
}

/** N when `expr` is `Attr == N` (either way round) for this attribute of the job's own ad and an integer literal N. */
function equalsInt(expr: Expr, attribute: string): number | undefined {
  if (expr.kind !== 'binary' || expr.op !== '==') return undefined;
  for (const [attr, literal] of [[expr.left, expr.right], [expr.right, expr.left]]) {
    if (attr.kind === 'attr' && attr.scope !== 'TARGET' && attr.name.toLowerCase() === attribute && literal.kind === 'literal' && literal.value.type === 'int') {
      return literal.value.value;
    }
  }
  return undefined;
}
