import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';

/** A sandbox of at most this many plain files is removed at once; a bigger one in the threadpool, so the startd's loop never stalls on it. */
const SMALL_SANDBOX_FILES = 64;

/** Removes a run's sandbox: most hold a few files, which a few unlinks remove faster than a trip through the threadpool per file. */
export function removeSandbox(sandbox: string, log: Logger): void {
  try {
    const entries = fs.readdirSync(sandbox, { withFileTypes: true });
    if (entries.length <= SMALL_SANDBOX_FILES && entries.every((entry) => entry.isFile())) {
      for (const entry of entries) fs.unlinkSync(path.join(sandbox, entry.name));
      fs.rmdirSync(sandbox);
      return;
    }
  } catch {
    // What the quick way could not remove (or found gone), the thorough one below removes or reports.
  }
  fs.promises.rm(sandbox, { recursive: true, force: true }).catch((err: unknown) => log.warn({ err, sandbox }, 'cannot remove the sandbox'));
}
