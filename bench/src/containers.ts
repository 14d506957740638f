import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BASE_IMAGE, DOCKER_CLI, startDockerEngine } from './docker-engine.js';
import { binDir, stampMs, startPool, terminationCounter, until, wallMs, type BenchPool } from './pool.js';
import { median } from './stats.js';
import type { Benchmark, BenchmarkResult } from './types.js';

const LATENCY_RUNS = 10;
const BATCH = 40;

/** A docker-universe job that stamps when its command started, on the shared filesystem (its Iwd, mounted as is). */
function stampingSubmit(stamp: string, log: string, count = 1): string {
  return `universe = docker
docker_image = ${BASE_IMAGE}
executable = /bin/sh
transfer_executable = false
should_transfer_files = NO
arguments = "-c 'date +%s%N > ${stamp}$(Process)'"
log = ${log}
queue ${count}
`;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore', env, cwd });
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}`))));
  });
}

/** `docker run --rm` of the same image and command: starting a container without any scheduler. */
async function dockerRunMs(env: NodeJS.ProcessEnv, dir: string, i: number): Promise<number> {
  const stamp = path.join(dir, `bare.${i}`);
  const t0 = wallMs();
  await run(DOCKER_CLI, ['run', '--rm', '--init', '--log-driver', 'none', '--volume', `${dir}:${dir}`, BASE_IMAGE, '/bin/sh', '-c', `date +%s%N > ${stamp}`], env);
  return (stampMs(stamp) ?? Number.NaN) - t0;
}

async function submitLatencyMs(pool: BenchPool, i: number, terminated: () => number): Promise<number> {
  const name = `one.${i}`;
  fs.writeFileSync(path.join(pool.dir, `${name}.sub`), stampingSubmit(path.join(pool.dir, `${name}.stamp`), 'one.log'));
  const t0 = wallMs();
  await run(path.join(binDir, 'condor_submit.js'), [`${name}.sub`], pool.env, pool.dir);
  const started = await until('the container job to start', () => stampMs(path.join(pool.dir, `${name}.stamp0`)), 120_000, 5);
  await until('the container job to end', () => (terminated() >= i + 1 ? true : undefined), 120_000, 5);
  return started - t0;
}

export const containerJobs: Benchmark = {
  name: 'container-jobs',
  title: `docker-universe job submit→running (CLI), and ${BATCH} container jobs on 2 startds × 1 slot`,
  goal: 'submit→running ≤ 2× `docker run` of the same image; throughput ≥ 0.5× `docker run` two at a time',
  async run(): Promise<BenchmarkResult> {
    const stops: (() => unknown)[] = [];
    const engine = await startDockerEngine({ teardown: (fn) => stops.unshift(fn) });
    try {
      if ('skip' in engine) return { value: Number.NaN, unit: 'ms', goalMet: false, notes: `not measured: ${engine.skip}` };
      const env = { ...process.env, ...engine.env };
      process.env.DOCKER_HOST = engine.env.DOCKER_HOST;
      const pool = await startPool({ startds: 2, cpus: 1 });
      try {
        const bare: number[] = [];
        const latencies: number[] = [];
        const terminated = terminationCounter(path.join(pool.dir, 'one.log'));
        for (let i = 0; i < LATENCY_RUNS; i++) {
          bare.push(await dockerRunMs(env, pool.dir, i));
          latencies.push(await submitLatencyMs(pool, i, terminated));
        }
        const batchLog = path.join(pool.dir, 'batch.log');
        fs.writeFileSync(path.join(pool.dir, 'batch.sub'), stampingSubmit(path.join(pool.dir, 'batch.'), 'batch.log', BATCH));
        const batchDone = terminationCounter(batchLog);
        const t0 = wallMs();
        await run(path.join(binDir, 'condor_submit.js'), ['batch.sub'], pool.env, pool.dir);
        await until('the batch to finish', () => (batchDone() >= BATCH ? true : undefined), 600_000, 20);
        const poolRate = BATCH / ((wallMs() - t0) / 1000);
        const t1 = wallMs();
        const script = `seq ${BATCH} | xargs -P2 -I{} ${DOCKER_CLI} run --rm --init --log-driver none ${BASE_IMAGE} /bin/true`;
        await run('/bin/sh', ['-c', script], env);
        const rawRate = BATCH / ((wallMs() - t1) / 1000);
        const value = median(latencies);
        const baseline = median(bare);
        return {
          value,
          unit: 'ms',
          samples: latencies,
          baseline: { label: '`docker run --rm` of the same image and command, alternating with the jobs (median)', value: baseline, unit: 'ms' },
          goalMet: value <= 2 * baseline && poolRate >= 0.5 * rawRate,
          notes: `throughput: ${poolRate.toFixed(1)} container jobs/s beside ${rawRate.toFixed(1)}/s for \`docker run\` two at a time (${(poolRate / rawRate).toFixed(2)}×)`,
        };
      } finally {
        await pool.stop();
        delete process.env.DOCKER_HOST;
      }
    } finally {
      for (const stop of stops) await stop();
    }
  },
};
