import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';

/** A sandbox of at most this many entries (files, links, directories) is emptied at once; a bigger one is removed in the threadpool, so the startd's loop never stalls on it. */
const SMALL_SANDBOX_ENTRIES = 64;

/**
 * Removes a run's sandbox: most hold a few files and, on a root startd, MOUNT_UNDER_SCRATCH's directories
 * (`tmp/`, `var/tmp/`), which a few unlinks empty faster than a trip through the threadpool per entry. The
 * directories go in the threadpool, deepest first: an rmdir frees the directory's block, which on some
 * filesystems (ext4 mounted with `discard`) waits 0.3–2 ms, a stall of the startd's loop per job.
 */
export function removeSandbox(sandbox: string, log: Logger): void {
  try {
    const directories = emptiedSmallTree(sandbox);
    if (directories !== undefined) {
      removeDirectories(directories).catch(() => removeWhole(sandbox, log));
      return;
    }
  } catch {
    // What the quick way could not remove (or found gone), the thorough one below removes or reports.
  }
  removeWhole(sandbox, log);
}

/**
 * Unlinks the files and links (not followed) of a tree of at most SMALL_SANDBOX_ENTRIES entries and returns its
 * directories, each before its parent; undefined, with nothing removed, for a bigger tree.
 */
function emptiedSmallTree(root: string): string[] | undefined {
  const directories = [root];
  const others: string[] = [];
  for (let i = 0; i < directories.length; i++) {
    for (const entry of fs.readdirSync(directories[i], { withFileTypes: true })) {
      (entry.isDirectory() ? directories : others).push(path.join(directories[i], entry.name));
      if (directories.length + others.length > SMALL_SANDBOX_ENTRIES) return undefined;
    }
  }
  for (const file of others) fs.unlinkSync(file);
  return directories.reverse();
}

async function removeDirectories(directories: string[]): Promise<void> {
  for (const directory of directories) await fs.promises.rmdir(directory);
}

/** What the quick way could not remove: something appeared in the sandbox meanwhile, or it is big. */
function removeWhole(sandbox: string, log: Logger): void {
  fs.promises.rm(sandbox, { recursive: true, force: true }).catch((err: unknown) => log.warn({ err, sandbox }, 'cannot remove the sandbox'));
}
