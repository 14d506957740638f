import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { ClusterAd, type ProcOverlay } from '@tinycondor/shared/cluster-ad';
import { startRun } from '@tinycondor/shared/job-state';
import { decodeStartdMessage, runReportsOf, type RunReportMessage, type ScheddMessage, type SlotDescription } from '@tinycondor/shared/protocol';
import { expandProcs, parseSubmitFile } from '@tinycondor/shared/submit/index';
import { probeFile } from '@tinycondor/shared/submit/file-probe';
import { processCpuMs, timeCommand, tinycondorCommand, until, wallMs } from './pool.js';
import type { Benchmark } from './types.js';

const JOBS = 2000;

/**
 * What a schedd sends with the throughput benchmark's job (`/bin/true`, nothing to transfer) at its match:
 * the cluster's ad (with a connection's first start) and each proc's own attributes over it.
 */
function startedJob(dir: string): { clusterAd: Record<string, string>; procOverlay(proc: number): ProcOverlay } {
  const ctx = { fileName: 'bench.sub', submitDir: dir, env: {}, owner: os.userInfo().username, readFile: () => '', listDir: () => [], probeFile, runCommand: () => ({ stdout: '', exitCode: 0 }) };
  const [submitted] = expandProcs(parseSubmitFile('executable = /bin/true\ntransfer_executable = false\nqueue\n', ctx), 1, ctx);
  const cluster = new ClusterAd(submitted.toJSON());
  const provisioned = { cpus: 1, memoryMb: 1024, diskKb: 1_000_000 };
  const started = startRun(submitted, { now: new Date(), remoteHost: 'slot1_1@bench', provisioned }).ad;
  return {
    clusterAd: cluster.stored,
    procOverlay: (proc) => cluster.overlayOf(started.set('ProcId', proc).toJSON()),
  };
}

/**
 * A real startd (`tinycondor startd`, one slot) against a simulated schedd on the real channel: the schedd
 * starts the next job as soon as a run's exit is reported and acknowledges every report, so what is measured
 * is the startd's work per job (and the job's own process).
 */
export const startdPath: Benchmark = {
  name: 'startd-path',
  title: `${JOBS} trivial jobs on one real startd × 1 slot, its schedd simulated (real protocol)`,
  goal: 'report jobs/s and startd CPU per job',
  async run() {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-bench-'));
    const tokenFile = path.join(base, 'pool.token');
    fs.writeFileSync(tokenFile, 'bench-token\n', { mode: 0o600 });
    const job = startedJob(base);
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/v1/startd' });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    let startd: ChildProcess | undefined;
    try {
      let ended = 0;
      let failure: string | undefined;
      let channel: WebSocket | undefined;
      let welcomed = false;
      const send = (message: ScheddMessage) => channel?.send(JSON.stringify(message));
      let clusterAdSent = false;
      // The startd's default layout is one partitionable slot: each job gets the dynamic slot a schedd carves
      // from it (the whole of its one core), given back by the startd when the run ends.
      let dynamicSlot: SlotDescription | undefined;
      const startNext = () => {
        const clusterAd = clusterAdSent ? undefined : job.clusterAd;
        clusterAdSent = true;
        if (!dynamicSlot) throw new Error('the startd said hello without a partitionable slot');
        const { name: slotName } = dynamicSlot;
        send({ type: 'start', jobId: `1.${ended}`, runId: String(ended + 1).padStart(22, '0'), slotName, clusterAd, jobAd: job.procOverlay(ended), fetchInput: false, dynamicSlot });
      };
      const onReport = (report: RunReportMessage) => {
        if (report.type === 'run-failed') failure = report.reason;
        if (report.type !== 'exited' && report.type !== 'run-failed') return;
        ended += 1;
        if (ended < JOBS) startNext();
      };
      server.on('connection', (socket) => {
        channel = socket;
        clusterAdSent = false;
        socket.on('message', (raw) => {
          const message = decodeStartdMessage(raw.toString());
          if (message.type === 'hello') {
            const pslot = message.slots.find((slot) => slot.partitionable);
            if (pslot) dynamicSlot = { name: `${pslot.name}_1`, cpus: pslot.cpus, memoryMb: pslot.memoryMb, diskKb: pslot.diskKb, parent: pslot.name };
            send({ type: 'welcome', scheddName: 'bench', key: 'k'.repeat(43) });
            welcomed = true;
          } else if (message.type !== 'ssh-output' && message.type !== 'ssh-exit') {
            const reports = runReportsOf(message);
            reports.forEach(onReport);
            send({ type: 'ack', seq: reports[reports.length - 1].seq });
          }
        });
      });
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const args = ['startd', '--name', 'bench', '--cpus', '1', '--schedd', url, '--token-file', tokenFile, '--execute', path.join(base, 'execute')];
      const [command, argv] = tinycondorCommand(args);
      const child = spawn(command, argv, { stdio: 'ignore', env: { ...process.env, TINYCONDOR_LOG_LEVEL: 'warn' } });
      startd = child;
      await until('the startd to say hello', () => (welcomed ? true : undefined), 30_000, 20);
      const pid = child.pid as number;
      const cpuBefore = processCpuMs(pid);
      const t0 = wallMs();
      startNext();
      await until('every job to end', () => (failure !== undefined || ended >= JOBS ? true : undefined), 600_000, 20);
      if (failure !== undefined) throw new Error(`a run failed: ${failure}`);
      const seconds = (wallMs() - t0) / 1000;
      const cpuPerJob = (processCpuMs(pid) - cpuBefore) / JOBS;
      // The same command with no scheduler, one at a time like the one slot.
      const rawMs = timeCommand('/bin/sh', ['-c', `seq ${JOBS} | xargs -n1 /bin/true`]);
      return {
        value: JOBS / seconds,
        unit: 'jobs/s',
        baseline: { label: 'xargs -n1 of the same command, one at a time', value: JOBS / (rawMs / 1000), unit: 'jobs/s' },
        goalMet: true,
        notes: `startd CPU ${cpuPerJob.toFixed(2)} ms per job (start message, sandbox, spawn, reports, cleanup); ${JOBS} jobs in ${seconds.toFixed(2)} s`,
      };
    } finally {
      if (startd && startd.exitCode === null && startd.signalCode === null) {
        const exited = new Promise((resolve) => startd?.once('exit', resolve));
        startd.kill('SIGTERM');
        await exited;
      }
      await new Promise((resolve) => server.close(resolve));
      fs.rmSync(base, { recursive: true, force: true });
    }
  },
};
