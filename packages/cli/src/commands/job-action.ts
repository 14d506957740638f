import os from 'node:os';
import { parseJobSpec, type JobSpec } from '@tinycondor/shared/job-id';
import { CliError, type Command } from '../cli-error.js';
import { loadPoolConfig } from '../pool-config.js';
import { connectSchedd } from '../schedd-connection.js';

type Action = 'remove' | 'hold' | 'release' | 'vacate' | 'suspend' | 'continue';

/** The words HTCondor's tools use for each action (src/condor_tools/rm.cpp, dc_schedd.cpp). */
const WORDS: Record<Action, { done: string; all: string }> = {
  remove: { done: 'marked for removal', all: 'All jobs marked for removal.' },
  hold: { done: 'held', all: 'All jobs held.' },
  release: { done: 'released', all: 'All jobs released.' },
  vacate: { done: 'vacated', all: 'All jobs vacated.' },
  suspend: { done: 'suspended', all: 'All jobs suspended.' },
  continue: { done: 'continued', all: 'All jobs continued.' },
};

/** condor_rm, condor_hold, condor_release, condor_vacate_job, condor_suspend, condor_continue: act on jobs, clusters, all jobs or a constraint. */
function jobActionCommand(tool: string, action: Action): Command {
  const USAGE = `Usage: ${tool} ${action === 'remove' || action === 'hold' || action === 'release' ? '[-reason <text>] ' : ''}{ <cluster> | <cluster>.<proc> | -all | -constraint <expr> }...`;
  return async (args, io) => {
  const specs: { text: string; spec: JobSpec }[] = [];
  let constraint: string | undefined;
  let all = false;
  let reason: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new CliError(`ERROR: ${arg} requires an argument\n${USAGE}`);
      return v;
    };
    if (arg === '-all' || arg === '-a') all = true;
    else if (arg.startsWith('-const')) constraint = value();
    else if (arg === '-reason') reason = value();
    else if (arg.startsWith('-')) throw new CliError(`ERROR: unknown option ${arg}\n${USAGE}`);
    else {
      const spec = parseJobSpec(arg);
      if (!spec) throw new CliError(`ERROR: invalid job id or cluster '${arg}'\n${USAGE}`);
      specs.push({ text: arg, spec });
    }
  }
  if (specs.length === 0 && !all && constraint === undefined) throw new CliError(USAGE);
  const api = connectSchedd(loadPoolConfig(io.env, io.stderr));
  const reply = await api.act({
    action,
    ids: specs.map((s) => s.text),
    constraint,
    all,
    reason,
    user: os.userInfo().username,
  });
  let failed = false;
  const words = WORDS[action];
  if (all) io.stdout(`${words.all}\n`);
  else if (constraint !== undefined) {
    if (reply.done + reply.refused === 0 || reply.refused > 0) {
      io.stderr(`Couldn't find/${action} all jobs matching constraint (${constraint})\n`);
      failed = true;
    } else io.stdout(`Jobs matching constraint (${constraint}) have been ${words.done}\n`);
  }
  // Refusals past those the reply lists cannot be placed in a cluster: every cluster named may have one.
  const unlistedRefusals = reply.refused > reply.results.filter((r) => !r.ok).length;
  for (const { text, spec } of specs) {
    if (spec.proc === undefined) {
      const mine = reply.results.filter((r) => r.jobId.startsWith(`${spec.cluster}.`));
      if (reply.notFound.includes(text) || mine.some((r) => !r.ok) || unlistedRefusals) {
        for (const refused of mine.filter((r) => !r.ok)) io.stderr(`${refused.message}\n`);
        io.stderr(`Couldn't find/${action} all jobs in cluster ${spec.cluster}\n`);
        failed = true;
      } else io.stdout(`All jobs in cluster ${spec.cluster} have been ${words.done}\n`);
    } else {
      const result = reply.results.find((r) => r.jobId === text);
      if (!result) {
        io.stderr(`Job ${text} not found\n`);
        failed = true;
      } else if (!result.ok) {
        io.stderr(`${result.message}\n`);
        failed = true;
      } else io.stdout(`${result.message}\n`);
    }
  }
  return failed ? 1 : 0;
  };
}

export const condorRm = jobActionCommand('condor_rm', 'remove');
export const condorHold = jobActionCommand('condor_hold', 'hold');
export const condorRelease = jobActionCommand('condor_release', 'release');
export const condorVacateJob = jobActionCommand('condor_vacate_job', 'vacate');
export const condorSuspend = jobActionCommand('condor_suspend', 'suspend');
export const condorContinue = jobActionCommand('condor_continue', 'continue');
