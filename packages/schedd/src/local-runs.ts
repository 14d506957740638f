import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { jobSpawner, signalFamily, type JobSpawner } from '@tinycondor/startd';
import type { ClassAd } from '@tinycondor/shared/classad/index';
import { jobArguments, jobEnvironment } from '@tinycondor/shared/job-command';
import type { JobUser } from '@tinycondor/shared/job-user';
import { condorArch, condorOpSys } from '@tinycondor/shared/machine-ad';
import type { ScheddUniverse } from '@tinycondor/shared/local-universe';
import type { RunReportMessage, ScheddMessage } from '@tinycondor/shared/protocol';
import { RecentClusters } from '@tinycondor/shared/recent-clusters';
import type { FileRights } from '@tinycondor/shared/file-rights';
import type { Slot, StartdConnection } from './startd-registry.js';

/** The name the schedd's own runs go under in the queue (the job's startd): no startd connects with it (a name holds no space). */
export const LOCAL_STARTD = 'schedd local';

const DEV_NULL = '/dev/null';

/** A report before it is numbered. */
type RunReportBody = RunReportMessage extends infer M ? (M extends RunReportMessage ? Omit<M, 'seq'> : never) : never;

/** One local or scheduler universe run: its process, and the kill under way. */
interface LocalProcess {
  jobId: string;
  universe: ScheddUniverse;
  pid: number | undefined;
  killTimer: NodeJS.Timeout | undefined;
}

/** What starting a run needs: the job, whom it runs as, the rights its streams are opened with. */
export interface LocalStart {
  jobId: string;
  runId: string;
  universe: ScheddUniverse;
  jobAd: ClassAd;
  user: JobUser | undefined;
  rights: FileRights;
}

function signalName(signal: number): NodeJS.Signals {
  const found = Object.entries(os.constants.signals).find(([, number]) => number === signal);
  return (found?.[0] ?? 'SIGTERM') as NodeJS.Signals;
}

/**
 * The jobs the schedd runs on its own host (local universe: HTCondor's `condor_starter -local`; scheduler
 * universe: the schedd itself), seen by the rest of the schedd as one more startd: its kill messages go to
 * the run's process (suspend and continue are ignored, as HTCondor's schedd ignores them for these universes),
 * and it reports each run's start and end as a startd reports
 * them (RunReports), so the same state machine and events apply. A run holds no slot. The job runs in place: its Iwd is its working
 * directory, its executable, input, output and error are its own files, nothing is transferred.
 */
export class LocalRuns implements StartdConnection {
  readonly identity = { startdName: LOCAL_STARTD, machine: os.hostname(), opSys: condorOpSys(process.platform), arch: condorArch(process.arch) };
  /** None: a run here holds no slot, and the matchmaker has none to give. */
  readonly slots = new Map<string, Slot>();
  readonly killable = false;
  readonly recentClusters = new RecentClusters<true>();
  private readonly processes = new Map<string, LocalProcess>();
  private readonly spawner: JobSpawner;
  private nextSeq = 1;

  constructor(
    private readonly context: {
      sinfulAddress: () => string;
      /** Hands a report to the schedd's RunReports, as a startd's arrive. */
      report(connection: LocalRuns, message: RunReportMessage): void;
      log: Logger;
    },
    spawner?: JobSpawner,
  ) {
    this.spawner = spawner ?? jobSpawner().spawner;
  }

  get sinfulAddress(): string {
    return this.context.sinfulAddress();
  }

  /** How many runs of `universe` are under way (TotalLocalJobsRunning, TotalSchedulerJobsRunning). */
  running(universe: ScheddUniverse): number {
    let count = 0;
    for (const run of this.processes.values()) if (run.universe === universe) count++;
    return count;
  }

