// stream_input, as HTCondor's starter gives a job its stdin from the submit side (StreamHandler with
// is_output false): the job reads a pipe, which is fed from the submit-side input file, read through the
// schedd at increasing offsets as the job takes it in, and closed at the file's end. The copy of the file
// transferred into the sandbox is not read.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';

export interface StdinSource {
  /** Up to `length` bytes of the submit-side file from `offset`; none at its end. Rejects when it cannot be read. */
  read(offset: number, length: number): Promise<Buffer>;
}

/**
 * A pipe whose read end is the job's stdin. Node has no pipe(2): a FIFO made in a private directory is
 * opened at both ends and unlinked at once. The startd's end is opened read-write, so that it never blocks
 * and a job that exits without reading all makes no EPIPE; the job's end is an ordinary blocking read end.
 */
function openPipe(): { jobEnd: number; feedEnd: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-stdin-'));
  const fifo = path.join(dir, 'stdin');
  try {
    execFileSync('mkfifo', ['-m', '600', fifo]);
    const feedEnd = fs.openSync(fifo, fs.constants.O_RDWR);
    try {
      return { jobEnd: fs.openSync(fifo, fs.constants.O_RDONLY), feedEnd };
    } catch (err) {
      fs.closeSync(feedEnd);
      throw err;
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export class StreamedStdin {
  private stopped = false;
  /** Why the stream broke while the job ran (StreamHandler's "unable to read from …"), if it did. */
  failure: Error | undefined;

  private constructor(
    /** The job's stdin: the caller passes it to the job and closes it once the job has it. */
    readonly jobEnd: number,
    private readonly feed: net.Socket,
    private readonly source: StdinSource,
    private readonly chunkBytes: number,
    private readonly log: Logger,
    private offset: number,
    private first: Buffer,
  ) {}

  /**
   * The stream, established as the starter establishes it before the job starts: its first bytes read (which
   * also says the file can be opened). Rejects when they cannot be: the job is held.
   */
  static async open(source: StdinSource, chunkBytes: number, log: Logger): Promise<StreamedStdin> {
    const first = await source.read(0, chunkBytes);
    const { jobEnd, feedEnd } = openPipe();
    const feed = new net.Socket({ fd: feedEnd, readable: false, writable: true });
    // The feed end also reads the pipe, so a write never fails for want of a reader; anything else is logged.
    feed.on('error', (err) => log.warn({ err }, "feeding the job's stdin failed"));
    return new StreamedStdin(jobEnd, feed, source, chunkBytes, log, first.length, first);
  }

  /**
   * Feeds the job until the file's end, then closes the pipe (the job reads end of file). `broke` is called
   * when a read fails: the caller ends the job, as the starter EXCEPTs.
   */
  start(broke: (err: Error) => void): void {
    void this.pump().catch((err: Error) => {
      if (this.stopped) return;
      this.failure = err;
      this.log.warn({ err }, "streaming the job's input failed");
      this.feed.destroy();
      broke(err);
    });
  }

  /** The run is over: no more is read or fed. */
  stop(): void {
    this.stopped = true;
    this.feed.destroy();
  }

  private async pump(): Promise<void> {
    let chunk = this.first;
    while (!this.stopped && chunk.length > 0) {
      // Backpressure: the next read waits until the job has taken in what the pipe holds.
      if (!this.feed.write(chunk)) await new Promise<void>((resolve) => this.feed.once('drain', resolve).once('close', resolve));
      if (this.stopped || this.feed.destroyed) return;
      chunk = await this.source.read(this.offset, this.chunkBytes);
      this.offset += chunk.length;
    }
    if (!this.stopped) this.feed.end();
  }
}
