import fs from 'node:fs';
import path from 'node:path';
import { bareSpawnMs, cgroupSpawnMs } from './latency.js';
import { runScriptJob, startPool } from './pool.js';
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
      const inCgroupsMs = await cgroupSpawnMs(pool.dir, RESTARTS);
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
