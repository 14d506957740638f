import { parseJobSpec } from '@tinycondor/shared/job-id';
import { decodeSshServerMessage } from '@tinycondor/shared/protocol';
import { CliError, type Command } from '../cli-error.js';
import { loadPoolConfig } from '../pool-config.js';
import { connectSchedd } from '../schedd-connection.js';

const USAGE = 'Usage: condor_ssh_to_job <cluster>.<proc> [<command> ...]';

/**
 * condor_ssh_to_job: a shell, or one command, inside a running job's sandbox with the job's environment.
 * Exits with the remote command's exit code.
 */
export const condorSshToJob: Command = async (args, io) => {
  const [target, ...command] = args;
  const spec = target === undefined ? undefined : parseJobSpec(target);
  if (!spec || spec.proc === undefined) throw new CliError(USAGE);
  const api = connectSchedd(loadPoolConfig(io.env, io.stderr));
  const socket = await api.sshSocket(`${spec.cluster}.${spec.proc}`);
  return new Promise<number>((resolve, reject) => {
    let exitCode: number | undefined;
    const onInput = (chunk: Buffer | string) => {
      const data = (Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)).toString('base64');
      socket.send(JSON.stringify({ type: 'input', data }));
    };
    const onEnd = () => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify({ type: 'input', data: '', eof: true }));
    };
    socket.on('open', () => {
      socket.send(JSON.stringify({ type: 'open', command }));
      io.stdin.on('data', onInput);
      io.stdin.once('end', onEnd);
    });
    socket.on('message', (raw) => {
      const message = decodeSshServerMessage(raw.toString());
      if (message.type === 'output') {
        const text = Buffer.from(message.data, 'base64').toString('utf8');
        if (message.stream === 'stdout') io.stdout(text);
        else io.stderr(text);
        return;
      }
      if (message.error) io.stderr(`ERROR: ${message.error}\n`);
      exitCode = message.exitCode ?? (message.signal ? 128 + message.signal : 1);
    });
    socket.on('close', () => {
      io.stdin.off('data', onInput);
      io.stdin.off('end', onEnd);
      if ('pause' in io.stdin && typeof io.stdin.pause === 'function') io.stdin.pause();
      resolve(exitCode ?? 1);
    });
    socket.on('error', (err) => reject(new CliError(`ERROR: cannot reach the schedd at ${api.baseUrl}: ${err.message}`)));
  });
};
