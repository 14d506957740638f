// skip_if_dataflow: whether a job's outputs are already newer than everything it is made from, as HTCondor's
// shadow asks before it starts the job (shadow_v61_main.cpp, FileTransfer::IsDataflowJob in file_transfer.cpp).
import { posix } from 'node:path';
import type { AdReader } from './proc-ad-view.js';
import { stdinFile } from './transfer-files.js';

/** A file's modification time in nanoseconds (stat's st_mtim), or undefined when it cannot be stat'ed. */
export type MtimeOf = (path: string) => bigint | undefined;

/** The comma-separated list's entries (StringTokenIterator over ","), trimmed, without empty ones. */
function entries(list: string | undefined): string[] {
  return (list ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/**
 * FileTransfer::IsDataflowJob: true when every file of transfer_output_files exists and the oldest of them is
 * strictly newer than the newest of the inputs: the files of transfer_input_files that exist (URLs left out),
 * the executable (which must exist) and the job's stdin file, if any (which must exist). No output listed:
 * false. Paths are taken from the job's Iwd, where the shadow works (it chdirs there in BaseShadow::baseInit).
 */
export function isDataflowJob(ad: Pick<AdReader, 'getString'>, mtimeOf: MtimeOf): boolean {
  const iwd = ad.getString('Iwd') ?? '/';
  const at = (file: string): bigint | undefined => mtimeOf(posix.resolve(iwd, file));
  const inputs: bigint[] = [];
  for (const file of entries(ad.getString('TransferInput'))) {
    if (file.includes('://')) continue;
    const mtime = at(file);
    if (mtime !== undefined) inputs.push(mtime);
  }
  // A container job needs no executable of its own; HTCondor does not skip it.
  const cmd = ad.getString('Cmd') ?? '';
  const executable = cmd === '' ? undefined : at(cmd);
  if (executable === undefined) return false;
  inputs.push(executable);
  const stdin = stdinFile(ad);
  if (stdin !== undefined) {
    const mtime = at(stdin);
    if (mtime === undefined) return false;
    inputs.push(mtime);
  }
  const outputs: bigint[] = [];
  for (const file of entries(ad.getString('TransferOutput'))) {
    const mtime = at(file);
    // Every declared output must be there.
    if (mtime === undefined) return false;
    outputs.push(mtime);
  }
  if (outputs.length === 0) return false;
  const oldestOutput = outputs.reduce((a, b) => (b < a ? b : a));
  const newestInput = inputs.reduce((a, b) => (b > a ? b : a));
  return oldestOutput > newestInput;
}
