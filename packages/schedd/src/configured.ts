import type { CondorConfig } from '@tinycondor/shared/condor-config';

/**
 * What the schedd derives from its configuration (job transforms, submit requirements, attribute rules, queue
 * access), derived again only when the configuration changed (`config()` gives the same object until one of
 * its files changes; HTCondor derives them at each reconfig), so each derivation logs its problems once.
 * `unconfigured`: what holds without a configuration.
 */
export function derivedFromConfig<T>(config: () => CondorConfig | undefined, derive: (config: CondorConfig) => T, unconfigured: T): () => T {
  let derived: { config: CondorConfig; value: T } | undefined;
  return () => {
    const current = config();
    if (current === undefined) return unconfigured;
    if (derived?.config !== current) derived = { config: current, value: derive(current) };
    return derived.value;
  };
}
