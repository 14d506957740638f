import fs from 'node:fs';
import path from 'node:path';
import type { ClassAd } from '@tinycondor/shared/classad/index';
import type { PackEntry } from '@tinycondor/transfer/tar/index';
import { listItemEntries, readErrorOf, TransferReadError, untransferableSymlink } from '@tinycondor/transfer/symlinks';
import { daemonRights } from '@tinycondor/shared/file-rights';
import type { SandboxReader } from './job-file-rights.js';
import { outputUrl, type UrlTransfer } from '@tinycondor/shared/url-transfer';
import { INTERNAL_SANDBOX_FILES, STARTER_LOG_NAME, STDERR_NAME, STDOUT_NAME, manifestDirectory, preservesRelativePaths, splitFileList, streamedStdNames, transferListItem } from '@tinycondor/shared/transfer-files';
import { returnsStarterLog, starterLogExclusions } from '@tinycondor/shared/starter-log';

/** Name → (size, mtime) of the sandbox's top-level files, to tell what the job created or changed. */
export type SandboxSnapshot = Map<string, string>;

/** The startd's own rights, symlinks followed: the reader of a startd that runs jobs as itself. */
export const OWN_READER: SandboxReader = { rights: daemonRights, refusal: () => undefined };

function fingerprint(stat: fs.Stats): string {
  return `${stat.size}:${stat.mtimeMs}`;
}

/**
 * What a top-level name of the sandbox is as HTCondor's starter sees it (Directory, StatInfo: a symlink's
 * target): its stat, 'denied' when the job's user may not stat it (StatInfo then asks as condor, and the
 * file, found, fails to open as the user: here the up-front check fails it), or undefined when it is gone
 * or a symlink leading nowhere (StatInfo's SINoFile: left out, not an error).
 */
function statAsJob(reader: SandboxReader, file: string): fs.Stats | 'denied' | undefined {
  try {
    return reader.rights(() => fs.statSync(file, { throwIfNoEntry: false }));
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EACCES' ? 'denied' : undefined;
  }
}

export function snapshotSandbox(sandbox: string, reader: SandboxReader = OWN_READER): SandboxSnapshot {
  const snapshot: SandboxSnapshot = new Map();
  for (const name of reader.rights(() => fs.readdirSync(sandbox))) {
    const stat = statAsJob(reader, path.join(sandbox, name));
    if (stat !== undefined && stat !== 'denied' && stat.isFile()) snapshot.set(name, fingerprint(stat));
  }
  return snapshot;
}

export class OutputMissingError extends TransferReadError {
  constructor(readonly file: string) {
    super(file, 2, 'No such file or directory');
    this.name = 'OutputMissingError';
  }
}

/** Appends in a loop: push(...more) throws RangeError past ~120 000 items (a job's `out/` of many files). */
function appendAll(entries: PackEntry[], more: readonly PackEntry[]): void {
  for (const entry of more) entries.push(entry);
}

/** The entries read with the reader's rights, symlinks followed (HTCondor sends a symlink to a file as the file). */
function asJob(reader: SandboxReader, entries: { name: string; source: string }[]): PackEntry[] {
  return entries.map((entry) => ({ ...entry, rights: reader.rights, followSymlinks: { refusal: reader.refusal } }));
}

/** Entries not from a list, checked as listItemEntries checks those: a symlink that cannot be sent fails now. */
function checked(reader: SandboxReader, entries: { name: string; source: string }[]): PackEntry[] {
  for (const entry of entries) {
    const untransferable = untransferableSymlink(entry.source, reader.rights, reader.refusal);
    if (untransferable !== undefined) throw untransferable;
  }
  return asJob(reader, entries);
}

/**
 * The entries of a transfer list of the sandbox (each must exist), named as HTCondor names them
 * (transferListItem: basenames, a directory's contents for a trailing `/`, or with preserve_relative_paths
 * the relative paths).
 */
function listedEntries(ad: ClassAd, sandbox: string, list: string | undefined, reader: SandboxReader, uploadedFrom?: (name: string) => boolean): PackEntry[] {
  const entries: PackEntry[] = [];
  const keepPaths = preservesRelativePaths(ad);
  for (const listed of splitFileList(list)) {
    const item = transferListItem(listed, keepPaths);
    // A file the execution point uploads to a URL is its plugin's to open (and to miss).
    if (uploadedFrom?.(item.name)) {
      entries.push({ name: item.name, source: path.resolve(sandbox, item.source) });
      continue;
    }
    const source = path.resolve(sandbox, item.source);
    try {
      reader.rights(() => fs.statSync(source));
    } catch (err) {
      throw (err as NodeJS.ErrnoException).code === 'ENOENT' ? new OutputMissingError(source) : readErrorOf(source, err);
    }
    const found = listItemEntries(item, source, reader.rights, reader.refusal);
    if ('untransferable' in found) throw found.untransferable;
    appendAll(entries, asJob(reader, found));
  }
  return entries;
}

