import fs from 'node:fs';
import path from 'node:path';
import { outputDestination, outputNaming, STDERR_NAME, STDOUT_NAME } from '@tinycondor/shared/transfer-files';
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

  /** The file the stream goes to, or why there is none to stream to. */
  private target(job: StoredJob, stream: StreamName): string | StreamRefusal {
    const attribute = stream === 'stdout' ? 'StreamOut' : 'StreamErr';
    if (job.ad.getBool(attribute) !== true) return { status: 409, error: `the job does not stream its ${stream} (${attribute})` };
    const file = outputDestination(stream === 'stdout' ? STDOUT_NAME : STDERR_NAME, outputNaming(job.ad));
    if (file === undefined) return { status: 409, error: `the job's ${stream} goes nowhere` };
    const refused = this.schedd.jobFileGuard(job).refusal(file);
    if (refused !== undefined) return { status: 422, error: `writing to file ${file}: (errno 13) Permission denied: ${refused}` };
    return file;
  }

  /** Opens the stream's file (O_CREAT, and O_TRUNC when `truncate`): its size is where the stream goes on. */
  open(job: StoredJob, stream: StreamName, truncate: boolean): { offset: number } | StreamRefusal {
    const file = this.target(job, stream);
    if (typeof file !== 'string') return file;
    return this.withFile(job, file, truncate ? 'w' : 'a', (fd) => ({ offset: fs.fstatSync(fd).size }));
  }

  /** Writes `data` at `offset` of the stream's file (a resent chunk lands where it did before). */
  write(job: StoredJob, stream: StreamName, offset: number, data: Buffer): { offset: number } | StreamRefusal {
    const file = this.target(job, stream);
    if (typeof file !== 'string') return file;
    return this.withFile(job, file, 'r+', (fd) => {
      let written = 0;
      while (written < data.length) written += fs.writeSync(fd, data, written, data.length - written, offset + written);
      return { offset: offset + data.length };
    });
  }

  private withFile(job: StoredJob, file: string, flags: 'w' | 'a' | 'r+', use: (fd: number) => { offset: number }): { offset: number } | StreamRefusal {
    const rights = this.schedd.ownerRights.forOwner(job.ad.getString('Owner'));
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
