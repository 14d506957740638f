import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { daemonRights, type FileRights } from '@tinycondor/shared/file-rights';

/** strerror(3)'s words for the errors a transfer's reads meet. */
const STRERROR: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  EIO: 'Input/output error',
};

/**
 * A file of a transfer list that cannot be read, in HTCondor's words (DoUpload: "reading from file X:
 * (errno N) text", the text perhaps followed by why); `errno` is the hold subcode HTCondor gives it.
 */
export class TransferReadError extends Error {
  constructor(
    readonly source: string,
    readonly errno: number,
    detail: string,
  ) {
    super(`reading from file ${source}: (errno ${errno}) ${detail}`);
    this.name = 'TransferReadError';
  }
}

/** A failed system call on `source` (a Node error with its `code`) as HTCondor reports it. */
export function readErrorOf(source: string, err: unknown): TransferReadError {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const errno = (os.constants.errno as Record<string, number | undefined>)[code] ?? 5;
  return new TransferReadError(source, errno, STRERROR[code] ?? `${STRERROR.EIO} (${code || (err as Error).message})`);
}

/** HTCondor's words for a symlink to a directory in a transfer list (file_transfer.cpp, DoUpload). */
export function symlinkToDirectoryError(source: string): TransferReadError {
  return new TransferReadError(source, 21, 'Is a directory- Transfer of symlinks to directories is not supported.');
}

/** The words for a followed symlink that leads where the job's files may not be read from. */
export function refusedSymlinkError(source: string, refusal: string): TransferReadError {
  return new TransferReadError(source, 13, `Permission denied: ${refusal}`);
}

/**
 * Why the symlink `source` cannot be followed, or undefined: it leads nowhere (as for a missing file,
 * HTCondor's open fails), to a directory, where `refusal` refuses to read, or to a regular file that
 * cannot be opened with `rights`. An open, not access(2): access checks the real uid, for a root daemon
 * root's. Only regular files are opened (opening a device can do things); FIFOs, sockets and devices are
 * not sent (see packEntries).
 */
function unfollowableSymlink(source: string, rights: FileRights, refusal: (realPath: string) => string | undefined): TransferReadError | undefined {
  try {
    const target = rights(() => fs.statSync(source));
    if (target.isDirectory()) return symlinkToDirectoryError(source);
    const refused = refusal(rights(() => fs.realpathSync(source)));
    if (refused !== undefined) return refusedSymlinkError(source, refused);
    if (target.isFile()) rights(() => fs.closeSync(fs.openSync(source, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK)));
    return undefined;
  } catch (err) {
    return readErrorOf(source, err);
  }
}

/**
 * Why the symlinks at or below `source` cannot be sent, or undefined: the first symlink to a directory
 * (HTCondor expands its whole list before it sends anything, so the transfer fails before it starts), or,
 * when `refusal` is given (symlinks to be followed), the first that leads nowhere, that `refusal` refuses
 * by its real target, or whose file cannot be opened with `rights` (see unfollowableSymlink). Directories
 * are walked, symlinks are not followed; `rights` are whose reads these are.
 */
export function untransferableSymlink(source: string, rights: FileRights = daemonRights, refusal?: (realPath: string) => string | undefined): TransferReadError | undefined {
  let stat: fs.Stats | undefined;
  try {
    stat = rights(() => fs.lstatSync(source, { throwIfNoEntry: false }));
  } catch (err) {
    return readErrorOf(source, err);
  }
  if (stat === undefined) return undefined;
  if (stat.isSymbolicLink()) {
    if (refusal !== undefined) return unfollowableSymlink(source, rights, refusal);
    const target = rights(() => fs.statSync(source, { throwIfNoEntry: false }));
    return target?.isDirectory() ? symlinkToDirectoryError(source) : undefined;
  }
  if (!stat.isDirectory()) return undefined;
  let children: string[];
  try {
    children = rights(() => fs.readdirSync(source)).sort();
  } catch (err) {
    return readErrorOf(source, err);
  }
  for (const child of children) {
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
): { name: string; source: string }[] | { untransferable: TransferReadError } {
  let entries: { name: string; source: string }[];
  try {
    entries = item.contentsOnly && rights(() => fs.statSync(source)).isDirectory()
      ? rights(() => fs.readdirSync(source)).sort().map((child) => ({ name: child, source: path.join(source, child) }))
      : [{ name: item.name, source }];
  } catch (err) {
    return { untransferable: readErrorOf(source, err) };
  }
  for (const entry of entries) {
    const untransferable = untransferableSymlink(entry.source, rights, refusal);
    if (untransferable !== undefined) return { untransferable };
  }
  return entries;
}
