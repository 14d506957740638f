import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expandProcs, parseSubmitFile, SubmitError } from '@tinycondor/shared/submit/index';
import { CliError } from '../cli-error.js';
import { loadPoolConfig } from '../pool-config.js';
import { ScheddApi } from '../schedd-api.js';
const USAGE = 'Usage: condor_submit [-terse] [-append <command>]... [-batch-name <name>] [<submit-file>]';
function parseArgs(args) {
    const parsed = { file: undefined, terse: false, appendLines: [], batchName: undefined };
    for (let i = 0; i < args.length; i++) {
        const arg = args[i];
        const needValue = () => {
            const value = args[++i];
            if (value === undefined)
                throw new CliError(`ERROR: ${arg} requires an argument\n${USAGE}`);
            return value;
        };
        if (arg === '-terse')
            parsed.terse = true;
        else if (arg === '-append' || arg === '-a')
            parsed.appendLines.push(needValue());
        else if (arg === '-batch-name' || arg === '-batch_name')
            parsed.batchName = needValue();
        else if (arg === '-' && parsed.file === undefined)
            parsed.file = '-';
        else if (arg.startsWith('-'))
            throw new CliError(`ERROR: unknown option ${arg}\n${USAGE}`);
        else if (parsed.file === undefined)
            parsed.file = arg;
        else
            throw new CliError(`ERROR: only one submit file may be given (got ${parsed.file} and ${arg})\n${USAGE}`);
    }
    return parsed;
}
/** condor_submit: parse the submit description, queue its procs as one cluster, print what was queued. */
export const condorSubmit = async (args, io) => {
    const options = parseArgs(args);
    const fromStdin = options.file === undefined || options.file === '-';
    let text;
    if (fromStdin) {
        text = await io.readStdin();
    }
    else {
        try {
            text = fs.readFileSync(path.resolve(io.cwd, options.file), 'utf8');
        }
        catch (err) {
            throw new CliError(`ERROR: Failed to open command file (${err.message})`);
        }
    }
    const context = {
        fileName: fromStdin ? '<stdin>' : options.file,
        submitDir: io.cwd,
        env: io.env,
        owner: os.userInfo().username,
        appendLines: options.appendLines,
        batchName: options.batchName,
        now: new Date(),
        readFile: (file) => fs.readFileSync(path.resolve(io.cwd, file), 'utf8'),
        listDir: (dir) => fs.readdirSync(path.resolve(io.cwd, dir), { withFileTypes: true }).map((d) => ({ name: d.name, isDir: d.isDirectory() })),
    };
    const api = ScheddApi.fromConfig(loadPoolConfig(io.env));
    try {
        const parsed = parseSubmitFile(text, context);
        const { clusterId } = await api.request('POST', '/v1/clusters');
        const procs = expandProcs(parsed, clusterId, context);
        if (!options.terse)
            io.stdout(`Submitting job(s)${'.'.repeat(procs.length)}\n`);
        await api.request('POST', `/v1/clusters/${clusterId}/procs`, { procs: procs.map((ad) => ad.toJSON()) });
        if (options.terse)
            io.stdout(`${clusterId}.0 - ${clusterId}.${procs.length - 1}\n`);
        else
            io.stdout(`${procs.length} job(s) submitted to cluster ${clusterId}.\n`);
        return 0;
    }
    catch (err) {
        if (err instanceof SubmitError)
            throw new CliError(`\nERROR: ${err.message}`);
        throw err;
    }
};
//# sourceMappingURL=condor-submit.js.map