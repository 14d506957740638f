import fs from 'node:fs';
import path from 'node:path';
import type { ClassAd } from '@tinycondor/shared/classad/index';
import type { PackEntry } from '@tinycondor/transfer/tar/index';
import { listItemEntries } from '@tinycondor/transfer/symlinks';
import { outputUrl, type UrlTransfer } from '@tinycondor/shared/url-transfer';
import { INTERNAL_SANDBOX_FILES, STDERR_NAME, STDOUT_NAME, preservesRelativePaths, splitFileList, streamedStdNames, transferListItem } from '@tinycondor/shared/transfer-files';

/** Name → (size, mtime) of the sandbox's top-level files, to tell what the job created or changed. */
export type SandboxSnapshot = Map<string, string>;

function fingerprint(stat: fs.Stats): string {
  return `${stat.size}:${stat.mtimeMs}`;
}

export function snapshotSandbox(sandbox: string): SandboxSnapshot {
  const snapshot: SandboxSnapshot = new Map();
  for (const name of fs.readdirSync(sandbox)) {
    const stat = fs.lstatSync(path.join(sandbox, name));
    if (stat.isFile()) snapshot.set(name, fingerprint(stat));
  }
  return snapshot;
}

export class OutputMissingError extends Error {
  constructor(readonly file: string) {
    super(`reading from file ${file}: (errno 2) No such file or directory`);
    this.name = 'OutputMissingError';
  }
}

/**
 * The entries of a transfer list of the sandbox (each must exist), named as HTCondor names them
 * (transferListItem: basenames, a directory's contents for a trailing `/`, or with preserve_relative_paths
 * the relative paths).
 */
function listedEntries(ad: ClassAd, sandbox: string, list: string | undefined, uploadedFrom?: (name: string) => boolean): PackEntry[] {
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
    if (!fs.existsSync(source)) throw new OutputMissingError(source);
    const found = listItemEntries(item, source);
    if ('untransferable' in found) throw new Error(found.untransferable);
    entries.push(...found);
  }
  return entries;
}

/**
 * The files to send back at exit: `transfer_output_files` when given (each must exist), else every
 * top-level file the job created or modified (HTCondor does not descend into directories then);
 * `_condor_stdout`/`_condor_stderr` always.
 */
export function selectOutputs(ad: ClassAd, sandbox: string, before: SandboxSnapshot, uploadedFrom?: (name: string) => boolean): PackEntry[] {
  const entries: PackEntry[] = [];
  if (ad.has('TransferOutput')) entries.push(...listedEntries(ad, sandbox, ad.getString('TransferOutput'), uploadedFrom));
  else {
    for (const name of fs.readdirSync(sandbox).sort()) {
      if (INTERNAL_SANDBOX_FILES.has(name) || name === STDOUT_NAME || name === STDERR_NAME) continue;
      const stat = fs.lstatSync(path.join(sandbox, name));
      if (stat.isFile() && before.get(name) !== fingerprint(stat)) entries.push({ name, source: path.join(sandbox, name) });
    }
  }
  entries.push(...stdEntries(ad, sandbox));
  return entries;
}

/** `_condor_stdout`/`_condor_stderr` where the job wrote them, unless streamed to the submit side as they were written. */
function stdEntries(ad: ClassAd, sandbox: string): PackEntry[] {
  const streamed = streamedStdNames(ad);
  return [STDOUT_NAME, STDERR_NAME].filter((name) => !streamed.has(name) && fs.existsSync(path.join(sandbox, name))).map((name) => ({ name, source: path.join(sandbox, name) }));
}

/**
 * The final output split by destination: what the execution point uploads to URLs (output_destination,
 * remaps to URLs; a listed file there need not exist: its plugin reports it) and what goes back to the
 * access point.
 */
export function selectFinalOutputs(ad: ClassAd, sandbox: string, before: SandboxSnapshot): { back: PackEntry[]; uploads: UrlTransfer[] } {
  const urlOf = (name: string) => outputUrl(name, ad);
  const back: PackEntry[] = [];
  const uploads: UrlTransfer[] = [];
  for (const entry of selectOutputs(ad, sandbox, before, (name) => urlOf(name) !== undefined)) {
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
export function selectCheckpointFiles(ad: ClassAd, sandbox: string, before: SandboxSnapshot): PackEntry[] {
  if (!ad.has('TransferCheckpoint')) return selectOutputs(ad, sandbox, before);
  const entries = listedEntries(ad, sandbox, ad.getString('TransferCheckpoint'));
  entries.push(...stdEntries(ad, sandbox));
  return entries;
}

