import fs from 'node:fs';
import path from 'node:path';
import type { ClassAd } from '@tinycondor/shared/classad/index';
import { outputDestination, outputNaming } from '@tinycondor/shared/transfer-files';
import type { PoolFileGuard } from './pool-file-guard.js';

/**
 * Moves output received into `stagingDir` to where the submit file wants it: `_condor_stdout` and
 * `_condor_stderr` to `output`/`error`, other files through `transfer_output_remaps`, relative to Iwd.
 * Each file is renamed into place, so a reader never sees a half-written output; a directory is merged
 * into one already there, as HTCondor's file transfer does: its files replace those of the same name,
 * and everything else in it stays. The schedd passes its `guard`: no output lands in the pool's own files
 * (none is placed when a named one would; inside a merged directory, each file is judged as it is placed,
 * since a link there may lead anywhere).
 */
export function placeOutputs(ad: ClassAd, stagingDir: string, names: string[], guard?: PoolFileGuard): string[] {
  const naming = outputNaming(ad);
  const destinations = names.map((name) => [name, outputDestination(name, naming)] as const);
  for (const [, destination] of destinations) if (destination !== undefined) refuseInsidePool(destination, guard);
  const placed: string[] = [];
  for (const [name, destination] of destinations) {
    if (destination === undefined) continue;
    fs.mkdirSync(path.dirname(destination), { recursive: true });
    moveIntoPlace(path.join(stagingDir, name), destination, guard);
    placed.push(destination);
  }
  return placed;
}

function refuseInsidePool(destination: string, guard: PoolFileGuard | undefined): void {
  const refused = guard?.refusal(destination);
  if (refused !== undefined) throw new Error(`writing to file ${destination}: (errno 13) Permission denied: ${refused}`);
}

/** `destination` was judged by the caller; each entry of a directory is judged as it is placed. */
function moveIntoPlace(source: string, destination: string, guard: PoolFileGuard | undefined): void {
  const stat = fs.lstatSync(source);
  if (!stat.isDirectory()) {
    replaceFile(source, stat, destination);
    return;
  }
  ensureDirectory(destination, stat.mode & 0o7777);
  for (const name of fs.readdirSync(source)) {
    const entry = path.join(destination, name);
    refuseInsidePool(entry, guard);
    moveIntoPlace(path.join(source, name), entry, guard);
  }
}

/**
 * A directory at `dir`: one already there is used as it is (stat follows a link to a directory, as
 * HTCondor's does); anything else of that name is removed first, as HTCondor's DoDownload removes it.
 */
function ensureDirectory(dir: string, mode: number): void {
  try {
    fs.mkdirSync(dir, { mode });
    return;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  if (statOrUndefined(dir)?.isDirectory()) return;
  fs.rmSync(dir, { force: true });
  fs.mkdirSync(dir, { mode });
}

function statOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}

/** One rename replaces the file: at every moment the destination holds the old file or the new one. */
function replaceFile(source: string, stat: fs.Stats, destination: string): void {
  try {
    fs.renameSync(source, destination);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    // Another filesystem: copy beside the destination, then rename there.
    const tmp = path.join(path.dirname(destination), `.${path.basename(destination)}.tinycondor-tmp-${process.pid}`);
    try {
      if (stat.isSymbolicLink()) {
        fs.symlinkSync(fs.readlinkSync(source), tmp);
      } else {
        fs.copyFileSync(source, tmp);
        fs.utimesSync(tmp, stat.atime, stat.mtime);
      }
      fs.renameSync(tmp, destination);
    } catch (copyErr) {
      fs.rmSync(tmp, { force: true });
      throw copyErr;
    }
  }
}
