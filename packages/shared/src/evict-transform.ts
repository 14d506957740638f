/**
 * What the schedd does with a job's eviction transforms when the job would be held (schedd.cpp
 * Scheduler::jobExitCode and TransformOnEvict): the transforms TransformOnEvict names (on_evict_checks, and
 * the ones condor_submit writes for retry_request_memory and the like, see submit/evict-checks.ts) are tried
 * in turn on the job; the first that changes a Request* attribute lets the job go back to Idle, with its new
 * request, instead of being held. What the transforms change stays in the job either way.
 */
import { ClassAd, parseExpr, type Expr } from './classad/index.js';
import { unparse } from './classad/unparse.js';
import { applyJobTransform, transformMatches, TransformError, type JobTransform, type TransformSettings } from './job-transform.js';
import { splitList } from './submit/queue.js';

/**
 * MacroStreamXFormSource::set_simple_transform: a body whose statements are separated by newlines or 0x1e; a
 * REQUIREMENTS first (after blank and comment lines) is the transform's condition. 'invalid' for requirements
 * that do not parse, undefined for a body with nothing after its requirements.
 */
export function simpleTransform(name: string, body: string): JobTransform | 'invalid' | undefined {
  const lines = body.split(/[\n\x1e]/);
  let first = lines.findIndex((line) => {
    const text = line.trimStart();
    return text !== '' && !text.startsWith('#');
  });
  if (first < 0) first = lines.length;
  let requirements: JobTransform['requirements'];
  const statement = /^\s*requirements\s+(.*)$/is.exec(lines[first] ?? '');
  if (statement && !/^[=:]/.test(statement[1]!)) {
    if (first + 1 >= lines.length) return undefined;
    const source = statement[1]!.trim();
    let expr: Expr;
    try {
      expr = parseExpr(source);
    } catch {
      return 'invalid';
    }
    requirements = { source, expr };
    first++;
  }
  return { name, requirements, lines: lines.slice(first) };
}

export interface EvictTransformResult {
  /** The job with what the transforms set; the same ad when none of them changed anything. */
  ad: ClassAd;
  /** The transform that changed the job's request: the job goes back to Idle rather than being held. */
  applied?: string;
  /** The schedd's log lines about the transforms, in HTCondor's words. */
  log: string[];
}

/**
 * The job would be held (`ad` has the reason in VacateReason, VacateReasonCode and VacateReasonSubCode): its
 * eviction transforms are tried, in TransformOnEvict's order, until one changes a Request* attribute. A transform
 * whose requirements are false, or that fails, leaves the job as it was.
 */
export function transformOnEvict(ad: ClassAd, jobId: string, settings: Omit<TransformSettings, 'log'>): EvictTransformResult {
  const log: string[] = [];
  const names = ad.evaluate('TransformOnEvict');
  let job = ad;
  if (names.type !== 'string') return { ad: job, log };
  for (const tag of splitList(names.value)) {
    const body = job.evaluate(`TransformBody_${tag}`);
    if (body.type !== 'string') continue;
    const transform = simpleTransform(tag, body.value);
    if (transform === 'invalid') log.push(`TransformOnEvict ${jobId} invalid requirements in ${tag}`);
    if (transform === 'invalid' || transform === undefined) continue;
    if (!transformMatches(transform, job, settings.context)) {
      log.push(`TransformOnEvict ${jobId} does not match ${tag} requirements`);
      continue;
    }
    if (transform.requirements) log.push(`TransformOnEvict ${jobId} MATCHES ${tag} requirements`);
    const transformed = job.clone();
    let changed: Set<string>;
    try {
      changed = applyJobTransform(transformed, transform, settings);
    } catch (err) {
      if (!(err instanceof TransformError)) throw err;
      log.push(`TransformOnEvict ${jobId} error -1 applying transform ${tag} : ${err.message}`);
      continue;
    }
    // Only real changes count, as only those reach the job queue (and the job's autocluster).
    const differs = [...changed].filter((name) => !sameExpr(job.get(name), transformed.get(name)));
    if (differs.length === 0) continue;
    job = transformed;
    if (differs.some((name) => /^request/i.test(name))) {
      log.push(`TransformOnEvict=${tag} applied to job ${jobId}, skipping other transforms`);
      return { ad: job, applied: tag, log };
    }
  }
  return { ad: job, log };
}

function sameExpr(a: Expr | undefined, b: Expr | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return unparse(a) === unparse(b);
}
