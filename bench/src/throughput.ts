import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { binDir, processCpuMs, startPool, terminationCounter, timeCommand, until, wallMs } from './pool.js';
import type { Benchmark } from './types.js';

const JOBS = 1000;

export const throughput: Benchmark = {
  name: 'throughput',
  title: `${JOBS} trivial jobs, 2 startds × 1 slot`,
  goal: '≥ 200 jobs/s and ≥ 25 % of raw spawn rate',
  async run() {
    const pool = await startPool({ startds: 2, cpus: 1 });
    try {
      const logFile = path.join(pool.dir, 'many.log');
      fs.writeFileSync(path.join(pool.dir, 'many.sub'), `executable = /bin/true\ntransfer_executable = false\nlog = many.log\nqueue ${JOBS}\n`);
      const terminated = terminationCounter(logFile);
      // The pool process is the schedd; its children are the startds.
      const scheddPid = pool.process.pid as number;
      const startdPids = fs.readFileSync(`/proc/${scheddPid}/task/${scheddPid}/children`, 'utf8').trim().split(/\s+/).map(Number);
      const cpuBefore = [scheddPid, ...startdPids].map(processCpuMs);
      const t0 = wallMs();
      const submit = spawn(path.join(binDir, 'condor_submit.js'), ['many.sub'], { stdio: 'ignore', env: pool.env, cwd: pool.dir });
      await until('every job to terminate', () => (terminated() >= JOBS ? true : undefined), 600_000, 50);
      const seconds = (wallMs() - t0) / 1000;
      const [scheddCpu, ...startdCpu] = [scheddPid, ...startdPids].map((pid, i) => processCpuMs(pid) - cpuBefore[i]);
      if (submit.exitCode === null) await new Promise((resolve) => submit.once('exit', resolve));
      const rate = JOBS / seconds;
      // The same command with no scheduler: xargs running two at a time, like the two slots.
      const rawMs = timeCommand('/bin/sh', ['-c', `seq ${JOBS} | xargs -P2 -n1 /bin/true`]);
      const rawRate = JOBS / (rawMs / 1000);
      return {
        value: rate,
        unit: 'jobs/s',
        baseline: { label: 'xargs -P2 of the same command', value: rawRate, unit: 'jobs/s' },
        goalMet: rate >= 200 && rate >= 0.25 * rawRate,
        notes:
          `${JOBS} jobs in ${seconds.toFixed(2)} s (submit included), file transfer on (nothing to transfer); CPU per job: ` +
          `schedd ${(scheddCpu / JOBS).toFixed(2)} ms, startds ${(startdCpu.reduce((a, b) => a + b, 0) / JOBS).toFixed(2)} ms`,
      };
    } finally {
      await pool.stop();
    }
  },
};
