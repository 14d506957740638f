import fs from 'node:fs';
import { promisify } from 'node:util';
import { closedForWriting, mayOpenForWriting, openedForWriting } from '../fork-gate.js';
import { FILE_CHUNK_BYTES } from './pack.js';

const writeAsync = promisify(fs.write);
const fdatasyncAsync = promisify(fs.fdatasync);

/** Buffers of one extraction: at most this many chunks of FILE_CHUNK_BYTES are copied and not yet written. */
const MAX_BUFFERS = 4;

/** A file being written: closed once it has ended and its last write (or write-back) is done. */
interface OpenFile {
  fd: number;
  /** Writes and write-backs in flight. */
  pending: number;
  ended: boolean;
  /** Durable writers: bytes written since the last fdatasync began, and whether one is running. */
  unsynced: number;
  syncing: boolean;
}

/** A durable writer starts a file's write-back every this many bytes, so the disk works while the archive streams in. */
const SYNC_EVERY_BYTES = 64 << 20;

/**
 * Writes the files of one extraction behind it: the data of a file is copied into a buffer and written
 * while the archive is read on, so that reading the next entry does not wait for the disk (with many
 * small files, the trips through the threadpool and back were most of the time). At most MAX_BUFFERS
 * are in flight; `buffer()` waits for one when all are. Each file is closed when its writes are done.
 *
 * Arriving chunks are copied rather than kept: held until a write, they outlive young-generation
 * collections, and a gigabyte of them then costs dozens of full garbage collections.
 *
 * `durable`: each file's data reaches the disk (fdatasync, in the threadpool while the archive is read on)
 * before it is closed, so that `finish()` resolving means the data survives a power loss.
 */
export class WriteBehind {
  private readonly free: Buffer[] = [];
  private allocated = 0;
  private readonly waitingForBuffer: Array<() => void> = [];
  private readonly inFlight = new Set<Promise<void>>();
  private failure: Error | undefined;

  constructor(private readonly durable = false) {}

  /**
   * Opens `target`, which must not exist (never through a link). The file counts as being written until
   * it is closed: no child is forked meanwhile (fork-gate.ts).
   */
  async create(target: string, mode: number): Promise<OpenFile> {
    this.throwFailure();
    await mayOpenForWriting();
    openedForWriting();
    try {
      return { fd: fs.openSync(target, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, mode), pending: 0, ended: false, unsynced: 0, syncing: false };
    } catch (err) {
      closedForWriting();
      throw err;
    }
  }

  /** A buffer to fill, waiting while all of them are being written. */
  async buffer(): Promise<Buffer> {
    for (;;) {
      this.throwFailure();
      const free = this.free.pop();
      if (free !== undefined) return free;
      if (this.allocated < MAX_BUFFERS) {
        this.allocated += 1;
        return Buffer.allocUnsafeSlow(FILE_CHUNK_BYTES);
      }
      await new Promise<void>((resolve) => this.waitingForBuffer.push(resolve));
    }
  }

  /** Writes `length` bytes of `buffer` at `position` of the file; the buffer is taken until then. */
  write(file: OpenFile, buffer: Buffer, length: number, position: number): void {
    file.pending += 1;
    const done = (async () => {
      try {
        for (let offset = 0; offset < length; ) offset += (await writeAsync(file.fd, buffer, offset, length - offset, position + offset)).bytesWritten;
        if (this.durable) {
          file.unsynced += length;
          if (file.unsynced >= SYNC_EVERY_BYTES && !file.syncing) this.startWriteBack(file);
        }
      } catch (err) {
        this.failure ??= err as Error;
      } finally {
        this.free.push(buffer);
        this.waitingForBuffer.shift()?.();
        this.settle(file);
      }
    })();
    this.track(done);
  }

  /** An fdatasync in the background: what it flushes, the final one at close need not wait for. */
  private startWriteBack(file: OpenFile): void {
    file.syncing = true;
    file.unsynced = 0;
    file.pending += 1;
    this.track(
      fdatasyncAsync(file.fd)
        .catch((err: unknown) => {
          this.failure ??= err as Error;
        })
        .finally(() => {
          file.syncing = false;
          this.settle(file);
        }),
    );
  }

  /** One of the file's writes or write-backs is done: close it if it has ended and nothing is left. */
  private settle(file: OpenFile): void {
    file.pending -= 1;
    if (file.ended && file.pending === 0) this.close(file);
  }

  private track(done: Promise<void>): void {
    this.inFlight.add(done);
    void done.then(() => this.inFlight.delete(done));
  }

  /** No more data for the file: it is closed once its writes are done. */
  end(file: OpenFile): void {
    file.ended = true;
    if (file.pending === 0) this.close(file);
  }

  /** Waits for every write and close; throws the first failure. */
  async finish(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
    this.throwFailure();
  }

  private close(file: OpenFile): void {
    const close = () => {
      try {
        fs.closeSync(file.fd);
      } catch (err) {
        this.failure ??= err as Error;
      } finally {
        closedForWriting();
      }
    };
    if (!this.durable) {
      close();
      return;
    }
    this.track(
      fdatasyncAsync(file.fd).then(close, (err: unknown) => {
        this.failure ??= err as Error;
        close();
      }),
    );
  }

  private throwFailure(): void {
    if (this.failure) throw this.failure;
  }
}
