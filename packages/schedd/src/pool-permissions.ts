import fs from 'node:fs';
import path from 'node:path';
import { openRegularFile } from './regular-file.js';

/** Directories only the schedd's user may enter (HTCondor's JOB_SPOOL_PERMISSIONS = user: 0700). */
export const PRIVATE_DIR_MODE = 0o700;
/** The queue, its WAL and the daemons' logs: they hold jobs' environments and arguments. */
export const PRIVATE_FILE_MODE = 0o600;

/** SQLite's files beside the queue database: it gives the WAL and the shared memory the database's mode. */
const DATABASE_SUFFIXES = ['', '-wal', '-shm'];

/**
 * Makes SPOOL (which holds the queue) and LOG readable by the schedd's user only, creating them so, and
 * tightens homes made by earlier versions (SPOOL 0755, queue and logs 0644): the directories within SPOOL
 * keep their modes, unreachable behind it. The queue database is created 0600 before SQLite opens it, so
 * that its WAL and shared memory are 0600 too. Links are never followed.
 */
export function makePoolDirsPrivate(paths: { root: string; spoolDir: string; logDir: string; database: string; tokenFile: string }): void {
  // The home itself stays open to pass through (LOCAL_DIR is 0755 on HTCondor): EXECUTE below it holds sandboxes
  // that jobs run as their owners enter. A recursive mkdir of SPOOL alone would create it 0700.
  fs.mkdirSync(paths.root, { recursive: true, mode: 0o755 });
  for (const dir of [paths.spoolDir, paths.logDir]) {
    fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    fs.chmodSync(dir, PRIVATE_DIR_MODE);
  }
  fs.closeSync(fs.openSync(paths.database, fs.constants.O_RDONLY | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW, PRIVATE_FILE_MODE));
  for (const suffix of DATABASE_SUFFIXES) chmodRegularFile(`${paths.database}${suffix}`, PRIVATE_FILE_MODE);
  for (const name of fs.readdirSync(paths.logDir)) chmodRegularFile(path.join(paths.logDir, name), PRIVATE_FILE_MODE);
  chmodRegularFile(paths.tokenFile, PRIVATE_FILE_MODE);
}

/** chmod of a regular file; anything else (absent, a link, a device) is left alone. */
function chmodRegularFile(file: string, mode: number): void {
  let fd: number;
  try {
    ({ fd } = openRegularFile(file, fs.constants.O_RDONLY));
  } catch {
    return;
  }
  try {
    fs.fchmodSync(fd, mode);
  } finally {
    fs.closeSync(fd);
  }
}
