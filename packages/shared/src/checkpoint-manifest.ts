// checkpoint_destination's MANIFEST files, as HTCondor writes and reads them (file_transfer.cpp
// createCheckpointManifest, manifest.cpp): one `<sha256> *<file>` line per checkpoint file, then a last
// line with the SHA-256 of the lines before it and the manifest's own name. The manifest is what SPOOL
// keeps of such a checkpoint; the files themselves are at the destination, under
// `<destination>/<GlobalJobId, # → _>/<NNNN>/`.
import { createHash } from 'node:crypto';

const MANIFEST_PREFIX = '_condor_checkpoint_MANIFEST.';
const FAILURE_PREFIX = '_condor_checkpoint_FAILURE.';

/** `%.4d`: at least four digits. */
function number4(n: number): string {
  return String(n).padStart(4, '0');
}

export function manifestFileName(checkpointNumber: number): string {
  return `${MANIFEST_PREFIX}${number4(checkpointNumber)}`;
}

/** What a manifest is renamed to when its checkpoint failed to upload or to validate (deleteCheckpoint). */
export function failureFileName(checkpointNumber: number): string {
  return `${FAILURE_PREFIX}${number4(checkpointNumber)}`;
}

/** A MANIFEST or FAILURE file of SPOOL by its name, with its checkpoint's number; undefined for any other name. */
export function checkpointFile(fileName: string): { kind: 'MANIFEST' | 'FAILURE'; number: number } | undefined {
  const kind = fileName.startsWith(MANIFEST_PREFIX) ? 'MANIFEST' : fileName.startsWith(FAILURE_PREFIX) ? 'FAILURE' : undefined;
  if (kind === undefined) return undefined;
  const suffix = fileName.slice(kind === 'MANIFEST' ? MANIFEST_PREFIX.length : FAILURE_PREFIX.length);
  return /^[0-9]+$/.test(suffix) ? { kind, number: Number(suffix) } : undefined;
}

/** manifest::getNumberFromFileName: the number of a MANIFEST file's name, -1 for any other name. */
export function manifestNumber(fileName: string): number {
  const file = checkpointFile(fileName);
  return file?.kind === 'MANIFEST' ? file.number : -1;
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A checkpoint file as the manifest lists it: its name in the sandbox and its SHA-256. */
export interface ManifestEntry {
  name: string;
  sha256: string;
}

/** A manifest named `ownName`: its files' lines, then the line that checks them (and names it). */
export function manifestText(entries: readonly ManifestEntry[], ownName: string): string {
  const lines = entries.map((e) => `${e.sha256} *${e.name}\n`).join('');
  return `${lines}${sha256(lines)} *${ownName}\n`;
}

/** The manifest of a checkpoint. */
export function buildManifest(entries: readonly ManifestEntry[], checkpointNumber: number): string {
  return manifestText(entries, manifestFileName(checkpointNumber));
}

/** manifest::FileFromLine: what follows the first space (and a `*` binary-mode mark). */
export function fileFromLine(line: string): string {
  const space = line.indexOf(' ');
  if (space < 0) return '';
  const from = line[space + 1] === '*' ? space + 2 : space + 1;
  return line.slice(from);
}

/** manifest::ChecksumFromLine: what comes before the first space. */
export function checksumFromLine(line: string): string {
  const space = line.indexOf(' ');
  return space < 0 ? line : line.slice(0, space);
}

/** The manifest's lines, each with its newline (as readLine keeps it), the last one trimmed. */
function manifestLines(text: string): string[] {
  return text.split(/(?<=\n)/).filter((line) => line !== '');
}

/**
 * manifest::validateManifestFile: the last line names this manifest (its path ends with the name) and holds
 * the SHA-256 of the lines before it.
 */
export function validateManifest(text: string, path: string): boolean {
  const lines = manifestLines(text);
  if (lines.length < 2) return false;
  const last = lines[lines.length - 1].trim();
  const name = fileFromLine(last);
  if (name === '' || !path.endsWith(name)) return false;
  return checksumFromLine(last) === sha256(lines.slice(0, -1).join(''));
}

/** The checkpoint files a manifest lists (every line but the last, which is itself). */
export function manifestEntries(text: string): ManifestEntry[] {
  return manifestLines(text)
    .slice(0, -1)
    .map((line) => line.trim())
    .map((line) => ({ name: fileFromLine(line), sha256: checksumFromLine(line) }));
}

/** Why a checkpoint file does not match the manifest (validateFilesListedIn's words), or undefined. */
export function fileMismatch(entry: ManifestEntry, actualSha256: string | undefined): string | undefined {
  if (actualSha256 === undefined) return `Failed to open checkpoint file ('${entry.name}') to compute checksum.`;
  if (actualSha256 !== entry.sha256) return `Checkpoint file '${entry.name}' did not have expected checksum (${actualSha256} vs ${entry.sha256}).`;
  return undefined;
}

/** The GlobalJobId as a path component: `#` becomes `_`. */
function jobDirectory(globalJobId: string): string {
  return globalJobId.replaceAll('#', '_');
}

/**
 * Where a checkpoint's files are, `<destination>/<GlobalJobId, # → _>/<NNNN>`, with one `/` after the
 * destination (computeFileList's upload URLs, the clean-up's -from).
 */
export function checkpointLocation(destination: string, globalJobId: string, checkpointNumber: number): string {
  const base = destination.endsWith('/') ? destination : `${destination}/`;
  return `${base}${jobDirectory(globalJobId)}/${number4(checkpointNumber)}`;
}

/** Where the starter uploads a checkpoint file. */
export function checkpointUploadUrl(destination: string, globalJobId: string, checkpointNumber: number, name: string): string {
  return `${checkpointLocation(destination, globalJobId, checkpointNumber)}/${name}`;
}

/** Where the shadow has the starter fetch it from (modifyFileTransferObject's "%s/%s/%.4d/%s"). */
export function checkpointDownloadUrl(destination: string, globalJobId: string, checkpointNumber: number, name: string): string {
  return `${destination}/${jobDirectory(globalJobId)}/${number4(checkpointNumber)}/${name}`;
}

/**
 * What a new sandbox of a job with a checkpoint destination gets from SPOOL: only its newest manifest that
 * validates (modifyFileTransferObject tries them from the highest number down); none when none does.
 */
export function manifestToRestore(spoolEntries: readonly string[], isValid: (name: string) => boolean): string | undefined {
  const manifests = spoolEntries.filter((name) => manifestNumber(name) >= 0).sort((a, b) => manifestNumber(b) - manifestNumber(a));
  return manifests.find(isValid);
}
