import fs from 'node:fs';
import path from 'node:path';
import type { ClassAd } from '@tinycondor/shared/classad/index';
import { outputDestination, outputNaming } from '@tinycondor/shared/transfer-files';
import type { PoolFileGuard } from './pool-file-guard.js';

/**
 * Moves output received into `stagingDir` to where the submit file wants it: `_condor_stdout` and
 * `_condor_stderr` to `output`/`error`, other files through `transfer_output_remaps`, relative to Iwd.
 * Each file is renamed into place, so a reader never sees a half-written output. The schedd passes its
 * `guard`: no output lands in the pool's own files, and none is placed when one of them would.
 */
export function placeOutputs(ad: ClassAd, stagingDir: string, names: string[], guard?: PoolFileGuard): string[] {
  const naming = outputNaming(ad);
  const destinations = names.map((name) => [name, outputDestination(name, naming)] as const);
  for (const [, destination] of destinations) {
    const refused = destination === undefined ? undefined : guard?.refusal(destination);
    if (refused !== undefined) throw new Error(`writing to file ${destination}: (errno 13) Permission denied: ${refused}`);
  }
  const placed: string[] = [];
  for (const [name, destination] of destinations) {
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