/**
 * The files to send back at exit: `transfer_output_files` when given (each must exist), else every
 * top-level file the job created or modified (HTCondor does not descend into directories then);
 * `_condor_stdout`/`_condor_stderr` always.
 */
export function selectOutputs(ad: ClassAd, sandbox: string, before: SandboxSnapshot, reader: SandboxReader = OWN_READER, uploadedFrom?: (name: string) => boolean): PackEntry[] {
  const entries = outputSet(ad, sandbox, before, reader, uploadedFrom);
  // JICShadow::transferOutputStart adds the starter log to an output transfer (at exit or eviction), not to a checkpoint.
  if (returnsStarterLog(ad) && !entries.some((entry) => entry.name === STARTER_LOG_NAME)) appendAll(entries, listedEntries(ad, sandbox, STARTER_LOG_NAME, reader));
  return entries;
}

/** The output set without the starter log's addition: what a checkpoint without transfer_checkpoint_files carries. */
function outputSet(ad: ClassAd, sandbox: string, before: SandboxSnapshot, reader: SandboxReader, uploadedFrom?: (name: string) => boolean): PackEntry[] {
  const entries: PackEntry[] = [];
  if (ad.has('TransferOutput')) appendAll(entries, listedEntries(ad, sandbox, ad.getString('TransferOutput'), reader, uploadedFrom));
  else {
    const changed: { name: string; source: string }[] = [];
    for (const name of reader.rights(() => fs.readdirSync(sandbox)).sort()) {
      if (INTERNAL_SANDBOX_FILES.has(name) || name === STDOUT_NAME || name === STDERR_NAME) continue;
      const source = path.join(sandbox, name);
      const stat = statAsJob(reader, source);
      if (stat === 'denied' || (stat?.isFile() && before.get(name) !== fingerprint(stat))) changed.push({ name, source });
    }
    appendAll(entries, checked(reader, changed));
  }
  // The manifest directory goes back with any output (JICShadow::recordSandboxContents' addToOutputFiles).
  const manifest = manifestDirectory(ad);
  if (manifest !== undefined && !entries.some((entry) => entry.name === manifest || entry.name.startsWith(`${manifest}/`)) && fs.existsSync(path.join(sandbox, manifest))) {
    appendAll(entries, listedEntries(ad, sandbox, manifest, reader));
  }
  appendAll(entries, stdEntries(ad, sandbox, reader));
  return withoutExcluded(ad, entries);
}

/** The entries without the files JICShadow::_remove_files_from_output excludes from outputs and checkpoints alike. */
function withoutExcluded(ad: ClassAd, entries: PackEntry[]): PackEntry[] {
  const excluded = starterLogExclusions(ad);
  return excluded.length === 0 ? entries : entries.filter((entry) => !excluded.includes(entry.name.split('/')[0]!));
}

/** `_condor_stdout`/`_condor_stderr` where the job wrote them, unless streamed to the submit side as they were written. */
function stdEntries(ad: ClassAd, sandbox: string, reader: SandboxReader): PackEntry[] {
  const streamed = streamedStdNames(ad);
  const present = (name: string) => reader.rights(() => fs.lstatSync(path.join(sandbox, name), { throwIfNoEntry: false })) !== undefined;
  return checked(reader, [STDOUT_NAME, STDERR_NAME].filter((name) => !streamed.has(name) && present(name)).map((name) => ({ name, source: path.join(sandbox, name) })));
}

/**
 * The final output split by destination: what the execution point uploads to URLs (output_destination,
 * remaps to URLs; a listed file there need not exist: its plugin reports it) and what goes back to the
 * access point.
 */
export function selectFinalOutputs(ad: ClassAd, sandbox: string, before: SandboxSnapshot, reader: SandboxReader = OWN_READER): { back: PackEntry[]; uploads: UrlTransfer[] } {
  const urlOf = (name: string) => outputUrl(name, ad);
  const back: PackEntry[] = [];
  const uploads: UrlTransfer[] = [];
  for (const entry of selectOutputs(ad, sandbox, before, reader, (name) => urlOf(name) !== undefined)) {
    const url = urlOf(entry.name);
    if (url === undefined) back.push(entry);
    else uploads.push({ url, localFileName: entry.source });
  }
  return { back, uploads };
}

/**
 * What a checkpoint carries: `transfer_checkpoint_files` (files and whole directories, each must exist,
 * named as outputs are) when given, else the output set; `_condor_stdout`/`_condor_stderr` always, so a restart elsewhere
 * continues the same stdout and stderr.
 */
export function selectCheckpointFiles(ad: ClassAd, sandbox: string, before: SandboxSnapshot, reader: SandboxReader = OWN_READER): PackEntry[] {
  if (!ad.has('TransferCheckpoint')) return outputSet(ad, sandbox, before, reader);
  const entries = listedEntries(ad, sandbox, ad.getString('TransferCheckpoint'), reader);
  appendAll(entries, stdEntries(ad, sandbox, reader));
  return withoutExcluded(ad, entries);
}
