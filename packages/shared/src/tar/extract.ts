import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { END_MARKER, FILE_CHUNK_BYTES } from './pack.js';

export interface ExtractLimits {
  maxEntries: number;
  maxTotalBytes: number;
  maxEntryBytes: number;
}

export const DEFAULT_EXTRACT_LIMITS: ExtractLimits = {
  maxEntries: 100_000,
  maxTotalBytes: 64 * 1024 ** 3,
  maxEntryBytes: 64 * 1024 ** 3,
};

export class UnsafeArchiveError extends Error {
  constructor(
    readonly entryName: string,
    message: string,
  ) {
    super(`archive entry '${entryName}': ${message}`);
    this.name = 'UnsafeArchiveError';
  }
}

/** A transfer that did not arrive whole (cut connection, truncated body). */
export class IncompleteArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IncompleteArchiveError';
  }
}

async function readEndMarker(entry: AsyncIterable<unknown>): Promise<{ files: number; bytes: number }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of entry) {
    const bytes = Buffer.from(chunk as Uint8Array);
    size += bytes.length;
    if (size > 4096) throw new IncompleteArchiveError('end marker too large');
    chunks.push(bytes);
  }
  try {
    const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { files?: unknown; bytes?: unknown };
    if (Number.isInteger(parsed.files) && Number.isInteger(parsed.bytes)) return { files: parsed.files as number, bytes: parsed.bytes as number };
  } catch {
    // fall through to the error below
  }
  throw new IncompleteArchiveError('end marker is malformed');
}

export interface ExtractResult {
  /** Top-level names written, in archive order without duplicates. */
  topLevelNames: string[];
  files: number;
  bytes: number;
}

/** Rejects names that could land outside the destination. Returns the normalised relative path. */
export function safeRelativePath(name: string): string {
  if (name.length === 0 || name.length > 4096) throw new UnsafeArchiveError(name, 'bad name length');
  if (name.includes('\0')) throw new UnsafeArchiveError(name, 'NUL in name');
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) throw new UnsafeArchiveError(name, 'absolute path');
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0) throw new UnsafeArchiveError(name, 'empty path');
  if (parts.includes('..')) throw new UnsafeArchiveError(name, "'..' in path");
  return parts.join('/');
}

async function assertNoSymlinkParents(root: string, relative: string): Promise<void> {
  const parts = relative.split('/').slice(0, -1);
  let current = root;
  for (const part of parts) {
    current = path.join(current, part);
    const stat = await fs.promises.lstat(current).catch(() => undefined);
    if (stat === undefined) return;
    if (!stat.isDirectory()) throw new UnsafeArchiveError(relative, `parent '${part}' is not a directory`);
  }
}

/**
 * Whether a link target, followed from `fromDir`, stays inside `root`. Each step is checked on disk,
 * so a target cannot leave through a link extracted earlier (`b -> .` then `a -> b/..`).
 */
async function staysInside(root: string, fromDir: string, linkTarget: string): Promise<boolean> {
  let current = fromDir;
  for (const part of linkTarget.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (current === root) return false;
      current = path.dirname(current);
      continue;
    }
    current = path.join(current, part);
    const stat = await fs.promises.lstat(current).catch(() => undefined);
    if (stat?.isSymbolicLink()) return false;
  }
  return current === root || current.startsWith(root + path.sep);
}

async function removeExisting(target: string): Promise<void> {
  await fs.promises.rm(target, { recursive: true, force: true });
}

/**
 * Extracts an untrusted tar stream into destDir: no absolute paths, no `..`, no links that point
 * outside, no devices or FIFOs, and limits on entry count and sizes. Existing entries of the same name
 * are replaced (later entries win, which is how SPOOL contents override the original inputs).
 */
export async function extractTarSafely(
  source: Readable,
  destDir: string,
  limits: ExtractLimits = DEFAULT_EXTRACT_LIMITS,
): Promise<ExtractResult> {
  destDir = path.resolve(destDir);
  const extract = tar.extract();
  const result: ExtractResult = { topLevelNames: [], files: 0, bytes: 0 };
  const seenTop = new Set<string>();
  let entries = 0;
  let ended: { files: number; bytes: number } | undefined;
  await fs.promises.mkdir(destDir, { recursive: true });

  const consume = (async () => {
    for await (const entry of extract) {
      const header = entry.header;
      if (ended) throw new UnsafeArchiveError(header.name, `entry after the end marker`);
      if (header.name === END_MARKER) {
        ended = await readEndMarker(entry);
        continue;
      }
      entries += 1;
      if (entries > limits.maxEntries) throw new UnsafeArchiveError(header.name, `more than ${limits.maxEntries} entries`);
      const relative = safeRelativePath(header.name);
      const target = path.join(destDir, relative);
      const top = relative.split('/')[0];
      if (!seenTop.has(top)) {
        seenTop.add(top);
        result.topLevelNames.push(top);
      }
      await assertNoSymlinkParents(destDir, relative);
      const mode = (header.mode ?? 0o644) & 0o777;
      switch (header.type) {
        case 'directory': {
          const existing = await fs.promises.lstat(target).catch(() => undefined);
          if (existing && !existing.isDirectory()) await removeExisting(target);
          await fs.promises.mkdir(target, { recursive: true, mode: mode | 0o700 });
          entry.resume();
          break;
        }
        case 'file':
        case 'contiguous-file': {
          const size = header.size ?? 0;
          if (size > limits.maxEntryBytes) throw new UnsafeArchiveError(header.name, `size ${size} exceeds ${limits.maxEntryBytes}`);
          if (result.bytes + size > limits.maxTotalBytes) throw new UnsafeArchiveError(header.name, `archive exceeds ${limits.maxTotalBytes} bytes`);
          await fs.promises.mkdir(path.dirname(target), { recursive: true });
          await removeExisting(target);
          await pipeline(entry, fs.createWriteStream(target, { mode: mode | 0o600, highWaterMark: FILE_CHUNK_BYTES }));
          result.files += 1;
          result.bytes += size;
          break;
        }
        case 'symlink': {
          const linkTarget = header.linkname ?? '';
          if (path.isAbsolute(linkTarget) || !(await staysInside(destDir, path.dirname(target), linkTarget))) {
            throw new UnsafeArchiveError(header.name, `symlink to '${linkTarget}' points outside`);
          }
          await fs.promises.mkdir(path.dirname(target), { recursive: true });
          await removeExisting(target);
          await fs.promises.symlink(linkTarget, target);
          entry.resume();
          break;
        }
        default:
          throw new UnsafeArchiveError(header.name, `entry type '${header.type}' is not allowed`);
      }
    }
  })();

  await Promise.all([pipeline(source, extract), consume]).catch((err: unknown) => {
    source.destroy();
    extract.destroy();
    throw err;
  });
  if (!ended) throw new IncompleteArchiveError('the archive ended before its end marker: the transfer was cut');
  if (ended.files !== result.files || ended.bytes !== result.bytes) {
    throw new IncompleteArchiveError(`the archive announced ${ended.files} files / ${ended.bytes} bytes but held ${result.files} / ${result.bytes}`);
  }
  return result;
}
