import fs from 'node:fs';
import path from 'node:path';
import { submitSidePath } from '@tinycondor/shared/chirp/remote-files';
import { daemonRights, type FileRights } from '@tinycondor/shared/file-rights';
import { strerror } from '@tinycondor/shared/submit/file-probe';
import { isSpooled, outputDestination, outputNaming, STDERR_NAME, STDOUT_NAME, stdinFile } from '@tinycondor/shared/transfer-files';
import type { StoredJob } from './job-store.js';
import type { Schedd } from './schedd.js';

export type StreamName = 'stdout' | 'stderr';

/** Why a stream request is refused: the HTTP status and the reason. */
export interface StreamRefusal {
  status: 409 | 422;
  error: string;
}

/**
 * stream_output / stream_error as HTCondor's shadow serves its starter's StreamHandler: the job's `output`
 * or `error` file on the submit side, opened as the starter opens it (created, truncated unless the job
 * appends), then written at the offsets the startd sends, with the owner's rights and never into the
 * pool's own files.
 */
export class RunStreams {
  constructor(private readonly schedd: Schedd) {}

  /**
   * The file the stream goes to and the rights it is written with, or why there is none to stream to. A job
   * submitted with -spool streams into SPOOL, as HTCondor's shadow writes its stream relative to the Iwd the
   * schedd moved there (rewriteSpooledJobAd): among the job's results, under the sandbox name they keep its
   * stdout by, so that condor_transfer_data places it at `output` as any spooled output.
   */
  private target(job: StoredJob, stream: StreamName): { file: string; rights: FileRights } | StreamRefusal {
    const attribute = stream === 'stdout' ? 'StreamOut' : 'StreamErr';
    if (job.ad.getBool(attribute) !== true) return { status: 409, error: `the job does not stream its ${stream} (${attribute})` };
    const name = stream === 'stdout' ? STDOUT_NAME : STDERR_NAME;
    const file = outputDestination(name, outputNaming(job.ad));
    if (file === undefined) return { status: 409, error: `the job's ${stream} goes nowhere` };
    if (isSpooled(job.ad)) return { file: this.schedd.spool.streamedResult(job.cluster, job.proc, name), rights: daemonRights };
    const refused = this.schedd.jobFileGuard(job).refusal(file);
    if (refused !== undefined) return { status: 422, error: `writing to file ${file}: (errno 13) Permission denied: ${refused}` };
    return { file, rights: this.schedd.ownerRights.forOwner(job.ad.getString('Owner')) };
  }

  /** Opens the stream's file (O_CREAT, and O_TRUNC when `truncate`): its size is where the stream goes on. */
  open(job: StoredJob, stream: StreamName, truncate: boolean): { offset: number } | StreamRefusal {
    const target = this.target(job, stream);
    if ('status' in target) return target;
    return this.withFile(target, truncate ? 'w' : 'a', (fd) => ({ offset: fs.fstatSync(fd).size }));
  }

  /** Writes `data` at `offset` of the stream's file (a resent chunk lands where it did before). */
  write(job: StoredJob, stream: StreamName, offset: number, data: Buffer): { offset: number } | StreamRefusal {
    const target = this.target(job, stream);
    if ('status' in target) return target;
    return this.withFile(target, 'r+', (fd) => {
      let written = 0;
      while (written < data.length) written += fs.writeSync(fd, data, written, data.length - written, offset + written);
      return { offset: offset + data.length };
    });
  }

  /**
   * stream_input, as the shadow serves the starter's input StreamHandler: up to `length` bytes of the job's
   * `input` file from `offset` (none at its end), the file taken from the job's Iwd as the shadow takes it
   * and read with the owner's rights (a spooled job's from its SPOOL directory, with the schedd's).
   */
  readInput(job: StoredJob, offset: number, length: number): { data: Buffer } | StreamRefusal {
    if (job.ad.getBool('StreamIn') !== true) return { status: 409, error: 'the job does not stream its stdin (StreamIn)' };
    const stdin = stdinFile(job.ad);
    const file = stdin === undefined ? undefined : submitSidePath(job.ad.getString('Iwd') ?? '/', stdin);
    if (file === undefined) return { status: 409, error: 'the job has no input file' };
    const refused = this.schedd.jobFileGuard(job).refusal(file, [this.schedd.spool.jobDir(job.cluster, job.proc)]);
    // strerror's words alone: the starter puts them in its hold reason ("unable to read from <file>: …").
    if (refused !== undefined) return { status: 422, error: `Permission denied (${refused})` };
    try {
      const rights = isSpooled(job.ad) ? daemonRights : this.schedd.ownerRights.forOwner(job.ad.getString('Owner'));
      return rights(() => {
        const fd = fs.openSync(file, 'r');
        try {
          const data = Buffer.allocUnsafe(length);
          return { data: data.subarray(0, fs.readSync(fd, data, 0, length, offset)) };
        } finally {
          fs.closeSync(fd);
        }
      });
    } catch (err) {
      return { status: 422, error: strerror(err as NodeJS.ErrnoException) };
    }
  }

  private withFile({ file, rights }: { file: string; rights: FileRights }, flags: 'w' | 'a' | 'r+', use: (fd: number) => { offset: number }): { offset: number } | StreamRefusal {
    try {
      return rights(() => {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        const fd = fs.openSync(file, flags === 'r+' && !fs.existsSync(file) ? 'w' : flags, 0o666);
        try {
          return use(fd);
        } finally {
          fs.closeSync(fd);
        }
      });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      return { status: 422, error: `writing to file ${file}: (errno ${-(e.errno ?? 0)}) ${e.message}` };
    }
  }
}
