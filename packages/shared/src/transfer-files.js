import path from 'node:path';
/** HTCondor file lists (`transfer_input_files = a, b/, c`): comma separated, blanks trimmed. */
export function splitFileList(value) {
    if (value === undefined)
        return [];
    return value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
}
/** `transfer_output_remaps = "a = b; c = d"` as a map from sandbox name to destination. */
export function parseRemaps(value) {
    const remaps = new Map();
    if (value === undefined)
        return remaps;
    for (const pair of value.split(';')) {
        if (pair.trim() === '')
            continue;
        const eq = pair.indexOf('=');
        if (eq < 0)
            throw new Error(`transfer_output_remaps entry '${pair.trim()}' has no '='`);
        remaps.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return remaps;
}
export const STDOUT_NAME = '_condor_stdout';
export const STDERR_NAME = '_condor_stderr';
/** Files of the sandbox that belong to the pool, never to the job's outputs. */
export const INTERNAL_SANDBOX_FILES = new Set(['.job.ad', '.machine.ad', '.update.ad', '.update.ad.tmp', '.chirp.config']);
/**
 * Where a file that came back from the sandbox lands on the submit side, or undefined when it is
 * dropped (stdout sent to /dev/null or not requested).
 */
export function outputDestination(sandboxName, naming) {
    let target;
    if (sandboxName === STDOUT_NAME)
        target = naming.out;
    else if (sandboxName === STDERR_NAME)
        target = naming.err;
    else
        target = naming.remaps.get(sandboxName) ?? sandboxName;
    if (target === undefined || target === '' || target === '/dev/null')
        return undefined;
    return path.resolve(naming.iwd, target);
}
/** The name an input lands under in the sandbox: a trailing `/` sends a directory's contents. */
export function inputSandboxName(listed) {
    const contentsOnly = listed.endsWith('/') && listed.length > 1;
    const trimmed = contentsOnly ? listed.replace(/\/+$/, '') : listed;
    return { source: trimmed, name: path.basename(trimmed), contentsOnly };
}
//# sourceMappingURL=transfer-files.js.map