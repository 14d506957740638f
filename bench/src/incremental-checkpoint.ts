import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runScriptJob, startPool, timeCommand } from './pool.js';
import { median } from './stats.js';
import type { Benchmark } from './types.js';

/** Checkpoints after the first: each rewrites CHANGED of the 1000 files. */
const LATER = 4;
const CHANGED = 10;

/**
 * A job whose first run writes 1 GiB in 1000 files and checkpoints; each later run rewrites 10 other files
 * with fresh data and checkpoints again, LATER times; the last run finishes. Each run notes when it started
 * and when it exited, after a sync (the commit does not compete with the write-back of what the job wrote).
 */
function job(): string {
  return `#!/bin/bash
run=$(cat progress 2>/dev/null || echo 0)
echo "start $run $(date +%s%N)" >> times
if [ "$run" -gt ${LATER} ]; then exit 0; fi
mkdir -p state
if [ "$run" -eq 0 ]; then
  for i in $(seq 1 1000); do head -c 1048576 /dev/zero > state/part.$i; done
else
  for i in $(seq $((run * ${CHANGED})) $((run * ${CHANGED} + ${CHANGED - 1}))); do head -c 1048576 /dev/urandom > state/part.$i; done
fi
echo $((run + 1)) > progress; sync
echo "exit $run $(date +%s%N)" >> times
exit 85
`;
}

/** Seconds from each checkpoint's exit to the restart after its commit, by checkpoint number. */
async function commitSeconds(): Promise<number[]> {
  const pool = await startPool({ startds: 1, cpus: 1 });
  try {
    // Memory for the GiB it writes: the run's page cache counts against its cgroup's limit.
    const submit = 'executable = job.sh\nrequest_memory = 2 GB\ncheckpoint_exit_code = 85\ntransfer_checkpoint_files = state, progress, times\ntransfer_output_files = times\nlog = job.log\nqueue\n';
    await runScriptJob(pool, 'job', job(), submit, 900_000);
    const stamps = new Map<string, bigint>();
    for (const line of fs.readFileSync(path.join(pool.dir, 'times'), 'utf8').trim().split('\n')) {
      const [what, run, ns] = line.split(' ');
      stamps.set(`${what} ${run}`, BigInt(ns));
    }
    return Array.from({ length: LATER + 1 }, (_, run) => Number((stamps.get(`start ${run + 1}`) ?? 0n) - (stamps.get(`exit ${run}`) ?? 0n)) / 1e9);
  } finally {
    await pool.stop();
  }
}

/** `rsync -a` of the same change (10 files rewritten in 1000) onto a synced copy, then `sync`: seconds per round. */
function rsyncSeconds(): number[] | undefined {
  if (spawnSync('rsync', ['--version']).status !== 0) return undefined;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-bench-rsync-'));
  try {
    const source = path.join(root, 'src');
    const dest = path.join(root, 'dest');
    fs.mkdirSync(source);
    execFileSync('/bin/bash', ['-c', `for i in $(seq 1 1000); do head -c 1048576 /dev/zero > ${source}/part.$i; done; rsync -a ${source}/ ${dest}/; sync`]);
    return Array.from({ length: LATER }, (_, i) => {
      const first = (i + 1) * CHANGED;
      execFileSync('/bin/bash', ['-c', `for i in $(seq ${first} ${first + CHANGED - 1}); do head -c 1048576 /dev/urandom > ${source}/part.$i; done; sync`]);
      return timeCommand('/bin/sh', ['-c', `rsync -a ${source}/ ${dest}/ && sync`]) / 1000;
    });
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

export const checkpointIncremental: Benchmark = {
  name: 'checkpoint-incremental',
  title: `1 GiB in 1000 files checkpointed, then ${LATER} checkpoints each changing ${CHANGED} files`,
  goal: 'each later checkpoint commits ≥ 10× faster than the first, same durability',
  async run() {
    const seconds = await commitSeconds();
    const [first, ...later] = seconds;
    const rsync = rsyncSeconds();
    const slowestLater = Math.max(...later);
    const ms = (s: number) => (s * 1000).toFixed(0);
    return {
      value: median(later) * 1000,
      unit: 'ms',
      ...(rsync === undefined ? {} : { baseline: { label: `\`rsync -a && sync\` of the same change (median of ${LATER})`, value: median(rsync) * 1000, unit: 'ms' } }),
      goalMet: first >= 10 * slowestLater,
      samples: later.map((s) => s * 1000),
      notes:
        `exit→restart per checkpoint: first (whole, 1 GiB) ${ms(first)} ms, later ${later.map(ms).join(', ')} ms; ` +
        `the first is ${(first / slowestLater).toFixed(1)}× the slowest later one` +
        (rsync === undefined ? '; rsync is not installed: no baseline' : `; rsync && sync ${rsync.map(ms).join(', ')} ms`),
    };
  },
};
