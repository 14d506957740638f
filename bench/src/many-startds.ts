import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { ScheddClient } from '@tinycondor/client/schedd-client';
import { decodeScheddMessage, type ScheddMessage, type SlotDescription, type StartdMessage } from '@tinycondor/shared/protocol';
import { binDir, processCpuMs, startTinycondor, timeCommand, until, wallMs } from './pool.js';
import type { Benchmark } from './types.js';

/** The simulated pool: how many startds with how many cores, how many jobs, and whether they use file transfer. */
interface SimulatedPool {
  startds: number;
  /** Each startd has the default slot layout: one partitionable slot of this many cores. */
  coresPerStartd: number;
  jobs: number;
  transferFiles: boolean;
}

/** A real schedd (`tinycondor schedd`) in its own process, so its CPU time can be read from /proc. */
async function startSchedd(home: string): Promise<{ process: ChildProcess; url: string; token: string; client: ScheddClient; env: NodeJS.ProcessEnv }> {
  const { child, match } = await startTinycondor(['schedd', '--home', home, '--port', '0'], /schedd ready: (http:\/\/\S+)/);
  const url = match[1];
  const token = fs.readFileSync(path.join(home, 'pool.token'), 'utf8').trim();
  return { process: child, url, token, client: new ScheddClient({ baseUrl: url, token, maxSockets: 1 }), env: { ...process.env, CONDOR_CONFIG: path.join(home, 'condor_config') } };
}

/**
 * A startd that speaks the real websocket protocol (hello, numbered reports, acks) but runs nothing: each
 * start is answered at once with `executing` and a clean `exited` in one batch, as a real startd reports a
 * run that ends within its hold of `executing`, so only the schedd's work is measured. A start queued on a
 * slot is answered after the run before it, as a real startd launches it when that run ends; an `unqueue`
 * always comes too late (the job was launched), and is ignored, as a real startd does then.
 */
export class SimulatedStartd {
  private readonly socket: WebSocket;
  private seq = 1;
  readonly ready: Promise<void>;

