import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nodeStartMs } from './latency.js';
import { SimulatedStartd, withSchedd } from './many-startds.js';
import { binDir, processCpuMs, startTinycondor, timeCommand, wallMs } from './pool.js';
import { median } from './stats.js';
import type { Benchmark } from './types.js';

const READY_RUNS = 5;

/** `tinycondor pool` (2 startds) from spawn to its ready line, in ms; the pool is stopped after. */
async function poolReadyMs(): Promise<number> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-bench-ready-'));
  try {
    const t0 = wallMs();
    const { child } = await startTinycondor(['pool', '--home', path.join(base, 'pool'), '--startds', '2', '--cpus', '1', '--port', '0'], /tinycondor pool ready: /);
    const ms = wallMs() - t0;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    return ms;
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
}

export const poolReady: Benchmark = {
  name: 'pool-ready',
  title: '`tinycondor pool` with 2 startds, start to its ready line',
  goal: '≤ 2× `node -e 0`',
  async run() {
    const samples: number[] = [];
    const nodeSamples: number[] = [];
    // Taking turns, so the machine's drift touches both alike.
    for (let run = 0; run < READY_RUNS; run++) {
      samples.push(await poolReadyMs());
      nodeSamples.push(nodeStartMs(process.env));
    }
    const value = median(samples);
    const baseline = median(nodeSamples);
    return {
      value,
      unit: 'ms',
      samples,
      baseline: { label: `\`node -e 0\` (median of ${READY_RUNS} medians of 10, taking turns)`, value: baseline, unit: 'ms' },
      goalMet: value <= 2 * baseline,
    };
  },
};

const IDLE_JOBS = 10_000;
const IDLE_STARTDS = 50;
const WINDOW_MS = 60_000;

/**
 * Waits until a second passes in which the schedd uses under 1 % of a core (the work of what came before,
 * a submission of 10 000 jobs, is done), with a deadline.
 */
async function settled(pid: number): Promise<void> {
  const deadline = wallMs() + 120_000;
  for (;;) {
    const before = processCpuMs(pid);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if (processCpuMs(pid) - before < 10) return;
    if (wallMs() > deadline) throw new Error('the schedd did not settle within 120 s');
  }
}

/** The schedd's CPU (% of one core) and peak RSS and anonymous RSS (MB: RSS less the mapped node binary and libraries) over the window, sampled every second. */
async function idleWindow(pid: number): Promise<{ cpuPercent: number; rssMb: number; anonMb: number }> {
  const memory = () => {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024;
    return { rss: kb('VmRSS'), anon: kb('RssAnon') };
  };
  const cpuBefore = processCpuMs(pid);
  const t0 = wallMs();
  let { rss: rssMb, anon: anonMb } = memory();
  while (wallMs() - t0 < WINDOW_MS) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const now = memory();
    rssMb = Math.max(rssMb, now.rss);
    anonMb = Math.max(anonMb, now.anon);
  }
  return { cpuPercent: ((processCpuMs(pid) - cpuBefore) / (wallMs() - t0)) * 100, rssMb, anonMb };
}

export const scheddIdle: Benchmark = {
  name: 'schedd-idle',
  title: `schedd with ${IDLE_JOBS} idle jobs and ${IDLE_STARTDS} connected startds, for ${WINDOW_MS / 1000} s`,
  goal: '≤ 100 MB RSS, ≤ 1 % of a core',
  async run() {
    return withSchedd(async (schedd, dir, startds) => {
      const pid = schedd.process.pid as number;
      await settled(pid);
      const empty = await idleWindow(pid);
      for (let i = 0; i < IDLE_STARTDS; i++) startds.push(new SimulatedStartd(schedd.url, schedd.token, `sim${i + 1}`, 1, () => undefined));
      await Promise.all(startds.map((s) => s.ready));
      // Jobs no slot matches: they stay idle, and the schedd keeps them and the startds.
      fs.writeFileSync(path.join(dir, 'idle.sub'), `executable = /bin/true\nshould_transfer_files = NO\nrequirements = Cpus > 1000\nqueue ${IDLE_JOBS}\n`);
      const submitMs = timeCommand(path.join(binDir, 'condor_submit.js'), ['-terse', 'idle.sub'], schedd.env, dir);
      await settled(pid);
      const loaded = await idleWindow(pid);
      return {
        value: loaded.cpuPercent,
        unit: '% of a core',
        baseline: { label: `the same schedd empty, no startds, over ${WINDOW_MS / 1000} s before (each window once the schedd has settled)`, value: empty.cpuPercent, unit: '% of a core' },
        goalMet: loaded.rssMb <= 100 && loaded.cpuPercent <= 1,
        notes:
          `peak RSS ${loaded.rssMb.toFixed(0)} MB, of which anonymous ${loaded.anonMb.toFixed(0)} MB (empty: ${empty.rssMb.toFixed(0)} MB, ${empty.anonMb.toFixed(0)} MB); ` +
          `condor_submit of the ${IDLE_JOBS} jobs took ${(submitMs / 1000).toFixed(1)} s`,
      };
    });
  },
};
