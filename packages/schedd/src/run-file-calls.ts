import fs from 'node:fs';
import type { Logger } from 'pino';
import type { FileRights } from '@tinycondor/shared/file-rights';
import type { JobUser } from '@tinycondor/shared/job-user';
import { DEFAULT_MAX_REMAP_RECURSIONS, fileInfoUrl, openPathOfUrl } from '@tinycondor/shared/chirp/file-info';
import { CHECKED_PATH_CALLS, MAX_READLINK_LENGTH, MAX_REMOTE_BUF_SIZE, MAX_RUN_DESCRIPTORS, openFlags, statfsString, statString } from '@tinycondor/shared/chirp/remote-files';
import type { RunDescriptorReadQuery, RunDescriptorWriteQuery, RunFileCallBody, RunFileCallReply } from '@tinycondor/shared/rest-schemas';
import { formatJobId } from '@tinycondor/shared/job-id';
import { shadowCopy } from '@tinycondor/shared/run-copy';
import type { StoredJob } from './job-store.js';
import { failure, failureOf, type FileFailure, type RunFiles } from './run-files.js';

/** A descriptor a run opened: the schedd's own, the rights it was opened with, and where read and write go on. */
interface OpenFile {
  fd: number;
  file: string;
  rights: FileRights;
  /** A regular file or block device: reads and writes go at `position` (a pipe or character device has none). */
  seekable: boolean;
  append: boolean;
  position: number;
}

interface RunTable {
  jobId: string;
  runId: string;
  startd: string;
  open: Map<number, OpenFile>;
}

/** The job's numbers start here, as a process's first open does after its three standard descriptors. */
const FIRST_DESCRIPTOR = 3;

/**
 * The descriptors each run opened through Chirp (the shadow's own open files, in HTCondor): numbered per run,
 * at most MAX_RUN_DESCRIPTORS of them, usable only by that run, and closed once the run is no longer its
 * job's current one (swept when a run opens one and on the schedd's periodic pass) or the schedd stops.
 */
export class RunDescriptors {
  private readonly runs = new Map<string, RunTable>();

  constructor(
    private readonly isCurrent: (jobId: string, runId: string, startd: string) => boolean,
    private readonly log: Logger,
  ) {}

  /** How many descriptors are open, over all runs. */
  get size(): number {
    let open = 0;
    for (const table of this.runs.values()) open += table.open.size;
    return open;
  }

  add(job: StoredJob, entry: OpenFile): number | FileFailure {
    this.sweep();
    const key = runKey(job);
    let table = this.runs.get(key);
    if (table === undefined) {
      table = { jobId: formatJobId(job.cluster, job.proc), runId: job.runId, startd: job.startd ?? '', open: new Map() };
      this.runs.set(key, table);
    }
    if (table.open.size >= MAX_RUN_DESCRIPTORS) return failure('EMFILE', `run ${table.runId} of job ${table.jobId} has ${MAX_RUN_DESCRIPTORS} descriptors open`);
    let number = FIRST_DESCRIPTOR;
    while (table.open.has(number)) number++;
    table.open.set(number, entry);
    return number;
  }

  get(job: StoredJob, number: number): OpenFile | FileFailure {
    return this.runs.get(runKey(job))?.open.get(number) ?? failure('EBADF', `descriptor ${number} is not open for job ${formatJobId(job.cluster, job.proc)}'s run`);
  }

  /** close: the descriptor is gone whatever close says, as close(2) leaves it. */
  close(job: StoredJob, number: number): FileFailure | undefined {
    const table = this.runs.get(runKey(job));
    const entry = table?.open.get(number);
    if (table === undefined || entry === undefined) return failure('EBADF', `descriptor ${number} is not open`);
    table.open.delete(number);
    if (table.open.size === 0) this.runs.delete(runKey(job));
    try {
      fs.closeSync(entry.fd);
      return undefined;
    } catch (err) {
      return failureOf(err, entry.file);
    }
  }

  /** Closes what runs no longer current left open. */
  sweep(): void {
    for (const [key, table] of this.runs) {
      if (this.isCurrent(table.jobId, table.runId, table.startd)) continue;
      this.log.info({ jobId: table.jobId, runId: table.runId, descriptors: table.open.size }, 'closing the Chirp descriptors of a run that is over');
      this.closeTable(key, table);
    }
  }

  closeAll(): void {
    for (const [key, table] of this.runs) this.closeTable(key, table);
  }

  private closeTable(key: string, table: RunTable): void {
    for (const entry of table.open.values()) {
      try {
        fs.closeSync(entry.fd);
      } catch (err) {
        this.log.warn({ err, file: entry.file }, 'closing a Chirp descriptor failed');
      }
    }
    this.runs.delete(key);
  }
}

