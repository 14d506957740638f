import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Readable } from 'node:stream';
import { daemonRights, type FileRights } from '@tinycondor/shared/file-rights';
import { dirListing, longDirListing, MAX_REMOTE_BUF_SIZE, remoteFileAccessAllowed, submitSidePath } from '@tinycondor/shared/chirp/remote-files';
import { isSpooled } from '@tinycondor/shared/transfer-files';
import type { JobUser } from '@tinycondor/shared/job-user';
import type { StoredJob } from './job-store.js';
import type { Schedd } from './schedd.js';

/** Why a file request failed: the errno the shadow's call would have got, and words for the log. */
export interface FileFailure {
  errno: string;
  error: string;
}

const write = promisify(fs.write);

export const failure = (errno: string, error: string): FileFailure => ({ errno, error });

/** A thrown system error as the errno it carries (EINVAL for an argument Node refuses, EIO for anything else). */
export function failureOf(err: unknown, file: string): FileFailure {
  const e = err as NodeJS.ErrnoException;
  if (typeof e.code === 'string' && /^E[A-Z0-9]+$/.test(e.code)) return failure(e.code, `${file}: ${e.message}`);
  return failure(err instanceof RangeError || e.code?.startsWith('ERR_INVALID_ARG') === true ? 'EINVAL' : 'EIO', `${file}: ${e.message}`);
}

/**
 * A running job's Chirp file requests on the submit side, as HTCondor's shadow carries them out
 * (NTreceivers.cpp): paths relative to the job's Iwd, read and written with the owner's rights (a spooled
 * job's, whose Iwd is its SPOOL directory, with the schedd's), getfile/putfile/unlink only for a job that
 * wants Chirp, at most MAX_REMOTE_BUF_SIZE bytes, and never into the pool's own files.
 */
export class RunFiles {
  constructor(private readonly schedd: Schedd) {}

  /** getfile: the file's bytes; EFBIG for an empty one or one over 256 MiB, as the shadow says. */
  read(job: StoredJob, jobPath: string): Buffer | FileFailure {
    const target = this.target(job, jobPath, true);
    if ('errno' in target) return target;
    const { file, rights } = target;
    try {
      return rights(() => {
        const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY);
        try {
          const size = fs.fstatSync(fd).size;
          if (size <= 0 || size > MAX_REMOTE_BUF_SIZE) return failure('EFBIG', `${file}: invalid file size ${size}`);
          const bytes = Buffer.alloc(size);
          let got = 0;
          for (let n = -1; got < size && n !== 0; got += n) n = fs.readSync(fd, bytes, got, size - got, got);
          return bytes.subarray(0, got);
        } finally {
          fs.closeSync(fd);
        }
      });
    } catch (err) {
      return failureOf(err, file);
    }
  }

  /**
   * putfile: the file created (with `mode`) or truncated, then the body written into it; how many bytes
   * were. A body over 256 MiB (by its declared length, or as it comes) is EFBIG.
   */
  async write(job: StoredJob, jobPath: string, mode: number, declaredLength: number, body: Readable | undefined): Promise<{ written: number } | FileFailure> {
    if (declaredLength > MAX_REMOTE_BUF_SIZE) return failure('EFBIG', `putfile of ${declaredLength} bytes exceeds the maximum`);
    const target = this.target(job, jobPath, true);
    if ('errno' in target) return target;
    const { file, rights } = target;
    let fd: number;
    try {
      const flags = fs.constants.O_CREAT | fs.constants.O_WRONLY | fs.constants.O_TRUNC | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY;
      fd = rights(() => fs.openSync(file, flags, mode & 0o7777));
    } catch (err) {
      return failureOf(err, file);
    }
    let written = 0;
    try {
      for await (const chunk of body ?? []) {
        const data = chunk as Buffer;
        if (written + data.length > MAX_REMOTE_BUF_SIZE) return failure('EFBIG', `putfile to ${file} exceeds the maximum`);
        for (let at = 0; at < data.length; ) at += (await write(fd, data, at, data.length - at, written + at)).bytesWritten;
        written += data.length;
      }
      return { written };
    } catch (err) {
      return failureOf(err, file);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** unlink. */
  remove(job: StoredJob, jobPath: string): FileFailure | undefined {
    const target = this.target(job, jobPath, true);
    if ('errno' in target) return target;
    try {
      target.rights(() => fs.unlinkSync(target.file));
      return undefined;
    } catch (err) {
      return failureOf(err, target.file);
    }
  }

  /** getdir (getlongdir when `long`): the directory's names, with each one's stat line when long. */
  list(job: StoredJob, jobPath: string, long: boolean): { listing: string } | FileFailure {
    const target = this.target(job, jobPath, false);
    if ('errno' in target) return target;
    const { file, rights } = target;
    try {
      return rights(() => {
        const names = fs.readdirSync(file);
        if (!long) return { listing: dirListing(names) };
        return { listing: longDirListing(names.map((name) => ({ name, stat: fs.statSync(path.join(file, name)) }))) };
      });
    } catch (err) {
      return failureOf(err, file);
    }
  }

  /**
   * The file a request is on, the rights it is handled with and whose they are (undefined: the schedd's),
   * or its refusal: ENOENT for an empty path, EACCES where the shadow's access check (`checked`: the job
   * wants Chirp, and the file is within its directory limits) or the pool's guard refuses, or no rights
   * can be taken.
   */
  target(job: StoredJob, jobPath: string, checked: boolean, holdsPool = false): { file: string; rights: FileRights; user: JobUser | undefined } | FileFailure {
    const file = submitSidePath(job.ad.getString('Iwd') ?? '/', jobPath);
    if (file === undefined) return failure('ENOENT', 'an empty path');
    if (checked && !remoteFileAccessAllowed(job.ad)) return failure('EACCES', `${file}: the job wants no remote file access (WantIOProxy)`);
    const ownDirs = [this.schedd.spool.jobDir(job.cluster, job.proc)];
    // What removes or moves a whole tree (rmall, rename) must not take the pool's directory with it.
    const refused = holdsPool ? this.schedd.fileGuard.readRefusal(file, ownDirs) : this.schedd.fileGuard.refusal(file, ownDirs);
    if (refused !== undefined) return failure('EACCES', refused);
    // allowRemote*FileAccess's allow_shadow_access: the job's directory limits, for the calls it checks.
    const limited = checked ? this.schedd.directoryLimits(job)?.refusal(file) : undefined;
    if (limited !== undefined) return failure('EACCES', limited);
    try {
      if (isSpooled(job.ad)) return { file, rights: daemonRights, user: undefined };
      const owner = job.ad.getString('Owner');
      return { file, rights: this.schedd.ownerRights.forOwner(owner), user: this.schedd.ownerRights.userFor(owner) };
    } catch (err) {
      return failure('EACCES', (err as Error).message);
    }
  }
}
