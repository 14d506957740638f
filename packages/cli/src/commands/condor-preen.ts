// condor_preen, as HTCondor's (src/condor_tools/preen.cpp, docs/man-pages/condor_preen.rst) for what applies
// to a tinycondor pool: SPOOL (files of jobs no longer in the queue, names that do not belong) and the
// checkpoint clean-ups a crash or a failed plug-in cut off (SPOOL/checkpoint-cleanup/<Owner>/<job>/, started
// again from their .job.ad whatever the options, as preen's check_cleanup_dir does). What it finds is
// reported on stdout, one `  <path> - Not Removed` (or `- Removed` with -remove) line each. A job's files
// are only ever judged stale once the schedd answered that the job is not in its queue.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino, type Logger } from 'pino';
import { ClassAd } from '@tinycondor/shared/classad/index';
import { JobUsers } from '@tinycondor/shared/job-user';
import { clusterConstraint, isJobSubdir, jobOfSpoolName, matchesWellKnown, staleFiles, SYSTEM_VALID_SPOOL_FILES, type JobKey } from '@tinycondor/shared/preen';
import { splitList } from '@tinycondor/shared/submit/queue';
import { CheckpointCleanup } from '@tinycondor/schedd/checkpoint-cleanup';
import { CliError, scheddErrorMessage, type CommandIo } from '../cli-error.js';
import { loadPoolConfig, type PoolConfig } from '../pool-config.js';
import { connectSchedd } from '../schedd-connection.js';

const USAGE = 'Usage: condor_preen [-mail] [-remove] [-verbose] [-debug] [-log <filename>]\n';

/**
 * History-like knobs whose files (and their rotations) stay in SPOOL (check_spool_dir's valid_knobs), with
 * the basenames of param_info.in's defaults, which param() gives when the knob is not set.
 */
const VALID_KNOBS: ReadonlyArray<readonly [string, string | undefined]> = [
  ['HISTORY', 'history'],
  ['JOB_EPOCH_HISTORY', 'epoch_history'],
  ['STARTD_HISTORY', 'startd_history'],
  ['SCHEDD_DAEMON_HISTORY', 'schedd_daemon_history'],
  ['COLLECTOR_PERSISTENT_AD_LOG', undefined],
  ['LVM_BACKING_FILE', 'startd_disk.img'],
  ['LIBRARIAN_DATABASE', 'library.db'],
];

interface Options {
  remove: boolean;
  verbose: boolean;
  debug: boolean;
  logFile?: string;
}

/** preen_main's argument loop: an option is known by its first letter; anything else is the usage. */
function parseArgs(args: string[]): Options | 'usage' | 'mail' {
  const options: Options = { remove: false, verbose: false, debug: false };
  let mail = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('-')) return 'usage';
    switch (arg[1]) {
      case 'd':
        options.debug = true;
        break;
      case 'l':
        if (i + 1 < args.length) options.logFile = args[++i];
        else options.debug = true;
        break;
      case 'v':
        options.verbose = true;
        break;
      case 'm':
        mail = true;
        break;
      case 'r':
        options.remove = true;
        break;
      default:
        return 'usage';
    }
  }
  return mail ? 'mail' : options;
}

function nonNegativeInteger(pool: PoolConfig, name: string, fallback: number, log: Logger): number {
  const value = pool.value(name)?.trim();
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (Number.isInteger(n) && n >= 0) return n;
  log.warn(`${name} is not a whole number >= 0; using ${fallback}`);
  return fallback;
}

class Preen {
  /** BadFiles: one line per file or directory found wrong, as the report prints them. */
  readonly bad: string[] = [];

  constructor(
    private readonly spool: string,
    private readonly options: Options,
    private readonly io: CommandIo,
    private readonly log: Logger,
  ) {}

  good(file: string): void {
    if (!this.options.verbose) return;
    this.io.stdout(`${file} - OK\n`);
    this.log.info(`${file} - OK`);
  }

  /** bad_file: reported, and removed with -remove. */
  badFile(file: string, extra?: string): void {
    if (this.options.verbose) {
      this.io.stdout(`${file} - BAD\n`);
      this.log.info(`${file} - BAD`);
    }
    let line: string;
    if (this.options.remove) {
      try {
        fs.rmSync(file, { recursive: true, force: true });
        line = `${file} - Removed`;
      } catch {
        line = `${file} - Can't Remove`;
      }
    } else {
      line = `${file} - Not Removed`;
    }
    this.bad.push(extra === undefined ? line : `${line} - ${extra}`);
  }

