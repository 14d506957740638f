import fs from 'node:fs';
import path from 'node:path';
import { INTERNAL_SANDBOX_FILES, STDERR_NAME, STDOUT_NAME, splitFileList } from '@tinycondor/shared/transfer-files';
function fingerprint(stat) {
    return `${stat.size}:${stat.mtimeMs}`;
}
export function snapshotSandbox(sandbox) {
    const snapshot = new Map();
    for (const name of fs.readdirSync(sandbox)) {
        const stat = fs.lstatSync(path.join(sandbox, name));
        if (stat.isFile())
            snapshot.set(name, fingerprint(stat));
    }
    return snapshot;
}
export class OutputMissingError extends Error {
    file;
    constructor(file) {
        super(`reading from file ${file}: (errno 2) No such file or directory`);
        this.file = file;
        this.name = 'OutputMissingError';
    }
}
/**
 * The files to send back at exit: `transfer_output_files` when given (each must exist), else every
 * top-level file the job created or modified (HTCondor does not descend into directories then);
 * `_condor_stdout`/`_condor_stderr` always.
 */
export function selectOutputs(ad, sandbox, before) {
    const entries = [];
    const listed = ad.has('TransferOutput') ? splitFileList(ad.getString('TransferOutput')) : undefined;
    if (listed !== undefined) {
        for (const item of listed) {
            const source = path.resolve(sandbox, item);
            if (!fs.existsSync(source))
                throw new OutputMissingError(source);
            entries.push({ name: path.basename(item), source });
        }
    }
    else {
        for (const name of fs.readdirSync(sandbox).sort()) {
            if (INTERNAL_SANDBOX_FILES.has(name) || name === STDOUT_NAME || name === STDERR_NAME)
                continue;
            const stat = fs.lstatSync(path.join(sandbox, name));
            if (stat.isFile() && before.get(name) !== fingerprint(stat))
                entries.push({ name, source: path.join(sandbox, name) });
        }
    }
    for (const name of [STDOUT_NAME, STDERR_NAME]) {
        if (fs.existsSync(path.join(sandbox, name)))
            entries.push({ name, source: path.join(sandbox, name) });
    }
    return entries;
}
//# sourceMappingURL=output-selection.js.map