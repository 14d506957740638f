import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import { promisify } from 'node:util';

const readAsync = promisify(fs.read);

/**
 * What a sender knew of a file it sent in the committed checkpoint: where it was (device, inode), its size
 * and its modification and change times. A file that still has all of them was not written since, so an
 * incremental checkpoint links it from the committed checkpoint instead of sending it again.
 */
export interface BaseFile {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  /**
   * The content's digest, for a file changed so shortly before it was sent that a later write could leave
   * the same times (a filesystem's clock ticks coarsely): such a file is unchanged only if its content is.
   */
  sha1?: string;
}

/** The files of the committed checkpoint by their names in the archive. */
export type CheckpointBase = ReadonlyMap<string, BaseFile>;

/**
 * How close to the moment it was sent a file's last change must be for its times not to vouch for its
 * content (git's "racily clean" entries): wider than any filesystem's timestamp granularity (FAT's is 2 s).
 */
export const RACY_WINDOW_NS = 2_000_000_000n;

/**
 * Local Linux filesystems stamp files from the kernel's coarse clock, which ticks every 1–10 ms: a change
 * 100 ms before a file is sent cannot share its times with a later one.
 */
const LOCAL_RACY_WINDOW_NS = 100_000_000n;

/** statfs magic numbers of ext2/3/4, XFS, Btrfs, tmpfs, overlayfs and ZFS. */
const LOCAL_FILESYSTEMS = new Set([0xef53, 0x58465342, 0x9123683e, 0x01021994, 0x794c7630, 0x2fc12fc1]);

/** The racy window for files under `dir`, by the filesystem it is on (RACY_WINDOW_NS when unknown). */
export function racyWindowFor(dir: string): bigint {
  try {
    return LOCAL_FILESYSTEMS.has(fs.statfsSync(dir).type) ? LOCAL_RACY_WINDOW_NS : RACY_WINDOW_NS;
  } catch {
    return RACY_WINDOW_NS;
  }
}

export function baseFileOf(stat: fs.BigIntStats): BaseFile {
  return { dev: stat.dev, ino: stat.ino, size: stat.size, mtimeNs: stat.mtimeNs, ctimeNs: stat.ctimeNs };
}

/** Whether `stat` shows the file as `base` recorded it (its digest, if it has one, is compared apart). */
export function sameFile(base: BaseFile, stat: fs.BigIntStats): boolean {
  return base.dev === stat.dev && base.ino === stat.ino && base.size === stat.size && base.mtimeNs === stat.mtimeNs && base.ctimeNs === stat.ctimeNs;
}

/** Whether a file last changed at `ctimeNs` is racy when sent at `nowNs` (see RACY_WINDOW_NS). */
export function isRacy(ctimeNs: bigint, nowNs: bigint, windowNs = RACY_WINDOW_NS): boolean {
  return nowNs - ctimeNs < windowNs;
}

export function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

export function newDigest(): Hash {
  return createHash('sha1');
}

/** The digest of an open file's content, read in `chunkBytes` pieces. */
export async function digestOf(fd: number, size: number, chunkBytes: number): Promise<string> {
  const hash = newDigest();
  const buffer = Buffer.allocUnsafe(Math.min(chunkBytes, Math.max(size, 1)));
  for (let offset = 0; offset < size; ) {
    const { bytesRead } = await readAsync(fd, buffer, 0, Math.min(buffer.length, size - offset), offset);
    if (bytesRead === 0) break;
    hash.update(buffer.subarray(0, bytesRead));
    offset += bytesRead;
  }
  return hash.digest('hex');
}
