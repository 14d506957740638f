// HTCondor's two environment syntaxes (env.cpp):
//   V1 ("old"): NAME=VALUE entries separated by ';' (or newlines), taken verbatim.
//   V2 ("new"): the whole list in double quotes, entries separated by whitespace,
//               single quotes group, as for arguments.
import { QuotingError, isV2Quoted, joinV2Raw, splitV2Raw, v2QuotedToRaw } from './arguments.js';
import { SubmitError } from './errors.js';
export const ENV_V1_DELIMITER = ';';
function addEntry(env, entry) {
    const eq = entry.indexOf('=');
    if (eq < 0)
        throw new QuotingError(`Missing '=' after environment variable '${entry}'.`);
    if (eq === 0)
        throw new QuotingError(`missing variable in '${entry}'.`);
    env[entry.slice(0, eq)] = entry.slice(eq + 1);
}
/** Parses an environment value of either syntax. Throws QuotingError. */
export function parseEnvironmentList(value) {
    const env = {};
    if (isV2Quoted(value)) {
        for (const entry of splitV2Raw(v2QuotedToRaw(value)))
            addEntry(env, entry);
    }
    else {
        for (const entry of value.split(/[;\n]/)) {
            const trimmed = entry.replace(/^[ \t\r\n]+/, '');
            if (trimmed !== '')
                addEntry(env, trimmed);
        }
    }
    return env;
}
export function parseEnvironment(value, line, file) {
    try {
        return parseEnvironmentList(value);
    }
    catch (err) {
        if (err instanceof QuotingError)
            throw new SubmitError(file, line, `failed to parse environment: ${err.message}`);
        throw err;
    }
}
// HTCondor keeps the environment in a std::map, so entries come out sorted by name.
function sortedEntries(env) {
    return Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
/** The `Environment` attribute value (V2 raw). */
export function formatEnvironmentV2Raw(env) {
    return joinV2Raw(sortedEntries(env).map(([name, value]) => `${name}=${value}`));
}
/** The `Env` attribute value (V1 raw); null when a value cannot be written in V1. */
export function formatEnvironmentV1Raw(env) {
    const entries = sortedEntries(env);
    if (entries.some(([, value]) => !isSafeV1Value(value)))
        return null;
    return entries.map(([name, value]) => `${name}=${value}`).join(ENV_V1_DELIMITER);
}
export function isSafeV1Value(value) {
    return !value.includes(ENV_V1_DELIMITER) && !value.includes('\n');
}
function globToRegExp(pattern) {
    const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    return new RegExp(`^${escaped}$`, 'i');
}
/**
 * Selects the submitter's variables that `getenv` imports. `getenv` is a boolean or
 * (HTCondor 9+) a list of name patterns, where `!pattern` excludes.
 */
export function selectImportedEnv(patterns, submitterEnv) {
    const include = patterns.filter((p) => !p.startsWith('!')).map(globToRegExp);
    const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => globToRegExp(p.slice(1)));
    const selected = {};
    for (const [name, value] of Object.entries(submitterEnv)) {
        if (value === undefined || value.includes('\n'))
            continue;
        if (include.length > 0 && !include.some((re) => re.test(name)))
            continue;
        if (exclude.some((re) => re.test(name)))
            continue;
        selected[name] = value;
    }
    return selected;
}
//# sourceMappingURL=environment.js.map