const runKey = (job: StoredJob): string => `${job.cluster}.${job.proc}/${job.runId}`;

type CallResult = RunFileCallReply | FileFailure;

/** A call's arguments as its request names them: a missing one is the caller's mistake (EINVAL). */
function need<T>(value: T | undefined, name: string, call: string): T {
  if (value === undefined) throw Object.assign(new Error(`${call} needs ${name}`), { code: 'EINVAL' });
  return value;
}

/** access(2)'s check as the job's owner would get it: the mode bits for the owner, a group of theirs, or others (root: read and write, execute if any x bit). */
function accessAs(user: JobUser, stat: fs.Stats, mode: number): boolean {
  const wanted = mode & 7;
  if (wanted === 0) return true;
  if (user.uid === 0) return (wanted & 1) === 0 || stat.isDirectory() || (stat.mode & 0o111) !== 0;
  const bits = stat.uid === user.uid ? (stat.mode >> 6) & 7 : stat.gid === user.gid || user.groups.includes(stat.gid) ? (stat.mode >> 3) & 7 : stat.mode & 7;
  return (wanted & ~bits) === 0;
}

/**
 * The Chirp calls HTCondor's shadow answers with system calls on the submit side (NTreceivers.cpp: CONDOR_open
 * and the calls on its descriptors, rename, mkdir, rmdir, rmall, link, symlink, readlink, stat, lstat,
 * statfs, access, chmod, chown, lchown, truncate, utime): paths from the job's Iwd, each call with the owner's
 * rights (a descriptor's with the rights it was opened with), open, rename, mkdir, rmdir, rmall and truncate
 * checked as the shadow checks them, and none into the pool's own directory. `open` and `lookup` first map the
 * job's name to a URL as the shadow's pseudo_get_file_info_new does (FileRemaps, LocalFiles, …).
 */
export class RunFileCalls {
  constructor(
    private readonly files: RunFiles,
    private readonly descriptors: RunDescriptors,
    /** MAX_REMAP_RECURSIONS as configured. */
    private readonly knob: (name: string) => string | undefined = () => undefined,
  ) {}

  call(job: StoredJob, body: RunFileCallBody): CallResult {
    try {
      return this.dispatch(job, body);
    } catch (err) {
      return failureOf(err, body.path ?? `descriptor ${body.fd ?? '?'}`);
    }
  }

  /** read, pread (offset) or sread (offset and stride): at most `length` bytes (1 to 256 MiB, else EINVAL). */
  read(job: StoredJob, number: number, query: RunDescriptorReadQuery): Buffer | FileFailure {
    const open = this.descriptors.get(job, number);
    if ('errno' in open) return open;
    const { length, offset, strideLength, strideSkip } = query;
    if (length <= 0 || length > MAX_REMOTE_BUF_SIZE) return failure('EINVAL', `read of ${length} bytes`);
    if ((strideLength ?? 0) > MAX_REMOTE_BUF_SIZE) return failure('EINVAL', `sread stride of ${strideLength} bytes`);
    const buffer = Buffer.alloc(length);
    try {
      if (strideLength !== undefined || strideSkip !== undefined) {
        // The shadow's sread loop; it stops at the end of the file (the shadow's would go on forever there).
        let total = 0;
        let at = offset ?? 0;
        if ((strideLength ?? 0) <= 0) return failure('EINVAL', 'sread with no stride length');
        while (total < length) {
          const got = fs.readSync(open.fd, buffer, total, Math.min(strideLength ?? 0, length - total), at);
          if (got === 0) break;
          total += got;
          at += strideSkip ?? 0;
        }
        return buffer.subarray(0, total);
      }
      if (offset !== undefined) {
        if (offset < 0) return failure('EINVAL', `pread at ${offset}`);
        return buffer.subarray(0, fs.readSync(open.fd, buffer, 0, length, offset));
      }
      const got = fs.readSync(open.fd, buffer, 0, length, open.seekable ? open.position : null);
      if (open.seekable) open.position += got;
      return buffer.subarray(0, got);
    } catch (err) {
      return failureOf(err, open.file);
    }
  }

