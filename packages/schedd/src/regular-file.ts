import fs from 'node:fs';

/** What is at a path the schedd opens for a user that is not a regular file. */
export class NotARegularFile extends Error {
  constructor(
    readonly file: string,
    readonly kind: string,
  ) {
    super(`${file} is ${kind}, not a regular file`);
    this.name = 'NotARegularFile';
  }
}

function kindOf(stat: fs.Stats): string {
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isSymbolicLink()) return 'a symbolic link';
  if (stat.isDirectory()) return 'a directory';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  return 'of an unknown type';
}

/** Never waits (opening a FIFO fails with ENXIO or returns at once) and never follows a link at the end. */
const SAFE_FLAGS = fs.constants.O_NONBLOCK | fs.constants.O_NOFOLLOW;

/**
 * Opens a file named by a user (a user log, a job's output) for the schedd: without blocking in open()
 * on a FIFO, without following a symbolic link, and only when it is a regular file (then the flags
 * change nothing: O_NONBLOCK does not apply to regular files). Throws NotARegularFile, or the open's error.
 */
export function openRegularFile(file: string, flags: number, mode?: number): { fd: number; size: number } {
  let fd: number;
  try {
    fd = fs.openSync(file, flags | SAFE_FLAGS, mode);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // ELOOP: the name is a link; ENXIO: a FIFO nobody reads, or a socket; EISDIR: a directory.
    if (code === 'ELOOP' || code === 'ENXIO' || code === 'EISDIR') {
      const stat = fs.lstatSync(file, { throwIfNoEntry: false });
      if (stat && !stat.isFile()) throw new NotARegularFile(file, kindOf(stat));
    }
    throw err;
  }
  const stat = fs.fstatSync(fd);
  if (!stat.isFile()) {
    fs.closeSync(fd);
    throw new NotARegularFile(file, kindOf(stat));
  }
  return { fd, size: stat.size };
}
