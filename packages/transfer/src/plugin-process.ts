// Running a file-transfer or clean-up plug-in: a process of its own, as the job's owner when the daemon
// is root, killed past its time limit, with the tail of what it printed kept for the log.
import { spawn } from 'node:child_process';
import os from 'node:os';
import type { PluginEnd } from '@tinycondor/shared/url-transfer';

/** What a plug-in prints beyond this is not kept (HTCondor logs the last 16 KiB of a transfer plug-in). */
const MAX_OUTPUT_BYTES = 16 * 1024;

export interface PluginRun {
  end: PluginEnd;
  /** The tail of its stdout and stderr, interleaved as they came. */
  output: string;
}

export function runPluginProcess(
  command: string,
  args: readonly string[],
  opts: { timeoutSeconds: number; cwd?: string; env?: NodeJS.ProcessEnv; user?: { uid: number; gid: number } },
): Promise<PluginRun> {
  return new Promise((resolve) => {
    let output = '';
    let timedOut = false;
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
      ...(opts.env === undefined ? {} : { env: opts.env }),
      ...(opts.user ? { uid: opts.user.uid, gid: opts.user.gid } : {}),
    });
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-MAX_OUTPUT_BYTES);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutSeconds * 1000);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ end: { kind: 'exec-failed', message: err.message }, output });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) resolve({ end: { kind: 'timeout', seconds: opts.timeoutSeconds }, output });
      else if (signal !== null) resolve({ end: { kind: 'signal', signal: os.constants.signals[signal] }, output });
      else resolve({ end: { kind: 'exit', code: code ?? 0 }, output });
    });
  });
}
