import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { Test } from 'tap';
import { ClusterAd } from '@tinycondor/shared/cluster-ad';
import { formatJobId } from '@tinycondor/shared/job-id';
import { startRun, type Transition } from '@tinycondor/shared/job-state';
import { ProcAdView } from '@tinycondor/shared/proc-ad-view';
import type { ScheddMessage } from '@tinycondor/shared/protocol';
import { RecentClusters } from '@tinycondor/shared/recent-clusters';
import { openDatabase } from './db.js';
import { JobStore, procRow, type RunAssignment, type StoredJob } from './job-store.js';
import type { Slot, StartdConnection } from './startd-registry.js';

// What the unit tests of the schedd's end of the startd channel share: a real queue in a scratch SQLite
// file, and a startd's end of the channel that keeps what it is sent.

export const quietLog = pino({ level: 'silent' });

/** The tests' clock: every transition is made at this time. */
export const NOW = new Date(1_700_000_000_000);

/** A job queue in a scratch directory, removed after the test. */
export function scratchQueue(t: Test): JobStore {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-startd-side-'));
  const db = openDatabase(path.join(dir, 'job_queue.sqlite'));
  t.teardown(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return new JobStore(db);
}

/** Submits a cluster of idle jobs, one per entry of `procs` (its attributes over the cluster's); returns them as stored. */
export function submitIdle(store: JobStore, procs: Record<string, string>[] = [{}]): StoredJob[] {
  const clusterId = store.reserveCluster(NOW);
  const cluster = new ClusterAd({ Cmd: '"/bin/true"', Iwd: '"/tmp"', Owner: '"alice"', JobStatus: '1', Requirements: 'true', RequestMemory: '512', ShouldTransferFiles: '"NO"' });
  const rows = procs.map((own, proc) => {
    const overlay: Record<string, string> = { ClusterId: String(clusterId), ProcId: String(proc), ...own };
    return procRow(new ProcAdView(cluster, overlay), overlay);
  });
  store.submitCluster(clusterId, undefined, cluster, rows, () => []);
  return procs.map((_, proc) => store.getJob(clusterId, proc) as StoredJob);
}

/** The job as the queue holds it now; undefined once it left the queue. */
export function reread(store: JobStore, job: StoredJob): StoredJob | undefined {
  return store.getJob(job.cluster, job.proc);
}

/** Starts the job's run on `slot`, as matchmaking does in the queue; returns the job as stored. */
export function startRunOn(store: JobStore, job: StoredJob, slot: Slot, runId = store.newRunId()): StoredJob {
  const transition = startRun(job.ad, { now: NOW, remoteHost: `${slot.description.name}@${slot.startdName}`, provisioned: { cpus: 1, memoryMb: 1024, diskKb: 1_000_000 } });
  store.apply(job, transition, { runId, startd: slot.startdName, slot: slot.description.name });
  slot.run = { cluster: job.cluster, proc: job.proc, runId };
  return reread(store, job) as StoredJob;
}

/** A startd's end of the channel: what the schedd sends it and why it closed it are kept. */
export interface FakeStartd extends StartdConnection {
  sent: ScheddMessage[];
  closed: string[];
}

/** A startd named `name` with free slots `slotNames` (1 cpu, 1 GB of memory each). */
export function fakeStartd(name: string, slotNames: string[]): FakeStartd {
  const sent: ScheddMessage[] = [];
  const closed: string[] = [];
  const slots = new Map<string, Slot>(
    slotNames.map((slotName) => [slotName, { description: { name: slotName, cpus: 1, memoryMb: 1024, diskKb: 1_000_000 }, startdName: name, run: undefined, queued: undefined }]),
  );
  return {
    identity: { startdName: name, machine: 'execute.example', opSys: 'LINUX', arch: 'X86_64' },
    sinfulAddress: '<10.0.0.2:9618>',
    slots,
    killable: false,
    recentClusters: new RecentClusters<true>(),
    sent,
    closed,
    send: (message) => sent.push(message),
    close: (reason) => closed.push(reason),
  };
}

/** The slot, which the test knows is there. */
export function slotOf(startd: StartdConnection, name: string): Slot {
  return startd.slots.get(name) as Slot;
}

/**
 * Schedd.commit reduced to storing the transition; `committed` lists each job's id and new JobStatus (or
 * 'gone' when it left the queue), in order.
 */
export function storingCommit(store: JobStore): { committed: string[]; commit: (job: StoredJob, transition: Transition, run: RunAssignment | null) => void } {
  const committed: string[] = [];
  return {
    committed,
    commit: (job, transition, run) => {
      store.apply(job, transition, run);
      committed.push(`${formatJobId(job.cluster, job.proc)}:${transition.leaveQueue ? 'gone' : String(transition.ad.getInt('JobStatus'))}`);
    },
  };
}

/** A matchmaker and a scheduler that only record what they were told, in `calls`. */
export function recordingMatchmaking(calls: string[]) {
  return {
    matchmaker: {
      jobBecameIdle: (jobId: string) => calls.push(`idle ${jobId}`),
      slotChanged: (key: string) => calls.push(`slot ${key}`),
      queueSlotChanged: (key: string) => calls.push(`queue slot ${key}`),
    },
    scheduleMatchmaking: (): number => calls.push('matchmake'),
  };
}
