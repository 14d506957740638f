// The submit side of a running job's Chirp file requests, as HTCondor's shadow answers them
// (src/condor_shadow.V6.1/NTreceivers.cpp: CONDOR_getfile, CONDOR_putfile, CONDOR_unlink, CONDOR_getdir,
// CONDOR_getlongdir, CONDOR_whoami, CONDOR_whoareyou) and the starter's proxy converts their errno
// (io_proxy_handler.cpp's IOProxyHandler::convert).
import type { ClassAd } from '../classad/index.js';
import { ChirpError } from './protocol.js';

/** MAX_REMOTE_BUF_SIZE: the largest file getfile sends and putfile takes (256 MiB); a bigger one is EFBIG. */
export const MAX_REMOTE_BUF_SIZE = 256 * 1024 * 1024;

/**
 * allowRemoteReadFileAccess / allowRemoteWriteFileAccess: getfile, putfile and unlink are allowed a job
 * that wants Chirp (WantIOProxy) or streams a std file; otherwise EACCES. (getdir and getlongdir are not
 * checked by the shadow.)
 */
export function remoteFileAccessAllowed(jobAd: ClassAd): boolean {
  return ['WantIOProxy', 'StreamIn', 'StreamOut', 'StreamErr'].some((name) => jobAd.getBool(name) === true);
}

/**
 * The file a job's path names on the submit side: the shadow runs in the job's Iwd (cdToIwd), so a relative
 * path is taken from there, an absolute one as it is. Nothing is normalized: the system resolves `..` and
 * links as it would for the shadow. An empty path names nothing (open("") is ENOENT): undefined.
 */
export function submitSidePath(iwd: string, jobPath: string): string | undefined {
  if (jobPath === '') return undefined;
  if (jobPath.startsWith('/')) return jobPath;
  return iwd.endsWith('/') ? `${iwd}${jobPath}` : `${iwd}/${jobPath}`;
}

/** IOProxyHandler::convert: the reply code for a failed call's errno; UNKNOWN for one it does not list. */
export function chirpCodeOfErrno(errno: string): number {
  switch (errno) {
    case 'EPERM':
    case 'EACCES':
      return ChirpError.NotAuthorized;
    case 'ENOENT':
      return ChirpError.DoesntExist;
    case 'EEXIST':
      return ChirpError.AlreadyExists;
    case 'EFBIG':
      return ChirpError.TooBig;
    case 'ENOSPC':
      return ChirpError.NoSpace;
    case 'ENOMEM':
      return ChirpError.NoMemory;
    case 'EBADF':
      return ChirpError.BadFd;
    case 'E2BIG':
    case 'EINVAL':
      return ChirpError.InvalidRequest;
    case 'ENFILE':
    case 'EMFILE':
      return ChirpError.TooManyOpen;
    case 'EBUSY':
    case 'ETXTBSY':
      return ChirpError.Busy;
    case 'EAGAIN':
    case 'EINTR':
      return ChirpError.TryAgain;
    case 'EISDIR':
      return ChirpError.IsDir;
    case 'ENOTDIR':
      return ChirpError.NotDir;
    case 'ENOTEMPTY':
      return ChirpError.NotEmpty;
    case 'EXDEV':
      return ChirpError.CrossDeviceLink;
    case 'ETIMEDOUT':
      return ChirpError.Offline;
    default:
      return ChirpError.Unknown;
  }
}

/**
 * CONDOR_whoami and CONDOR_whoareyou: the shadow's fixed answer ("CONDOR", "UNKNOWN") for a buffer of
 * `length` bytes: EINVAL outside 1..1024 (so condor_chirp's own 5120 is refused), ENOSPC when the answer
 * does not fit.
 */
export function whoAnswer(answer: 'CONDOR' | 'UNKNOWN', length: number): { value: string } | { errno: 'EINVAL' | 'ENOSPC' } {
  if (length <= 0 || length > 1024) return { errno: 'EINVAL' };
  if (length < answer.length) return { errno: 'ENOSPC' };
  return { value: answer };
}

/** What getlongdir sends of one entry: stat_string's thirteen numbers. */
export interface EntryStat {
  dev: number;
  ino: number;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  rdev: number;
  size: number;
  blksize: number;
  blocks: number;
  atimeMs: number;
  mtimeMs: number;
  ctimeMs: number;
}

/** stat_string: "dev ino mode nlink uid gid rdev size blksize blocks atime mtime ctime\n" (times in seconds). */
export function statString(stat: EntryStat): string {
  const seconds = (ms: number) => Math.floor(ms / 1000);
  return `${[stat.dev, stat.ino, stat.mode, stat.nlink, stat.uid, stat.gid, stat.rdev, stat.size, stat.blksize, stat.blocks, seconds(stat.atimeMs), seconds(stat.mtimeMs), seconds(stat.ctimeMs)].join(' ')}\n`;
}

/** CONDOR_getdir's reply: each name on its line, then an empty line ending the data. */
export function dirListing(names: readonly string[]): string {
  return `${names.map((name) => `${name}\n`).join('')}\n`;
}

/** CONDOR_getlongdir's reply: each name on its line followed by its stat_string, then an empty line. */
export function longDirListing(entries: readonly { name: string; stat: EntryStat }[]): string {
  return `${entries.map(({ name, stat }) => `${name}\n${statString(stat)}`).join('')}\n`;
}

/** What statfs_string sends: f_type f_bsize f_blocks f_bfree f_bavail f_files f_ffree. */
export interface FsStat {
  type: number;
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
}

/** statfs_string: the seven numbers and a newline. */
export function statfsString(st: FsStat): string {
  return `${[st.type, st.bsize, st.blocks, st.bfree, st.bavail, st.files, st.ffree].join(' ')}\n`;
}

/** How the proxy's open reads its flags word (io_proxy_handler.cpp): w (with r: both), c, t, x, a; anything else reads. */
export interface OpenFlags {
  access: 'read' | 'write' | 'both';
  create: boolean;
  truncate: boolean;
  exclusive: boolean;
  append: boolean;
}

export function openFlags(word: string): OpenFlags {
  const has = (c: string) => word.includes(c);
  return {
    access: has('w') ? (has('r') ? 'both' : 'write') : 'read',
    create: has('c'),
    truncate: has('t'),
    exclusive: has('x'),
    append: has('a'),
  };
}

/** readlink's buffer: the shadow refuses a length outside 1..PATH_MAX (EINVAL). */
export const MAX_READLINK_LENGTH = 4096;

/**
 * How many descriptors one run may hold open on the submit side: the shadow's are bounded by its process's
 * limit (EMFILE, TOO_MANY_OPEN); the schedd, serving every run, bounds each one.
 */
export const MAX_RUN_DESCRIPTORS = 64;

/**
 * The path calls the shadow checks with allowRemoteWriteFileAccess (WantIOProxy or a streamed std file);
 * the others (stat, lstat, statfs, access, chmod, chown, lchown, utime, link, symlink, readlink) it does
 * not check, as getdir.
 */
export const CHECKED_PATH_CALLS: ReadonlySet<string> = new Set(['open', 'rename', 'mkdir', 'rmdir', 'rmall', 'truncate']);

