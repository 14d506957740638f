import os from 'node:os';
import { parseJobSpec } from '@tinycondor/shared/job-id';
import { CliError } from '../cli-error.js';
import { loadPoolConfig } from '../pool-config.js';
import { ScheddApi } from '../schedd-api.js';
const USAGE = 'Usage: condor_rm [-reason <text>] { <cluster> | <cluster>.<proc> | -all | -constraint <expr> }...';
/** condor_rm: remove jobs, whole clusters, all jobs, or those matching a constraint; messages as HTCondor's. */
export const condorRm = async (args, io) => {
    const specs = [];
    let constraint;
    let all = false;
    let reason;
    for (let i = 0; i < args.length; i++) {
        const arg = args[i];
        const value = () => {
            const v = args[++i];
            if (v === undefined)
                throw new CliError(`ERROR: ${arg} requires an argument\n${USAGE}`);
            return v;
        };
        if (arg === '-all' || arg === '-a')
            all = true;
        else if (arg.startsWith('-const'))
            constraint = value();
        else if (arg === '-reason')
            reason = value();
        else if (arg.startsWith('-'))
            throw new CliError(`ERROR: unknown option ${arg}\n${USAGE}`);
        else {
            const spec = parseJobSpec(arg);
            if (!spec)
                throw new CliError(`ERROR: invalid job id or cluster '${arg}'\n${USAGE}`);
            specs.push({ text: arg, spec });
        }
    }
    if (specs.length === 0 && !all && constraint === undefined)
        throw new CliError(USAGE);
    const api = ScheddApi.fromConfig(loadPoolConfig(io.env));
    const reply = await api.request('POST', '/v1/actions', {
        action: 'remove',
        ids: specs.map((s) => s.text),
        constraint,
        all,
        reason,
        user: os.userInfo().username,
    });
    let failed = false;
    if (all)
        io.stdout('All jobs marked for removal.\n');
    else if (constraint !== undefined) {
        if (reply.results.length === 0) {
            io.stderr(`Couldn't find/remove all jobs matching constraint (${constraint})\n`);
            failed = true;
        }
        else
            io.stdout(`Jobs matching constraint (${constraint}) have been marked for removal\n`);
    }
    for (const { text, spec } of specs) {
        if (spec.proc === undefined) {
            const mine = reply.results.filter((r) => r.jobId.startsWith(`${spec.cluster}.`));
            if (reply.notFound.includes(text) || mine.some((r) => !r.ok)) {
                io.stderr(`Couldn't find/remove all jobs in cluster ${spec.cluster}\n`);
                failed = true;
            }
            else
                io.stdout(`All jobs in cluster ${spec.cluster} have been marked for removal\n`);
        }
        else {
            const result = reply.results.find((r) => r.jobId === text);
            if (!result) {
                io.stderr(`Job ${text} not found\n`);
                failed = true;
            }
            else if (!result.ok) {
                io.stderr(`${result.message}\n`);
                failed = true;
            }
            else
                io.stdout(`${result.message}\n`);
        }
    }
    return failed ? 1 : 0;
};
//# sourceMappingURL=condor-rm.js.map