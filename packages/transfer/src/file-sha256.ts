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

/** Off the event loop's thread: for daemons, which serve others meanwhile; opened with `rights` (a job's files: its user's). */
export async function fileSha256(file: string, rights: FileRights = daemonRights): Promise<string> {
  const hash = createHash('sha256');
  const fd = rights(() => fs.openSync(file, 'r'));
  for await (const chunk of fs.createReadStream(file, { fd, highWaterMark: CHUNK_BYTES })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
