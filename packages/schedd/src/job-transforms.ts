// The schedd's job transforms (HTCondor's job_transforms.cpp): JOB_TRANSFORM_NAMES applied to each proc as it
// is submitted, in order, each where its REQUIREMENTS hold; the attributes they set or delete are the proc's.
import type { Logger } from 'pino';
import type { ClassAd, EvalContext } from '@tinycondor/shared/classad/index';
import { configValue, type CondorConfig } from '@tinycondor/shared/condor-config';
import { applyJobTransform, configuredJobTransforms, transformMatches, TransformError, type JobTransform, type TransformSettings } from '@tinycondor/shared/job-transform';
import { derivedFromConfig } from './configured.js';

export class JobTransformFailed extends Error {}

export class JobTransforms {
  /** The configured transforms, parsed again (and logged, as initAndReconfig logs them) when the configuration changed. */
  private readonly current: () => { config: CondorConfig; transforms: JobTransform[] } | undefined;

  constructor(
    config: () => CondorConfig | undefined,
    private readonly log: Logger,
    /** The schedd's userMap() maps as they are now. */
    private readonly context: () => EvalContext,
  ) {
    this.current = derivedFromConfig(
      config,
      (current) => {
        const { transforms, problems } = configuredJobTransforms({ value: (name) => configValue(current, name), raw: (name) => current.get(name.toUpperCase())?.value });
        for (const problem of problems) this.log.warn(problem);
        transforms.forEach((transform, index) =>
          this.log.info({ transform: transform.name, rule: index + 1, requirements: transform.requirements?.source }, `JOB_TRANSFORM_${transform.name} setup as transform rule #${index + 1}`),
        );
        return { config: current, transforms };
      },
      undefined,
    );
  }

  /** Whether any transform is configured: a submission builds its procs' ads only then. */
  active(): boolean {
    return (this.current()?.transforms.length ?? 0) > 0;
  }

  /** What a job's eviction transforms (TransformOnEvict) are given: the configuration's macros, as for these transforms. */
  evictSettings(): Omit<TransformSettings, 'log'> {
    const config = this.current()?.config;
    return { configRaw: (name) => config?.get(name.toUpperCase())?.value, env: process.env, context: this.context() };
  }

  /** Transforms a proc's ad in place; the names it set or deleted. A transform that fails refuses the submission. */
  transform(ad: ClassAd, jobId: string): Set<string> {
    const current = this.current();
    const changed = new Set<string>();
    if (current === undefined) return changed;
    const applied: string[] = [];
    const context = this.context();
    for (const transform of current.transforms) {
      if (!transformMatches(transform, ad, context)) continue;
      try {
        for (const name of applyJobTransform(ad, transform, {
          configRaw: (name) => current.config.get(name.toUpperCase())?.value,
          env: process.env,
          log: (line, isError) => (isError ? this.log.warn({ jobId, transform: transform.name }, line) : undefined),
          context,
        }))
          changed.add(name);
      } catch (err) {
        if (!(err instanceof TransformError)) throw err;
        this.log.warn({ jobId, transform: transform.name }, `(${jobId}) job_transforms: ERROR applying transform ${transform.name} (err=-3,rval=-1,msg=${err.message})`);
        throw new JobTransformFailed(`Failed to apply a required job transform (JOB_TRANSFORM_${transform.name}: ${err.message}).`);
      }
      applied.push(transform.name);
    }
    this.log.info(`job_transforms for ${jobId}: ${current.transforms.length} considered, ${applied.length} applied (${applied.length > 0 ? applied.join(',') : '<none>'})`);
    return changed;
  }
}
