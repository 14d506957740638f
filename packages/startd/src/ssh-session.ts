import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { forkWhenNoFileIsBeingWritten } from '@tinycondor/transfer/fork-gate';
import type { StartdMessage } from '@tinycondor/shared/protocol';
import { signalNumber } from '@tinycondor/shared/signals';

type SshReport = Extract<StartdMessage, { type: 'ssh-output' | 'ssh-exit' }>;

/** Where a session's shell runs: a directory, an environment and a user, and for a container job its container. */
export interface ShellPlace {
  cwd: string;
  env: NodeJS.ProcessEnv;
  user?: { uid: number; gid: number };
  container?: { cli: string; name: string };
  /** The job process whose mount namespace (MOUNT_UNDER_SCRATCH) the shell enters. */
  mountNamespaceOf?: number;
}

/** util-linux's nsenter, which enters a job's mount namespace for its shell; undefined where there is none. */
const NSENTER = ['/usr/bin/nsenter', '/bin/nsenter'].find((file) => fs.existsSync(file));

/**
 * The shell's argv and how it is spawned. In a container, `docker exec -i` with the job's environment runs
 * it as the container's user in its working directory (DockerAPI::execInContainer), through the docker
 * CLI the startd runs as itself; an image need not have bash there, so it is sh.
 */
export function shellCommand(command: string[], where: ShellPlace): { argv: string[]; cwd: string; env: NodeJS.ProcessEnv; user?: { uid: number; gid: number } } {
  if (where.container === undefined) {
    const argv = command.length === 0 ? ['/bin/bash', '--norc', '--noprofile', '-i'] : ['/bin/bash', '-c', command.join(' ')];
    const env = { ...where.env, PS1: '$ ' };
    // The job's /tmp and the other MOUNT_UNDER_SCRATCH directories, as HTCondor's sshd gets the job's
    // mappings (SSHDProc::StartJob); nsenter takes the user's identity after setns (which needs root) and goes back to the directory (setns leaves it at /).
    if (where.mountNamespaceOf !== undefined && NSENTER !== undefined) {
      const identity = where.user ? ['--setgid', String(where.user.gid), '--setuid', String(where.user.uid)] : [];
      return { argv: [NSENTER, `--mount=/proc/${where.mountNamespaceOf}/ns/mnt`, `--wd=${where.cwd}`, ...identity, '--', ...argv], cwd: where.cwd, env };
    }
    return { argv, cwd: where.cwd, env, ...(where.user ? { user: where.user } : {}) };
  }
  const env = Object.entries({ ...where.env, PS1: '$ ' }).flatMap(([name, value]) => (value === undefined ? [] : ['-e', `${name}=${value}`]));
  const shell = command.length === 0 ? ['/bin/sh', '-i'] : ['/bin/sh', '-c', command.join(' ')];
  return { argv: [where.container.cli, 'exec', '-i', ...env, where.container.name, ...shell], cwd: '/', env: process.env };
}

/** Largest piece of output sent in one message (the protocol allows 1 MiB). */
const MAX_CHUNK = 256 * 1024;

/**
 * A command started by condor_ssh_to_job inside a job's sandbox, with the job's environment. Without a
 * command it is an interactive shell reading stdin (no terminal: line by line). The shell is forked once
 * no file is being written (fork-gate.ts); input that arrives before is kept for it. The callbacks of the
 * fork gate must not throw: a shell that cannot be started is reported as the session's end.
 */
export class SshSession {
  private child: ChildProcess | undefined;
  /** Input that arrived before the shell was forked. */
  private readonly earlyInput: Array<{ data: string; eof: boolean | undefined }> = [];
  private closed = false;

  constructor(
    readonly sessionId: string,
    command: string[],
    where: ShellPlace,
    report: (message: SshReport) => void,
  ) {
    forkWhenNoFileIsBeingWritten(() => {
      if (this.closed) return;
      try {
        this.child = this.start(command, where, report);
      } catch (err) {
        // child_process refuses some arguments at once (a NUL byte in the job's environment).
        report({ type: 'ssh-exit', sessionId, exitCode: null, error: (err as Error).message });
        return;
      }
      for (const { data, eof } of this.earlyInput.splice(0)) this.input(data, eof);
    });
  }

  private start(command: string[], where: ShellPlace, report: (message: SshReport) => void): ChildProcess {
    const { sessionId } = this;
    const { argv, cwd, env, user } = shellCommand(command, where);
    const child = spawn(argv[0] as string, argv.slice(1), { cwd, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true, uid: user?.uid, gid: user?.gid });
    const forward = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      for (let offset = 0; offset < chunk.length; offset += MAX_CHUNK) {
        report({ type: 'ssh-output', sessionId, stream, data: chunk.subarray(offset, offset + MAX_CHUNK).toString('base64') });
      }
    };
    child.stdout?.on('data', forward('stdout'));
    child.stderr?.on('data', forward('stderr'));
    child.stdin?.on('error', () => undefined);
    let ended = false;
    child.once('error', (err) => {
      ended = true;
      report({ type: 'ssh-exit', sessionId, exitCode: null, error: err.message });
    });
    child.once('close', (code, signal) => {
      if (ended) return;
      ended = true;
      report({ type: 'ssh-exit', sessionId, exitCode: code, ...(signal ? { signal: signalNumber(signal, 9) } : {}) });
    });
    return child;
  }

  input(data: string, eof: boolean | undefined): void {
    if (this.child === undefined) {
      this.earlyInput.push({ data, eof });
      return;
    }
    if (data.length > 0) this.child.stdin?.write(Buffer.from(data, 'base64'));
    if (eof) this.child.stdin?.end();
  }

  close(): void {
    this.closed = true;
    const child = this.child;
    if (child?.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}
