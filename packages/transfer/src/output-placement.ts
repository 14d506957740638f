import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ClassAd } from '@tinycondor/shared/classad/index';
import { daemonRights, type FileRights } from '@tinycondor/shared/file-rights';
import { finalOutputDirectory, outputDestination, outputNaming } from '@tinycondor/shared/transfer-files';
import { outputUrl, urlSafePrint } from '@tinycondor/shared/url-transfer';
import type { PathGuard } from './path-guard.js';

const COPY_CHUNK_BYTES = 1 << 20;

/**
 * Moves output received into `stagingDir` to where the submit file wants it: `_condor_stdout` and
 * `_condor_stderr` to `output`/`error`, other files through `transfer_output_remaps`, relative to Iwd.
 * Each file is renamed into place, so a reader never sees a half-written output; a directory is merged
 * into one already there, as HTCondor's file transfer does: its files replace those of the same name,
 * and everything else in it stays. The schedd passes its `guard`: no output lands in the pool's own files
 * (none is placed when a named one would; inside a merged directory, each file is judged as it is placed,
 * since a link there may lead anywhere). Destinations are created and replaced with `rights` (the job
 * owner's, for a root schedd); the staged files are read with the schedd's own.
 */
export function placeOutputs(ad: ClassAd, stagingDir: string, names: string[], guard?: PathGuard, rights: FileRights = daemonRights): string[] {
  const naming = { ...outputNaming(ad), iwd: finalOutputDirectory(ad) };
  // The execution point uploads what goes to a URL: such a file arriving here is refused, never placed as a path.
  for (const name of names) {
    const url = outputUrl(name, ad);
    if (url !== undefined) throw new Error(`${name} arrived at the access point, but its destination is the URL ${urlSafePrint(url)}, which the execution point uploads to`);
  }
  const destinations = names.map((name) => [name, outputDestination(name, naming)] as const);
  for (const [, destination] of destinations) if (destination !== undefined) refuseInsidePool(destination, guard);
  if (naming.iwd !== ad.getString('Iwd')) {
    // As the shadow makes output_directory (0700) before it receives anything, whatever comes.
    refuseInsidePool(naming.iwd, guard);
    try {
      rights(() => fs.mkdirSync(naming.iwd, { recursive: true, mode: 0o700 }));
    } catch (err) {
      throw new Error(`failed to create output directory (${naming.iwd}): ${(err as Error).message}`);
    }
  }
  const placed: string[] = [];
  for (const [name, destination] of destinations) {
    if (destination === undefined) continue;
    rights(() => fs.mkdirSync(path.dirname(destination), { recursive: true }));
    moveIntoPlace(path.join(stagingDir, name), destination, guard, rights);
    placed.push(destination);
  }
  return placed;
}

function refuseInsidePool(destination: string, guard: PathGuard | undefined): void {
  const refused = guard?.refusal(destination);
  if (refused !== undefined) throw new Error(`writing to file ${destination}: (errno 13) Permission denied: ${refused}`);
}

/** `destination` was judged by the caller; each entry of a directory is judged as it is placed. */
function moveIntoPlace(source: string, destination: string, guard: PathGuard | undefined, rights: FileRights): void {
  const stat = fs.lstatSync(source);
  if (!stat.isDirectory()) {
    replaceFile(source, stat, destination, rights);
    return;
  }
  rights(() => ensureDirectory(destination, stat.mode & 0o7777));
  for (const name of fs.readdirSync(source)) {
    const entry = path.join(destination, name);
    refuseInsidePool(entry, guard);
    moveIntoPlace(path.join(source, name), entry, guard, rights);
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

/**
 * One rename replaces the file: at every moment the destination holds the old file or the new one. With
 * the schedd's own rights the staged file itself is renamed; with a user's (who may not reach the staging
 * directory), or onto another filesystem, a copy is made beside the destination, then renamed there.
 */
function replaceFile(source: string, stat: fs.Stats, destination: string, rights: FileRights): void {
  if (rights === daemonRights) {
    try {
      fs.renameSync(source, destination);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    }
  }
  const tmp = path.join(path.dirname(destination), `.${path.basename(destination)}.tinycondor-tmp-${crypto.randomBytes(6).toString('hex')}`);
  try {
    if (stat.isSymbolicLink()) {
      const target = fs.readlinkSync(source);
      rights(() => fs.symlinkSync(target, tmp));
    } else {
      copyFile(source, stat, tmp, rights);
    }
    rights(() => fs.renameSync(tmp, destination));
  } catch (err) {
    rights(() => fs.rmSync(tmp, { force: true }));
    throw err;
  }
}

/** `source` read with the schedd's rights into `created`, a new file made with `rights`; mode and times kept. */
function copyFile(source: string, stat: fs.Stats, created: string, rights: FileRights): void {
  const from = fs.openSync(source, 'r');
  try {
    const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW;
    const to = rights(() => fs.openSync(created, flags, 0o600));
    try {
      const buffer = Buffer.allocUnsafe(Math.min(COPY_CHUNK_BYTES, Math.max(stat.size, 1)));
      for (;;) {
        const read = fs.readSync(from, buffer, 0, buffer.length, null);
        if (read === 0) break;
        for (let written = 0; written < read; ) written += fs.writeSync(to, buffer, written, read - written);
      }
      // Never a set-id bit: a job's output is data, and the file may now belong to someone else.
      fs.fchmodSync(to, stat.mode & 0o777);
      fs.futimesSync(to, stat.atime, stat.mtime);
    } finally {
      fs.closeSync(to);
    }
  } finally {
    fs.closeSync(from);
  }
}
