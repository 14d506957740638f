import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expandProcs, parseSubmitFile } from '@tinycondor/shared/submit/index';
import { probeFile } from '@tinycondor/shared/submit/file-probe';
import { binDir, stampMs, startPool, type BenchPool, terminationCounter, timeCommand, until, wallMs } from './pool.js';
import { median } from './stats.js';
import type { Benchmark } from './types.js';

const RUNS = 25;

/** A job that records when it started (on the shared filesystem, so nothing waits for a transfer). */
function stampingSubmit(stampFile: string, logFile: string): string {
  return `executable = /bin/sh
transfer_executable = false
should_transfer_files = NO
arguments = "-c 'date +%s%N > ${stampFile}'"
log = ${logFile}
queue
`;
}

/** Spawning the same command directly: what starting a process costs without any scheduler. */
export async function bareSpawnMs(dir: string): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const stamp = path.join(dir, `bare.${i}`);
    const t0 = wallMs();
    const child = spawn('/bin/sh', ['-c', `date +%s%N > ${stamp}`], { stdio: 'ignore' });
    await new Promise((resolve) => child.once('exit', resolve));
    samples.push((stampMs(stamp) ?? Number.NaN) - t0);
  }
  return median(samples);
}

/** The cgroup v1 hierarchies a startd puts its jobs in, where this process may make cgroups (root): memory and pids. */
function writableCgroupParents(): string[] | undefined {
  const parents = ['memory', 'pids'].map((controller) => {
    const line = fs.readFileSync('/proc/self/cgroup', 'utf8').split('\n').find((l) => l.split(':')[1]?.split(',').includes(controller));
    return line === undefined ? undefined : path.join('/sys/fs/cgroup', controller, line.split(':')[2]);
  });
  if (parents.some((parent) => parent === undefined || !fs.existsSync(path.join(parent, 'cgroup.procs')))) return undefined;
  return parents as string[];
}

/**
 * The bare spawn again, its shell first moving itself into a memory and a pids cgroup through their `tasks`
 * files (as the startd's job does before its exec), one start every 100 ms, as a job's starts come in the
 * benchmarks. Undefined where this process cannot make cgroups.
 */
export async function cgroupSpawnMs(dir: string, runs: number): Promise<number | undefined> {
  const parents = writableCgroupParents();
  if (parents === undefined) return undefined;
  const cgroups = parents.map((parent) => path.join(parent, `tinycondor-bench-${process.pid}`));
  try {
    for (const cgroup of cgroups) fs.mkdirSync(cgroup);
  } catch {
    return undefined;
  }
  try {
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const stamp = path.join(dir, `cgroup-spawn.${i}`);
      const moves = cgroups.map((cgroup) => `echo 0 > ${cgroup}/tasks`).join(' && ');
      const t0 = wallMs();
      const child = spawn('/bin/sh', ['-c', `${moves} && exec /bin/sh -c 'date +%s%N > ${stamp}'`], { stdio: 'ignore' });
      await new Promise((resolve) => child.once('exit', resolve));
      samples.push((stampMs(stamp) ?? Number.NaN) - t0);
    }
    return median(samples);
  } finally {
    for (const cgroup of cgroups) fs.rmdirSync(cgroup);
  }
}

async function waitIdle(terminated: () => number, expected: number): Promise<void> {
  await until('the job to finish', () => (terminated() >= expected ? true : undefined), 60_000, 2);
}