  /** check_spool_dir: the well-known names stay; files of jobs wait for the schedd's answer; the rest is bad. */
  async checkSpoolDir(pool: PoolConfig, validSpoolFiles: string[]): Promise<void> {
    const maybeStale = new Map<string, JobKey>();
    const configDefined = VALID_KNOBS.map(([knob, fallback]) => pool.value(knob) ?? fallback).filter((value): value is string => value !== undefined && value !== '').map((value) => path.basename(value));
    let names: string[];
    try {
      names = fs.readdirSync(this.spool).sort();
    } catch (err) {
      this.log.info(`Not cleaning spool directory: ${(err as Error).message}`);
      return;
    }
    for (const name of names) {
      const full = path.join(this.spool, name);
      if (matchesWellKnown(validSpoolFiles, name) || name.startsWith('job_queue.') || configDefined.some((file) => name.startsWith(file))) {
        this.good(full);
        continue;
      }
      const stat = fs.lstatSync(full);
      if (stat.isDirectory()) {
        if (isJobSubdir(name)) this.checkClusterDir(name, maybeStale);
        else this.badFile(full);
        continue;
      }
      const job = jobOfSpoolName(name);
      if (job) maybeStale.set(name, job);
      else this.badFile(full);
    }
    if (maybeStale.size > 0) await this.removeStale(pool, maybeStale);
  }

  /** `<cluster % 10000>/`: `<proc % 10000>/` directories of job directories, or a cluster's own files. */
  private checkClusterDir(clusterName: string, maybeStale: Map<string, JobKey>): void {
    const clusterDir = path.join(this.spool, clusterName);
    let good = false;
    for (const name of fs.readdirSync(clusterDir).sort()) {
      const full = path.join(clusterDir, name);
      if (isJobSubdir(name)) {
        const stat = fs.lstatSync(full);
        if (!stat.isDirectory()) {
          this.badFile(full);
          continue;
        }
        good = true;
        for (const entry of fs.readdirSync(full).sort()) {
          const job = jobOfSpoolName(entry);
          if (job) maybeStale.set(path.join(clusterName, name, entry), job);
          else this.badFile(path.join(full, entry));
        }
      } else {
        const job = jobOfSpoolName(name);
        if (job) {
          maybeStale.set(path.join(clusterName, name), job);
          good = true;
        } else {
          this.badFile(full);
        }
      }
    }
    // A directory that may hold a job's files can never be stale itself: a later job may use it.
    if (good) this.good(clusterDir);
  }

  /** Asks the schedd which of the jobs are still queued; without its answer nothing is judged stale. */
  private async removeStale(pool: PoolConfig, maybeStale: Map<string, JobKey>): Promise<void> {
    const jobs = new Set([...maybeStale.values()].map((job) => job.cluster)).size;
    this.log.info(`Found files for ${jobs} jobs. Asking schedd if the jobs are still present`);
    let queued: JobKey[];
    try {
      const reply = await connectSchedd(pool).jobs({ constraint: clusterConstraint(maybeStale) });
      queued = reply.ads.map((stored) => {
        const ad = ClassAd.fromJSON(stored);
        return { cluster: ad.getInt('ClusterId') ?? -1, proc: ad.getInt('ProcId') ?? -1 };
      });
    } catch (err) {
      this.log.info(`Can't connect to schedd: ${scheddErrorMessage(err) ?? (err as Error).message}`);
      this.log.info("Assuming all job id's are still current");
      return;
    }
    const stale = staleFiles(maybeStale, queued);
    if (stale.length === 0) {
      this.log.info("All job id's are still current");
      return;
    }
    this.log.info(`Deleting files for ${new Set(stale.map((file) => maybeStale.get(file)?.cluster)).size} jobs no longer in the local schedd`);
    for (const file of stale) this.badFile(path.join(this.spool, file));
  }

