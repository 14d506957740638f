import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { binDir, startPool, terminationCounter, timeCommand, until, wallMs } from './pool.js';
import { median } from './stats.js';
import type { Benchmark } from './types.js';

const GIB = 1024;

/**
 * Peak resident memory of a process and its children while `work` runs, sampled every 50 ms. `pgrep` runs
 * asynchronously: on a busy VM it takes 50–100 ms, and run synchronously it would hold up the other pollers
 * of this process (the MANIFEST's, which has ~100 ms to see it).
 */
async function peakRssMb(rootPid: number, work: Promise<unknown>): Promise<number> {
  let peak = 0;
  let done = false;
  work.finally(() => (done = true)).catch(() => undefined);
  while (!done) {
    const children = await new Promise<string>((resolve) => execFile('pgrep', ['-P', String(rootPid)], { encoding: 'utf8' }, (_err, stdout) => resolve(stdout)));
    const pids = [rootPid, ...children.trim().split('\n').filter(Boolean).map(Number)];
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

type Layout = 'one-file' | 'many-files';

/** Shell that writes the 1 GiB of data into `dir`. */
function writeData(layout: Layout, dir: string): string {
  return layout === 'one-file'
    ? `head -c 1073741824 /dev/zero > ${dir}/big.bin`
    : `for i in $(seq 1 1000); do head -c 1048576 /dev/zero > ${dir}/part.$i; done`;
}

/**
 * A job that writes the data once, checkpoints it (exit 85), and finishes on its restart. It syncs before
 * it exits, so the commit does not compete with the write-back of what the job just wrote (the baselines
 * start from a synced disk too). `pluginTimes`: it creates `plugin-times`, which the bench's file plugin
 * appends its own times to.
 */
function job(layout: Layout, pluginTimes: boolean): string {
  return `#!/bin/bash
if [ -e state/done ]; then echo "start $(date +%s%N)" >> times; exit 0; fi
mkdir -p state; ${writeData(layout, 'state')}; touch state/done;${pluginTimes ? ' touch plugin-times;' : ''} sync
echo "exit $(date +%s%N)" >> times
exit 85
`;
}

/** The bench's plugin for file:// (see the file): creates the directories an upload needs and syncs what it wrote. */
const filePlugin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'file_plugin.py');

/** Seconds from the job's checkpoint exit to points of the checkpoint's upload to a file:// destination. */
interface DestinationStages {
  /** The plugin's first statement: the startd listed and hashed the files, then started the plugin. */
  pluginStart: number;
  /** The plugin has copied every file (copy_file_range), the fdatasyncs of the earlier ones running alongside in threads ... */
  pluginCopied: number;
  /** ... and all are fdatasynced and their directories fsynced. */
  pluginSynced: number;
  /** The MANIFEST is in the job's SPOOL directory (seen by polling it every 5 ms). */
  manifest: number;
  /** The plugin's peak RSS, in MB. */
  pluginRssMb: number;
}

interface Commit {
  /** From the checkpoint exit to the restart in place. */
  seconds: number;
  /** Peak RSS of any pool process (the schedd's, the startds'), in MB. */
  rssMb: number;
  stages?: DestinationStages;
}

/** When (wallMs) a name starting with `prefix` first appears in `dir`, polled every 5 ms while `work` runs. */
async function firstSeen(dir: string, prefix: string, work: Promise<unknown>): Promise<number | undefined> {
  let done = false;
  work.finally(() => (done = true)).catch(() => undefined);
  while (!done) {
    let names: string[] = [];
    try {
      names = fs.readdirSync(dir);
    } catch {
      // not made yet
    }
    if (names.some((name) => name.startsWith(prefix))) return wallMs();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return undefined;
}

/**
 * Runs the job on a fresh pool and times its checkpoint: committed to SPOOL, or, with `destination`, uploaded
 * there through the bench's plugin and its MANIFEST committed to SPOOL.
 */
async function commitSeconds(layout: Layout, destination?: string): Promise<Commit> {
  const pool = await startPool({ startds: 1, cpus: 1 });
  try {
    fs.writeFileSync(path.join(pool.dir, 'big.sh'), job(layout, destination !== undefined), { mode: 0o755 });
    const toDestination = destination === undefined ? [] : [`checkpoint_destination = file://${destination}`, `transfer_plugins = file=${filePlugin}`];
    fs.writeFileSync(
      path.join(pool.dir, 'big.sub'),
      [
        'executable = big.sh',
        // Memory for the GiB it writes: a run's page cache counts against its cgroup's limit (the default 128 MB
        // would evict the data before the startd reads it, and the commit would be timed against the disk).
        'request_memory = 2 GB',
        'checkpoint_exit_code = 85',
        'transfer_checkpoint_files = state, times',
        `transfer_output_files = times${destination === undefined ? '' : ', plugin-times'}`,
        ...toDestination,
        'log = big.log',
        'queue',
        '',
      ].join('\n'),
    );
    const submitted = spawnSync(path.join(binDir, 'condor_submit.js'), ['big.sub'], { env: pool.env, cwd: pool.dir, encoding: 'utf8' });
    if (submitted.status !== 0) throw new Error(`condor_submit failed: ${submitted.stderr}`);
    const cluster = Number(/submitted to cluster (\d+)/.exec(submitted.stdout)?.[1] ?? 1);
    const terminated = terminationCounter(path.join(pool.dir, 'big.log'));
    const finished = until('the job to finish', () => (terminated() >= 1 ? true : undefined), 600_000, 100);
    const spoolDir = path.join(pool.home, 'spool', String(cluster % 10000), '0', `cluster${cluster}.proc0.subproc0`);
    const manifestSeen = destination === undefined ? undefined : firstSeen(spoolDir, '_condor_checkpoint_MANIFEST.', finished);
    const rssMb = await peakRssMb(pool.process.pid as number, finished);
    const stamps = new Map(
      fs
        .readFileSync(path.join(pool.dir, 'times'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => line.split(' ') as [string, string]),
    );
    if (!stamps.has('exit') || !stamps.has('start')) throw new Error(`the job did not checkpoint and restart: its times file says ${JSON.stringify([...stamps])}`);
    const exitNs = BigInt(stamps.get('exit') as string);
    const since = (ns: string | undefined) => Number(BigInt(ns ?? 0) - exitNs) / 1e9;
    const seconds = since(stamps.get('start'));
    if (manifestSeen === undefined) return { seconds, rssMb };
    // Not seen (NaN) when the poll missed the ~100 ms between the commit and the job's leaving the queue.
    const manifestMs = (await manifestSeen) ?? NaN;
    const plugin = new Map(
      fs
        .readFileSync(path.join(pool.dir, 'plugin-times'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => line.split(' ') as [string, string]),
    );
    const stages = {
      pluginStart: since(plugin.get('plugin-start')),
      pluginCopied: since(plugin.get('plugin-copied')),
      pluginSynced: since(plugin.get('plugin-synced')),
      manifest: (manifestMs - Number(exitNs / 1000n) / 1000) / 1000,
      // VmHWM, in kB.
      pluginRssMb: Number(plugin.get('plugin-maxrss')) / 1024,
    };
    return { seconds, rssMb, stages };
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
function baselineSource(layout: Layout): { root: string; source: string } {
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

function bigCheckpoint(layout: Layout): Benchmark {
  const what = layout === 'one-file' ? '1 file' : '1000 × 1 MiB';
  return {
    name: `checkpoint-1gib-${layout}`,
    title: `1 GiB checkpoint (${what}) committed to SPOOL`,
    goal: '≥ 0.90× `tar c | tar x && sync` on the same disk; peak RSS of every pool process ≤ 150 MB (issue 23)',
    async run() {
      // The commit and `tar | tar && sync` take turns, so the disk's drift within the run touches both alike.
      const { root, source } = baselineSource(layout);
      const tarSync = (dest: string) => `tar c -C ${source} . | tar x -C ${dest} && sync`;
      const commits: Commit[] = [];
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
        goalMet: rate >= 0.9 * tarRate && rssMb <= 150,
        notes:
          `median of ${RUNS} commits (${rates(commits.map((commit) => commit.seconds))} MiB/s; tar && sync ${rates(tarSyncRuns)}); ` +
          `exit→restart ${seconds.toFixed(2)} s (pack, upload, durable commit, restart); tar without sync ${(GIB / tarSeconds).toFixed(0)} MiB/s; ` +
          `cp -a && sync ${(GIB / cpSeconds).toFixed(0)} MiB/s; peak RSS of any pool process ${rssMb.toFixed(0)} MB`,
      };
    },
  };
}

/**
 * SHA-256 of the data's files as the startd hashes a checkpoint's (fileSha256: 1 MiB reads, one file after
 * another), in seconds of wall-clock and of this process's CPU time (on a busy VM the CPU time is the steadier).
 */
async function sha256Seconds(source: string): Promise<{ wall: number; cpu: number }> {
  const start = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  for (const name of fs.readdirSync(source).sort()) {
    const hash = createHash('sha256');
    for await (const chunk of fs.createReadStream(path.join(source, name), { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
    hash.digest('hex');
  }
  const cpu = process.cpuUsage(cpuBefore);
  return { wall: Number(process.hrtime.bigint() - start) / 1e9, cpu: (cpu.user + cpu.system) / 1e6 };
}

/** A commit to a file:// checkpoint_destination, with a fresh destination directory removed afterwards. */
async function destinationCommit(layout: Layout): Promise<Commit> {
  const destination = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-bench-destination-'));
  try {
    return await commitSeconds(layout, destination);
  } finally {
    fs.rmSync(destination, { recursive: true, force: true });
  }
}

function destinationCheckpoint(layout: Layout): Benchmark {
  const what = layout === 'one-file' ? '1 file' : '1000 × 1 MiB';
  return {
    name: layout === 'one-file' ? 'checkpoint-1gib-destination' : 'checkpoint-1gib-destination-many-files',
    title: `1 GiB checkpoint (${what}) to checkpoint_destination = file://… through a job plugin, its MANIFEST committed to SPOOL`,
    goal: 'reported beside the SPOOL commit and `tar c | tar x && sync` of the same run (issue 20 sets no goal of its own)',
    async run() {
      // The SPOOL commit, the destination's and `tar | tar && sync` take turns, so the disk's drift touches all alike.
      const { root, source } = baselineSource(layout);
      const spool: Commit[] = [];
      const destination: Commit[] = [];
      const tarSyncRuns: number[] = [];
      const hashRuns: { wall: number; cpu: number }[] = [];
      try {
        for (let run = 0; run < RUNS; run++) {
          // Each commit needs 2 GiB of page cache (the sandbox, and SPOOL or the destination), tar 1 GiB.
          warmFreeMemory(3);
          spool.push(await commitSeconds(layout));
          warmFreeMemory(3);
          destination.push(await destinationCommit(layout));
          warmFreeMemory(3);
          tarSyncRuns.push(copySeconds(root, (dest) => `tar c -C ${source} . | tar x -C ${dest} && sync`));
          hashRuns.push(await sha256Seconds(source));
        }
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
      const seconds = median(destination.map((commit) => commit.seconds));
      const rate = GIB / seconds;
      const spoolRate = GIB / median(spool.map((commit) => commit.seconds));
      const tarRate = GIB / median(tarSyncRuns);
      const rates = (runs: number[]) => runs.map((s) => (Number.isNaN(s) ? 'not seen' : (GIB / s).toFixed(0))).join(', ');
      const rssMb = Math.max(...destination.map((commit) => commit.rssMb));
      const spoolRssMb = Math.max(...spool.map((commit) => commit.rssMb));
      // The stages of the median run, so that they add up to its figure.
      const middle = [...destination].sort((a, b) => a.seconds - b.seconds)[Math.floor(RUNS / 2)];
      const st = middle.stages as DestinationStages;
      const ms = (s: number) => (Number.isNaN(s) ? 'not seen' : `${(s * 1000).toFixed(0)} ms`);
      const pluginRssMb = Math.max(...destination.map((commit) => commit.stages?.pluginRssMb ?? 0));
      return {
        value: rate,
        unit: 'MiB/s',
        baseline: { label: `\`tar c | tar x && sync\` on the same disk (median of ${RUNS}, taking turns with the commits)`, value: tarRate, unit: 'MiB/s' },
        goalMet: true,
        notes:
          `median of ${RUNS} exits→restart (${rates(destination.map((commit) => commit.seconds))} MiB/s); ` +
          `to the MANIFEST in SPOOL ${rates(destination.map((commit) => commit.stages?.manifest ?? NaN))} MiB/s; ` +
          `SPOOL commit in the same run ${spoolRate.toFixed(0)} MiB/s (${rates(spool.map((commit) => commit.seconds))}; ${(rate / spoolRate).toFixed(2)}× of it); ` +
          `tar && sync ${rates(tarSyncRuns)}; ` +
          `the median run's ${ms(middle.seconds)}: exit → plugin started ${ms(st.pluginStart)} (listing, SHA-256, spawn; SHA-256 of the data alone in node ${ms(median(hashRuns.map((h) => h.wall)))}, CPU ${ms(median(hashRuns.map((h) => h.cpu)))}), ` +
          `copy ${ms(st.pluginCopied - st.pluginStart)}${layout === 'many-files' ? ' (the fdatasyncs alongside)' : ''}, then fdatasync + directory fsyncs ${ms(st.pluginSynced - st.pluginCopied)}, ` +
          `plugin end → MANIFEST in SPOOL ${ms(st.manifest - st.pluginSynced)}, → restart ${ms(middle.seconds - st.manifest)}; ` +
          `peak RSS of any pool process ${rssMb.toFixed(0)} MB (SPOOL commit ${spoolRssMb.toFixed(0)} MB), of the plugin ${pluginRssMb.toFixed(0)} MB`,
      };
    },
  };
}

export const bigCheckpointOneFile = bigCheckpoint('one-file');
export const bigCheckpointManyFiles = bigCheckpoint('many-files');
export const destinationCheckpointOneFile = destinationCheckpoint('one-file');
export const destinationCheckpointManyFiles = destinationCheckpoint('many-files');
