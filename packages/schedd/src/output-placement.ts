import fs from 'node:fs';
import path from 'node:path';
import type { ClassAd } from '@tinycondor/shared/classad/index';
import { outputDestination, outputNaming } from '@tinycondor/shared/transfer-files';

/**
 * Moves output received into `stagingDir` to where the submit file wants it: `_condor_stdout` and
 * `_condor_stderr` to `output`/`error`, other files through `transfer_output_remaps`, relative to Iwd.
 * Each file is renamed into place, so a reader never sees a half-written output.
 */
export function placeOutputs(ad: ClassAd, stagingDir: string, names: string[]): string[] {
  const naming = outputNaming(ad);
  const placed: string[] = [];
  for (const name of names) {
    const destination = outputDestination(name, naming);
    if (destination === undefined) continue;
    moveIntoPlace(path.join(stagingDir, name), destination);
    placed.push(destination);
  }
  return placed;
}

function moveIntoPlace(source: string, destination: string): void {
  fs.mkdirSync(path.dirname(destination), { recursive: true });
  const isDir = fs.lstatSync(source).isDirectory();
  if (isDir) fs.rmSync(destination, { recursive: true, force: true });
  try {
    fs.renameSync(source, destination);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    // Another filesystem: copy beside the destination, then rename there.
    const tmp = `${destination}.tinycondor-tmp-${process.pid}`;
    fs.cpSync(source, tmp, { recursive: true, preserveTimestamps: true });
    fs.renameSync(tmp, destination);
  }
}