  /**
   * check_cleanup_dir: each job's clean-up directory under SPOOL/checkpoint-cleanup/<Owner>/ retried, at most
   * MAX_CHECKPOINT_CLEANUP_PROCS at a time, each within PREEN_CHECKPOINT_CLEANUP_TIMEOUT (checked between
   * plug-in runs, each of which CHECKPOINT_CLEANUP_TIMEOUT bounds); what failed is reported.
   */
  async checkCleanupDir(cleanup: CheckpointCleanup, maxProcs: number, timeoutSeconds: number): Promise<void> {
    const root = path.join(this.spool, 'checkpoint-cleanup');
    if (!fs.existsSync(root)) return;
    const targets: string[] = [];
    for (const owner of fs.readdirSync(root, { withFileTypes: true })) {
      if (!owner.isDirectory()) continue;
      for (const job of fs.readdirSync(path.join(root, owner.name), { withFileTypes: true })) {
        if (job.isDirectory()) targets.push(path.join(root, owner.name, job.name));
      }
    }
    let next = 0;
    const worker = async () => {
      while (next < targets.length) {
        const target = targets[next++];
        let message: string | undefined;
        try {
          message = await cleanup.retry(target, Date.now() + timeoutSeconds * 1000);
        } catch (err) {
          message = (err as Error).message;
        }
        if (message !== undefined) {
          this.log.info(`${target}: ${message}`);
          this.bad.push(`${target} - ${message}\n`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(maxProcs, targets.length)) }, worker));
  }
}

export async function condorPreen(args: string[], io: CommandIo): Promise<number> {
  const options = parseArgs(args);
  if (options === 'usage') {
    io.stderr(USAGE);
    return 1;
  }
  if (options === 'mail') {
    io.stderr('condor_preen: -mail is not implemented by tinycondor (it sends no mail to PREEN_ADMIN); run condor_preen without -mail to have its report on standard output.\n');
    return 1;
  }
  const destination = options.logFile !== undefined ? pino.destination({ dest: options.logFile, sync: true, append: true }) : pino.destination({ dest: 2, sync: true });
  const log = pino({ level: options.debug || options.logFile !== undefined || options.verbose ? 'info' : 'silent', base: { pid: process.pid } }, destination);
  const pool = loadPoolConfig(io.env);
  const spool = pool.value('SPOOL');
  if (spool === undefined || spool === '') throw new CliError('ERROR: SPOOL not specified in config file');
  log.info('********************************');
  log.info(`STARTING: condor_preen PID: ${process.pid}`);
  log.info('********************************');
  const preen = new Preen(spool, options, io, log);
  const validSpoolFiles = [...SYSTEM_VALID_SPOOL_FILES, ...splitList(pool.value('VALID_SPOOL_FILES') ?? '')];
  await preen.checkSpoolDir(pool, validSpoolFiles);
  const jobUsers = new JobUsers();
  const cleanup = new CheckpointCleanup({
    spoolDir: spool,
    mapFile: () => pool.value('CHECKPOINT_DESTINATION_MAPFILE') ?? path.join(pool.value('LOCAL_DIR') ?? path.dirname(spool), 'checkpoint-destination-mapfile'),
    config: () => pool.config,
    // The pool's condor_config names LIBEXEC (where cleanup_locally_mounted_checkpoint is).
    libexecDir: pool.value('LIBEXEC'),
    pluginTimeoutSeconds: () => nonNegativeInteger(pool, 'CHECKPOINT_CLEANUP_TIMEOUT', 20, log),
    extraCheckpoints: () => nonNegativeInteger(pool, 'DEFAULT_NUM_EXTRA_CHECKPOINTS', 1, log),
    userOf: (owner) => (/^(false|no|0)$/i.test(pool.value('RUN_CLEANUP_PLUGINS_AS_OWNER')?.trim() ?? '') ? undefined : jobUsers.of(owner)),
    log,
  });
  await preen.checkCleanupDir(cleanup, nonNegativeInteger(pool, 'MAX_CHECKPOINT_CLEANUP_PROCS', 100, log), nonNegativeInteger(pool, 'PREEN_CHECKPOINT_CLEANUP_TIMEOUT', 300, log));
  // preen_report: the findings on stdout (send_email with MailFlag unset).
  if (preen.bad.length > 0) {
    for (const line of preen.bad) log.info(line);
    log.info(`Results: ${preen.bad.length} file${preen.bad.length > 1 ? 's' : ''} preened`);
    log.info(`The condor_preen process has found the following stale condor files on <${os.hostname()}>:\n\n`);
    for (const line of preen.bad) io.stdout(`  ${line}\n`);
  } else {
    log.info('Results: No files preened');
  }
  log.info('********************************');
  log.info(`ENDING: condor_preen PID: ${process.pid} STATUS: 0`);
  log.info('********************************');
  return 0;
}
