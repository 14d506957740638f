import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stampMs, until, wallMs } from './pool.js';
import { median } from './stats.js';
import { submitLatencyCli } from './latency.js';
import { throughput } from './throughput.js';
import type { Benchmark } from './types.js';

const JOBS = 1000;
const LATENCY_RUNS = 10;
const SLURM_TIME_LIMIT_MS = 120_000;

function onPath(command: string): boolean {
  return spawnSync('/bin/sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** A one-node Slurm cluster (slurmctld + slurmd) in a temporary directory, with 2 CPUs like the pool's 2 slots. */
interface LocalSlurm {
  env: NodeJS.ProcessEnv;
  dir: string;
  stop(): Promise<void>;
}

function slurmConf(dir: string, host: string, ports: [number, number]): string {
  return `ClusterName=tinycondorbench
SlurmctldHost=${host}(127.0.0.1)
SlurmctldPort=${ports[0]}
SlurmdPort=${ports[1]}
AuthType=auth/none
CredType=cred/none
SlurmUser=${os.userInfo().username}
SlurmdUser=root
StateSaveLocation=${dir}/state
SlurmdSpoolDir=${dir}/spool
SlurmctldPidFile=${dir}/slurmctld.pid
SlurmdPidFile=${dir}/slurmd.pid
SlurmctldLogFile=${dir}/slurmctld.log
SlurmdLogFile=${dir}/slurmd.log
ProctrackType=proctrack/pgid
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MaxArraySize=${JOBS + 1}
NodeName=${host} NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=bench Nodes=${host} Default=YES MaxTime=INFINITE State=UP
`;
}

async function startSlurm(): Promise<LocalSlurm> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-slurm-'));
  fs.mkdirSync(path.join(dir, 'state'));
  fs.mkdirSync(path.join(dir, 'spool'));
  const host = os.hostname().split('.')[0];
  const base = 20000 + Math.floor(Math.random() * 20000);
  const conf = path.join(dir, 'slurm.conf');
  fs.writeFileSync(conf, slurmConf(dir, host, [base, base + 1]));
  const env = { ...process.env, SLURM_CONF: conf };
  const daemons: ChildProcess[] = ['slurmctld', 'slurmd'].map((daemon) =>
    spawn(daemon, ['-D', '-f', conf], { env, stdio: ['ignore', fs.openSync(path.join(dir, `${daemon}.out`), 'w'), fs.openSync(path.join(dir, `${daemon}.err`), 'w')] }),
  );
  const stop = async () => {
    await Promise.all(
      daemons.map((d) => (d.exitCode !== null || d.signalCode !== null ? undefined : new Promise((resolve) => (d.once('exit', resolve), d.kill('SIGTERM'))))),
    );
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await until('the Slurm node to be idle', () => (/idle/.test(spawnSync('sinfo', ['-h', '-o', '%T'], { env, encoding: 'utf8' }).stdout ?? '') ? true : undefined), 30_000, 200);
  } catch (err) {
    await stop();
    throw err;
  }
  return { env, dir, stop };
}

function sbatch(slurm: LocalSlurm, args: string[]): void {
  const result = spawnSync('sbatch', ['-Q', '-o', '/dev/null', '-e', '/dev/null', ...args], { env: slurm.env, cwd: slurm.dir, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`sbatch ${args.join(' ')}: ${result.stderr}`);
}

/** Pending and running jobs, each array task counted (-r). */
function queueLength(slurm: LocalSlurm): number {
  return (spawnSync('squeue', ['-h', '-r', '-o', '%i'], { env: slurm.env, encoding: 'utf8' }).stdout ?? '').split('\n').filter(Boolean).length;
}

/**
 * 1000 trivial jobs as one job array (the Slurm form of `queue 1000`). Slurm's default configuration starts
 * pending jobs only every few seconds, so the run stops after a time limit and counts the jobs that ended.
 */
async function slurmThroughput(slurm: LocalSlurm): Promise<{ rate: number; done: number }> {
  const t0 = wallMs();
  sbatch(slurm, [`--array=1-${JOBS}`, '--wrap=/bin/true']);
  let remaining = JOBS;
  try {
    await until('the Slurm jobs to finish', () => ((remaining = queueLength(slurm)) === 0 ? true : undefined), SLURM_TIME_LIMIT_MS, 100);
  } catch {
    spawnSync('scancel', ['--user', os.userInfo().username], { env: slurm.env });
  }
  const done = JOBS - remaining;
  return { rate: done / ((wallMs() - t0) / 1000), done };
}

/** sbatch → the job's first instruction, as `submit-latency-cli` measures condor_submit → running. */
async function slurmLatency(slurm: LocalSlurm): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < LATENCY_RUNS; i++) {
    const stamp = path.join(slurm.dir, `stamp.${i}`);
    const t0 = wallMs();
    sbatch(slurm, [`--wrap=date +%s%N > ${stamp}`]);
    samples.push((await until('the Slurm job to start', () => stampMs(stamp), 120_000, 1)) - t0);
    await until('the Slurm job to finish', () => (queueLength(slurm) === 0 ? true : undefined), 120_000, 20);
  }
  return median(samples);
}

export const slurmSideBySide: Benchmark = {
  name: 'slurm',
  title: `Slurm side by side (local slurmctld + slurmd, 2 CPUs): ${JOBS} trivial jobs and sbatch→running`,
  goal: 'tinycondor faster than Slurm on both (ratios > 1)',
  async run() {
    if (!onPath('slurmctld') || !onPath('slurmd') || !onPath('sbatch')) {
      return { value: Number.NaN, unit: '', goalMet: false, notes: 'Slurm is not installed (apt-get install -y slurm-wlm); nothing measured' };
    }
    const slurm = await startSlurm();
    let slurmRate: number;
    let slurmDone: number;
    let slurmLatencyMs: number;
    try {
      ({ rate: slurmRate, done: slurmDone } = await slurmThroughput(slurm));
      slurmLatencyMs = await slurmLatency(slurm);
    } finally {
      await slurm.stop();
    }
    const ours = await throughput.run();
    const oursLatency = await submitLatencyCli.run();
    const rateRatio = ours.value / slurmRate;
    const latencyRatio = slurmLatencyMs / oursLatency.value;
    return {
      value: rateRatio,
      unit: '× Slurm job rate',
      baseline: { label: `Slurm: ${JOBS} jobs as an array on 2 CPUs`, value: slurmRate, unit: 'jobs/s' },
      goalMet: rateRatio > 1 && latencyRatio > 1,
      notes:
        `tinycondor ${ours.value.toFixed(0)} jobs/s vs Slurm ${slurmRate.toFixed(1)} jobs/s (${slurmDone} of ${JOBS} done within ${SLURM_TIME_LIMIT_MS / 1000} s); ` +
        `submit→running: condor_submit ${oursLatency.value.toFixed(0)} ms vs sbatch ${slurmLatencyMs.toFixed(0)} ms (Slurm takes ${latencyRatio.toFixed(2)}× as long)`,
    };
  },
};
