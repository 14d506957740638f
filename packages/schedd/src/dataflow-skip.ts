import fs from 'node:fs';
import { isDataflowJob } from '@tinycondor/shared/dataflow';
import type { FileRights } from '@tinycondor/shared/file-rights';
import type { AdReader } from '@tinycondor/shared/proc-ad-view';

/**
 * skip_if_dataflow's check on the submit side, with the job owner's rights as the shadow has them: stat()
 * (following links) of each file; one that cannot be stat'ed, for whatever reason, counts as missing.
 */
export function outputsUpToDate(ad: Pick<AdReader, 'getString'>, rights: FileRights): boolean {
  return rights(() =>
    isDataflowJob(ad, (file) => {
      try {
        return fs.statSync(file, { bigint: true, throwIfNoEntry: false })?.mtimeNs;
      } catch {
        return undefined;
      }
    }),
  );
}