  /** write (at the descriptor's position, or its end when it appends), pwrite (offset) or swrite (offset and stride): how many bytes were written. */
  write(job: StoredJob, number: number, query: RunDescriptorWriteQuery, data: Buffer): { written: number } | FileFailure {
    const open = this.descriptors.get(job, number);
    if ('errno' in open) return open;
    const { offset, strideLength, strideSkip } = query;
    if (data.length === 0 || data.length > MAX_REMOTE_BUF_SIZE) return failure('EINVAL', `write of ${data.length} bytes`);
    if ((strideLength ?? 0) > MAX_REMOTE_BUF_SIZE) return failure('EINVAL', `swrite stride of ${strideLength} bytes`);
    try {
      if (strideLength !== undefined || strideSkip !== undefined) {
        if ((strideLength ?? 0) <= 0) return failure('EINVAL', 'swrite with no stride length');
        let total = 0;
        let at = offset ?? 0;
        while (total < data.length) {
          total += fs.writeSync(open.fd, data, total, Math.min(strideLength ?? 0, data.length - total), at);
          at += strideSkip ?? 0;
        }
        return { written: total };
      }
      if (offset !== undefined) {
        if (offset < 0) return failure('EINVAL', `pwrite at ${offset}`);
        return { written: fs.writeSync(open.fd, data, 0, data.length, offset) };
      }
      // full_write: all of it, at the position (or the end, for a file opened to append).
      let written = 0;
      while (written < data.length) {
        const at = open.seekable && !open.append ? open.position + written : null;
        written += fs.writeSync(open.fd, data, written, data.length - written, at);
      }
      if (open.seekable) open.position = open.append ? fs.fstatSync(open.fd).size : open.position + written;
      return { written };
    } catch (err) {
      return failureOf(err, open.file);
    }
  }

  private dispatch(job: StoredJob, body: RunFileCallBody): CallResult {
    const { call } = body;
    const fdCall = (use: (open: OpenFile) => CallResult): CallResult => {
      const open = this.descriptors.get(job, need(body.fd, 'fd', call));
      return 'errno' in open ? open : use(open);
    };
    switch (call) {
      case 'close': {
        const failed = this.descriptors.close(job, need(body.fd, 'fd', call));
        return failed ?? { result: 0 };
      }
      case 'lseek':
        return fdCall((open) => {
          if (!open.seekable) return failure('ESPIPE', `${open.file} cannot seek`);
          const offset = need(body.offset, 'offset', call);
          const whence = need(body.whence, 'whence', call);
          const base = whence === 0 ? 0 : whence === 1 ? open.position : fs.fstatSync(open.fd).size;
          if (base + offset < 0) return failure('EINVAL', `lseek of ${open.file} before its start`);
          open.position = base + offset;
          return { result: open.position };
        });
      case 'fsync':
        return fdCall((open) => {
          fs.fsyncSync(open.fd);
          return { result: 0 };
        });
      case 'fstat':
        return fdCall((open) => ({ result: 0, line: statString(fs.fstatSync(open.fd)) }));
      case 'fstatfs':
        // Node has no fstatfs: the descriptor's own link in /proc leads statfs to its file system.
        return fdCall((open) => ({ result: 0, line: statfsString(fs.statfsSync(`/proc/self/fd/${open.fd}`)) }));
      case 'fchown':
        return fdCall((open) => {
          open.rights(() => fs.fchownSync(open.fd, need(body.uid, 'uid', call), need(body.gid, 'gid', call)));
          return { result: 0 };
        });
      case 'fchmod':
        return fdCall((open) => {
          open.rights(() => fs.fchmodSync(open.fd, need(body.mode, 'mode', call) & 0o7777));
          return { result: 0 };
        });
      case 'ftruncate':
        return fdCall((open) => {
          const length = need(body.length, 'length', call);
          if (length < 0) return failure('EINVAL', `ftruncate of ${open.file} to ${length}`);
          open.rights(() => fs.ftruncateSync(open.fd, length));
          return { result: 0 };
        });
      case 'lookup': {
        // get_file_info_new: no check, nothing touched; the proxy sends the URL's length, then the URL.
        const url = Buffer.from(this.fileUrl(job, need(body.path, 'path', call)));
        return { result: url.length, data: url.toString('base64') };
      }
      default:
        return this.pathCall(job, body);
    }
  }

  /** The URL the shadow maps a job's name to, from its copy of the job ad and the job's Iwd. */
  private fileUrl(job: StoredJob, jobPath: string): string {
    const configured = this.knob('MAX_REMAP_RECURSIONS')?.trim();
    const levels = configured !== undefined && /^[+-]?\d+$/.test(configured) ? Number(configured) : DEFAULT_MAX_REMAP_RECURSIONS;
    return fileInfoUrl(shadowCopy(job.ad, job.runEdits), job.ad.getString('Iwd') ?? '/', jobPath, levels);
  }

