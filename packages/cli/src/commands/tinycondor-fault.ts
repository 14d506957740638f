import { parseJobSpec } from '@tinycondor/shared/job-id';
import { CliError, type Command } from '../cli-error.js';
import { loadPoolConfig } from '../pool-config.js';
import type { ScheddClient } from '@tinycondor/client/schedd-client';
import { connectSchedd } from '../schedd-connection.js';

export const FAULT_USAGE = `Usage:
  tinycondor fault evict C.P [--after-checkpoint [N] | --during-upload [N]] [--kill-startd]
  tinycondor fault fail-next-checkpoint C.P [--permanent]
  tinycondor fault kill-startd NAME
  tinycondor fault disconnect-startd NAME
  tinycondor fault timeline C.P            (the job's timeline as JSON lines, millisecond times)`;

function jobIdOf(text: string | undefined): string {
  const spec = text === undefined ? undefined : parseJobSpec(text);
  if (!spec || spec.proc === undefined) throw new CliError(`tinycondor fault: expected a job id C.P, got '${text ?? ''}'\n${FAULT_USAGE}`);
  return `${spec.cluster}.${spec.proc}`;
}

function nameOf(text: string | undefined): string {
  if (!text || !/^[A-Za-z0-9_.@:-]{1,200}$/.test(text)) throw new CliError(`tinycondor fault: expected a startd name, got '${text ?? ''}'\n${FAULT_USAGE}`);
  return text;
}

interface EvictRequest {
  moment: 'now' | 'after-checkpoint' | 'during-upload';
  checkpoint?: number;
  method: 'vacate' | 'kill-startd';
}

/** The options of `fault evict`: a moment flag may be followed by a checkpoint number. */
export function parseEvictOptions(args: string[]): EvictRequest {
  const request: EvictRequest = { moment: 'now', method: 'vacate' };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--kill-startd') request.method = 'kill-startd';
    else if (arg === '--after-checkpoint' || arg === '--during-upload') {
      if (request.moment !== 'now') throw new CliError(`tinycondor fault evict: give only one of --after-checkpoint and --during-upload`);
      request.moment = arg === '--after-checkpoint' ? 'after-checkpoint' : 'during-upload';
      if (/^[0-9]{1,9}$/.test(args[i + 1] ?? '')) request.checkpoint = Number(args[++i]);
    } else throw new CliError(`tinycondor fault evict: unknown argument '${arg}'\n${FAULT_USAGE}`);
  }
  return request;
}

/** `tinycondor fault ...`: the schedd's fault-injection routes from the command line. */
export const tinycondorFault: Command = async (args, io) => {
  const [what, target, ...rest] = args;
  const api = (): ScheddClient => connectSchedd(loadPoolConfig(io.env, io.stderr));
  const flagsDone = (allowed: string[]) => {
    const unknown = rest.find((arg) => !allowed.includes(arg));
    if (unknown !== undefined) throw new CliError(`tinycondor fault ${what}: unknown argument '${unknown}'\n${FAULT_USAGE}`);
  };
  let reply: { message: string };
  switch (what) {
    case 'evict':
      reply = await api().evict(jobIdOf(target), parseEvictOptions(rest));
      break;
    case 'fail-next-checkpoint':
      flagsDone(['--permanent']);
      reply = await api().failNextCheckpoint(jobIdOf(target), { permanent: rest.includes('--permanent') });
      break;
    case 'kill-startd':
    case 'disconnect-startd':
      flagsDone([]);
      reply = await api().startdFault(nameOf(target), what === 'kill-startd' ? 'kill' : 'disconnect');
      break;
    case 'timeline': {
      flagsDone([]);
      const timeline = await api().timeline(jobIdOf(target));
      io.stdout(timeline.entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
      return 0;
    }
    default:
      throw new CliError(FAULT_USAGE);
  }
  io.stdout(`${reply.message}\n`);
  return 0;
};
