import fs from 'node:fs';
import path from 'node:path';

/**
 * Makes the directories `parts` below `sandbox` one level at a time, never through what the job left there: a
 * level that exists as anything but a directory (a symlink out of the sandbox, a file) stops it, `blocked`
 * naming that path. `made` is told of each directory made (mode `mode`, else mkdir's default). Returns the last.
 */
export function makeSandboxDirectories(sandbox: string, parts: readonly string[], opts: { mode?: number; made?: (dir: string) => void } = {}): { dir: string } | { blocked: string } {
  let dir = sandbox;
  for (const part of parts) {
    dir = path.join(dir, part);
    const stat = fs.lstatSync(dir, { throwIfNoEntry: false });
    if (stat?.isDirectory()) continue;
    if (stat !== undefined) return { blocked: dir };
    fs.mkdirSync(dir, opts.mode === undefined ? undefined : { mode: opts.mode });
    opts.made?.(dir);
  }
  return { dir };
}
