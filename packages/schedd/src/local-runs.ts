import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { jobSpawner, removeSandbox, signalFamily, type JobSpawner } from '@tinycondor/startd';
import type { ClassAd } from '@tinycondor/shared/classad/index';
import { jobArguments, jobEnvironment } from '@tinycondor/shared/job-command';
import type { JobUser } from '@tinycondor/shared/job-user';
import { condorArch, condorOpSys } from '@tinycondor/shared/machine-ad';
import { localStarterJobAd, mayEmptyExecuteDir, scheddUniverseDirName, type ScheddUniverse } from '@tinycondor/shared/local-universe';
import { JOB_AD_FILE, MACHINE_AD_FILE, starterEnvironment } from '@tinycondor/shared/starter-environment';
import type { RunReportMessage, ScheddMessage } from '@tinycondor/shared/protocol';
import { RecentClusters } from '@tinycondor/shared/recent-clusters';
import { deferredStart, MISSED_DEFERRAL_HOLD_REASON } from '@tinycondor/shared/job-deferral';
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
  /** Its directory in LOCAL_UNIV_EXECUTE, removed when the run ends; undefined until made, or when it could not be. */
  dir: string | undefined;
  /** A local universe job waiting for its DeferralTime: the timer that starts it. */
  deferral?: NodeJS.Timeout;
}

/** What starting a run needs: the job, whom it runs as, the rights its streams are opened with. */
export interface LocalStart {
  jobId: string;
  cluster: number;
  proc: number;
  runId: string;
  universe: ScheddUniverse;
  /** The job's ad once the run started in the queue. */
  jobAd: ClassAd;
  /** The job's ad as the queue held it before (JobStatus Idle): what the scheduler universe's .job.ad holds. */
  queuedAd: ClassAd;
  user: JobUser | undefined;
  rights: FileRights;
}

/**
 * Makes LOCAL_UNIV_EXECUTE if missing and gives it at least mode 0755, as Scheduler::initLocalStarterDir does
 * (the condor_master makes its parents); returns whether it was there already.
 */
