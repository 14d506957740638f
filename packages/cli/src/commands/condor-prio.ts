import os from 'node:os';
import { CliError, type Command } from '../cli-error.js';
import { loadPoolConfig } from '../pool-config.js';
import { connectSchedd } from '../schedd-connection.js';
import { atoi } from '@tinycondor/shared/c-numbers';

/** HTCondor's usage line (src/condor_prio/prio.cpp), with the options tinycondor has. */
const USAGE = 'Usage: condor_prio [{+|-}priority ] [-p priority] [ -a ] [user | cluster | cluster.proc | -a] ...';

type Target = { ids: string[] } | { owner: string } | { all: true };

/**
 * One argument as prio.cpp's ProcArg reads it: a cluster or cluster.proc, -a (all jobs) or a user name;
 * anything else is skipped with HTCondor's warning. Returns undefined when skipped.
 */
function targetOf(arg: string, io: Parameters<Command>[1]): Target | undefined {
  if (/^\d/.test(arg)) {
    const match = /^(\d+)(?:\.(\d+))?(.*)$/.exec(arg) as RegExpExecArray;
    const cluster = Number(match[1]);
    if (cluster <= 0) {
      io.stderr(`Invalid cluster # from ${arg}\n`);
      return undefined;
    }
    if (match[2] === undefined && match[3] === '') return { ids: [String(cluster)] };
    if (match[2] !== undefined && match[3] === '') return { ids: [`${cluster}.${Number(match[2])}`] };
    io.stderr(`Warning: unrecognized "${arg}" skipped\n`);
    return undefined;
  }
  if (arg.startsWith('-a')) return { all: true };
  if (/^[A-Za-z]/.test(arg) && !/["\\]/.test(arg)) return { owner: arg };
  io.stderr(`Warning: unrecognized "${arg}" skipped\n`);
  return undefined;
}

/**
 * condor_prio: sets (-p N) or moves (+N, -N) the JobPrio of jobs, by cluster, cluster.proc, user or -a,
 * each argument in turn, as HTCondor's does: nothing is printed for a job changed, a job not changed is
 * named on stderr, and the exit status is 0.
 */
export const condorPrio: Command = async (args, io) => {
  if (args.length === 0) throw new CliError(USAGE);
  let priority: number | undefined;
  let adjustment: number | undefined;
  const targets: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if ((arg.startsWith('-') || arg.startsWith('+')) && /^\d/.test(arg.slice(1))) adjustment = (arg.startsWith('-') ? -1 : 1) * atoi(arg.slice(1));
    else if (arg === '-p') {
      const value = args[++i];
      if (value === undefined) throw new CliError(`condor_prio: -p requires another argument\n${USAGE}`);
      priority = atoi(value);
    } else if (arg === '-n' || arg === '-pool') {
      // tinycondor has one schedd: refused rather than ignored, so a script naming another acts on none.
      throw new CliError(`condor_prio: ${arg} is not supported by tinycondor: it has one schedd, the one CONDOR_CONFIG names`);
    } else targets.push(arg);
  }
  if (priority === undefined && adjustment === undefined) throw new CliError(`You must specify a new priority or priority adjustment.\n${USAGE}`);
  // As prio.cpp's calc_prio: a priority given with -p wins over an adjustment.
  const change = priority !== undefined ? { priority } : { adjustment };
  const api = connectSchedd(loadPoolConfig(io.env, io.stderr));
  for (const arg of targets) {
    const target = targetOf(arg, io);
    if (!target) continue;
    const reply = await api.priority({ ...target, ...change, user: os.userInfo().username });
    // A job named alone that is not there: prio.cpp could not read its priority.
    for (const missing of reply.notFound) if (missing.includes('.')) io.stderr(`Couldn't retrieve current priority for ${missing}.\n`);
    for (const refused of reply.results.filter((r) => !r.ok)) io.stderr(`Couldn't set new priority for ${refused.jobId}.\n`);
  }
  return 0;
};
