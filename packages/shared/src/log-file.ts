import fs from 'node:fs';

/** Lines waiting beyond this many bytes (the disk is slow or failing) are dropped and counted. */
const MAX_PENDING_BYTES = 8 << 20;

/**
 * A daemon's log file as a pino destination that can never take the daemon down: a failed write (ENOSPC,
 * EIO, a log on a full filesystem) drops the lines it carried, counts them, and says so once on stderr;
 * nothing is thrown and nothing is retried in a loop. Lines are appended in batches behind the caller.
 * At exit, what is still pending is written in one attempt, whose failure is ignored (pino's own
 * destination retries a failed flushSync forever, and a schedd that fills its disk then never exits).
 */
export class LogFile {
  private fd: number | undefined;
  private pending: string[] = [];
  private pendingBytes = 0;
  private writing = false;
  private reported = false;
  /** Lines lost since the last successful write, noted in the log once writing works again. */
  private lostSinceWrite = 0;
  /** Lines lost in all. */
  lostLines = 0;
  private readonly drained: Array<() => void> = [];

  constructor(
    readonly file: string,
    private readonly stderr: (message: string) => void = (message) => process.stderr.write(message),
  ) {
    try {
      this.fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT, 0o600);
    } catch (err) {
      this.report(err);
    }
    process.once('exit', () => this.flushOnceSync());
  }

  write(line: string): void {
    if (this.fd === undefined || this.pendingBytes + line.length > MAX_PENDING_BYTES) {
      this.lost(1);
      return;
    }
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (!this.writing) this.writeNext();
  }

  /** Calls back once every line written so far has been written or dropped (pino's logger.flush). */
  flush(callback?: (err?: Error) => void): void {
    if (!this.writing) callback?.();
    else if (callback) this.drained.push(() => callback());
  }

  private writeNext(): void {
    if (this.fd === undefined || this.pending.length === 0) {
      this.writing = false;
      for (const done of this.drained.splice(0)) done();
      return;
    }
    this.writing = true;
    const lines = this.pending.length;
    const data = Buffer.from(this.notice() + this.pending.join(''));
    this.pending = [];
    this.pendingBytes = 0;
    this.writeAll(this.fd, data, lines);
  }

  private writeAll(fd: number, data: Buffer, lines: number): void {
    fs.write(fd, data, 0, data.length, null, (err, written) => {
      if (err) {
        this.report(err);
        this.lost(lines);
      } else if (written < data.length) {
        this.writeAll(fd, data.subarray(written), lines);
        return;
      } else {
        this.lostSinceWrite = 0;
      }
      this.writeNext();
    });
  }

  /** A line saying how many lines were lost, put before the first batch written after a loss. */
  private notice(): string {
    if (this.lostSinceWrite === 0) return '';
    return `${JSON.stringify({ level: 40, time: Date.now(), pid: process.pid, msg: `${this.lostSinceWrite} log lines were lost: the log file could not be written` })}\n`;
  }

  private lost(lines: number): void {
    this.lostLines += lines;
    this.lostSinceWrite += lines;
  }

  private report(err: unknown): void {
    if (this.reported) return;
    this.reported = true;
    this.stderr(`tinycondor: cannot write the log file ${this.file}: ${(err as Error).message}; lines that cannot be written are dropped and counted, and the daemon goes on\n`);
  }

  /** One synchronous attempt to write what is pending, for the exit handler; errors are ignored. */
  flushOnceSync(): void {
    if (this.fd === undefined || this.pending.length === 0) return;
    const data = Buffer.from(this.notice() + this.pending.join(''));
    this.pending = [];
    this.pendingBytes = 0;
    try {
      fs.writeSync(this.fd, data);
    } catch {
      // The process is exiting: nothing more can be done about a log that cannot be written.
    }
  }
}
