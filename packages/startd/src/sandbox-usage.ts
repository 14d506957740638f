import fs from 'node:fs';
import path from 'node:path';

/**
 * Disk space a sandbox takes (allocated blocks, as `du` counts them), links not followed. Entries that
 * vanish while the job runs are skipped: the job may delete files between the listing and the lstat.
 */
export async function sandboxUsageBytes(dir: string): Promise<number> {
  let total = 0;
  const pending = [dir];
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    const entries = await fs.promises.readdir(current, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const entryPath = path.join(current, entry.name);
      const stat = await fs.promises.lstat(entryPath).catch(() => undefined);
      if (stat === undefined) continue;
      total += stat.blocks * 512;
      if (stat.isDirectory()) pending.push(entryPath);
    }
  }
  return total;
}
