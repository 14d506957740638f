import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';

/**
 * A startd as a child process, restarted if it dies (as HTCondor's master would): its job processes are
 * spawned from a small process, so starting them never blocks the schedd. It stops when this process is
 * gone, however this process ended (--parent-pid).
 */
export function superviseStartd(name: string, args: string[], env: NodeJS.ProcessEnv, log: Logger): { ready: Promise<void>; stop(): Promise<void> } {
  let child: ChildProcess | undefined;
  let stopping = false;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  const launch = () => {
    // The bin file itself, not `node FILE`: its first line gives node the daemons' flags.
    const current = spawn(fileURLToPath(new URL('../bin/tinycondor.js', import.meta.url)), ['startd', '--name', name, '--parent-pid', String(process.pid), ...args], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child = current;
    let out = '';
    current.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready')) markReady();
    });
    current.once('exit', (code, signal) => {
      if (stopping) return;
      log.warn({ startd: name, code, signal }, 'startd exited; starting it again');
      setTimeout(launch, 1000).unref();
    });
  };
  launch();
  return {
    ready,
    stop: async () => {
      stopping = true;
      const current = child;
      if (!current || current.exitCode !== null || current.signalCode !== null) return;
      const exited = new Promise((resolve) => current.once('exit', resolve));
      current.kill('SIGTERM');
      await exited;
    },
  };
}

