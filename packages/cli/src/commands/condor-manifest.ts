// condor_manifest, HTCondor's tool for checkpoint_destination's MANIFEST files (src/condor_tools/manifest.cpp):
// its functions, arguments, output and exit codes. deleteFilesStoredAt is the schedd's own work here (it
// runs the clean-up plug-ins itself) and is refused.
import fs from 'node:fs';
import path from 'node:path';
import { checksumFromLine, fileFromLine, fileMismatch, manifestEntries, manifestNumber, manifestText, validateManifest, type ManifestEntry } from '@tinycondor/shared/checkpoint-manifest';
import { fileSha256Sync } from '@tinycondor/transfer/file-sha256';
import type { CommandIo } from '../cli-error.js';

function usage(io: CommandIo, argv0: string): number {
  io.stderr(
    `${argv0}: [function] [argument]\nwhere [function] is one of:\n  getNumberFromFileName\n  validateManifestFile\n  validateFilesListedIn\n  FileFromLine\n  ChecksumFromLine\n  compute_file_sha256_checksum\n`,
  );
  return 1;
}

function sha256(file: string): string | undefined {
  try {
    return fileSha256Sync(file);
  } catch {
    return undefined;
  }
}

function read(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** manifest::validateFilesListedIn: every listed file (relative to the working directory) has its checksum. */
function validateFilesListedIn(manifestPath: string, cwd: string): { valid: boolean; error?: string } {
  const text = read(manifestPath);
  if (text === undefined) return { valid: false, error: 'Failed to open MANIFEST, aborting.' };
  if (text === '') return { valid: false, error: 'Failed to read first line of MANIFEST, aborting.' };
  const entries = manifestEntries(text);
  for (const entry of entries) {
    const mismatch = fileMismatch(entry, sha256(path.resolve(cwd, entry.name)));
    if (mismatch !== undefined) return { valid: false, error: mismatch };
  }
  return { valid: entries.length > 0 };
}

/** manifest::createManifestFor: a MANIFEST file (named `MANIFEST`) of every file below a directory, named as found from it. */
function createManifestFor(dir: string, cwd: string): string | undefined {
  const entries: ManifestEntry[] = [];
  const walk = (current: string) => {
    for (const entry of fs.readdirSync(path.resolve(cwd, current), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const name = path.join(current, entry.name);
      if (entry.isDirectory()) walk(name);
      else if (!entry.isSocket()) {
        const hash = sha256(path.resolve(cwd, name));
        if (hash === undefined) throw new Error(`Failed to compute file (${name}) checksum, aborting.`);
        entries.push({ name, sha256: hash });
      }
    }
  };
  try {
    walk(dir);
  } catch (err) {
    return (err as Error).message;
  }
  fs.writeFileSync(path.resolve(cwd, 'MANIFEST'), manifestText(entries, 'MANIFEST'));
  return undefined;
}

export async function condorManifest(args: string[], io: CommandIo): Promise<number> {
  const argv0 = 'condor_manifest';
  const [fn, argument] = args;
  if (args.length < 2) return usage(io, argv0);
  if (fn === 'deleteFilesStoredAt') {
    if (args.length !== 5) return usage(io, argv0);
    io.stderr('deleteFilesStoredAt is not implemented by tinycondor\'s condor_manifest: the schedd runs the clean-up plug-ins itself when it deletes checkpoints.\n');
    return 1;
  }
  if (args.length !== 2) return usage(io, argv0);
  switch (fn) {
    case 'getNumberFromFileName': {
      const n = manifestNumber(argument);
      io.stdout(`${n}\n`);
      return n & 0xff;
    }
    case 'validateManifestFile': {
      const text = read(path.resolve(io.cwd, argument));
      const valid = text !== undefined && validateManifest(text, argument);
      io.stdout(`${valid ? 'true' : 'false'}\n`);
      return valid ? 0 : 1;
    }
    case 'validateFilesListedIn': {
      const { valid, error } = validateFilesListedIn(path.resolve(io.cwd, argument), io.cwd);
      io.stdout(`${valid ? 'true' : 'false'}\n${!valid && error !== undefined ? `${error}\n` : !valid ? '\n' : ''}`);
      return valid ? 0 : 1;
    }
    case 'FileFromLine':
      io.stdout(`${fileFromLine(argument)}\n`);
      return 0;
    case 'ChecksumFromLine':
      io.stdout(`${checksumFromLine(argument)}\n`);
      return 0;
    case 'compute_file_sha256_checksum': {
      const hash = sha256(path.resolve(io.cwd, argument));
      if (hash !== undefined) io.stdout(`${hash} *${argument}\n`);
      return hash !== undefined ? 0 : 1;
    }
    case 'createManifestFor': {
      const error = createManifestFor(argument, io.cwd);
      if (error !== undefined) io.stdout(`${error}\n`);
      return error === undefined ? 0 : 1;
    }
    default:
      return usage(io, argv0);
  }
}
