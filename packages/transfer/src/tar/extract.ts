import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { BASE_SIZE_PAX, END_MARKER } from './pack.js';
import { WriteBehind } from './write-behind.js';

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

/**
 * An incremental checkpoint names a file of the committed checkpoint that is not there as it says (the
 * checkpoint it builds on is not the committed one): the sender must send the checkpoint whole.
 */
export class BaseMismatchError extends Error {
  constructor(
    readonly entryName: string,
    message: string,
  ) {
    super(`archive entry '${entryName}': ${message}`);
    this.name = 'BaseMismatchError';
  }
}

/**
 * The committed file a link entry names, checked to be a regular file of the size the sender recorded,
 * reached through real directories only (never through a symlink out of the base); `directories` holds
 * those already checked. Synchronous: an lstat costs microseconds, a trip through the threadpool for each
 * of a thousand linked files costs a quarter of a second.
 */
function committedFile(baseDir: string, entryName: string, linkname: string, sizeRecord: string | undefined, directories: Set<string>): string {
  const parts = safeRelativePath(linkname).split('/');
  let current = baseDir;
  for (let i = 0; i < parts.length; i++) {
    current = `${current}/${parts[i]}`;
    const last = i === parts.length - 1;
    if (!last && directories.has(current)) continue;
    const stat = fs.lstatSync(current, { throwIfNoEntry: false });
    if (stat === undefined || (last ? !stat.isFile() : !stat.isDirectory())) {
      throw new BaseMismatchError(entryName, `'${linkname}' is not a file of the committed checkpoint`);
    }
    if (!last) directories.add(current);
    if (last && String(stat.size) !== sizeRecord) {
      throw new BaseMismatchError(entryName, `'${linkname}' in the committed checkpoint has ${stat.size} bytes, not ${sizeRecord ?? 'an unstated number of'}`);
    }
  }
  return current;
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
  /** Files linked from the committed checkpoint (ExtractOptions.linkBase), counted in `files`. */
  linked: number;
  /** Top-level names of entries received but not written (ExtractOptions.withheldTopLevelNames). */
  withheld: string[];
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

/**
 * A directory of the destination as this extraction knows it: the entries it created there or found on
 * disk ('other' is anything that is not a directory). `complete` when the extraction created the directory,
 * so that a name it does not list is not there: no look on disk is needed.
 */
interface KnownDirectory {
  complete: boolean;
  entries: Map<string, KnownDirectory | 'other'>;
}

const newDirectory = (): KnownDirectory => ({ complete: true, entries: new Map() });

function errnoCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

async function removeExisting(target: string): Promise<void> {
  await fs.promises.rm(target, { recursive: true, force: true });
}

/**
 * Where an extraction writes. Parents are checked to be real directories once per directory, not once per
 * entry; every entry is created with an exclusive call (mkdir, O_CREAT|O_EXCL, symlink) that never follows a
 * link, after removing whatever an earlier entry or the destination had under its name.
 */
class Destination {
  private readonly root: KnownDirectory;

  constructor(
    readonly dir: string,
    created: boolean,
  ) {
    this.root = created ? newDirectory() : { complete: false, entries: new Map() };
  }

  /** What is at `target` (named `name` in `parent`): from memory, else from disk when `parent` may hold more. */
  private async lookup(parent: KnownDirectory, name: string, target: string): Promise<KnownDirectory | 'other' | undefined> {
    const known = parent.entries.get(name);
    if (known !== undefined || parent.complete) return known;
    const stat = await fs.promises.lstat(target).catch((err: unknown) => {
      if (errnoCode(err) === 'ENOENT') return undefined;
      throw err;
    });
    if (stat === undefined) return undefined;
    const found = stat.isDirectory() ? { complete: false, entries: new Map() } : 'other';
    parent.entries.set(name, found);
    return found;
  }

  /** The directory that will hold the entry `parts`, created (with its missing parents) when absent. */
  async parentOf(relative: string, parts: readonly string[]): Promise<{ parent: KnownDirectory; target: string }> {
    let node = this.root;
    let current = this.dir;
    for (let i = 0; i < parts.length - 1; i++) {
      const part = parts[i];
      current = `${current}/${part}`;
      let child = await this.lookup(node, part, current);
      if (child === undefined) {
        await this.exclusively(relative, node, () => fs.promises.mkdir(current));
        child = newDirectory();
        node.entries.set(part, child);
      }
      if (child === 'other') throw new UnsafeArchiveError(relative, `parent '${part}' is not a directory`);
      node = child;
    }
    return { parent: node, target: `${current}/${parts[parts.length - 1]}` };
  }

  /** Makes room for a new entry `name` of `parent`: what an earlier entry or the destination had there goes. */
  async clear(parent: KnownDirectory, name: string, target: string): Promise<void> {
    if ((await this.lookup(parent, name, target)) === undefined) return;
    await removeExisting(target);
    parent.entries.delete(name);
  }

  /** An existing directory at `target` stays (as with `mkdir -p`); anything else there is replaced by one. */
  async makeDirectory(relative: string, parent: KnownDirectory, name: string, target: string, mode: number): Promise<void> {
    const existing = await this.lookup(parent, name, target);
    if (existing !== undefined && existing !== 'other') return;
    if (existing === 'other') await removeExisting(target);
    await this.exclusively(relative, parent, () => fs.promises.mkdir(target, { mode }));
    parent.entries.set(name, newDirectory());
  }

  /**
   * Runs a creating call that fails with EEXIST rather than reuse what is there. In a directory this
   * extraction created, nothing it does not know of can be there: another writer, or a name the filesystem
   * folds onto an earlier one (case, Unicode form), and the entry is refused.
   */
  async exclusively<T>(relative: string, parent: KnownDirectory, create: () => Promise<T>): Promise<T> {
    try {
      return await create();
    } catch (err) {
      if (errnoCode(err) === 'EEXIST' && parent.complete) throw new UnsafeArchiveError(relative, 'collides with a path this extraction did not create');
      throw err;
    }
  }
}

/** Copies the entry's data into the writer's buffers, each written behind as it fills. */
async function writeNewFile(entry: AsyncIterable<unknown>, target: string, mode: number, writer: WriteBehind): Promise<void> {
  const file = await writer.create(target, mode);
  try {
    let buffer: Buffer | undefined;
    let filled = 0;
    let position = 0;
    for await (const data of entry) {
      const chunk = data as Uint8Array;
      for (let offset = 0; offset < chunk.byteLength; ) {
        buffer ??= await writer.buffer();
        const copied = Math.min(buffer.length - filled, chunk.byteLength - offset);
        buffer.set(chunk.subarray(offset, offset + copied), filled);
        filled += copied;
        offset += copied;
        if (filled === buffer.length) {
          writer.write(file, buffer, filled, position);
          position += filled;
          buffer = undefined;
          filled = 0;
        }
      }
    }
    if (buffer !== undefined) writer.write(file, buffer, filled, position);
  } finally {
    writer.end(file);
  }
}

export interface ExtractOptions {
  limits?: ExtractLimits;
  /**
   * destDir must not exist yet: the extraction creates it (it fails when it exists) and, as nothing else
   * writes there, knows everything in it, so that it needs no look on disk per entry.
   */
  createDest?: boolean;
  /**
   * The files' data and the directories' entries are on disk when the extraction resolves (fdatasync of
   * each file, fsync of each directory it wrote into), so that a commit marker written after it vouches
   * for data that survives a power loss.
   */
  durable?: boolean;
  /**
   * Top-level names the destination reserves for its own use: entries at or under them are read (they
   * count towards the end marker) but not written, and their names are listed in ExtractResult.withheld.
   */
  withheldTopLevelNames?: readonly string[];
  /**
   * The committed checkpoint an incremental checkpoint builds on: its link entries (PackOptions.base) are
   * hard links to the files they name there. Without it, link entries are refused.
   */
  linkBase?: string;
}

/**
 * Extracts an untrusted tar stream into destDir: no absolute paths, no `..`, no writing through a symlink,
 * no links that point outside, no devices or FIFOs, and limits on entry count and sizes. Existing entries
 * of the same name are replaced (later entries win, which is how SPOOL contents override the original inputs).
 */
export async function extractTarSafely(source: Readable, destDir: string, options: ExtractOptions = {}): Promise<ExtractResult> {
  const limits = options.limits ?? DEFAULT_EXTRACT_LIMITS;
  destDir = path.resolve(destDir);
  const extract = tar.extract();
  const result: ExtractResult = { topLevelNames: [], files: 0, bytes: 0, linked: 0, withheld: [] };
  const withheld = new Set(options.withheldTopLevelNames);
  const seenTop = new Set<string>();
  let entries = 0;
  let ended: { files: number; bytes: number } | undefined;
  if (options.createDest) {
    await fs.promises.mkdir(path.dirname(destDir), { recursive: true });
    await fs.promises.mkdir(destDir);
  } else {
    await fs.promises.mkdir(destDir, { recursive: true });
  }
  const dest = new Destination(destDir, options.createDest === true);
  const writer = new WriteBehind(options.durable === true);
  /** Directories of the committed checkpoint (linkBase) found to be real directories. */
  const baseDirectories = new Set<string>();
  /** Directories this extraction created entries in (durable extractions fsync them at the end). */
  const changedDirs = new Set<string>([destDir]);

  const checkFileSize = (name: string, size: number): void => {
    if (size > limits.maxEntryBytes) throw new UnsafeArchiveError(name, `size ${size} exceeds ${limits.maxEntryBytes}`);
    if (result.bytes + size > limits.maxTotalBytes) throw new UnsafeArchiveError(name, `archive exceeds ${limits.maxTotalBytes} bytes`);
  };

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
      const parts = relative.split('/');
      const top = parts[0];
      if (withheld.has(top)) {
        if (!result.withheld.includes(top)) result.withheld.push(top);
        if (header.type === 'file' || header.type === 'contiguous-file') {
          checkFileSize(header.name, header.size ?? 0);
          result.files += 1;
          result.bytes += header.size ?? 0;
        }
        if (header.type === 'link') result.files += 1;
        entry.resume();
        continue;
      }
      if (!seenTop.has(top)) {
        seenTop.add(top);
        result.topLevelNames.push(top);
      }
      const name = parts[parts.length - 1];
      const mode = (header.mode ?? 0o644) & 0o777;
      if (options.durable) for (let depth = 1; depth < parts.length; depth++) changedDirs.add(path.join(destDir, ...parts.slice(0, depth)));
      switch (header.type) {
        case 'directory': {
          const { parent, target } = await dest.parentOf(relative, parts);
          await dest.makeDirectory(relative, parent, name, target, mode | 0o700);
          entry.resume();
          break;
        }
        case 'file':
        case 'contiguous-file': {
          const size = header.size ?? 0;
          checkFileSize(header.name, size);
          const { parent, target } = await dest.parentOf(relative, parts);
          await dest.clear(parent, name, target);
          await dest.exclusively(relative, parent, () => writeNewFile(entry, target, mode | 0o600, writer));
          parent.entries.set(name, 'other');
          result.files += 1;
          result.bytes += size;
          break;
        }
        case 'symlink': {
          const linkTarget = header.linkname ?? '';
          if (path.isAbsolute(linkTarget) || !(await staysInside(destDir, path.dirname(path.join(destDir, relative)), linkTarget))) {
            throw new UnsafeArchiveError(header.name, `symlink to '${linkTarget}' points outside`);
          }
          const { parent, target } = await dest.parentOf(relative, parts);
          await dest.clear(parent, name, target);
          await dest.exclusively(relative, parent, () => fs.promises.symlink(linkTarget, target));
          parent.entries.set(name, 'other');
          entry.resume();
          break;
        }
        case 'link': {
          if (options.linkBase === undefined) throw new UnsafeArchiveError(header.name, `entry type 'link' is not allowed`);
          const committed = committedFile(options.linkBase, header.name, header.linkname ?? '', (header.pax as Record<string, string> | undefined)?.[BASE_SIZE_PAX], baseDirectories);
          const { parent, target } = await dest.parentOf(relative, parts);
          await dest.clear(parent, name, target);
          await dest.exclusively(relative, parent, async () => fs.linkSync(committed, target));
          parent.entries.set(name, 'other');
          result.files += 1;
          result.linked += 1;
          entry.resume();
          break;
        }
        default:
          throw new UnsafeArchiveError(header.name, `entry type '${header.type}' is not allowed`);
      }
    }
  })();

  try {
    await Promise.all([pipeline(source, extract), consume]);
  } catch (err) {
    source.destroy();
    extract.destroy();
    // Nothing is written after the extraction has given up.
    await writer.finish().catch(() => undefined);
    throw err;
  }
  await writer.finish();
  if (!ended) throw new IncompleteArchiveError('the archive ended before its end marker: the transfer was cut');
  if (ended.files !== result.files || ended.bytes !== result.bytes) {
    throw new IncompleteArchiveError(`the archive announced ${ended.files} files / ${ended.bytes} bytes but held ${result.files} / ${result.bytes}`);
  }
  if (options.durable) await Promise.all([...changedDirs].map(fsyncDirectory));
  return result;
}

async function fsyncDirectory(dir: string): Promise<void> {
  // A directory a later entry replaced is gone; its parent's fsync covers that.
  const handle = await fs.promises.open(dir, 'r').catch((err: unknown) => {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw err;
  });
  if (handle === undefined) return;
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