  constructor(
    url: string,
    token: string,
    readonly name: string,
    cores: number,
    private readonly onStart: () => void,
  ) {
    this.socket = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/startd`, { headers: { authorization: `Bearer ${token}` } });
    // HTCondor's default layout (SLOT_TYPE_0_PARTITIONABLE): the schedd carves a dynamic slot for each job.
    const slots: SlotDescription[] = [{ name: 'slot1', cpus: cores, memoryMb: 1024 * cores, diskKb: 1_000_000 * cores, partitionable: true }];
    this.ready = new Promise((resolve, reject) => {
      this.socket.once('error', reject);
      this.socket.on('message', (raw) => {
        const message = decodeScheddMessage(raw.toString());
        if (message.type === 'welcome') resolve();
        this.handle(message);
      });
    });
    this.socket.once('open', () => this.send({ type: 'hello', startdName: name, machine: name, opSys: 'LINUX', arch: 'X86_64', slots, runs: [] }));
  }

  private send(message: StartdMessage): void {
    this.socket.send(JSON.stringify(message));
  }

  private handle(message: ScheddMessage): void {
    if (message.type !== 'start') return;
    this.onStart();
    const { jobId, runId } = message;
    const exit = { bySignal: false as const, exitCode: 0 };
    this.send({
      type: 'reports',
      reports: [
        { type: 'executing', jobId, runId, seq: this.seq++ },
        { type: 'exited', jobId, runId, seq: this.seq++, exit, usage: { userSeconds: 0, systemSeconds: 0 }, bytesSent: 0, bytesReceived: 0, outputSent: false },
      ],
    });
  }

  close(): void {
    this.socket.close(1000, 'benchmark done');
  }
}

type ScheddProcess = Awaited<ReturnType<typeof startSchedd>>;

/**
 * A real schedd in a temporary home, a submit directory beside it, and the simulated startds `work`
 * connects (it adds them to `startds`): all stopped and removed once `work` is done.
 */
export async function withSchedd<T>(work: (schedd: ScheddProcess, dir: string, startds: SimulatedStartd[]) => Promise<T>): Promise<T> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-bench-'));
  const dir = path.join(base, 'submit');
  fs.mkdirSync(dir);
  const schedd = await startSchedd(path.join(base, 'pool'));
  const startds: SimulatedStartd[] = [];
  try {
    return await work(schedd, dir, startds);
  } finally {
    for (const startd of startds) startd.close();
    const exited = new Promise((resolve) => schedd.process.once('exit', resolve));
    schedd.process.kill('SIGTERM');
    await exited;
    fs.rmSync(base, { recursive: true, force: true });
  }
}

async function queueEmpty(client: ScheddClient): Promise<boolean> {
  const { totals } = await client.totals();
  return totals.every((row) => row.count === 0);
}

/** A real schedd and simulated startds: matches/s and the schedd's CPU per job. */
function simulatedStartdsBenchmark(name: string, title: string, shape: SimulatedPool): Benchmark {
  const { startds: startdCount, coresPerStartd, jobs, transferFiles } = shape;
  return {
    name,
    title,
    goal: 'report matches/s and schedd CPU per job',
    async run() {
      return withSchedd(async (schedd, dir, startds) => {
        let started = 0;
        let firstStart = 0;
        let lastStart = 0;
        const onStart = () => {
          lastStart = wallMs();
          if (started++ === 0) firstStart = lastStart;
        };
        for (let i = 0; i < startdCount; i++) startds.push(new SimulatedStartd(schedd.url, schedd.token, `sim${i + 1}`, coresPerStartd, onStart));
        await Promise.all(startds.map((s) => s.ready));
        const pid = schedd.process.pid as number;
        const cpuBefore = processCpuMs(pid);
        // Without file transfer a job runs where it was submitted; with it (nothing to transfer) the schedd also
        // decides at the match that there is no input and logs the empty transfers' 040 events.
        const transfer = transferFiles ? 'transfer_executable = false' : 'should_transfer_files = NO';
        fs.writeFileSync(path.join(dir, 'many.sub'), `executable = /bin/true\n${transfer}\nlog = many.log\nqueue ${jobs}\n`);
        const t0 = wallMs();
        const submitMs = timeCommand(path.join(binDir, 'condor_submit.js'), ['-terse', 'many.sub'], schedd.env, dir);
        await until('every job to start', () => (started >= jobs ? true : undefined), 600_000, 20);
        let empty = false;
        await until('the queue to empty', () => (empty ? true : (void queueEmpty(schedd.client).then((e) => (empty = e)), undefined)), 600_000, 100);
        const totalSeconds = (wallMs() - t0) / 1000;
        const cpuPerJob = (processCpuMs(pid) - cpuBefore) / jobs;
        const matchSeconds = (lastStart - firstStart) / 1000;
        const rate = (jobs - 1) / matchSeconds;
        return {
          value: rate,
          unit: 'matches/s',
          goalMet: true,
          notes:
            `schedd CPU ${cpuPerJob.toFixed(2)} ms per job (submit, match, executing, exit, events); ${jobs} jobs done in ${totalSeconds.toFixed(1)} s ` +
            `including condor_submit (${(submitMs / 1000).toFixed(1)} s)`,
        };
      });
    },
  };
}

export const manyStartds = simulatedStartdsBenchmark(
  'many-startds',
  '50 startds × 4 cores (one partitionable slot each) on one schedd (simulated startds, real protocol), 4000 jobs',
  { startds: 50, coresPerStartd: 4, jobs: 4000, transferFiles: false },
);

/** The throughput benchmark's shape with its startds answering at once: the schedd's share of each job. */
export const scheddPath = simulatedStartdsBenchmark(
  'schedd-path',
  '2000 trivial jobs, 2 simulated startds × 1 core (one partitionable slot each) answering at once, file transfer on (nothing to transfer)',
  { startds: 2, coresPerStartd: 1, jobs: 2000, transferFiles: true },
);
