import type { ClassAd } from './classad/index.js';
import { splitV2Raw } from './submit/arguments.js';
import { ENV_V1_DELIMITER } from './submit/environment.js';

/** The job's argv after the executable: `Arguments` (V2 raw) wins over `Args` (V1 raw), as in HTCondor. */
export function jobArguments(ad: ClassAd): string[] {
  const v2 = ad.getString('Arguments');
  if (v2 !== undefined) return splitV2Raw(v2);
  return (ad.getString('Args') ?? '').split(/[ \t\n\r]+/).filter((word) => word !== '');
}

function addAssignment(env: Record<string, string>, entry: string): void {
  const eq = entry.indexOf('=');
  if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
}

/** The job's own environment: `Environment` (V2 raw) wins over `Env` (V1 raw). */
export function jobEnvironment(ad: ClassAd): Record<string, string> {
  // No prototype: a variable named __proto__ is just a variable.
  const env: Record<string, string> = Object.create(null) as Record<string, string>;
  const v2 = ad.getString('Environment');
  if (v2 !== undefined) {
    for (const entry of splitV2Raw(v2)) addAssignment(env, entry);
    return env;
  }
  for (const entry of (ad.getString('Env') ?? '').split(ENV_V1_DELIMITER)) addAssignment(env, entry.trim());
  return env;
}
