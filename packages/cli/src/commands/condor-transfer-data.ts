import { parseJobSpec } from '@tinycondor/shared/job-id';
import { CliError, type Command } from '../cli-error.js';
import { loadPoolConfig } from '../pool-config.js';
import { connectSchedd } from '../schedd-connection.js';
import { fetchSpooledOutput } from '../spooled-jobs.js';

const USAGE = 'Usage: condor_transfer_data { <cluster> | <cluster>.<proc> | -all | -constraint <expr> }...';

/**
 * condor_transfer_data: bring the spooled output (and event log) of completed `condor_submit -spool`
 * jobs back to their submit directories; each fetched job then leaves the queue.
 */
export const condorTransferData: Command = async (args, io) => {
  const clauses: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '-all' || arg === '-a') clauses.push('true');
    else if (arg.startsWith('-const')) {
      const expr = args[++i];
      if (expr === undefined) throw new CliError(`ERROR: ${arg} requires an argument\n${USAGE}`);
      clauses.push(`(${expr})`);
    } else if (arg.startsWith('-')) throw new CliError(`ERROR: unknown option ${arg}\n${USAGE}`);
    else {
      const spec = parseJobSpec(arg);
      if (!spec) throw new CliError(`ERROR: invalid job id or cluster '${arg}'\n${USAGE}`);
      clauses.push(spec.proc === undefined ? `ClusterId == ${spec.cluster}` : `(ClusterId == ${spec.cluster} && ProcId == ${spec.proc})`);
    }
  }
  if (clauses.length === 0) throw new CliError(USAGE);
  const api = connectSchedd(loadPoolConfig(io.env, io.stderr));
  const constraint = `SUBMIT_Iwd =!= undefined && JobStatus == 4 && (${clauses.join(' || ')})`;
  const { ads } = await api.jobs({ constraint });
  io.stdout('Fetching data files...\n');
  for (const ad of ads) await fetchSpooledOutput(api, `${ad.ClusterId}.${ad.ProcId}`);
  return 0;
};
