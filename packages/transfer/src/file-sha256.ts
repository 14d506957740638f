// The SHA-256 of a file's bytes (checkpoint_destination's MANIFESTs, the checkpoint tester's comparisons),
// read a chunk at a time so that a large file costs no more memory than a small one.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { daemonRights, type FileRights } from '@tinycondor/shared/file-rights';

const CHUNK_BYTES = 1 << 20;

/** In the calling thread: for commands. */
export function fileSha256Sync(file: string): string {
  const hash = createHash('sha256');
  const buffer = Buffer.alloc(CHUNK_BYTES);
  const fd = fs.openSync(file, 'r');
  try {
    for (let n = fs.readSync(fd, buffer); n > 0; n = fs.readSync(fd, buffer)) hash.update(buffer.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

/**
 * Off the event loop's thread: for daemons, which serve others meanwhile; opened with `rights` (a job's files:
 * its user's). One buffer is read into again and again: a stream's new buffer per chunk cost 1.6× the CPU in
 * garbage collection (the checkpoint-1gib-destination bench's profile).
 */
export async function fileSha256(file: string, rights: FileRights = daemonRights): Promise<string> {
  const hash = createHash('sha256');
  const fd = rights(() => fs.openSync(file, 'r'));
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  try {
    for (let n = await read(fd, buffer); n > 0; n = await read(fd, buffer)) hash.update(buffer.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

/** The next bytes of an open file into `buffer`, read on libuv's threadpool: how many (0 at its end). */
function read(fd: number, buffer: Buffer): Promise<number> {
  return new Promise((resolve, reject) => fs.read(fd, buffer, 0, buffer.length, null, (err, bytesRead) => (err ? reject(err) : resolve(bytesRead))));
}