  private pathCall(job: StoredJob, body: RunFileCallBody): CallResult {
    const { call } = body;
    // The proxy opens what the name maps to: a `remote:` URL's file, any other URL as a name from the Iwd.
    const jobPath = call === 'open' ? openPathOfUrl(this.fileUrl(job, need(body.path, 'path', call))) : need(body.path, 'path', call);
    const target = this.files.target(job, jobPath, CHECKED_PATH_CALLS.has(call), call === 'rmall' || call === 'rename');
    if ('errno' in target) return target;
    const { file, rights, user } = target;
    const second = (): { file: string } | FileFailure => this.files.target(job, need(body.newPath, 'newPath', call), call === 'rename');
    switch (call) {
      case 'open': {
        const flags = openFlags(need(body.flags, 'flags', call));
        const c = fs.constants;
        const access = flags.access === 'both' ? c.O_RDWR : flags.access === 'write' ? c.O_WRONLY : c.O_RDONLY;
        const options = [flags.create && c.O_CREAT, flags.truncate && c.O_TRUNC, flags.exclusive && c.O_EXCL, flags.append && c.O_APPEND].reduce<number>((all, bit) => all | (bit || 0), access);
        // A fifo or a terminal must not stop the schedd: it reads what there is (EAGAIN when nothing).
        const fd = rights(() => fs.openSync(file, options | c.O_NONBLOCK | c.O_NOCTTY, need(body.mode, 'mode', call) & 0o7777));
        try {
          const stat = fs.fstatSync(fd);
          const number = this.descriptors.add(job, { fd, file, rights, seekable: stat.isFile() || stat.isBlockDevice(), append: flags.append, position: 0 });
          if (typeof number !== 'number') {
            fs.closeSync(fd);
            return number;
          }
          return { result: number, line: statString(stat) };
        } catch (err) {
          fs.closeSync(fd);
          throw err;
        }
      }
      case 'rename': {
        const to = second();
        if ('errno' in to) return to;
        rights(() => fs.renameSync(file, to.file));
        return { result: 0 };
      }
      case 'link': {
        const to = second();
        if ('errno' in to) return to;
        rights(() => fs.linkSync(file, to.file));
        return { result: 0 };
      }
      case 'symlink': {
        // The link's text is the job's as it wrote it; only where the link goes is the submit side's path.
        const at = second();
        if ('errno' in at) return at;
        rights(() => fs.symlinkSync(need(body.path, 'path', call), at.file));
        return { result: 0 };
      }
      case 'mkdir':
        rights(() => fs.mkdirSync(file, need(body.mode, 'mode', call) & 0o7777));
        return { result: 0 };
      case 'rmdir':
        rights(() => fs.rmdirSync(file));
        return { result: 0 };
      case 'rmall':
        rights(() => {
          try {
            fs.rmdirSync(file);
          } catch (err) {
            // As the shadow: a directory that is not empty is emptied, then removed.
            if (!fs.lstatSync(file).isDirectory()) throw err;
            fs.rmSync(file, { recursive: true });
          }
        });
        return { result: 0 };
      case 'readlink': {
        const length = need(body.length, 'length', call);
        if (length <= 0 || length > MAX_READLINK_LENGTH) return failure('EINVAL', `readlink of ${length} bytes`);
        const text = rights(() => fs.readlinkSync(file, { encoding: 'buffer' })).subarray(0, length);
        return { result: text.length, data: text.toString('base64') };
      }
      case 'stat':
        return { result: 0, line: statString(rights(() => fs.statSync(file))) };
      case 'lstat':
        return { result: 0, line: statString(rights(() => fs.lstatSync(file))) };
      case 'statfs':
        return { result: 0, line: statfsString(rights(() => fs.statfsSync(file))) };
      case 'access': {
        const mode = need(body.mode, 'mode', call);
        if ((mode & ~7) !== 0) return failure('EINVAL', `access mode ${mode}`);
        // access(2) checks with the real user, the schedd's: a schedd acting for another user checks the bits itself.
        if (user === undefined) rights(() => fs.accessSync(file, mode));
        else if (!accessAs(user, rights(() => fs.statSync(file)), mode)) return failure('EACCES', `${file}: access ${mode} refused to ${user.name}`);
        return { result: 0 };
      }
      case 'chmod':
        rights(() => fs.chmodSync(file, need(body.mode, 'mode', call) & 0o7777));
        return { result: 0 };
      case 'chown':
        rights(() => fs.chownSync(file, need(body.uid, 'uid', call), need(body.gid, 'gid', call)));
        return { result: 0 };
      case 'lchown':
        rights(() => fs.lchownSync(file, need(body.uid, 'uid', call), need(body.gid, 'gid', call)));
        return { result: 0 };
      case 'truncate': {
        const length = need(body.length, 'length', call);
        if (length < 0) return failure('EINVAL', `truncate of ${file} to ${length}`);
        rights(() => fs.truncateSync(file, length));
        return { result: 0 };
      }
      case 'utime':
        rights(() => fs.utimesSync(file, need(body.actime, 'actime', call), need(body.mtime, 'mtime', call)));
        return { result: 0 };
      default:
        return failure('EINVAL', `${call} is not a path call`);
    }
  }
}
