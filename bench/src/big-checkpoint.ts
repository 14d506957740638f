import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { binDir, startPool, terminationCounter, timeCommand, until } from './pool.js';
import { median } from './stats.js';
import type { Benchmark } from './types.js';

const GIB = 1024;

/** Peak resident memory of a process and its children while `work` runs, sampled every 50 ms. */
async function peakRssMb(rootPid: number, work: Promise<unknown>): Promise<number> {
  let peak = 0;
  let done = false;
  work.finally(() => (done = true)).catch(() => undefined);
  while (!done) {
    const pids = [rootPid, ...execFileSync('pgrep', ['-P', String(rootPid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number)];
    for (const pid of pids) {
      try {
        const kb = Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
        peak = Math.max(peak, kb / 1024);
      } catch {
        // the process ended between listing and reading
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return peak;
}

/** Shell that writes the 1 GiB of data into `dir`. */
function writeData(layout: 'one-file' | 'many-files', dir: string): string {
  return layout === 'one-file'
    ? `head -c 1073741824 /dev/zero > ${dir}/big.bin`
    : `for i in $(seq 1 1000); do head -c 1048576 /dev/zero > ${dir}/part.$i; done`;
}

/**
 * A job that writes the data once, checkpoints it (exit 85), and finishes on its restart. It syncs before
 * it exits, so the commit does not compete with the write-back of what the job just wrote (the baselines
 * start from a synced disk too).
 */
function job(layout: 'one-file' | 'many-files'): string {
  return `#!/bin/bash
if [ -e state/done ]; then echo "start $(date +%s%N)" >> times; exit 0; fi
mkdir -p state; ${writeData(layout, 'state')}; touch state/done; sync
echo "exit $(date +%s%N)" >> times
exit 85
`;
}

async function commitSeconds(layout: 'one-file' | 'many-files'): Promise<{ seconds: number; rssMb: number }> {
  const pool = await startPool({ startds: 1, cpus: 1 });
  try {
    fs.writeFileSync(path.join(pool.dir, 'big.sh'), job(layout), { mode: 0o755 });
    fs.writeFileSync(
      path.join(pool.dir, 'big.sub'),
      // Memory for the GiB it writes: a run's page cache counts against its cgroup's limit (the default 128 MB
      // would evict the data before the startd reads it, and the commit would be timed against the disk).
      'executable = big.sh\nrequest_memory = 2 GB\ncheckpoint_exit_code = 85\ntransfer_checkpoint_files = state, times\ntransfer_output_files = times\nlog = big.log\nqueue\n',
    );
    const submitted = spawnSync(path.join(binDir, 'condor_submit.js'), ['big.sub'], { env: pool.env, cwd: pool.dir });
    if (submitted.status !== 0) throw new Error(`condor_submit failed: ${submitted.stderr.toString()}`);
    const terminated = terminationCounter(path.join(pool.dir, 'big.log'));
    const finished = until('the job to finish', () => (terminated() >= 1 ? true : undefined), 600_000, 100);
    const rssMb = await peakRssMb(pool.process.pid as number, finished);
    const [exitLine, startLine] = fs.readFileSync(path.join(pool.dir, 'times'), 'utf8').trim().split('\n');
    const seconds = Number(BigInt(startLine.split(' ')[1]) - BigInt(exitLine.split(' ')[1])) / 1e9;
    return { seconds, rssMb };
  } finally {
    await pool.stop();
  }
}

/**
 * Touches `gib` GiB of memory in a process that then exits. This VM gives freed memory back to its host, and
 * a page first touched since costs a fault in the host: 1 GiB written into fresh page cache goes at ~300
 * MiB/s, into pages just freed at ~4 GiB/s. Each commit and each `tar` run starts after this, so neither gets
 * the pages the other just freed.
 */
function warmFreeMemory(gib: number): void {
  execFileSync(process.execPath, ['-e', `const kept = []; for (let i = 0; i < ${gib}; i++) kept.push(Buffer.alloc(1 << 30, 1));`]);
}

/** A directory holding the benchmark's data once, written and synced, for the copy baselines. */
function baselineSource(layout: 'one-file' | 'many-files'): { root: string; source: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-bench-copy-'));
  const source = path.join(root, 'src');
  fs.mkdirSync(source);
  execFileSync('/bin/bash', ['-c', `${writeData(layout, source)}; sync`]);
  return { root, source };
}

/** One copy of the data by a shell command, from a synced disk, in seconds. */
function copySeconds(root: string, command: (dest: string) => string): number {
  const dest = path.join(root, 'dest');
  fs.mkdirSync(dest);
  execFileSync('sync');
  const ms = timeCommand('/bin/sh', ['-c', command(dest)]);
  fs.rmSync(dest, { recursive: true, force: true });
  return ms / 1000;
}

const RUNS = 3;

function bigCheckpoint(layout: 'one-file' | 'many-files'): Benchmark {
  const what = layout === 'one-file' ? '1 file' : '1000 × 1 MiB';
  return {
    name: `checkpoint-1gib-${layout}`,
    title: `1 GiB checkpoint (${what}) committed to SPOOL`,
    goal: '≥ 70 % of `tar c | tar x` on the same disk; schedd and startd RSS ≤ 150 MB',
    async run() {
      // The commit and `tar | tar && sync` take turns, so the disk's drift within the run touches both alike.
      const { root, source } = baselineSource(layout);
      const tarSync = (dest: string) => `tar c -C ${source} . | tar x -C ${dest} && sync`;
      const commits: { seconds: number; rssMb: number }[] = [];
      const tarSyncRuns: number[] = [];
      let tarSeconds: number;
      let cpSeconds: number;
      try {
        for (let run = 0; run < RUNS; run++) {
          // The commit needs 2 GiB of page cache (the job's sandbox and SPOOL), tar 1 GiB.
          warmFreeMemory(3);
          commits.push(await commitSeconds(layout));
          warmFreeMemory(3);
          tarSyncRuns.push(copySeconds(root, tarSync));
        }
        tarSeconds = median(Array.from({ length: RUNS }, () => copySeconds(root, (dest) => `tar c -C ${source} . | tar x -C ${dest}`)));
        cpSeconds = median(Array.from({ length: RUNS }, () => copySeconds(root, (dest) => `cp -a ${source}/. ${dest} && sync`)));
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
      const seconds = median(commits.map((commit) => commit.seconds));
      const rssMb = Math.max(...commits.map((commit) => commit.rssMb));
      const rate = GIB / seconds;
      const tarRate = GIB / median(tarSyncRuns);
      const rates = (runs: number[]) => runs.map((s) => (GIB / s).toFixed(0)).join(', ');
      return {
        value: rate,
        unit: 'MiB/s',
        baseline: { label: `\`tar c | tar x && sync\` on the same disk (median of ${RUNS}, taking turns with the commits)`, value: tarRate, unit: 'MiB/s' },
        goalMet: rate >= 0.7 * tarRate && rssMb <= 150,
        notes:
          `median of ${RUNS} commits (${rates(commits.map((commit) => commit.seconds))} MiB/s; tar && sync ${rates(tarSyncRuns)}); ` +
          `exit→restart ${seconds.toFixed(2)} s (pack, upload, durable commit, restart); tar without sync ${(GIB / tarSeconds).toFixed(0)} MiB/s; ` +
          `cp -a && sync ${(GIB / cpSeconds).toFixed(0)} MiB/s; peak RSS of any pool process ${rssMb.toFixed(0)} MB`,
      };
    },
  };
}

export const bigCheckpointOneFile = bigCheckpoint('one-file');
export const bigCheckpointManyFiles = bigCheckpoint('many-files');
