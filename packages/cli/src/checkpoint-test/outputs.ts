import fs from 'node:fs';
import path from 'node:path';
import { outputDestination, type OutputNaming } from '@tinycondor/shared/transfer-files';

/** What the submit file says the job produces, as its ad holds it. */
export interface OutputSpec {
  /** Where the outputs land (the run's copy of the submit directory). */
  iwd: string;
  /** `output`/`error` as in the ad (relative to iwd, or absolute); undefined or /dev/null for none. */
  out: string | undefined;
  err: string | undefined;
  /** `transfer_output_files`, when given. */
  listed: string[] | undefined;
  remaps: Map<string, string>;
  /** The event log: compared through the job's outcome, never byte for byte. */
  userLog: string | undefined;
}

/** Relative path → size and modification time of every regular file under `dir`. */
export function snapshotTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const name = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(name);
      else if (entry.isFile()) {
        const stat = fs.statSync(path.join(dir, name));
        files.set(name, `${stat.size}:${stat.mtimeMs}`);
      }
    }
  };
  walk('');
  return files;
}

/**
 * The paths the job's outputs land on: stdout and stderr, then each `transfer_output_files` entry where
 * HTCondor puts it (its base name in iwd, or its `transfer_output_remaps` destination). Undefined entries
 * (no list) mean "whatever the job created or changed".
 */
export function outputPaths(spec: OutputSpec): { streams: string[]; listed: string[] | undefined } {
  const naming: OutputNaming = { iwd: spec.iwd, out: spec.out, err: spec.err, remaps: spec.remaps };
  const streams = [outputDestination('_condor_stdout', naming), outputDestination('_condor_stderr', naming)].filter((p): p is string => p !== undefined);
  const listed = spec.listed?.map((item) => outputDestination(path.basename(item.replace(/\/+$/, '')), naming)).filter((p): p is string => p !== undefined);
  return { streams, listed };
}

/** A name for an output path: relative to iwd when inside it (so runs in different copies compare), else absolute. */
function outputName(iwd: string, file: string): string {
  const rel = path.relative(iwd, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}

/** Every regular file at `file` (itself, or the files under a directory), with contents. */
function readOutput(iwd: string, file: string, into: Map<string, Buffer>): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return;
  }
  if (stat.isFile()) into.set(outputName(iwd, file), fs.readFileSync(file));
  else if (stat.isDirectory()) for (const name of fs.readdirSync(file).sort()) readOutput(iwd, path.join(file, name), into);
}

/**
 * The files a run produced, with their contents: stdout, stderr and the listed outputs; with no
 * `transfer_output_files`, every file of iwd the job created or changed (`before` is iwd's snapshot
 * before the run, taken from a copy with the same timestamps). Files that were there before and that
 * the job left alone are no outputs, nor is the event log.
 */
export function producedFiles(spec: OutputSpec, before: Map<string, string>): Map<string, Buffer> {
  const produced = new Map<string, Buffer>();
  const { streams, listed } = outputPaths(spec);
  const userLog = spec.userLog === undefined ? undefined : path.resolve(spec.iwd, spec.userLog);
  for (const file of [...streams, ...(listed ?? [])]) if (file !== userLog) readOutput(spec.iwd, file, produced);
  if (listed === undefined) {
    for (const [name, stamp] of snapshotTree(spec.iwd)) {
      const file = path.join(spec.iwd, name);
      if (file !== userLog && before.get(name) !== stamp && !produced.has(name)) produced.set(name, fs.readFileSync(file));
    }
  }
  return new Map([...produced].sort(([a], [b]) => a.localeCompare(b)));
}
