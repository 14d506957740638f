import fs from 'node:fs';
import path from 'node:path';
import { daemonRights, type FileRights } from '@tinycondor/shared/file-rights';

const MB = 1024 * 1024;

/**
 * Where a transfer of `sources` (files or directories, in the order sent) passes `maxBytes`, in FileTransfer's
 * words: the file that would take the total past the limit (DoUpload's PUT_FILE_MAX_BYTES_EXCEEDED), with the
 * sizes in whole MB. `side` is "upload" for the input, "download" for the output (the receiver's limit).
 * Undefined: it fits. Read with `rights`, symlinks followed as the transfer follows them.
 */
export function transferLimitExcess(sources: readonly { name: string; source: string }[], maxBytes: number, side: 'upload' | 'download', rights: FileRights = daemonRights): string | undefined {
  let total = 0;
  const visit = (source: string, shown: string): string | undefined => {
    const stat = rights(() => fs.statSync(source, { throwIfNoEntry: false }));
    if (stat === undefined) return undefined;
    if (stat.isDirectory()) {
      for (const name of rights(() => fs.readdirSync(source)).sort()) {
        const excess = visit(path.join(source, name), path.join(shown, name));
        if (excess !== undefined) return excess;
      }
      return undefined;
    }
    if (!stat.isFile()) return undefined;
    if (total + stat.size > maxBytes) {
      return `sending file ${shown}: max total ${side} bytes exceeded (max=${Math.trunc(maxBytes / MB)} MB, this file=${Math.trunc(stat.size / MB)} MB)`;
    }
    total += stat.size;
    return undefined;
  };
  for (const { source, name } of sources) {
    const excess = visit(source, side === 'upload' ? source : name);
    if (excess !== undefined) return excess;
  }
  return undefined;
}