function ensureExecuteDir(dir: string): boolean {
  const stat = fs.statSync(dir, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  const mode = stat?.isDirectory() ? stat.mode & 0o7777 : 0;
  if ((mode & 0o755) !== 0o755) fs.chmodSync(dir, mode | 0o755);
  return stat?.isDirectory() === true;
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
 * directory, its executable, input, output and error are its own files, nothing is transferred. Each run has a
 * directory in LOCAL_UNIV_EXECUTE for its ad (the local universe's scratch directory), removed when it ends.
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
      /** LOCAL_UNIV_EXECUTE as configured now (localUnivExecuteDir). */
      executeDir: () => string;
      /** The pool's home (LOCAL_DIR), which emptying LOCAL_UNIV_EXECUTE must never reach. */
      poolRoot: string;
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
   * At the schedd's start, as Scheduler::initLocalStarterDir the first time: LOCAL_UNIV_EXECUTE is made (mode
   * 0755) if missing, and what runs of an earlier schedd left in it is removed.
   */
  clearExecuteDir(): void {
    const dir = this.context.executeDir();
    try {
      if (!ensureExecuteDir(dir)) return;
      if (!mayEmptyExecuteDir(dir, this.context.poolRoot)) {
        this.context.log.error({ dir }, `LOCAL_UNIV_EXECUTE (${dir}) holds the pool's own directory: it is not emptied`);
        return;
      }
      for (const name of fs.readdirSync(dir)) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
    } catch (err) {
      this.context.log.error({ err, dir }, 'LOCAL_UNIV_EXECUTE could not be made or emptied');
    }
  }

  /**
   * Starts the job's executable in its Iwd, its streams opened with the owner's rights (as the starter, or the
   * schedd as the job's user, opens them). A stream or executable that cannot be had fails the run as the
   * starter's does (a 'run-failed' report: the job is held). Each run gets its directory in LOCAL_UNIV_EXECUTE
   * with the job's ad (see localRunEnvironment, schedulerRunEnvironment).
   */
  start(spec: LocalStart): void {
    if (spec.universe === 'local' && !this.waitUntilExecuteTime(spec)) return;
    this.spawn(spec);
  }

  /**
   * The local universe's starter defers the job to its DeferralTime (Starter::jobWaitUntilExecuteTime), or gives
   * it back when it missed it (JOB_MISSED_DEFERRAL_TIME: the schedd holds it, code 20). The scheduler universe has
   * no starter: condor_submit refuses its DeferralTime. False: the job is not started now.
   */
  private waitUntilExecuteTime(spec: LocalStart): boolean {
    const { jobId, runId } = spec;
    const start = deferredStart(spec.jobAd, Math.floor(Date.now() / 1000), jobId);
    if ('missed' in start) {
      this.context.log.warn({ jobId, runId }, `${start.missed} Aborting.`);
      this.report({ type: 'run-failed', jobId, runId, stage: 'deferral', reason: MISSED_DEFERRAL_HOLD_REASON });
      return false;
    }
    if (start.delaySeconds === 0) return true;
    this.context.log.info({ jobId, runId }, `Job ${jobId} deferred for ${start.delaySeconds} seconds`);
    const deferral = setTimeout(() => {
      this.processes.delete(runId);
      this.spawn(spec);
    }, start.delaySeconds * 1000);
    this.processes.set(runId, { jobId, universe: spec.universe, pid: undefined, killTimer: undefined, dir: undefined, deferral });
    return false;
  }

  private spawn(spec: LocalStart): void {
    const { jobAd, runId } = spec;
    const iwd = jobAd.getString('Iwd') ?? '/';
    const inIwd = (file: string | undefined): string => (file === undefined || file === '' ? DEV_NULL : path.resolve(iwd, file));
    const cmd = jobAd.getString('Cmd') ?? '';
    const executable = path.resolve(iwd, cmd);
    const entry: LocalProcess = { jobId: spec.jobId, universe: spec.universe, pid: undefined, killTimer: undefined, dir: undefined };
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
    const closeStreams = (): void => {
      for (const fd of stdio) fs.closeSync(fd);
    };
    let env: NodeJS.ProcessEnv;
    try {
      env = spec.universe === 'scheduler' ? this.schedulerRunEnvironment(spec, entry) : this.localRunEnvironment(spec, entry, iwd);
    } catch (err) {
      closeStreams();
      this.failed(spec, `Failed to create scratch dir: ${(err as Error).message}`, (err as NodeJS.ErrnoException).errno);
      return;
    }
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

  /**
   * The local universe's starter (JICLocal::init, Starter::createTempExecuteDir): a scratch directory of the
   * job's own (mode 0700) in LOCAL_UNIV_EXECUTE with .job.ad (the starter's ad: OrigCmd, OrigIwd) and an empty
   * .machine.ad (JICLocalSchedd has no machine ad), and the environment a vanilla job gets, with no slot name,
   * no OMP_NUM_THREADS and _CONDOR_JOB_IWD the Iwd, where the job runs. Throws when the directory cannot be made.
   */
  private localRunEnvironment(spec: LocalStart, entry: LocalProcess, iwd: string): NodeJS.ProcessEnv {
    const name = scheddUniverseDirName('local', { cluster: spec.cluster, proc: spec.proc, runId: spec.runId, pid: process.pid });
    const scratchDir = path.join(this.executeDir(), name);
    fs.mkdirSync(scratchDir, { mode: 0o700 });
    entry.dir = scratchDir;
    const jobAdFile = path.join(scratchDir, JOB_AD_FILE);
    const machineAdFile = path.join(scratchDir, MACHINE_AD_FILE);
    fs.writeFileSync(jobAdFile, localStarterJobAd(spec.jobAd).toText());
    fs.writeFileSync(machineAdFile, '');
    // Made by the schedd, then given to the job's user, as the starter does when the directory above is not world-writable.
    if (spec.user) for (const file of [scratchDir, jobAdFile, machineAdFile]) fs.lchownSync(file, spec.user.uid, spec.user.gid);
    return starterEnvironment(spec.jobAd, { scratchDir, jobIwd: iwd, slotName: '', cpus: undefined });
  }

  /**
   * The scheduler universe (start_sched_universe_job): no scratch directory, but `dir_<cluster>_<proc>` in
   * LOCAL_UNIV_EXECUTE, the schedd's (mode 0755), holding the job's ad as the queue has it before the run
   * starts; the environment is the job's with CONDOR_ID and, when the ad was written, _CONDOR_JOB_AD. A directory
   * or file that cannot be made is logged and the job runs without it, as HTCondor's does.
   */
  private schedulerRunEnvironment(spec: LocalStart, entry: LocalProcess): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...jobEnvironment(spec.jobAd), CONDOR_ID: spec.jobId };
    const name = scheddUniverseDirName('scheduler', { cluster: spec.cluster, proc: spec.proc, runId: spec.runId, pid: process.pid });
    let dir: string | undefined;
    try {
      dir = path.join(this.executeDir(), name);
      try {
        fs.mkdirSync(dir, { mode: 0o755 });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      entry.dir = dir;
      const jobAdFile = path.join(dir, JOB_AD_FILE);
      fs.writeFileSync(jobAdFile, spec.queuedAd.toText());
      env._CONDOR_JOB_AD = jobAdFile;
    } catch (err) {
      this.context.log.error({ err, jobId: spec.jobId, dir }, 'the scheduler universe job\'s directory or .job.ad could not be made; it runs without _CONDOR_JOB_AD');
    }
    return env;
  }

  /** LOCAL_UNIV_EXECUTE as configured now, made if missing, as Scheduler::initLocalStarterDir does at a reconfig. */
  private executeDir(): string {
    const dir = this.context.executeDir();
    ensureExecuteDir(dir);
    return dir;
  }

  send(message: ScheddMessage): void {
    if (message.type !== 'kill' && message.type !== 'suspend' && message.type !== 'continue') return;
    const run = this.processes.get(message.runId);
    if (run?.deferral !== undefined && message.type === 'kill') {
      // Killed while it waits: the job never ran (the starter cancels its deferral timer).
      this.ended(message.runId);
      this.report({ type: 'run-ended', jobId: run.jobId, runId: message.runId, usage: { userSeconds: 0, systemSeconds: 0 } });
      return;
    }
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
    for (const run of this.processes.values()) {
      clearTimeout(run.deferral);
      if (run.pid !== undefined) signalFamily(run.pid, [], 'SIGKILL');
    }
  }

  private failed(spec: LocalStart, reason: string, errno: number | undefined): void {
    this.ended(spec.runId);
    this.report({ type: 'run-failed', jobId: spec.jobId, runId: spec.runId, stage: 'execute', reason, ...(errno === undefined ? {} : { subCode: Math.abs(errno) }) });
  }

  /** The run is over: its directory goes (the starter's removeTempExecuteDir, the schedd's scheduler_univ_job_exit). */
  private ended(runId: string): void {
    const run = this.processes.get(runId);
    if (run) clearTimeout(run.killTimer);
    if (run) clearTimeout(run.deferral);
    if (run?.dir !== undefined) removeSandbox(run.dir, this.context.log);
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
