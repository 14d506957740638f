import fs from 'node:fs';
import path from 'node:path';
import type { ClassAd } from '@tinycondor/shared/classad/index';
import { daemonRights, type FileRights } from '@tinycondor/shared/file-rights';
import type { PackEntry } from './tar/index.js';
import { listedInputFiles, preservesRelativePaths, stdinFile, transferListItem, transferredExecutable } from '@tinycondor/shared/transfer-files';
import type { PathGuard } from './path-guard.js';
import { listItemEntries, readErrorOf } from './symlinks.js';
import { isUrl, jobPlugins } from '@tinycondor/shared/url-transfer';

export class InputTransferError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputTransferError';
  }
}

/**
 * What a new sandbox receives: the executable, `input`, `transfer_input_files`, then every entry
 * committed in the job's SPOOL directory, last so that they replace inputs of the same name. What the job
 * names is read with `rights` (its owner's, for a root schedd); SPOOL with the schedd's own. The schedd
 * passes its `guard`: what a job names is never read from the pool's own files, but for its SPOOL directory.
 */
export function inputEntries(ad: ClassAd, spoolJobDir: string, spoolEntries: string[], guard?: PathGuard, rights: FileRights = daemonRights): PackEntry[] {
  const iwd = ad.getString('Iwd') ?? '/';
  const entries: PackEntry[] = [];
  const requireReadable = (source: string): void => {
    const refused = guard?.readRefusal(source, [spoolJobDir]);
    if (refused !== undefined) throw new InputTransferError(`reading from file ${source}: (errno 13) Permission denied: ${refused}`);
    try {
      // An open, not access(2): access checks the real uid, which for a root schedd is root's.
      rights(() => fs.closeSync(fs.openSync(source, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK)));
    } catch (err) {
      throw new InputTransferError(readErrorOf(source, err).message);
    }
  };
  // The job's symlinks are followed (its owner's rights), never into the pool's own files.
  const follow = { refusal: (realPath: string) => guard?.readRefusal(realPath, [spoolJobDir]) };
  const cmd = transferredExecutable(ad);
  if (cmd) {
    const source = path.resolve(iwd, cmd);
    requireReadable(source);
    entries.push({ name: path.basename(source), source, rights, followSymlinks: follow });
  }
  const stdin = stdinFile(ad);
  if (stdin) {
    const source = path.resolve(iwd, stdin);
    requireReadable(source);
    entries.push({ name: path.basename(source), source, rights, followSymlinks: follow });
  }
  const keepPaths = preservesRelativePaths(ad);
  // The job's own plugins go first (AddJobPluginsToInputFiles); URLs are the execute side's to fetch.
  const pluginPaths = jobPlugins(ad.getString('TransferPlugins')).plugins.map((plugin) => plugin.path);
  const listedInputs = listedInputFiles(ad).filter((listed) => !isUrl(listed));
  for (const listed of [...pluginPaths.filter((p) => !listedInputs.includes(p)), ...listedInputs]) {
    const item = transferListItem(listed, keepPaths);
    const source = path.resolve(iwd, item.source);
    requireReadable(source);
    const sent = listItemEntries(item, source, rights, follow.refusal);
    if ('untransferable' in sent) throw new InputTransferError(sent.untransferable.message);
    for (const entry of sent) entries.push({ ...entry, rights, followSymlinks: follow });
  }
  // Spool entries replace inputs of the same name (a spooled job's inputs are themselves in SPOOL); one that
  // holds an input's path (a checkpoint with preserve_relative_paths) comes after it, and what it holds wins.
  const spooled = new Set(spoolEntries);
  const kept = entries.filter((entry) => !spooled.has(entry.name));
  for (const name of spoolEntries) kept.push({ name, source: path.join(spoolJobDir, name) });
  return kept;
}
