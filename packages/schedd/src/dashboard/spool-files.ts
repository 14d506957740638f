import fs from 'node:fs';
import path from 'node:path';

export interface SpoolEntry {
  /** Path relative to the job's SPOOL directory, with '/' separators. */
  path: string;
  bytes: number;
  /** Modification time, epoch seconds. */
  mtime: number;
}

const MAX_LISTED_ENTRIES = 10_000;

export class SpoolPathRefused extends Error {
  readonly statusCode = 400;

  constructor(message: string) {
    super(message);
    this.name = 'SpoolPathRefused';
  }
}

/**
 * The file a dashboard download names, inside the job's SPOOL directory: a relative path of plain
 * names (no '..', no absolute path, no empty or hidden-escape segments) that leads to a regular file
 * through no symbolic link. Throws SpoolPathRefused otherwise.
 */
export function resolveSpoolFile(jobDir: string, relative: string): string {
  if (relative === '' || relative.length > 4096 || relative.includes('\0') || relative.startsWith('/')) {
    throw new SpoolPathRefused(`path '${relative}' is not a relative file path`);
  }
  const segments = relative.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) throw new SpoolPathRefused(`path '${relative}' may not contain empty, '.' or '..' parts`);
  let current = jobDir;
  for (const [i, segment] of segments.entries()) {
    current = path.join(current, segment);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(current);
    } catch {
      throw Object.assign(new Error(`no file '${relative}' in the job's SPOOL directory`), { statusCode: 404 });
    }
    if (stat.isSymbolicLink()) throw new SpoolPathRefused(`path '${relative}' goes through a symbolic link`);
    const last = i === segments.length - 1;
    if (last ? !stat.isFile() : !stat.isDirectory()) throw new SpoolPathRefused(`path '${relative}' is not a regular file`);
  }
  return current;
}

/** Regular files under the job's SPOOL directory (symbolic links are not followed), sorted by path. */
export function listSpoolFiles(jobDir: string): { entries: SpoolEntry[]; truncated: boolean } {
  const entries: SpoolEntry[] = [];
  let truncated = false;
  const walk = (dir: string, prefix: string): void => {
    let names: fs.Dirent[];
    try {
      names = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const dirent of names) {
      if (entries.length >= MAX_LISTED_ENTRIES) {
        truncated = true;
        return;
      }
      const full = path.join(dir, dirent.name);
      const relative = prefix === '' ? dirent.name : `${prefix}/${dirent.name}`;
      if (dirent.isDirectory()) walk(full, relative);
      else if (dirent.isFile()) {
        const stat = fs.lstatSync(full);
        entries.push({ path: relative, bytes: stat.size, mtime: Math.floor(stat.mtimeMs / 1000) });
      }
    }
  };
  walk(jobDir, '');
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { entries, truncated };
}

/** Total bytes of the job's SPOOL directory, or null when it has none; cached per checkpoint time. */
export class CheckpointSizes {
  private readonly cache = new Map<string, { checkpointTime: number; bytes: number | null }>();

  constructor(private readonly jobDirOf: (cluster: number, proc: number) => string) {}

  bytes(cluster: number, proc: number, checkpointTime: number): number | null {
    if (checkpointTime === 0) return null;
    const key = `${cluster}.${proc}`;
    const cached = this.cache.get(key);
    if (cached && cached.checkpointTime === checkpointTime) return cached.bytes;
    const dir = this.jobDirOf(cluster, proc);
    const bytes = fs.existsSync(dir) ? listSpoolFiles(dir).entries.reduce((sum, e) => sum + e.bytes, 0) : null;
    this.cache.set(key, { checkpointTime, bytes });
    return bytes;
  }

  forget(cluster: number, proc: number): void {
    this.cache.delete(`${cluster}.${proc}`);
  }
}
