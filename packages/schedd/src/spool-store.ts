import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { jobSpoolDir, jobSpoolSwapDir, jobSpoolTmpDir, SPOOL_COMMIT_MARKER, SPOOL_COMMIT_MARKER_CONTENT } from '@tinycondor/shared/spool-paths';
import { extractTarSafely, type ExtractResult } from '@tinycondor/transfer/tar/index';
import { spoolSpaceRefusal } from '@tinycondor/shared/disk-reserve';
import { failureFileName, manifestFileName, manifestToRestore, validateManifest } from '@tinycondor/shared/checkpoint-manifest';
import { PRIVATE_DIR_MODE } from './pool-permissions.js';

/** Event logs of spooled jobs (see userLogPath). */
const USER_LOG_DIR = 'user-logs';

function fsyncPath(target: string): void {
  const fd = fs.openSync(target, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Staging directories kept for reuse; more concurrent transfers than this create and remove their own. */
const MAX_IDLE_STAGING_DIRS = 64;

/** The only code that writes under SPOOL. */
export class SpoolStore {
  /** `SPOOL/incoming/N`: output transfers land here before they are placed in the submit directory. */
  private readonly stagingRoot: string;
  private readonly idleStaging: string[] = [];
  private stagingCount = 0;
  /**
   * The last commit started per job (by its staging path). A transfer of the same job waits for the one
   * before it: a retry can arrive while the attempt it replaces is still failing, and both use one `.tmp`.
   */
  private readonly commitChains = new Map<string, Promise<unknown>>();

  constructor(
    readonly spoolDir: string,
    /** RESERVED_DISK (MB) kept free on the SPOOL filesystem (spaceRefusal). */
    private readonly reservedDiskMb = 0,
  ) {
    fs.mkdirSync(spoolDir, { recursive: true, mode: PRIVATE_DIR_MODE });
    this.stagingRoot = path.join(spoolDir, 'incoming');
    // Transfers a crash cut off: their runs are reported again and their outputs sent again.
    fs.rmSync(this.stagingRoot, { recursive: true, force: true });
    fs.mkdirSync(path.join(spoolDir, USER_LOG_DIR), { recursive: true, mode: PRIVATE_DIR_MODE });
    fs.chmodSync(path.join(spoolDir, USER_LOG_DIR), PRIVATE_DIR_MODE);
  }

  /**
   * Where the schedd keeps the event log of spooled jobs whose submitter named `submitterPath` (a path on
   * the submit host): one file per such path, so that clusters submitted with the same log append to one
   * log, as they would on a shared filesystem; `condor_wait` mirrors it back byte for byte.
   */
  userLogPath(submitterPath: string): string {
    const digest = createHash('sha256').update(submitterPath).digest('hex').slice(0, 32);
    return path.join(this.spoolDir, USER_LOG_DIR, `${digest}.log`);
  }

  /** Where the event logs of spooled jobs are kept (see userLogPath). */
  get userLogsDir(): string {
    return path.join(this.spoolDir, USER_LOG_DIR);
  }

  /** Output of a spooled job, kept until `condor_transfer_data` fetches it (beside the checkpoint directory). */
  resultsDir(cluster: number, proc: number): string {
    return `${this.jobDir(cluster, proc)}.results`;
  }

  /** Moves received output into the job's results directory, each entry replacing its namesake. */
  keepResults(cluster: number, proc: number, stagingDir: string, names: string[]): void {
    const results = this.resultsDir(cluster, proc);
    fs.mkdirSync(results, { recursive: true, mode: PRIVATE_DIR_MODE });
    for (const name of names) {
      const target = path.join(results, name);
      fs.rmSync(target, { recursive: true, force: true });
      fs.renameSync(path.join(stagingDir, name), target);
    }
    fsyncPath(results);
  }

  /**
   * Where a spooled job's streamed stdout or stderr (`name`, its sandbox name) is written as the job runs:
   * among its results, which condor_transfer_data fetches (the directory is made if need be).
   */
  streamedResult(cluster: number, proc: number, name: string): string {
    const results = this.resultsDir(cluster, proc);
    fs.mkdirSync(results, { recursive: true, mode: PRIVATE_DIR_MODE });
    return path.join(results, name);
  }

  /** Entries of the results directory (empty when the job produced none or never ran). */
  resultEntries(cluster: number, proc: number): string[] {
    return safeReaddir(this.resultsDir(cluster, proc)).sort();
  }

  /** Why a transfer into SPOOL must be refused now (the filesystem is below RESERVED_DISK), else undefined. */
  spaceRefusal(): string | undefined {
    const stat = fs.statfsSync(this.spoolDir);
    return spoolSpaceRefusal(stat.bavail * stat.bsize, this.reservedDiskMb);
  }

  jobDir(cluster: number, proc: number): string {
    return jobSpoolDir(this.spoolDir, cluster, proc);
  }

  /** Entries committed in the job's SPOOL directory (restored into every new sandbox). */
  committedEntries(cluster: number, proc: number): string[] {
    try {
      return fs.readdirSync(this.jobDir(cluster, proc)).sort();
    } catch {
      return [];
    }
  }

  /**
   * What a new sandbox of the job gets from SPOOL: every committed entry; for a job whose checkpoints are
   * kept at a checkpoint_destination, only the newest MANIFEST that validates (the files are fetched from
   * the destination by the execute side).
   */
  entriesToRestore(cluster: number, proc: number, atDestination: boolean): string[] {
    const committed = this.committedEntries(cluster, proc);
    if (!atDestination) return committed;
    const dir = this.jobDir(cluster, proc);
    const readable = (name: string): string => {
      try {
        return fs.readFileSync(path.join(dir, name), 'utf8');
      } catch {
        return '';
      }
    };
    const manifest = manifestToRestore(committed, (name) => validateManifest(readable(name), path.join(dir, name)));
    return manifest === undefined ? [] : [manifest];
  }

  /**
   * Gives up a checkpoint kept at its checkpoint_destination (the shadow's deleteCheckpoint): its MANIFEST
   * becomes a FAILURE file, so no restore picks it again (a later clean-up still finds what to delete).
   */
  failCheckpoint(cluster: number, proc: number, checkpointNumber: number): void {
    const dir = this.jobDir(cluster, proc);
    try {
      fs.renameSync(path.join(dir, manifestFileName(checkpointNumber)), path.join(dir, failureFileName(checkpointNumber)));
    } catch (err) {
      // No MANIFEST (already given up): nothing to rename, as the shadow shrugs it off.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      return;
    }
    fsyncPath(dir);
  }

  /**
   * Receives a checkpoint (or files sent at eviction) and commits it into the job's SPOOL directory the
   * way HTCondor does: everything lands in `….tmp` first; only a complete transfer gets the commit marker;
   * then each entry replaces its namesake (the old one parked in `….swap` until the end). A cut or
   * corrupt transfer therefore never touches the committed checkpoint.
   */
  async receiveAndCommit(cluster: number, proc: number, source: Readable, incremental = false): Promise<ExtractResult> {
    const tmp = jobSpoolTmpDir(this.spoolDir, cluster, proc);
    const previous = this.commitChains.get(tmp);
    // Whether the transfer before succeeded or failed, this one starts after it.
    const commit = (previous ?? Promise.resolve()).catch(() => undefined).then(() => this.commitNow(cluster, proc, tmp, source, incremental));
    this.commitChains.set(tmp, commit);
    try {
      return await commit;
    } finally {
      if (this.commitChains.get(tmp) === commit) this.commitChains.delete(tmp);
    }
  }

  /**
   * `incremental`: the archive's link entries are hard links to the committed checkpoint's files, so the
   * new checkpoint in `….tmp` is whole and its commit is the same as a full one's.
   */
  private async commitNow(cluster: number, proc: number, tmp: string, source: Readable, incremental: boolean): Promise<ExtractResult> {
    this.finishInterruptedCommit(cluster, proc);
    fs.rmSync(tmp, { recursive: true, force: true });
    // The `<cluster % 10000>/<proc % 10000>` parents, which the extraction would otherwise create 0755.
    fs.mkdirSync(path.dirname(tmp), { recursive: true, mode: PRIVATE_DIR_MODE });
    let received: ExtractResult;
    try {
      received = await extractTarSafely(source, tmp, {
        createDest: true,
        durable: true,
        withheldTopLevelNames: [SPOOL_COMMIT_MARKER],
        linkBase: incremental ? this.jobDir(cluster, proc) : undefined,
      });
      writeCommitMarker(tmp);
    } catch (err) {
      fs.rmSync(tmp, { recursive: true, force: true });
      throw err;
    }
    this.finishInterruptedCommit(cluster, proc);
    return received;
  }

  /**
   * Rolls a commit forward when the schedd's marker is there, else discards the partial transfer
   * (CommitFiles). Safe to repeat: an interrupted commit is finished by the next call.
   */
  finishInterruptedCommit(cluster: number, proc: number): void {
    const tmp = jobSpoolTmpDir(this.spoolDir, cluster, proc);
    if (!fs.existsSync(tmp)) {
      // Checked first: rmSync of a missing directory costs more than the check, and this runs at every match.
      const swap = jobSpoolSwapDir(this.spoolDir, cluster, proc);
      if (fs.existsSync(swap)) fs.rmSync(swap, { recursive: true, force: true });
      return;
    }
    if (hasCommitMarker(tmp)) {
      const dir = this.jobDir(cluster, proc);
      const swap = jobSpoolSwapDir(this.spoolDir, cluster, proc);
      fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
      fs.mkdirSync(swap, { recursive: true, mode: PRIVATE_DIR_MODE });
      for (const name of fs.readdirSync(tmp)) {
        if (name === SPOOL_COMMIT_MARKER) continue;
        const target = path.join(dir, name);
        if (fs.existsSync(target)) {
          const parked = path.join(swap, name);
          fs.rmSync(parked, { recursive: true, force: true });
          fs.renameSync(target, parked);
        }
        fs.renameSync(path.join(tmp, name), target);
      }
      fsyncPath(dir);
      fs.rmSync(swap, { recursive: true, force: true });
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  /** At start: finish or discard every commit a crash interrupted. */
  finishAllInterruptedCommits(): number {
    let finished = 0;
    for (const clusterDir of safeReaddir(this.spoolDir)) {
      for (const procDir of safeReaddir(path.join(this.spoolDir, clusterDir))) {
        for (const name of safeReaddir(path.join(this.spoolDir, clusterDir, procDir))) {
          const m = /^cluster(\d+)\.proc(\d+)\.subproc0\.tmp$/.exec(name);
          if (!m) continue;
          this.finishInterruptedCommit(Number(m[1]), Number(m[2]));
          finished += 1;
        }
      }
    }
    return finished;
  }

  /**
   * An empty directory for receiving a job's output before it is placed. Emptied directories are reused:
   * creating and removing a directory per job (and the job's SPOOL parents) costs milliseconds on some disks.
   */
  acquireStagingDir(): string {
    const reused = this.idleStaging.pop();
    if (reused !== undefined) return reused;
    const dir = path.join(this.stagingRoot, String(++this.stagingCount));
    fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    return dir;
  }

  /** Empties a staging directory (whatever was not placed) and keeps it for the next transfer. */
  releaseStagingDir(dir: string): void {
    try {
      for (const name of fs.readdirSync(dir)) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
    } catch {
      fs.rmSync(dir, { recursive: true, force: true });
      return;
    }
    if (this.idleStaging.length < MAX_IDLE_STAGING_DIRS) this.idleStaging.push(dir);
    else fs.rmSync(dir, { recursive: true, force: true });
  }

  /**
   * Whether the job may have anything in SPOOL (committed files, or a commit to finish): false when not even
   * the `<cluster % 10000>/<proc % 10000>` directory exists, as for most jobs. One stat, no exception.
   */
  mayHoldJobFiles(cluster: number, proc: number): boolean {
    return fs.existsSync(path.dirname(this.jobDir(cluster, proc)));
  }

  /** Removes the job's directories and the per-cluster/per-proc parents once empty (removeJobSpoolDirectory). */
  removeJobDir(cluster: number, proc: number): void {
    if (!this.mayHoldJobFiles(cluster, proc)) return;
    const dir = this.jobDir(cluster, proc);
    for (const d of [dir, jobSpoolTmpDir(this.spoolDir, cluster, proc), jobSpoolSwapDir(this.spoolDir, cluster, proc), `${dir}.results`]) {
      fs.rmSync(d, { recursive: true, force: true });
    }
    for (const parent of [path.dirname(dir), path.dirname(path.dirname(dir))]) {
      try {
        fs.rmdirSync(parent);
      } catch {
        return; // not empty (other jobs) or already gone
      }
    }
  }
}

/** Vouches for a whole, durable transfer in `tmp`: written and fsynced only after the extraction's own fsyncs. */
function writeCommitMarker(tmp: string): void {
  const marker = path.join(tmp, SPOOL_COMMIT_MARKER);
  const fd = fs.openSync(marker, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600);
  try {
    fs.writeSync(fd, SPOOL_COMMIT_MARKER_CONTENT);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fsyncPath(tmp);
}

/** Whether `tmp` holds the marker the schedd writes (a regular file with its exact content), not a forgery. */
function hasCommitMarker(tmp: string): boolean {
  const marker = path.join(tmp, SPOOL_COMMIT_MARKER);
  let fd: number;
  try {
    fd = fs.openSync(marker, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch {
    return false;
  }
  try {
    const stat = fs.fstatSync(fd);
    const expected = Buffer.from(SPOOL_COMMIT_MARKER_CONTENT);
    if (!stat.isFile() || stat.size !== expected.length) return false;
    const content = Buffer.alloc(expected.length);
    return fs.readSync(fd, content, 0, content.length, 0) === content.length && content.equals(expected);
  } finally {
    fs.closeSync(fd);
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
