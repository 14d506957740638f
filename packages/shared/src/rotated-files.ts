// HTCondor's rotated history files (classadHistory.cpp): `<file>.<YYYYMMDDTHHMMSS>` beside the file.
import fs from 'node:fs';
import path from 'node:path';

/** RotateHistory's suffix: the local time in ISO 8601's basic format (YYYYMMDDTHHMMSS). */
export function rotationSuffix(now: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}${two(now.getMonth() + 1)}${two(now.getDate())}T${two(now.getHours())}${two(now.getMinutes())}${two(now.getSeconds())}`;
}

/** The rotated files of `file` (IsHistoryFilename: its name, a dot, a basic ISO 8601 time), oldest first. */
export function rotatedFiles(file: string): string[] {
  const base = path.basename(file);
  let names: string[];
  try {
    names = fs.readdirSync(path.dirname(file));
  } catch {
    return [];
  }
  return names
    .filter((name) => name.startsWith(`${base}.`) && /^\d{8}T\d{6}$/.test(name.slice(base.length + 1)))
    .sort()
    .map((name) => path.join(path.dirname(file), name));
}

/**
 * RemoveExtraHistoryFiles: the oldest rotated files of `file` to delete before one more rotation, so that
 * `maxRotations` are left once it is made.
 */
export function rotationsToRemove(file: string, maxRotations: number): string[] {
  const rotated = rotatedFiles(file);
  return rotated.slice(0, Math.max(0, rotated.length - maxRotations + 1));
}

/** findHistoryFiles: the rotated files of `file`, oldest first, then `file` itself when it exists. */
export function historyFiles(file: string): string[] {
  return [...rotatedFiles(file), ...(fs.existsSync(file) ? [file] : [])];
}

/** The file's size, -1 when it does not exist. */
export function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return -1;
  }
}

/** findHistoryOffset: where the file's last line begins (its final newline aside). */
export function lastLineOffset(file: string, size: number): number {
  const fd = fs.openSync(file, 'r');
  try {
    const end = size - 1;
    let from = end;
    const buffer = Buffer.alloc(4096);
    while (from > 0) {
      const start = Math.max(0, from - buffer.length);
      const length = from - start;
      fs.readSync(fd, buffer, 0, length, start);
      const newline = buffer.subarray(0, length).lastIndexOf(0x0a);
      if (newline >= 0) return start + newline + 1;
      from = start;
    }
    return 0;
  } finally {
    fs.closeSync(fd);
  }
}
