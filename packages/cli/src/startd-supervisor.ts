import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';

/** What a startd started with --wait-for-schedd reads on its stdin before it reads the pool's configuration. */
export const SCHEDD_READY_LINE = 'schedd ready\n';

/**
 * A startd as a child process, restarted if it dies (as HTCondor's master would): its job processes are
 * spawned from a small process, so starting them never blocks the schedd. It stops when this process is
 * gone, however this process ended (--parent-pid). It is started before the schedd is up, so that node and
 * its modules load meanwhile, and goes on once `scheddReady()` is called (--wait-for-schedd): only then does
 * the configuration it reads name the schedd's address.
 */
export function superviseStartd(name: string, args: string[], env: NodeJS.ProcessEnv, log: Logger): { ready: Promise<void>; scheddReady(): void; stop(): Promise<void> } {
  let child: ChildProcess | undefined;
  let stopping = false;
  let scheddUp = false;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  const launch = () => {
    // The bin file itself, not `node FILE`: its first line gives node the daemons' flags.
    const current = spawn(fileURLToPath(new URL('../bin/tinycondor.js', import.meta.url)), ['startd', '--name', name, '--parent-pid', String(process.pid), '--wait-for-schedd', ...args], {
      env,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    child = current;
    // A startd that exits before reading it closes the pipe: the write's error is its exit's, handled below.
    current.stdin?.on('error', () => undefined);
    if (scheddUp) current.stdin?.write(SCHEDD_READY_LINE);
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
    scheddReady: () => {
      scheddUp = true;
      child?.stdin?.write(SCHEDD_READY_LINE);
    },
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

