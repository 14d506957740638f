import path from 'node:path';
import type { ClassAd } from './classad/index.js';

/** HTCondor file lists (`transfer_input_files = a, b/, c`): comma separated, blanks trimmed. */
export function splitFileList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** `transfer_output_remaps = "a = b; c = d"` as a map from sandbox name to destination. */
export function parseRemaps(value: string | undefined): Map<string, string> {
  const remaps = new Map<string, string>();
  if (value === undefined) return remaps;
  for (const pair of value.split(';')) {
    if (pair.trim() === '') continue;
    const eq = pair.indexOf('=');
    if (eq < 0) throw new Error(`transfer_output_remaps entry '${pair.trim()}' has no '='`);
    remaps.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
  return remaps;
}

/** false for should_transfer_files = NO: the job runs in its submit directory on a shared filesystem. */
export function usesFileTransfer(ad: ClassAd): boolean {
  return (ad.getString('ShouldTransferFiles') ?? '').toUpperCase() !== 'NO';
}

/** The executable (`Cmd`) as the input sandbox receives it; undefined for transfer_executable = false. */
export function transferredExecutable(ad: ClassAd): string | undefined {
  const cmd = ad.getString('Cmd');
  return cmd !== undefined && ad.getBool('TransferExecutable') !== false ? cmd : undefined;
}

/** The file `input` names; undefined when there is none (unset, empty or /dev/null). */
export function stdinFile(ad: Pick<ClassAd, 'getString'>): string | undefined {
  const stdin = ad.getString('In');
  return stdin !== undefined && stdin !== '' && stdin !== '/dev/null' ? stdin : undefined;
}

/**
 * The input files the job lists: `transfer_input_files`, then the `public_input_files` not among them, which
 * FileTransfer::SimpleInit adds to its inputs (served from a web cache only with ENABLE_HTTP_PUBLIC_FILES,
 * false by default, which tinycondor does not offer), then `transfer_common_input`'s, which every job gets
 * as HTCondor's schedd sends them when it falls back to "uncommon transfer" (cxfer.cpp): tinycondor stages
 * no catalog of files shared by the jobs of a claim.
 */
export function listedInputFiles(ad: Pick<ClassAd, 'getString'>): string[] {
  const listed = splitFileList(ad.getString('TransferInput'));
  for (const attribute of ['PublicInputFiles', 'CommonInputFiles']) {
    for (const file of splitFileList(ad.getString(attribute))) if (!listed.includes(file)) listed.push(file);
  }
  return listed;
}

/**
 * Whether the job names anything for its input sandbox: a transferred executable, `input`,
 * `transfer_input_files`, `public_input_files`, or its own plugins (`transfer_plugins`: AddJobPluginsToInputFiles sends each
 * `method=path` plugin as an input, so that it is there for the output transfer too).
 */
export function namesInputFiles(ad: ClassAd): boolean {
  return (
    transferredExecutable(ad) !== undefined ||
    stdinFile(ad) !== undefined ||
    listedInputFiles(ad).length > 0 ||
    (ad.getString('TransferPlugins') ?? '').split(';').some((definition) => definition.includes('='))
  );
}

/**
 * Jobs submitted with `condor_submit -spool` (the schedd does not see the submitter's filesystem): they
 * carry `SUBMIT_Iwd`, the submit directory on the submitter's host, and everything the schedd reads or
 * writes for them lives in SPOOL instead (HTCondor's remote submission, spooled_job_files.cpp).
 */
export function isSpooled(ad: Pick<ClassAd, 'has'>): boolean {
  return ad.has('SUBMIT_Iwd');
}

export const STDOUT_NAME = '_condor_stdout';
export const STDERR_NAME = '_condor_stderr';

/**
 * The sandbox's std files a job streams to the submit side (stream_output, stream_error): never output nor
 * checkpoint, as HTCondor's starter does not rename a streamed file. A job submitted with -spool streams
 * into SPOOL (see RunStreams). stderr sharing stdout's file goes with stdout.
 */
export function streamedStdNames(ad: Pick<ClassAd, 'getBool' | 'getString'>): Set<string> {
  const names = new Set<string>();
  const out = ad.getString('Out');
  const err = ad.getString('Err');
  const isNull = (file: string | undefined) => file === undefined || file === '' || file === '/dev/null';
  if (ad.getBool('StreamOut') === true && !isNull(out)) names.add(STDOUT_NAME);
  if (ad.getBool('StreamErr') === true && !isNull(err) && err !== out) names.add(STDERR_NAME);
  return names;
}

/**
 * Whether the starter opens the job's stdout and stderr for appending rather than truncating them
 * (VanillaProc::outputOpenFlags, streamingOpenFlags): for a self-checkpointing job, and for one with
 * erase_output_and_error_on_restart = false (DontAppend, true when unset), so that a restart keeps what the
 * earlier runs wrote.
 */
export function appendsStdStreams(ad: Pick<ClassAd, 'getBool'>): boolean {
  return ad.getBool('WantCheckpointSignal') === true || ad.getBool('WantFTOnCheckpoint') === true || ad.getBool('DontAppend') === false;
}

/**
 * The sandbox directory the starter records the job's manifest in (Starter::OpenManifestFile): `manifest_dir`
 * (JobManifestDir), else `<cluster>_<proc>_manifest` for `manifest = true` (JobManifestDesired); undefined
 * when the job wants none.
 */
export function manifestDirectory(ad: Pick<ClassAd, 'getString' | 'getBool' | 'getInt'>): string | undefined {
  const dir = ad.getString('JobManifestDir');
  if (dir !== undefined) return dir;
  if (ad.getBool('JobManifestDesired') !== true) return undefined;
  return `${ad.getInt('ClusterId') ?? 0}_${ad.getInt('ProcId') ?? 0}_manifest`;
}

/**
 * The most bytes a job's input (`MaxTransferInputMB`) or output (`MaxTransferOutputMB`) transfer may carry, as
 * RemoteResource::initFileTransfer sets them: the job's attribute (max_transfer_input_mb, an expression) over
 * the knob (MAX_TRANSFER_INPUT_MB / MAX_TRANSFER_OUTPUT_MB, evaluated against the job); a negative number, or
 * neither an integer, is no limit.
 */
export function maxTransferBytes(ad: ClassAd, attribute: 'MaxTransferInputMB' | 'MaxTransferOutputMB', knob: string | undefined): number | undefined {
  let mb = integerOf(ad, attribute);
  if (mb === undefined && knob !== undefined && knob.trim() !== '') {
    const scratch = ad.clone();
    try {
      scratch.setExpr('TinycondorMaxTransferKnob', knob);
      mb = integerOf(scratch, 'TinycondorMaxTransferKnob');
    } catch {
      mb = undefined;
    }
  }
  return mb === undefined || mb < 0 ? undefined : mb * 1024 * 1024;
}

function integerOf(ad: ClassAd, attribute: string): number | undefined {
  const value = ad.evaluate(attribute);
  return value.type === 'int' ? value.value : value.type === 'real' ? Math.trunc(value.value) : undefined;
}

/** The job's own starter log in its sandbox (starter_debug), returned to JobStarterLog (see starter-log.ts). */
export const STARTER_LOG_NAME = '.starter.log';

/** Files of the sandbox that belong to the pool, never to the job's outputs. */
export const INTERNAL_SANDBOX_FILES: ReadonlySet<string> = new Set(['.job.ad', '.machine.ad', '.update.ad', '.update.ad.tmp', '.chirp.config']);

export interface OutputNaming {
  iwd: string;
  out?: string;
  err?: string;
  remaps: Map<string, string>;
}

/** How the job names its outputs on the submit side (throws on a malformed transfer_output_remaps). */
/**
 * The directory the job's outputs land in at its exit: `output_directory` (OutputDirectory, relative to Iwd)
 * when set, else Iwd, as FileTransfer::DoDownload picks it for a final transfer. Relative `output`, `error`
 * and remap destinations are under it; absolute ones stay where they are.
 */
export function finalOutputDirectory(ad: Pick<ClassAd, 'getString'>): string {
  const iwd = ad.getString('Iwd') ?? '/';
  const outputDirectory = ad.getString('OutputDirectory');
  return outputDirectory === undefined || outputDirectory === '' ? iwd : path.resolve(iwd, outputDirectory);
}

export function outputNaming(ad: ClassAd): OutputNaming {
  const remaps = parseRemaps(ad.getString('TransferOutputRemaps'));
  // modifyFileTransferObject adds JobStarterLog's remap after the job's own: the first for a name wins (filename_remap_find).
  const starterLog = ad.getString('JobStarterLog');
  if (starterLog !== undefined && starterLog !== '' && !remaps.has(STARTER_LOG_NAME)) remaps.set(STARTER_LOG_NAME, starterLog);
  return { iwd: ad.getString('Iwd') ?? '/', out: ad.getString('Out'), err: ad.getString('Err'), remaps };
}

/** Whether the submit side keeps any of these returned sandbox files: a spooled job keeps its results in SPOOL. */
export function keepsAnyOutput(ad: ClassAd, sandboxNames: string[]): boolean {
  if (isSpooled(ad)) return true;
  const naming = outputNaming(ad);
  return sandboxNames.some((name) => outputDestination(name, naming) !== undefined);
}

/**
 * Where a file that came back from the sandbox lands on the submit side, or undefined when it is
 * dropped (stdout sent to /dev/null or not requested).
 */
export function outputDestination(sandboxName: string, naming: OutputNaming): string | undefined {
  let target: string | undefined;
  if (sandboxName === STDOUT_NAME) target = naming.out;
  else if (sandboxName === STDERR_NAME) target = naming.err;
  else target = naming.remaps.get(sandboxName) ?? sandboxName;
  if (target === undefined || target === '' || target === '/dev/null') return undefined;
  return path.resolve(naming.iwd, target);
}

/** Whether the job asks for the relative paths of its file lists to be kept (preserve_relative_paths). */
export function preservesRelativePaths(ad: Pick<ClassAd, 'getBool'>): boolean {
  return ad.getBool('PreserveRelativePaths') === true;
}

/**
 * Where an entry of a transfer list (input, output or checkpoint) lands on the other side, as HTCondor's
 * FileTransfer::ExpandFileTransferList names it: under its basename; with a trailing `/`, a directory's
 * contents go where it would have; with preserve_relative_paths, a relative path keeps its path (and a
 * trailing `/` is ignored). A path climbing out with `..` cannot be kept: it lands under its basename.
 */
export function transferListItem(listed: string, preserveRelativePaths: boolean): { source: string; name: string; contentsOnly: boolean } {
  const slashed = listed.endsWith('/') && listed.length > 1;
  const source = slashed ? listed.replace(/\/+$/, '') : listed;
  const relative = path.normalize(source);
  const keepsPath = preserveRelativePaths && !path.isAbsolute(source) && relative !== '.' && relative.split('/')[0] !== '..';
  return { source, name: keepsPath ? relative : path.basename(source), contentsOnly: slashed && !preserveRelativePaths };
}
