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
