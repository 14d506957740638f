// Deleting checkpoints kept at a checkpoint_destination, as HTCondor's schedd and shadow do
// (checkpoint_cleanup_utils.cpp, condor_manifest deleteFilesStoredAt, pseudo_ops.cpp): the MANIFESTs of
// the checkpoints to delete leave the job's SPOOL directory for SPOOL/checkpoint-cleanup/<Owner>/<job>/
// with a copy of the job ad, then the clean-up plug-in CHECKPOINT_DESTINATION_MAPFILE names for the
// destination is run for each file each MANIFEST lists, and each MANIFEST whose files are gone is removed.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { ClassAd } from '@tinycondor/shared/classad/index';
import { checkpointFile, checkpointLocation, failureFileName, manifestEntries, manifestFileName } from '@tinycondor/shared/checkpoint-manifest';
import { checkpointsToKeep, cleanupCommand } from '@tinycondor/shared/checkpoint-mapfile';
import type { CondorConfig } from '@tinycondor/shared/condor-config';
import { readMapFile } from '@tinycondor/shared/map-file';
import type { JobUser } from '@tinycondor/shared/job-user';
import { runPluginProcess } from '@tinycondor/transfer/plugin-process';
import { mapFileSources } from './user-maps.js';

/** The copy of the job ad beside a job's MANIFESTs in its clean-up directory (the plug-ins' -jobad). */
const JOB_AD = '.job.ad';

/** What the clean-up needs of the pool's configuration and its machine. */
export interface CheckpointCleanupSettings {
  spoolDir: string;
  /** CHECKPOINT_DESTINATION_MAPFILE (default $(LOCAL_DIR)/checkpoint-destination-mapfile). */
  mapFile(): string;
  /** The pool's configuration: a directory the map file includes is read less LOCAL_CONFIG_DIR_EXCLUDE_REGEXP's names. */
  config(): CondorConfig | undefined;
  /** LIBEXEC: where a plug-in named by a relative path is. */
  libexecDir: string | undefined;
  /** CHECKPOINT_CLEANUP_TIMEOUT (seconds, default 20) for each plug-in run. */
  pluginTimeoutSeconds(): number;
  /** DEFAULT_NUM_EXTRA_CHECKPOINTS (default 1): successful checkpoints kept beyond the newest. */
  extraCheckpoints(): number;
  /** Whom a plug-in runs as (RUN_CLEANUP_PLUGINS_AS_OWNER): the job's owner when the schedd is root. */
  userOf(owner: string | undefined): JobUser | undefined;
  log: Logger;
}

/** A checkpoint to delete: its MANIFEST (or FAILURE file, for one that failed: missing files are fine then). */
interface StoredCheckpoint {
  number: number;
  manifestPath: string;
  failed: boolean;
}

