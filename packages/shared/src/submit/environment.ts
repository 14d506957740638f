// HTCondor's two environment syntaxes (env.cpp):
//   V1 ("old"): NAME=VALUE entries separated by ';' (or newlines), taken verbatim.
//   V2 ("new"): the whole list in double quotes, entries separated by whitespace,
//               single quotes group, as for arguments.
import { wildcardMatch } from './wildcard.js';
import { QuotingError, isV2Quoted, joinV2Raw, splitV2Raw, v2QuotedToRaw } from './arguments.js';
import { SubmitError } from './errors.js';

export const ENV_V1_DELIMITER = ';';

function addEntry(env: Record<string, string>, entry: string): void {
  const eq = entry.indexOf('=');
  if (eq < 0) throw new QuotingError(`Missing '=' after environment variable '${entry}'.`);
  if (eq === 0) throw new QuotingError(`missing variable in '${entry}'.`);
  env[entry.slice(0, eq)] = entry.slice(eq + 1);
}

/** Parses an environment value of either syntax. Throws QuotingError. */
export function parseEnvironmentList(value: string): Record<string, string> {
  const env: Record<string, string> = Object.create(null) as Record<string, string>;
  if (isV2Quoted(value)) {
    for (const entry of splitV2Raw(v2QuotedToRaw(value))) addEntry(env, entry);
  } else {
    for (const entry of value.split(/[;\n]/)) {
      const trimmed = entry.replace(/^[ \t\r\n]+/, '');
      if (trimmed !== '') addEntry(env, trimmed);
    }
  }
  return env;
}

export function parseEnvironment(value: string, line: number, file: string): Record<string, string> {
  try {
    return parseEnvironmentList(value);
  } catch (err) {
    if (err instanceof QuotingError) throw new SubmitError(file, line, `failed to parse environment: ${err.message}`);
    throw err;
  }
}

// HTCondor keeps the environment in a std::map, so entries come out sorted by name.
function sortedEntries(env: Record<string, string>): [string, string][] {
  return Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The `Environment` attribute value (V2 raw). */
export function formatEnvironmentV2Raw(env: Record<string, string>): string {
  return joinV2Raw(sortedEntries(env).map(([name, value]) => `${name}=${value}`));
}

/** The `Env` attribute value (V1 raw); null when a value cannot be written in V1. */
export function formatEnvironmentV1Raw(env: Record<string, string>): string | null {
  const entries = sortedEntries(env);
  if (entries.some(([, value]) => !isSafeV1Value(value))) return null;
  return entries.map(([name, value]) => `${name}=${value}`).join(ENV_V1_DELIMITER);
}

export function isSafeV1Value(value: string): boolean {
  return !value.includes(ENV_V1_DELIMITER) && !value.includes('\n');
}


/**
 * Selects the submitter's variables that `getenv` imports. `getenv` is a boolean or
 * (HTCondor 9+) a list of name patterns, where `!pattern` excludes.
 */
export function selectImportedEnv(
  patterns: readonly string[],
  submitterEnv: Record<string, string | undefined>,
): Record<string, string> {
  const include = patterns.filter((p) => !p.startsWith('!'));
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  const selected: Record<string, string> = {};
  for (const [name, value] of Object.entries(submitterEnv)) {
    if (value === undefined || value.includes('\n')) continue;
    if (include.length > 0 && !include.some((p) => wildcardMatch(p, name, true))) continue;
    if (exclude.some((p) => wildcardMatch(p, name, true))) continue;
    selected[name] = value;
  }
  return selected;
}
