import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';

/** One thing to put into a transfer: `source` on disk appears in the archive as `name`. */
export interface PackEntry {
  name: string;
  source: string;
}

export interface PackResult {
  files: number;
  bytes: number;
}

/**
 * The last entry of every archive tinycondor sends: it carries the counts of what came before, so the
 * receiver can tell a complete transfer from one cut at an entry boundary (which is still a valid tar).
 */
export const END_MARKER = '.tinycondor-end';

/** Files are read and written 1 MiB at a time: with Node's 64 KiB default, a 1 GiB checkpoint costs ~30 % more CPU. */
export const FILE_CHUNK_BYTES = 1 << 20;

/**
 * Streams the entries (files, and directories recursively) as a tar archive. The archive is written
 * while it is read, so memory stays bounded whatever the size of the files.
 */
export function packEntries(entries: readonly PackEntry[]): { stream: tar.Pack; done: Promise<PackResult> } {
  const pack = tar.pack();
  const result: PackResult = { files: 0, bytes: 0 };

  const addFile = async (name: string, source: string, stat: fs.Stats): Promise<void> => {
    const entry = pack.entry({ name, size: stat.size, mode: stat.mode & 0o777, mtime: stat.mtime, type: 'file' });
    await pipeline(fs.createReadStream(source, { highWaterMark: FILE_CHUNK_BYTES }), entry);
    result.files += 1;
    result.bytes += stat.size;
  };

  const addPath = async (name: string, source: string): Promise<void> => {
    const stat = await fs.promises.lstat(source);
    if (stat.isDirectory()) {
      pack.entry({ name: `${name}/`, type: 'directory', mode: stat.mode & 0o777, mtime: stat.mtime });
      const children = await fs.promises.readdir(source);
      children.sort();
      for (const child of children) await addPath(`${name}/${child}`, path.join(source, child));
    } else if (stat.isSymbolicLink()) {
      const target = await fs.promises.readlink(source);
      pack.entry({ name, type: 'symlink', linkname: target, mode: 0o777, mtime: stat.mtime });
    } else if (stat.isFile()) {
      await addFile(name, source, stat);
    }
  };

  const done = (async () => {
    try {
      for (const entry of entries) await addPath(entry.name, entry.source);
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
  return { stream: pack, done };
}
