import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { bareSpawnMs } from './latency.js';
import { runScriptJob, stampMs, startPool, wallMs } from './pool.js';
import { median } from './stats.js';
import type { Benchmark } from './types.js';

const RESTARTS = 20;

// Each start records its time; each start but the last writes a 1 MiB checkpoint and exits 85.
const JOB = `#!/bin/bash
echo "start $(date +%s%N)" >> times
n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count
head -c 1048576 /dev/urandom > ckpt.bin
if [ $n -le ${RESTARTS} ]; then echo "exit $(date +%s%N)" >> times; exit 85; fi
`;

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
 * The bare spawn again, its shell first moving itself into a memory and a pids cgroup (as the startd's job
 * does before its exec), one start every 100 ms as the restarts come: on cgroup v1 the kernel's move waits
 * for an RCU grace period when no move happened just before (percpu_down_write of cgroup_threadgroup_rwsem).
 * Undefined where this process cannot make cgroups.
 */
async function cgroupSpawnMs(dir: string): Promise<number | undefined> {
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
    for (let i = 0; i < RESTARTS; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const stamp = path.join(dir, `cgroup-spawn.${i}`);
      const moves = cgroups.map((cgroup) => `echo 0 > ${cgroup}/cgroup.procs`).join(' && ');
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

export const checkpointRestart: Benchmark = {
  name: 'checkpoint-restart',
  title: 'checkpoint exit → process restarted in place (1 MiB checkpoint)',
  goal: 'median ≤ 3× a bare spawn measured beside it',
  async run() {
    const pool = await startPool({ startds: 1, cpus: 1 });
    try {
      const submit = 'executable = ckpt.sh\ncheckpoint_exit_code = 85\ntransfer_checkpoint_files = ckpt.bin, count, times\ntransfer_output_files = times\nlog = ckpt.log\nqueue\n';
      await runScriptJob(pool, 'ckpt', JOB, submit, 120_000);
      const lines = fs.readFileSync(path.join(pool.dir, 'times'), 'utf8').trim().split('\n');
      const gaps: number[] = [];
      for (let i = 1; i < lines.length; i++) {
        const [prevKind, prevNs] = lines[i - 1].split(' ');
        const [kind, ns] = lines[i].split(' ');
        if (prevKind === 'exit' && kind === 'start') gaps.push(Number(BigInt(ns) - BigInt(prevNs)) / 1e6);
      }
      const value = median(gaps);
      const spawnMs = await bareSpawnMs(pool.dir);
      const inCgroupsMs = await cgroupSpawnMs(pool.dir);
      const cgroupNote =
        inCgroupsMs === undefined
          ? 'no cgroups could be made here for a bare spawn into them'
          : `the bare spawn moving itself into a memory and a pids cgroup first, as the restarted job does (one every 100 ms): ${inCgroupsMs.toFixed(1)} ms (${(value / inCgroupsMs).toFixed(2)}× of it)`;
      return {
        value,
        unit: 'ms',
        baseline: { label: 'a bare spawn of `sh -c date` to its first output (median)', value: spawnMs, unit: 'ms' },
        goalMet: value <= 3 * spawnMs,
        samples: gaps,
        notes: `${gaps.length} restarts; ${cgroupNote}`,
      };
    } finally {
      await pool.stop();
    }
  },
};
