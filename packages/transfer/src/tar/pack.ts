import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { promisify } from 'node:util';
import tar from 'tar-stream';
import { daemonRights, type FileRights } from '@tinycondor/shared/file-rights';
import { readErrorOf, refusedSymlinkError, symlinkToDirectoryError } from '../symlinks.js';
import { baseFileOf, digestOf, isRacy, newDigest, nowNs, sameFile, type BaseFile, type CheckpointBase } from './checkpoint-base.js';

/** One thing to put into a transfer: `source` on disk appears in the archive as `name`. */
export interface PackEntry {
  name: string;
  source: string;
  /** Whose rights `source` is read with (a job's files: its owner's); the daemon's own by default. */
  rights?: FileRights;
  /**
   * Symlinks to files are sent as the files they point to, as HTCondor's file transfer sends them (with
   * the rights of the files' owner only), each judged by where the opened file really is (`refusal`: why it
   * may not be read, such as the pool's own files); a symlink to a directory, or to nothing, fails the
   * transfer (a TransferReadError), and one to a FIFO, socket or device is not sent. Without it a symlink
   * is sent as a symlink. The lists are checked first (symlinks.ts), so these failures come before the
   * first byte is sent unless the job changes its files meanwhile.
   */
  followSymlinks?: { refusal: (realPath: string) => string | undefined };
}

export interface PackResult {
  files: number;
  bytes: number;
  /** Files sent as links to the committed checkpoint (counted in `files`, not in `bytes`). */
  linked: number;
}

export interface PackOptions {
  /**
   * A checkpoint that a next one may build on: its files are recorded as they are sent (PackedArchive.sent),
   * the racy ones with their digest. Other transfers record nothing, and hash nothing.
   */
  incremental?: {
    /**
     * The committed checkpoint's files, as the archive that made it recorded them: each file unchanged
     * since is sent as a tar link entry naming it in that checkpoint, not as its data. Only a receiver that
     * commits onto that checkpoint accepts such entries (ExtractOptions.linkBase).
     */
    base?: CheckpointBase;
    /** See RACY_WINDOW_NS and racyWindowFor: the sender knows the filesystem its files are on. */
    racyWindowNs: bigint;
  };
}

/** The pax record a link entry of an incremental checkpoint carries: the size of the file it names. */
export const BASE_SIZE_PAX = 'TINYCONDOR.base.size';

/**
 * The last entry of every archive tinycondor sends: it carries the counts of what came before, so the
 * receiver can tell a complete transfer from one cut at an entry boundary (which is still a valid tar).
 */
export const END_MARKER = '.tinycondor-end';

/** Files are read and written 1 MiB at a time: with Node's 64 KiB default, a 1 GiB checkpoint costs ~30 % more CPU. */
export const FILE_CHUNK_BYTES = 1 << 20;

/**
 * Reads are asynchronous (a read can wait on the disk); lstat, open, readdir, readlink and close are
 * synchronous: they cost microseconds, while each trip through the threadpool, on a loaded machine, costs
 * a wait for a time slice, and for many small files those waits are most of the time. Being synchronous,
 * they also run with the entry's `rights`, which hold for the calling thread only.
 */
const readAsync = promisify(fs.read);

/** Read buffers kept for reuse by one archive: with the ones in flight, a few MiB. */
const MAX_FREE_READ_BUFFERS = 4;

/**
 * The buffers file data is read into. A consumer that gives chunks back once written out (`release`) lets
 * them be reused: a gigabyte read into new buffers that outlive young-generation collections costs
 * dozens of full garbage collections. Chunks never given back are simply collected.
 */
class ReadBuffers {
  private readonly free: Buffer[] = [];
  private readonly lent = new WeakMap<Uint8Array, Buffer>();

  take(length: number): Buffer {
    return length === FILE_CHUNK_BYTES ? (this.free.pop() ?? Buffer.allocUnsafeSlow(FILE_CHUNK_BYTES)) : Buffer.allocUnsafeSlow(length);
  }

  lend(chunk: Buffer, whole: Buffer): void {
    if (whole.length === FILE_CHUNK_BYTES) this.lent.set(chunk, whole);
  }

  release(chunk: Uint8Array): void {
    const whole = this.lent.get(chunk);
    if (whole === undefined) return;
    this.lent.delete(chunk);
    if (this.free.length < MAX_FREE_READ_BUFFERS) this.free.push(whole);
  }
}

export interface PackedArchive {
  stream: tar.Pack;
  done: Promise<PackResult>;
  /** The regular files of an incremental packing, filled in as they are packed: the base of the next checkpoint. */
  sent: Map<string, BaseFile>;
  /** Gives back a chunk read from `stream` that is written out and no longer referenced: its memory is reused. */
  release(chunk: Uint8Array): void;
}

/**
 * Streams the entries (files, and directories recursively) as a tar archive. The archive is written
 * while it is read, so memory stays bounded whatever the size of the files.
 */
