// stream_output / stream_error, as HTCondor's starter streams a job's stdout/stderr to the submit side
// (StreamHandler): the job writes its sandbox file as always, and what it writes is sent on as it comes,
// in order, to the submit-side file the schedd opened for it; what a lost reply makes the startd send
// again lands at the same offset.
import fs from 'node:fs';
import type { Logger } from 'pino';

/** How often the sandbox file is looked at for what the job wrote since (the starter reads a pipe). */
const POLL_MS = 100;

export interface StreamSink {
  /** Opens the submit-side file (truncating it or not); resolves with the offset the stream goes on at. */
  open(): Promise<number>;
  /** Writes bytes at an offset of the submit-side file; resolves with the offset after them. */
  write(offset: number, data: Buffer): Promise<number>;
}

export class StreamedFile {
  /** Bytes of the sandbox file already sent. */
  private sent = 0;
  private remoteOffset = 0;
  private timer: NodeJS.Timeout | undefined;
  /** The pump running, if any: one at a time, so chunks go in order. */
  private pumping: Promise<void> | undefined;
  private failed: Error | undefined;
  /** One buffer for the stream's life: the pump runs every POLL_MS. */
  private chunk: Buffer | undefined;

  constructor(
    private readonly file: string,
    private readonly sink: StreamSink,
    private readonly maxChunkBytes: number,
    private readonly log: Logger,
  ) {}

  /** Opens the submit-side file, then follows the sandbox file until finish(). */
  async start(): Promise<void> {
    this.remoteOffset = await this.sink.open();
    this.timer = setInterval(() => void this.pump(), POLL_MS);
    this.timer.unref();
  }

  /** Sends what is left (the job has exited) and stops following; rejects if the stream broke meanwhile. */
  async finish(): Promise<void> {
    clearInterval(this.timer);
    await this.pump();
    if (this.failed) throw this.failed;
  }

  /** Stops following without sending more (the run is over otherwise). */
  stop(): void {
    clearInterval(this.timer);
  }

  private pump(): Promise<void> {
    this.pumping ??= this.sendAvailable().finally(() => (this.pumping = undefined));
    return this.pumping;
  }

  private async sendAvailable(): Promise<void> {
    if (this.failed) return;
    // Most polls find nothing new: a stat, no open.
    const size = fs.statSync(this.file, { throwIfNoEntry: false })?.size;
    if (size === undefined || size <= this.sent) return;
    let fd: number;
    try {
      fd = fs.openSync(this.file, 'r');
    } catch {
      return;
    }
    try {
      const chunk = (this.chunk ??= Buffer.allocUnsafe(this.maxChunkBytes));
      for (;;) {
        const read = fs.readSync(fd, chunk, 0, chunk.length, this.sent);
        if (read === 0) return;
        this.remoteOffset = await this.sink.write(this.remoteOffset, chunk.subarray(0, read));
        this.sent += read;
      }
    } catch (err) {
      this.failed = err as Error;
      this.log.warn({ err, file: this.file }, 'streaming the job\'s output failed');
    } finally {
      fs.closeSync(fd);
    }
  }
}
