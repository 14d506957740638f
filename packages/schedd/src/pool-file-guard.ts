import fs from 'node:fs';
import path from 'node:path';

/**
 * Keeps the files the schedd reads and writes on a job's behalf (inputs, outputs, user logs) out of the
 * pool's own directory: the queue, SPOOL, the logs, the token and EXECUTE all live under it, and the
 * schedd's rights reach them where the job's owner's would not. A path is judged by where it really
 * leads: symbolic links on the way are followed, so a link in the submit directory cannot point inside.
 */
export class PoolFileGuard {
  private readonly root: string;

  constructor(poolRoot: string) {
    this.root = realTarget(path.resolve(poolRoot));
  }

  /**
   * Why the schedd may not read or write `target` for a job, or undefined when it may. `ownDirs` are the
   * directories inside the pool that are the job's own (a spooled job's SPOOL directory, its user log's).
   */
  refusal(target: string, ownDirs: readonly string[] = []): string | undefined {
    const real = realTarget(target);
    if (isInside(real, this.root)) {
      if (ownDirs.some((dir) => isInside(real, realTarget(dir)))) return undefined;
      return `${target} is inside the pool's own directory ${this.root}; a job's files may not be read or written there`;
    }
    return undefined;
  }

  /** As `refusal`, and a directory read whole must not hold the pool's directory either. */
  readRefusal(source: string, ownDirs: readonly string[] = []): string | undefined {
    const refused = this.refusal(source, ownDirs);
    if (refused !== undefined) return refused;
    const real = realTarget(source);
    if (isInside(this.root, real)) return `${source} holds the pool's own directory ${this.root}; it may not be sent as a job's input`;
    return undefined;
  }
}

/**
 * The real path `target` leads to: the deepest existing ancestor with its links resolved, then the rest as
 * written (a path still to be created goes where its existing parent really is). A dangling link leads
 * where its target would be created.
 */
export function realTarget(target: string, linksLeft = 40): string {
  const absolute = path.resolve(target);
  const rest: string[] = [];
  let current = absolute;
  for (;;) {
    try {
      return path.join(fs.realpathSync(current), ...rest.reverse());
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const parent = path.dirname(current);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR' && code !== 'EACCES') || parent === current) return absolute;
      const link = danglingLink(current);
      if (link !== undefined && linksLeft > 0) return realTarget(path.join(path.resolve(parent, link), ...rest.reverse()), linksLeft - 1);
      rest.push(path.basename(current));
      current = parent;
    }
  }
}

function danglingLink(file: string): string | undefined {
  try {
    return fs.readlinkSync(file);
  } catch {
    return undefined;
  }
}

function isInside(candidate: string, dir: string): boolean {
  return candidate === dir || candidate.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
}
