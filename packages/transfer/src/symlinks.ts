import fs from 'node:fs';
import path from 'node:path';
import { daemonRights, type FileRights } from '@tinycondor/shared/file-rights';

/** HTCondor's words for a symlink to a directory in a transfer list (file_transfer.cpp, DoUpload). */
export function symlinkToDirectoryError(source: string): string {
  return `reading from file ${source}: (errno 21) Is a directory- Transfer of symlinks to directories is not supported.`;
}

/** The words for a followed symlink that leads where the job's files may not be read from. */
export function refusedSymlinkError(source: string, refusal: string): string {
  return `reading from file ${source}: (errno 13) Permission denied: ${refusal}`;
}

/**
 * Why the symlinks at or below `source` cannot be sent, or undefined: the first symlink to a directory
 * (HTCondor expands its whole list before it sends anything, so the transfer fails before it starts), or,
 * when `refusal` is given (symlinks to be followed), the first whose real target it refuses. Directories
 * are walked, symlinks are not followed; `rights` are whose reads these are.
 */
export function untransferableSymlink(source: string, rights: FileRights = daemonRights, refusal?: (realPath: string) => string | undefined): string | undefined {
  const stat = rights(() => fs.lstatSync(source, { throwIfNoEntry: false }));
  if (stat === undefined) return undefined;
  if (stat.isSymbolicLink()) {
    const target = rights(() => fs.statSync(source, { throwIfNoEntry: false }));
    if (target?.isDirectory()) return symlinkToDirectoryError(source);
    const refused = target && refusal?.(rights(() => fs.realpathSync(source)));
    return refused ? refusedSymlinkError(source, refused) : undefined;
  }
  if (!stat.isDirectory()) return undefined;
  for (const child of rights(() => fs.readdirSync(source)).sort()) {
    const found = untransferableSymlink(path.join(source, child), rights, refusal);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * What one entry of a transfer list sends, `source` being its path and `item` how HTCondor names it
 * (transferListItem): the entry itself, or for a trailing `/` the directory's contents. As HTCondor
 * expands its whole list before it sends anything, a symlink it cannot send fails the transfer now: the
 * reason is returned instead (see untransferableSymlink).
 */
export function listItemEntries(
  item: { name: string; contentsOnly: boolean },
  source: string,
  rights: FileRights = daemonRights,
  refusal?: (realPath: string) => string | undefined,
): { name: string; source: string }[] | { untransferable: string } {
  const entries = item.contentsOnly && rights(() => fs.statSync(source)).isDirectory()
    ? rights(() => fs.readdirSync(source)).sort().map((child) => ({ name: child, source: path.join(source, child) }))
    : [{ name: item.name, source }];
  for (const entry of entries) {
    const untransferable = untransferableSymlink(entry.source, rights, refusal);
    if (untransferable !== undefined) return { untransferable };
  }
  return entries;
}