  /**
   * Starts the job's executable in its Iwd, its streams opened with the owner's rights (as the starter, or the
   * schedd as the job's user, opens them). A stream or executable that cannot be had fails the run as the
   * starter's does (a 'run-failed' report: the job is held).
   */
  start(spec: LocalStart): void {
    const { jobAd, runId } = spec;
    const iwd = jobAd.getString('Iwd') ?? '/';
    const inIwd = (file: string | undefined): string => (file === undefined || file === '' ? DEV_NULL : path.resolve(iwd, file));
    const cmd = jobAd.getString('Cmd') ?? '';
    const executable = path.resolve(iwd, cmd);
    const entry: LocalProcess = { jobId: spec.jobId, universe: spec.universe, pid: undefined, killTimer: undefined };
    this.processes.set(runId, entry);
    let stdio: [number, number, number];
    try {
      stdio = spec.rights(() => {
        const opened: number[] = [];
        try {
          opened.push(fs.openSync(inIwd(jobAd.getString('In')), 'r'));
          opened.push(fs.openSync(inIwd(jobAd.getString('Out')), 'w', 0o644));
          opened.push(fs.openSync(inIwd(jobAd.getString('Err')), 'w', 0o644));
          return opened as [number, number, number];
        } catch (err) {
          for (const fd of opened) fs.closeSync(fd);
          throw err;
        }
      });
    } catch (err) {
      this.failed(spec, `Failed to open a standard stream of the job: ${(err as Error).message}`, (err as NodeJS.ErrnoException).errno);
      return;
    }
    const env = {
      ...(spec.universe === 'scheduler' ? { CONDOR_ID: spec.jobId } : { _CONDOR_SCRATCH_DIR: iwd, _CONDOR_JOB_IWD: iwd, BATCH_SYSTEM: 'HTCondor' }),
      ...jobEnvironment(jobAd),
    };
    const closeStreams = (): void => {
      for (const fd of stdio) fs.closeSync(fd);
    };
    this.spawner.start(
      { executable, args: jobArguments(jobAd), cwd: iwd, env, stdio, cgroupDirs: [], ...(spec.user ? { user: spec.user } : {}) },
      {
        spawned: (pid) => {
          closeStreams();
          entry.pid = pid;
          this.report({ type: 'executing', jobId: spec.jobId, runId });
          this.context.log.info({ jobId: spec.jobId, runId, pid, universe: spec.universe }, 'job started on the schedd host');
        },
        failed: (failure) => {
          closeStreams();
          this.failed(spec, `Error from ${LOCAL_STARTD}: Failed to execute '${executable}': ${failure.message}`, failure.errno);
        },
        exited: (exit, usage) => {
          this.ended(runId);
          if (entry.killTimer !== undefined && exit.bySignal) {
            this.report({ type: 'run-ended', jobId: spec.jobId, runId, usage });
            return;
          }
          // Nothing is transferred in place: the schedd logs no transfer (outputSent).
          this.report({ type: 'exited', jobId: spec.jobId, runId, exit, usage, bytesSent: 0, bytesReceived: 0, outputSent: true });
        },
      },
    );
  }

  send(message: ScheddMessage): void {
    if (message.type !== 'kill' && message.type !== 'suspend' && message.type !== 'continue') return;
    const run = this.processes.get(message.runId);
    if (run?.pid === undefined) return;
    const pid = run.pid;
    if (message.type === 'suspend' || message.type === 'continue') {
      // HTCondor's schedd neither suspends nor continues a local or scheduler universe job (abort_job_myself):
      // it logs this, condor_suspend says the job was suspended, and the job runs on.
      const [number, name] = message.type === 'suspend' ? [8, 'Suspend'] : [9, 'Continue'];
      this.context.log.info({ jobId: run.jobId }, `${run.universe === 'local' ? 'Local' : 'Scheduler'} universe: Ignoring unsupported action (${number} ${name})`);
    } else {
      signalFamily(pid, [], 'SIGCONT');
      signalFamily(pid, [], signalName(message.signal));
      clearTimeout(run.killTimer);
      run.killTimer = setTimeout(() => signalFamily(pid, [], 'SIGKILL'), message.graceSeconds * 1000);
      run.killTimer.unref();
    }
  }

  /** A signal to the run's processes that is no kill: the run's end that may follow is the job's own ('exited'). */
  signal(runId: string, signal: number): void {
    const pid = this.processes.get(runId)?.pid;
    if (pid !== undefined) signalFamily(pid, [], signalName(signal));
  }

  /** The schedd stops: its runs are killed (a restarted schedd starts them again from its queue). */
  close(): void {
    for (const run of this.processes.values()) if (run.pid !== undefined) signalFamily(run.pid, [], 'SIGKILL');
  }

  private failed(spec: LocalStart, reason: string, errno: number | undefined): void {
    this.ended(spec.runId);
    this.report({ type: 'run-failed', jobId: spec.jobId, runId: spec.runId, stage: 'execute', reason, ...(errno === undefined ? {} : { subCode: Math.abs(errno) }) });
  }

  private ended(runId: string): void {
    const run = this.processes.get(runId);
    if (run) clearTimeout(run.killTimer);
    this.processes.delete(runId);
  }

  /**
   * A report, numbered as a startd numbers them, handed over after the current turn: the schedd's change that
   * started or signalled the run (its transaction) is committed before the report that follows it.
   */
  private report(message: RunReportBody): void {
    const numbered = { ...message, seq: this.nextSeq++ } as RunReportMessage;
    setImmediate(() => this.context.report(this, numbered));
  }
}
