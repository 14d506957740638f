import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEventLog, type ParsedEvent } from '@tinycondor/shared/eventlog/index';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const binDir = path.join(root, 'packages', 'cli', 'bin');

/**
 * The command and arguments that run one of the bin scripts as a real process, executed as a user's
 * shell does (a condor_* script starts as sh, see launch.cts). tap wraps child_process so that every
 * node process a test starts loads its process-info hook through NODE_OPTIONS, which makes each daemon
 * and command start several times slower; `env -u` drops it (they run compiled JavaScript and need none
 * of tap's loaders).
 */
/** The environment of a pool whose startds lay out static slots, one per core, not HTCondor's default partitionable slot. */
export const STATIC_SLOTS = { _CONDOR_SLOT_TYPE_0_PARTITIONABLE: 'false' } as const;

export function binCommand(script: string, args: string[]): [string, string[]] {
  return ['env', ['-u', 'NODE_OPTIONS', path.join(binDir, script), ...args]];
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface TestPool {
  home: string;
  /** A submit directory of its own, the cwd of commands. */
  dir: string;
  url: string;
  token: string;
  env: NodeJS.ProcessEnv;
  process: ChildProcess;
  /** Everything `tinycondor pool` printed on stdout so far. */
  stdout(): string;
  /** Everything it printed on stderr so far (its startds' included). */
  stderr(): string;
  /** Runs a condor_* command (or tinycondor) as a real process against this pool. */
  run(command: string, args: string[], opts?: { cwd?: string; input?: string }): Promise<CommandResult>;
  stop(): Promise<void>;
}

export interface Teardown {
  teardown(fn: () => unknown): void;
}

/** Waits for a line matching `pattern` on a child's stdout, with a deadline. */
function waitForLine(child: ChildProcess, pattern: RegExp, deadlineMs: number, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${what}: no line matching ${pattern} within ${deadlineMs} ms; output so far:\n${seen}`)), deadlineMs);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      const line = seen.split('\n').find((l) => pattern.test(l));
      if (line !== undefined) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve(line);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code} before it was ready; output:\n${seen}`));
    });
  });
}

export function runCommand(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string, input?: string): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = execFile(...binCommand(`${command}.js`, args), { env, cwd, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
    else child.stdin?.end();
  });
}

/** Starts `tinycondor pool` as a real process on loopback, in a temporary directory removed at teardown. */
export async function startPool(
  t: Teardown,
  opts: { startds?: number; cpus?: number; lease?: number; periodic?: number; checkpointInterval?: number; openFileLimit?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<TestPool> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-test-'));
  const home = path.join(base, 'pool');
  const dir = path.join(base, 'submit');
  fs.mkdirSync(dir);
  const args = ['pool', '--home', home, '--startds', String(opts.startds ?? 2), '--cpus', String(opts.cpus ?? 1), '--port', '0'];
  if (opts.lease !== undefined) args.push('--lease', String(opts.lease));
  if (opts.periodic !== undefined) args.push('--periodic', String(opts.periodic));
  if (opts.checkpointInterval !== undefined) args.push('--checkpoint-interval', String(opts.checkpointInterval));
  const [command, commandArgs] = binCommand('tinycondor.js', args);
  // A pool with a soft limit on open files as a small machine's (sh sets it, then execs: same pid).
  const spawnOpts = { stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } };
  const child =
    opts.openFileLimit === undefined
      ? spawn(command, commandArgs, spawnOpts)
      : spawn('/bin/sh', ['-c', `ulimit -Sn ${opts.openFileLimit} && exec "$0" "$@"`, command, ...commandArgs], spawnOpts);
  let stderr = '';
  let stdout = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  const ready = await waitForLine(child, /^tinycondor pool ready/, 30_000, 'tinycondor pool').catch((err: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${err.message}\nstderr:\n${stderr}`);
  });
  const url = /schedd (http:\/\/\S+),/.exec(ready)?.[1] ?? '';
  const env = { ...process.env, ...opts.env, CONDOR_CONFIG: path.join(home, 'condor_config') };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(base, { recursive: true, force: true });
  };
  t.teardown(stop);
  return {
    home,
    dir,
    url,
    token: fs.readFileSync(path.join(home, 'pool.token'), 'utf8').trim(),
    env,
    process: child,
    stdout: () => stdout,
    stderr: () => stderr,
    run: (command, cmdArgs, runOpts = {}) => runCommand(command, cmdArgs, env, runOpts.cwd ?? dir, runOpts.input),
    stop,
  };
}

/** Reads the job event log until `done(events)` holds, polling with a deadline; never a fixed sleep. */
export async function waitForEvents(
  logFile: string,
  done: (events: ParsedEvent[]) => boolean,
  deadlineMs = 30_000,
): Promise<ParsedEvent[]> {
  const deadline = Date.now() + deadlineMs;
  let events: ParsedEvent[] = [];
  for (;;) {
    const text = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
    events = parseEventLog(text).events;
    if (done(events)) return events;
    if (Date.now() > deadline) {
      throw new Error(`events in ${logFile} did not reach the expected state within ${deadlineMs} ms; have: ${events.map((e) => `${e.code}(${e.cluster}.${e.proc})`).join(' ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Polls `probe` until it returns a value other than undefined, with a deadline. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, deadlineMs = 30_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The pool's condor_chirp, which a job runs by its path (`condor_config_val LIBEXEC`). */
export async function chirpPath(pool: TestPool): Promise<string> {
  return path.join((await pool.run('condor_config_val', ['LIBEXEC'])).stdout.trim(), 'condor_chirp');
}

/** Whether process `pid` exists (signal 0). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The job's hold code, subcode and reason once it is held. */
export async function heldWith(pool: TestPool, id: string, deadlineMs = 120_000): Promise<{ code: string; subCode: string; reason: string }> {
  return eventually(`job ${id} held`, async () => {
    const result = await pool.run('condor_q', [id, '-af', 'JobStatus', 'HoldReasonCode', 'HoldReasonSubCode', 'HoldReason']);
    const [status, code, subCode, ...reason] = result.stdout.trim().split(' ');
    return status === '5' ? { code: code ?? '', subCode: subCode ?? '', reason: reason.join(' ') } : undefined;
  }, deadlineMs);
}

export function codes(events: ParsedEvent[], cluster: number, proc: number): number[] {
  return events.filter((e) => e.cluster === cluster && e.proc === proc).map((e) => e.code);
}

export function writeExecutable(file: string, content: string): void {
  fs.writeFileSync(file, content, { mode: 0o755 });
}

/**
 * One call of the pool's REST API: its status and its JSON body ({} when empty). `body` is sent as JSON,
 * or as it is when a string; `token` is the pool token unless another is given.
 */
export async function rest(pool: TestPool, method: string, route: string, body?: unknown, token = pool.token): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${pool.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}
