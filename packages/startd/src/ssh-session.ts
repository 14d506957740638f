import { spawn, type ChildProcess } from 'node:child_process';
import type { StartdMessage } from '@tinycondor/shared/protocol';
import { signalNumber } from '@tinycondor/shared/signals';

type SshReport = Extract<StartdMessage, { type: 'ssh-output' | 'ssh-exit' }>;

/** Largest piece of output sent in one message (the protocol allows 1 MiB). */
const MAX_CHUNK = 256 * 1024;

/**
 * A command started by condor_ssh_to_job inside a job's sandbox, with the job's environment. Without a
 * command it is an interactive shell reading stdin (no terminal: line by line).
 */
export class SshSession {
  private readonly child: ChildProcess;

  constructor(
    readonly sessionId: string,
    command: string[],
    where: { cwd: string; env: NodeJS.ProcessEnv; user?: { uid: number; gid: number } },
    report: (message: SshReport) => void,
  ) {
    const argv = command.length === 0 ? ['/bin/bash', '--norc', '--noprofile', '-i'] : ['/bin/bash', '-c', command.join(' ')];
    this.child = spawn(argv[0], argv.slice(1), { cwd: where.cwd, env: { ...where.env, PS1: '$ ' }, stdio: ['pipe', 'pipe', 'pipe'], detached: true, uid: where.user?.uid, gid: where.user?.gid });
    const forward = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      for (let offset = 0; offset < chunk.length; offset += MAX_CHUNK) {
        report({ type: 'ssh-output', sessionId, stream, data: chunk.subarray(offset, offset + MAX_CHUNK).toString('base64') });
      }
    };
    this.child.stdout?.on('data', forward('stdout'));
    this.child.stderr?.on('data', forward('stderr'));
    this.child.stdin?.on('error', () => undefined);
    let ended = false;
    this.child.once('error', (err) => {
      ended = true;
      report({ type: 'ssh-exit', sessionId, exitCode: null, error: err.message });
    });
    this.child.once('close', (code, signal) => {
      if (ended) return;
      ended = true;
      report({ type: 'ssh-exit', sessionId, exitCode: code, ...(signal ? { signal: signalNumber(signal, 9) } : {}) });
    });
  }

  input(data: string, eof: boolean | undefined): void {
    if (data.length > 0) this.child.stdin?.write(Buffer.from(data, 'base64'));
    if (eof) this.child.stdin?.end();
  }

  close(): void {
    if (this.child.pid !== undefined && this.child.exitCode === null) {
      try {
        process.kill(-this.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

