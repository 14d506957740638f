// checkpoint_destination on the execute side, as HTCondor's starter does it: a checkpoint's files go to
// the destination through the plugins and only their MANIFEST goes to SPOOL; a restore fetches the files
// the MANIFEST it was given lists, and checks them against it before the job starts.
import fs from 'node:fs';
import path from 'node:path';
import type { ClassAd } from '@tinycondor/shared/classad/index';
import {
  buildManifest,
  checkpointDownloadUrl,
  checkpointUploadUrl,
  failureFileName,
  fileMismatch,
  manifestEntries,
  manifestFileName,
  manifestNumber,
  validateManifest,
  type ManifestEntry,
} from '@tinycondor/shared/checkpoint-manifest';
import type { PluginFailure, UrlTransfer } from '@tinycondor/shared/url-transfer';
import { fileSha256 } from '@tinycondor/transfer/file-sha256';
import { daemonRights, type FileRights } from '@tinycondor/shared/file-rights';
import type { PackEntry } from '@tinycondor/transfer/tar/index';
import { transferUrls, type PluginSettings, type UrlTransferRun } from './transfer-plugins.js';

/** The destination a job's checkpoints go to, when it names one. */
export function checkpointDestination(ad: Pick<ClassAd, 'getString'>): string | undefined {
  const destination = ad.getString('CheckpointDestination');
  return destination === undefined || destination === '' ? undefined : destination;
}

/**
 * The regular files of the checkpoint's entries, directories walked (their names below the entry's), links
 * followed, with each entry's rights (its user's: the selection checked its symlinks with them already).
 */
function checkpointFiles(entries: readonly PackEntry[]): { name: string; source: string; rights: FileRights }[] {
  const files: { name: string; source: string; rights: FileRights }[] = [];
  const visit = (name: string, source: string, rights: FileRights) => {
    const stat = rights(() => fs.statSync(source));
    if (stat.isDirectory()) {
      for (const child of rights(() => fs.readdirSync(source)).sort()) visit(`${name}/${child}`, path.join(source, child), rights);
    } else if (stat.isFile()) {
      files.push({ name, source, rights });
    }
  };
  for (const entry of entries) visit(entry.name, entry.source, entry.rights ?? daemonRights);
  return files;
}

/** How a checkpoint's upload to its destination went. */
export type UploadOutcome =
  /** Its files are there; its MANIFEST, in the sandbox, goes to SPOOL. */
  | { kind: 'uploaded'; manifest: PackEntry }
  /**
   * The plugin ran but failed some files (DoDownload's deferred checkpoint error): what it uploaded may be
   * there, so the MANIFEST still goes to SPOOL, already named `_condor_checkpoint_FAILURE.NNNN` (what the
   * shadow's deleteCheckpoint renames it to), for the clean-up to delete those files. The job goes on.
   */
  | { kind: 'failed'; failureFile: PackEntry; failure: PluginFailure }
  /** The plugin itself failed (could not run, exited non-zero, timed out): no MANIFEST; the job is held. */
  | { kind: 'broken'; failure: PluginFailure };

/**
 * Uploads checkpoint `checkpointNumber`'s files to `<destination>/<GlobalJobId>/<NNNN>/` and writes its
 * MANIFEST (or, when files failed, its FAILURE file) in the sandbox: what SPOOL is sent.
 */
export async function uploadCheckpointFiles(
  entries: readonly PackEntry[],
  destination: string,
  globalJobId: string,
  checkpointNumber: number,
  settings: PluginSettings,
  run: UrlTransferRun,
): Promise<UploadOutcome> {
  const files = checkpointFiles(entries);
  const listed: ManifestEntry[] = [];
  for (const file of files) listed.push({ name: file.name, sha256: await fileSha256(file.source, file.rights) });
  const uploads: UrlTransfer[] = files.map((file) => ({ url: checkpointUploadUrl(destination, globalJobId, checkpointNumber, file.name), localFileName: file.source }));
  const failure = uploads.length === 0 ? undefined : await transferUrls(uploads, true, settings, run);
  if (failure !== undefined && failure.filesOnly !== true) return { kind: 'broken', failure };
  const name = failure === undefined ? manifestFileName(checkpointNumber) : failureFileName(checkpointNumber);
  const source = path.join(run.sandbox, name);
  fs.writeFileSync(source, buildManifest(listed, checkpointNumber));
  return failure === undefined ? { kind: 'uploaded', manifest: { name, source } } : { kind: 'failed', failureFile: { name, source }, failure };
}

/** How the restore of a checkpoint from its destination went. */
export type RestoreOutcome =
  | { kind: 'none' }
  | { kind: 'restored'; checkpoint: number }
  /** The plugins failed to fetch a file: an input transfer failure. */
  | { kind: 'failed'; failure: PluginFailure }
  /** What arrived does not match the manifest: the starter's "Invalid MANIFEST file" or a file's checksum. */
  | { kind: 'invalid'; checkpoint: number; message: string };

/**
 * The files the MANIFEST in the sandbox (sent from SPOOL) lists, fetched from the destination along with
 * the job's URL inputs (one invocation per plugin, as DoDownload defers them all), then checked against it;
 * the MANIFEST is removed once they match.
 */
export async function restoreCheckpointFiles(
  ad: Pick<ClassAd, 'getString'>,
  urlInputs: readonly UrlTransfer[],
  settings: PluginSettings,
  run: UrlTransferRun,
  rights: FileRights = daemonRights,
): Promise<RestoreOutcome> {
  const destination = checkpointDestination(ad);
  const manifestName = destination === undefined ? undefined : fs.readdirSync(run.sandbox).filter((name) => manifestNumber(name) >= 0).sort().pop();
  if (destination === undefined || manifestName === undefined) {
    const failure = urlInputs.length === 0 ? undefined : await transferUrls(urlInputs, false, settings, run);
    return failure === undefined ? { kind: 'none' } : { kind: 'failed', failure };
  }
  const checkpoint = manifestNumber(manifestName);
  const manifestPath = path.join(run.sandbox, manifestName);
  const text = fs.readFileSync(manifestPath, 'utf8');
  const listed = manifestEntries(text);
  const globalJobId = ad.getString('GlobalJobId') ?? '';
  const downloads = listed.map((entry) => {
    const localFileName = path.join(run.sandbox, entry.name);
    fs.mkdirSync(path.dirname(localFileName), { recursive: true });
    return { url: checkpointDownloadUrl(destination, globalJobId, checkpoint, entry.name), localFileName };
  });
  const failure = await transferUrls([...urlInputs, ...downloads], false, settings, run);
  if (failure !== undefined) return { kind: 'failed', failure };
  // A plugin may have changed what arrived, the manifest included (HTCondor's test plugins do).
  if (!validateManifest(fs.readFileSync(manifestPath, 'utf8'), manifestPath)) return { kind: 'invalid', checkpoint, message: 'Invalid MANIFEST file, aborting.' };
  for (const entry of listed) {
    const file = path.join(run.sandbox, entry.name);
    // Read as the job's user: what a plugin left there (a symlink, say) is not read with root's rights.
    const actual = rights(() => fs.existsSync(file)) ? await fileSha256(file, rights).catch(() => undefined) : undefined;
    const mismatch = fileMismatch(entry, actual);
    if (mismatch !== undefined) return { kind: 'invalid', checkpoint, message: `${mismatch}, aborting.` };
  }
  fs.rmSync(manifestPath);
  return { kind: 'restored', checkpoint };
}
