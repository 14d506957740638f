// The SubmitContext.probeFile of a real file system (condor_submit's stat and first-line read).
import fs from 'node:fs';
import type { FileProbe } from './context.js';

/** strerror's text for the errors a stat or open gives, as condor_submit prints them. */
const STRERROR: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  EPERM: 'Operation not permitted',
  EIO: 'Input/output error',
};

export function strerror(err: NodeJS.ErrnoException): string {
  return STRERROR[err.code ?? ''] ?? err.message;
}

/** HTCondor reads the first line with fgets into a 1024-byte buffer. */
const FIRST_LINE_BYTES = 1023;

export function probeFile(path: string): FileProbe {
  let size: number;
  try {
    size = fs.statSync(path).size;
  } catch (err) {
    return { error: strerror(err as NodeJS.ErrnoException) };
  }
  let firstLine = '';
  let readError: string | undefined;
  try {
    const fd = fs.openSync(path, 'r');
    try {
      const buffer = Buffer.alloc(FIRST_LINE_BYTES);
      const read = fs.readSync(fd, buffer, 0, FIRST_LINE_BYTES, 0);
      const text = buffer.subarray(0, read).toString('latin1');
      const newline = text.indexOf('\n');
      firstLine = newline < 0 ? text : text.slice(0, newline + 1);
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    // Present but unreadable: the executable check skips its CRLF test then, the input check refuses it.
    readError = strerror(err as NodeJS.ErrnoException);
  }
  return readError === undefined ? { size, firstLine } : { size, firstLine, readError };
}