export class CheckpointCleanup {
  /** Clean-ups running, so that a schedd stopping (or a test) can wait for them. */
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly settings: CheckpointCleanupSettings) {}

  /**
   * A checkpoint was committed: every MANIFEST but the newest 1 + DEFAULT_NUM_EXTRA_CHECKPOINTS, and every
   * FAILURE file, goes to clean-up (the shadow's handling of a successful checkpoint).
   */
  afterCheckpoint(ad: ClassAd, jobDir: string): void {
    const numbers = this.checkpointFiles(jobDir)
      .filter((f) => f.kind === 'MANIFEST')
      .map((f) => f.number);
    this.cleanUp(ad, jobDir, checkpointsToKeep(numbers, this.settings.extraCheckpoints()));
  }

  /** The job leaves the queue: all its checkpoints go (Scheduler::doCheckpointCleanUp), before SPOOL is removed. */
  jobLeftQueue(ad: ClassAd, jobDir: string): void {
    this.cleanUp(ad, jobDir, new Set());
  }

  /**
   * A checkpoint was given up (its MANIFEST renamed to FAILURE in SPOOL): its files are deleted where it is,
   * tolerating missing ones (the shadow's deleteCheckpoint).
   */
  failedCheckpoint(ad: ClassAd, jobDir: string, checkpointNumber: number): void {
    const destination = ad.getString('CheckpointDestination');
    const failure = path.join(jobDir, failureFileName(checkpointNumber));
    // No FAILURE file (no MANIFEST was written): nothing says what to delete, as deleteCheckpoint gives up.
    if (destination === undefined || destination === '' || !fs.existsSync(failure)) return;
    this.track(this.deleteCheckpoints(ad, destination, [{ number: checkpointNumber, manifestPath: failure, failed: true }], jobDir).then(() => undefined));
  }

  /** Resolves when the clean-ups started so far are over. */
  async settled(): Promise<void> {
    await Promise.all([...this.running]);
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch((err: unknown) => this.settings.log.error({ err }, 'checkpoint clean-up failed')).finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  private checkpointFiles(dir: string): { name: string; kind: string; number: number }[] {
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      return [];
    }
    return names.flatMap((name) => {
      const file = checkpointFile(name);
      return file ? [{ name, ...file }] : [];
    });
  }

  /** moveCheckpointsToCleanupDirectory, then the deletion of checkpoints 0 … CheckpointNumber (condor_manifest's range). */
  private cleanUp(ad: ClassAd, jobDir: string, keep: ReadonlySet<number>): void {
    const destination = ad.getString('CheckpointDestination');
    if (destination === undefined || destination === '') return;
    const moving = this.checkpointFiles(jobDir).filter((f) => !(f.kind === 'MANIFEST' && keep.has(f.number)));
    if (moving.length === 0) return;
    const owner = ad.getString('Owner') ?? 'nobody';
    const target = path.join(this.settings.spoolDir, 'checkpoint-cleanup', owner, path.basename(jobDir));
    fs.mkdirSync(target, { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(target, JOB_AD), ad.toText());
    for (const file of moving) fs.renameSync(path.join(jobDir, file.name), path.join(target, file.name));
    const highest = Math.max(ad.getInt('CheckpointNumber') ?? 0, ...moving.map((f) => f.number));
    this.track(this.deleteRange(ad, destination, target, highest).then(() => undefined));
  }

  /**
   * The deletion of checkpoints 0 … `highest` whose MANIFEST or FAILURE file is in `target` (a clean-up
   * directory), then of the directory once only the job ad is left. Returns why a deletion stopped, if one did.
   */
  private async deleteRange(ad: ClassAd, destination: string, target: string, highest: number, deadline?: number): Promise<string[]> {
    const jobAdPath = path.join(target, JOB_AD);
    const checkpoints: StoredCheckpoint[] = [];
    for (let i = 0; i <= highest; i++) {
      const manifest = path.join(target, manifestFileName(i));
      const failure = path.join(target, failureFileName(i));
      if (fs.existsSync(manifest)) checkpoints.push({ number: i, manifestPath: manifest, failed: false });
      else if (fs.existsSync(failure)) checkpoints.push({ number: i, manifestPath: failure, failed: true });
    }
    const errors = await this.deleteCheckpoints(ad, destination, checkpoints, jobAdPath, deadline);
    // Only the job ad left: the directory goes (condor_manifest's onlyTheLonely); another clean-up of the
    // same directory (the schedd's and condor_preen's) may have removed it first.
    try {
      if (fs.readdirSync(target).every((name) => name === JOB_AD)) {
        fs.rmSync(jobAdPath, { force: true });
        fs.rmdirSync(target);
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    return errors;
  }

  /**
   * condor_preen's check_cleanup_dir for one job's clean-up directory (`SPOOL/checkpoint-cleanup/<Owner>/<job>`):
   * its checkpoints' deletion started again from its `.job.ad` (spawnCheckpointCleanupProcess), as when a crash
   * or a failed plug-in cut the schedd's off. Returns what went wrong, in preen's and condor_manifest's words,
   * or undefined when everything is gone. A directory without a job ad is removed only when empty.
   */
  async retry(target: string, deadline?: number): Promise<string | undefined> {
    const jobAdPath = path.join(target, JOB_AD);
    let text: string;
    try {
      text = fs.readFileSync(jobAdPath, 'utf8');
    } catch {
      try {
        fs.rmdirSync(target);
        this.settings.log.info(`Removed empty orphan cleanup directory ${target}.`);
        return undefined;
      } catch {
        return `No .job.ad file found in ${target}, ignoring.`;
      }
    }
    let ad: ClassAd;
    try {
      ad = ClassAd.parseText(text);
    } catch {
      return `No ClassAd attributes found in file ${jobAdPath}, ignoring.`;
    }
    if (ad.size === 0) return `No ClassAd attributes found in file ${jobAdPath}, ignoring.`;
    const cluster = ad.getInt('ClusterId');
    if (cluster === undefined) return `Failed to find cluster ID in job ad (${jobAdPath}), ignoring.`;
    const proc = ad.getInt('ProcId');
    if (proc === undefined) return `Failed to find proc ID in job ad (${jobAdPath}), ignoring.`;
    const destination = ad.getString('CheckpointDestination');
    if (destination === undefined || destination === '' || ad.getString('Owner') === undefined) return `Failed to spawn cleanup process for ${cluster}.${proc}, ignoring.`;
    const command = this.cleanupFor(destination);
    if (typeof command === 'string') return `Failed to spawn cleanup process for ${cluster}.${proc}, ignoring. (${command})`;
    const numbers = this.checkpointFiles(target).map((f) => f.number);
    const highest = Math.max(ad.getInt('CheckpointNumber') ?? -1, ...numbers);
    const errors = await this.deleteRange(ad, destination, target, highest, deadline);
    return errors.length === 0 ? undefined : errors.join(' ');
  }

  /** Each checkpoint's files deleted (the map file read once for them all); a failure is logged, its MANIFEST kept. Returns the failures. */
  private async deleteCheckpoints(ad: ClassAd, destination: string, checkpoints: readonly StoredCheckpoint[], jobAdPath: string, deadline?: number): Promise<string[]> {
    if (checkpoints.length === 0) return [];
    const command = this.cleanupFor(destination);
    const user = this.settings.userOf(ad.getString('Owner'));
    const errors: string[] = [];
    for (const checkpoint of checkpoints) {
      if (deadline !== undefined && Date.now() > deadline) {
        errors.push('Timed out.');
        break;
      }
      const location = checkpointLocation(destination, ad.getString('GlobalJobId') ?? '', checkpoint.number);
      const error = await this.deleteStored(location, checkpoint, jobAdPath, command, user);
      if (error === undefined) continue;
      this.settings.log.warn({ checkpoint: checkpoint.number, location, error }, 'checkpoint clean-up failed; its MANIFEST stays for a later attempt');
      errors.push(error.trim());
    }
    return errors;
  }

  /**
   * manifest::deleteFilesStoredAt: the clean-up plug-in for each file the MANIFEST lists (`-from <location>
   * -delete <file> -jobad <ad>`), then the MANIFEST itself. Returns why it stopped, or undefined.
   */
  private async deleteStored(location: string, checkpoint: StoredCheckpoint, jobAdPath: string, command: string[] | string, user: JobUser | undefined): Promise<string | undefined> {
    let text: string;
    try {
      text = fs.readFileSync(checkpoint.manifestPath, 'utf8');
    } catch {
      return 'Failed to open MANIFEST, aborting.';
    }
    if (typeof command === 'string') return command;
    const [plugin, ...pluginArgs] = command;
    for (const entry of manifestEntries(text)) {
      const args = [...pluginArgs, '-from', location, '-delete', entry.name, '-jobad', jobAdPath, ...(checkpoint.failed ? ['-ignore-missing-files'] : [])];
      const error = await this.runPlugin(plugin, args, user);
      if (error !== undefined) return error;
    }
    fs.rmSync(checkpoint.manifestPath, { force: true });
    return undefined;
  }

  /** fetchCheckpointDestinationCleanup: the plug-in (LIBEXEC-relative unless absolute) and its arguments, or why none. */
  private cleanupFor(destination: string): string[] | string {
    const mapFile = this.settings.mapFile();
    const { map, problems } = readMapFile(mapFile, { prefix: true, sources: mapFileSources(this.settings.config()) });
    for (const line of problems) this.settings.log.warn(line);
    if (map === undefined) return `Failed to parse checkpoint destination map file (${mapFile}), aborting`;
    const command = cleanupCommand(map, destination);
    if (command === undefined || command.length === 0) return `Failed to find checkpoint destination ${destination} in map file, aborting`;
    const plugin = path.isAbsolute(command[0]) ? command[0] : path.join(this.settings.libexecDir ?? '', command[0]);
    if (!fs.existsSync(plugin)) return `Clean-up plug-in for '${destination}' (${plugin}) does not exist, aborting`;
    return [plugin, ...command.slice(1)];
  }

  /** One run of the clean-up plug-in; why it failed, in deleteFilesStoredAt's words, or undefined. */
  private async runPlugin(plugin: string, args: string[], user: JobUser | undefined): Promise<string | undefined> {
    const shown = [plugin, ...args].join(' ');
    const { end, output } = await runPluginProcess(plugin, args, { timeoutSeconds: this.settings.pluginTimeoutSeconds(), user });
    switch (end.kind) {
      case 'exit':
        return end.code === 0 ? undefined : `Failure running '${shown}': exit code was ${end.code}, aborting.\n(Output: '${output}')\n`;
      case 'signal':
        return `Failure running '${shown}': killed by signal ${end.signal}, aborting.\n(Output: '${output}')\n`;
      case 'timeout':
        return `Timed out after ${end.seconds} seconds waiting for '${shown}', aborting.\n(Partial output: '${output}')\n`;
      case 'exec-failed':
        return `Failed to run '${shown}': ${end.message}, aborting.`;
    }
  }
}
