import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScheddClient } from '@tinycondor/client/schedd-client';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The commands, run as a user runs them (executed, not `node FILE`: the condor_* scripts start with sh, see launch.cts). */
export const binDir = path.join(root, 'packages', 'cli', 'bin');

/** The command line of `tinycondor ARGS`; with BENCH_CPU_PROF=DIR, the daemon writes a V8 CPU profile there as it exits (see docs/benchmarks.md). */
export function tinycondorCommand(args: string[]): [command: string, argv: string[]] {
  const profile = process.env.BENCH_CPU_PROF;
  return profile ? [process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profile}`, path.join(binDir, 'tinycondor.js'), ...args]] : [path.join(binDir, 'tinycondor.js'), args];
}

/** Starts `tinycondor ARGS` (daemon logs at warn) and waits for the stdout line matching `ready`. */
export async function startTinycondor(args: string[], ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const [command, argv] = tinycondorCommand(args);
  const child = spawn(command, argv, {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, TINYCONDOR_LOG_LEVEL: 'warn' },
  });
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = ready.exec(out);
      if (m) resolve(m);
    });
    child.once('exit', (code) => reject(new Error(`tinycondor ${args[0]} exited with ${code}: ${out}`)));
  });
  return { child, match };
}

/** A real `tinycondor pool` in a temporary directory, as a user runs it. */
export interface BenchPool {
  home: string;
  dir: string;
  url: string;
  token: string;
  env: NodeJS.ProcessEnv;
  process: ChildProcess;
  client: ScheddClient;
  stop(): Promise<void>;
}

export async function startPool(opts: { startds: number; cpus: number }): Promise<BenchPool> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-bench-'));
  const home = path.join(base, 'pool');
  const dir = path.join(base, 'submit');
  fs.mkdirSync(dir);
  const { child, match } = await startTinycondor(
    ['pool', '--home', home, '--startds', String(opts.startds), '--cpus', String(opts.cpus), '--port', '0'],
    /schedd (http:\/\/\S+),/,
  );
  const url = match[1];
  const token = fs.readFileSync(path.join(home, 'pool.token'), 'utf8').trim();
  return {
    home,
    dir,
    url,
    token,
    env: { ...process.env, CONDOR_CONFIG: path.join(home, 'condor_config') },
    process: child,
    client: new ScheddClient({ baseUrl: url, token, maxSockets: 1 }),
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
}

/** Polls until `probe` returns a value, sleeping `everyMs` between tries (busy-waiting would steal the pool's CPU). */
export async function until<T>(what: string, probe: () => T | undefined, deadlineMs = 120_000, everyMs = 1): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * The whole lines appended to a text event log since the last call (none while it does not exist yet):
 * re-reading a log of thousands of events on every poll would take the pool's CPU.
 */
export function appendedLogLines(logFile: string): () => string[] {
  let offset = 0;
  let partial = '';
  const buffer = Buffer.alloc(1 << 20);
  return () => {
    let fd: number;
    try {
      fd = fs.openSync(logFile, 'r');
    } catch {
      return [];
    }
    const appended: string[] = [];
    try {
      for (;;) {
        const read = fs.readSync(fd, buffer, 0, buffer.length, offset);
        if (read === 0) break;
        offset += read;
        const lines = (partial + buffer.toString('utf8', 0, read)).split('\n');
        partial = lines.pop() ?? '';
        appended.push(...lines);
      }
    } finally {
      fs.closeSync(fd);
    }
    return appended;
  };
}

/** Counts the 005 (terminated) events of a text event log as it grows. */
export function terminationCounter(logFile: string): () => number {
  const appended = appendedLogLines(logFile);
  let count = 0;
  return () => {
    for (const line of appended()) if (line.startsWith('005 (')) count += 1;
    return count;
  };
}

/**
 * Writes the job's script as `NAME.sh` and `submit` (which names `NAME.sh` and logs to `NAME.log`) as
 * `NAME.sub` in the pool's submit directory, submits it, and resolves once the job has terminated.
 */
export async function runScriptJob(pool: BenchPool, name: string, script: string, submit: string, deadlineMs: number): Promise<void> {
  fs.writeFileSync(path.join(pool.dir, `${name}.sh`), script, { mode: 0o755 });
  fs.writeFileSync(path.join(pool.dir, `${name}.sub`), submit);
  const submitted = spawnSync(path.join(binDir, 'condor_submit.js'), [`${name}.sub`], { env: pool.env, cwd: pool.dir });
  if (submitted.status !== 0) throw new Error(`condor_submit failed: ${submitted.stderr.toString()}`);
  const terminated = terminationCounter(path.join(pool.dir, `${name}.log`));
  await until('the job to finish', () => (terminated() >= 1 ? true : undefined), deadlineMs, 20);
}

/** The wall-clock time a command takes, in ms. */
export function timeCommand(command: string, args: string[], env?: NodeJS.ProcessEnv, cwd?: string): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { stdio: 'ignore', env, cwd });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** A command's wall-clock time and the CPU time (user + system) it and its children used, in ms (bash's `times`). */
export function timeCommandCpu(command: string, args: string[], env?: NodeJS.ProcessEnv): { wallMs: number; cpuMs: number } {
  const start = process.hrtime.bigint();
  const result = spawnSync('/bin/bash', ['-c', '"$@" >/dev/null 2>&1 || exit $?; times', 'bench', command, ...args], { env, encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}`);
  const children = result.stdout.trim().split('\n')[1] ?? '';
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return { wallMs, cpuMs: (seconds[0] + seconds[1]) * 1000 };
}

/** CPU time (user + system) a running process has used so far, in ms, from /proc. */
export function processCpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export interface MachineCpuTicks {
  idle: number;
  steal: number;
  total: number;
}

/** The machine's CPU time so far (all CPUs, in clock ticks): idle, taken by the hypervisor (steal), in all; from /proc/stat. */
export function machineCpuTicks(): MachineCpuTicks {
  const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: idle and iowait are the time no CPU had work.
  return { idle: fields[3] + fields[4], steal: fields[7], total: fields.slice(0, 8).reduce((a, b) => a + b, 0) };
}

/** The shares of the machine's CPU time since `before` that were idle and that the hypervisor took (a VM's other tenants). */
export function cpuSharesSince(before: MachineCpuTicks): { idle: number; steal: number } {
  const now = machineCpuTicks();
  const total = Math.max(1, now.total - before.total);
  return { idle: (now.idle - before.idle) / total, steal: (now.steal - before.steal) / total };
}

/** Wall-clock time in ms with sub-ms precision, comparable to `date +%s%N` / 1e6 in a job. */
export function wallMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Reads the `date +%s%N` a job wrote, in ms. */
export function stampMs(file: string): number | undefined {
  try {
    const text = fs.readFileSync(file, 'utf8').trim();
    return text === '' ? undefined : Number(BigInt(text) / 1000n) / 1000;
  } catch {
    return undefined;
  }
}