export function packEntries(entries: readonly PackEntry[], options: PackOptions = {}): PackedArchive {
  const pack = tar.pack();
  const result: PackResult = { files: 0, bytes: 0, linked: 0 };
  const sent = new Map<string, BaseFile>();
  const buffers = new ReadBuffers();

  /** Sends `name` as a link to its namesake in the committed checkpoint. */
  const addLink = (name: string, stat: fs.BigIntStats, recorded: BaseFile): void => {
    pack.entry({ name, type: 'link', linkname: name, mode: Number(stat.mode) & 0o777, mtime: stat.mtime, pax: { [BASE_SIZE_PAX]: String(stat.size) } });
    sent.set(name, recorded);
    result.files += 1;
    result.linked += 1;
  };

  /** Adds a regular file, read from `opened` when the caller opened it already; a file the base has unchanged is linked. */
  const addFile = async (name: string, source: string, stat: fs.BigIntStats, rights: FileRights, opened?: number): Promise<void> => {
    const { incremental } = options;
    const previous = incremental?.base?.get(name);
    const unchanged = previous !== undefined && sameFile(previous, stat);
    if (unchanged && previous.sha1 === undefined) {
      if (opened !== undefined) fs.closeSync(opened);
      addLink(name, stat, previous);
      return;
    }
    const size = Number(stat.size);
    const racy = incremental !== undefined && isRacy(stat.ctimeNs, nowNs(), incremental.racyWindowNs);
    const fd = opened ?? rights(() => fs.openSync(source, 'r'));
    try {
      if (unchanged && (await digestOf(fd, size, FILE_CHUNK_BYTES)) === previous.sha1) {
        addLink(name, stat, racy ? previous : baseFileOf(stat));
        return;
      }
      const digest = racy ? newDigest() : undefined;
      let settle: (err?: Error | null) => void = () => undefined;
      const written = new Promise<void>((resolve, reject) => (settle = (err) => (err ? reject(err) : resolve())));
      // Rejected when the pack is destroyed, perhaps while no one waits on it.
      written.catch(() => undefined);
      const entry = pack.entry({ name, size, mode: Number(stat.mode) & 0o777, mtime: stat.mtime, type: 'file' }, settle);
      for (let offset = 0; offset < size; ) {
        const length = Math.min(FILE_CHUNK_BYTES, size - offset);
        const buffer = buffers.take(length);
        const { bytesRead } = await readAsync(fd, buffer, 0, length, offset);
        if (bytesRead === 0) throw new Error(`${source} shrank from ${size} to ${offset} bytes while it was packed`);
        offset += bytesRead;
        const chunk = bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead);
        digest?.update(chunk);
        buffers.lend(chunk, buffer);
        if (!entry.write(chunk)) await Promise.race([once(entry, 'drain'), written]);
      }
      entry.end(undefined);
      await written;
      if (incremental) sent.set(name, digest === undefined ? baseFileOf(stat) : { ...baseFileOf(stat), sha1: digest.digest('hex') });
    } finally {
      fs.closeSync(fd);
    }
    result.files += 1;
    result.bytes += size;
  };

  /** Opens the file a symlink leads to, judged by where the opened file really is (no race with the link changing). */
  const openFollowed = (source: string, rights: FileRights, refusal: (realPath: string) => string | undefined): number => {
    let fd: number;
    try {
      fd = rights(() => fs.openSync(source, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK));
    } catch (err) {
      throw readErrorOf(source, err);
    }
    const refused = refusal(fs.readlinkSync(`/proc/self/fd/${fd}`));
    if (refused === undefined) return fd;
    fs.closeSync(fd);
    throw refusedSymlinkError(source, refused);
  };

  const addPath = async (name: string, source: string, rights: FileRights, follow: PackEntry['followSymlinks']): Promise<void> => {
    const stat = rights(() => fs.lstatSync(source, { bigint: true }));
    if (stat.isDirectory()) {
      pack.entry({ name: `${name}/`, type: 'directory', mode: Number(stat.mode) & 0o777, mtime: stat.mtime });
      const children = rights(() => fs.readdirSync(source));
      children.sort();
      for (const child of children) await addPath(`${name}/${child}`, path.join(source, child), rights, follow);
    } else if (stat.isSymbolicLink()) {
      if (!follow) {
        pack.entry({ name, type: 'symlink', linkname: rights(() => fs.readlinkSync(source)), mode: 0o777, mtime: stat.mtime });
        return;
      }
      let target: fs.Stats;
      try {
        target = rights(() => fs.statSync(source));
      } catch (err) {
        throw readErrorOf(source, err);
      }
      if (target.isDirectory()) throw symlinkToDirectoryError(source);
      // Leading to a FIFO or socket, it is left out as HTCondor leaves them out of its list; to a device too.
      if (!target.isFile()) return;
      const fd = openFollowed(source, rights, follow.refusal);
      const opened = fs.fstatSync(fd, { bigint: true });
      if (!opened.isFile()) {
        fs.closeSync(fd);
        return;
      }
      await addFile(name, source, opened, rights, fd);
    } else if (stat.isFile()) {
      await addFile(name, source, stat, rights);
    }
  };

  const done = (async () => {
    try {
      for (const entry of entries) await addPath(entry.name, entry.source, entry.rights ?? daemonRights, entry.followSymlinks);
      pack.entry({ name: END_MARKER, type: 'file', mode: 0o600 }, JSON.stringify(result));
      pack.finalize();
      return result;
    } catch (err) {
      pack.destroy(err as Error);
      throw err;
    }
  })();
  // The consumer learns of failures through the stream; keep the promise from being reported unhandled.
  done.catch(() => undefined);
  return { stream: pack, done, sent, release: (chunk) => buffers.release(chunk) };
}