export const submitLatencyRest: Benchmark = {
  name: 'submit-latency-rest',
  title: 'submit→running, idle pool, REST',
  goal: 'median ≤ 1.5× a bare process spawn measured beside it (issue 23)',
  async run() {
    const pool = await startPool({ startds: 1, cpus: 1 });
    try {
      const logFile = path.join(pool.dir, 'rest.log');
      const terminated = terminationCounter(logFile);
      const samples: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const stamp = path.join(pool.dir, `rest.${i}`);
        const ctx = { fileName: 'bench.sub', submitDir: pool.dir, env: {}, owner: os.userInfo().username, readFile: () => '', listDir: () => [], probeFile, runCommand: () => ({ stdout: '', exitCode: 0 }) };
        const parsed = parseSubmitFile(stampingSubmit(stamp, logFile), ctx);
        const t0 = wallMs();
        const { clusterId } = await pool.client.reserveCluster();
        await pool.client.submitProcs(clusterId, JSON.stringify({ procs: expandProcs(parsed, clusterId, ctx).map((ad) => ad.toJSON()) }));
        const started = await until('the job to start', () => stampMs(stamp), 30_000);
        samples.push(started - t0);
        await waitIdle(terminated, i + 1);
      }
      const baseline = await bareSpawnMs(pool.dir);
      const inCgroupsMs = await cgroupSpawnMs(pool.dir, RUNS);
      const value = median(samples);
      const notes =
        inCgroupsMs === undefined
          ? 'no cgroups could be made here for a bare spawn into them'
          : `the bare spawn moving itself into a memory and a pids cgroup first, as the job does (one every 100 ms): ${inCgroupsMs.toFixed(1)} ms (${(value / inCgroupsMs).toFixed(2)}× of it)`;
      return { value, unit: 'ms', baseline: { label: 'bare process spawn', value: baseline, unit: 'ms' }, goalMet: value <= 1.5 * baseline, samples, notes };
    } finally {
      await pool.stop();
    }
  },
};

/** condor_submit runs (each a one-job submit file), in `env`: how long from spawn to the job's start, in ms. */
async function condorSubmitSamples(pool: BenchPool, env: NodeJS.ProcessEnv, tag: string): Promise<number[]> {
  const logFile = path.join(pool.dir, `${tag}.log`);
  const terminated = terminationCounter(logFile);
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const stamp = path.join(pool.dir, `${tag}.${i}`);
    const submitFile = path.join(pool.dir, `${tag}.${i}.sub`);
    fs.writeFileSync(submitFile, stampingSubmit(stamp, logFile));
    const t0 = wallMs();
    const child = spawn(path.join(binDir, 'condor_submit.js'), [submitFile], { stdio: 'ignore', env, cwd: pool.dir });
    const started = await until('the job to start', () => stampMs(stamp), 30_000);
    samples.push(started - t0);
    await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)));
    await waitIdle(terminated, i + 1);
  }
  return samples;
}

export function nodeStartMs(env: NodeJS.ProcessEnv): number {
  return median(Array.from({ length: 10 }, () => timeCommand(process.execPath, ['-e', '0'], env)));
}

export const submitLatencyCli: Benchmark = {
  name: 'submit-latency-cli',
  title: 'submit→running through condor_submit',
  goal: 'median ≤ 1.1× `node -e 0` measured beside it (issue 23)',
  async run() {
    const pool = await startPool({ startds: 1, cpus: 1 });
    try {
      const samples = await condorSubmitSamples(pool, pool.env, 'cli');
      const nodeStart = nodeStartMs(pool.env);
      const value = median(samples);
      // Node reads NODE_EXTRA_CA_CERTS before any script runs (~80 ms for Debian's bundle); the condor_* scripts
      // move it aside before node starts (launch.cts), `node -e 0` does not. A figure without it shows the rest.
      let notes: string | undefined;
      if (pool.env.NODE_EXTRA_CA_CERTS !== undefined) {
        const { NODE_EXTRA_CA_CERTS: _certs, ...plain } = pool.env;
        const plainMedian = median(await condorSubmitSamples(pool, plain, 'plain'));
        notes =
          'NODE_EXTRA_CA_CERTS is set here: `node -e 0` parses its CA bundle at start, condor_submit does not (its sh start moves ' +
          `the variable aside before node starts); without it: median ${plainMedian.toFixed(1)} ms, \`node -e 0\` ${nodeStartMs(plain).toFixed(1)} ms`;
      }
      return { value, unit: 'ms', baseline: { label: '`node -e 0` start time', value: nodeStart, unit: 'ms' }, goalMet: value <= 1.1 * nodeStart, samples, notes };
    } finally {
      await pool.stop();
    }
  },
};
