import fs from 'node:fs';
import path from 'node:path';
import { fileSha256Sync } from '@tinycondor/transfer/file-sha256';
import type { SpoolCommit } from '@tinycondor/schedd';
import { INTERNAL_SANDBOX_FILES, STDERR_NAME, STDOUT_NAME } from '@tinycondor/shared/transfer-files';

/** Relative path → SHA-256 of each regular file of a directory tree. */
export type FileHashes = Record<string, string>;

/** One commit into a job's SPOOL directory, as it was the moment it was made. */
export interface CommittedState {
  /** The checkpoint number; undefined for files sent at eviction. */
  checkpoint: number | undefined;
  runId: string;
  /** What SPOOL held after the commit (what a restart receives), stdout and stderr left out. */
  spool: FileHashes;
  /**
   * The run's sandbox at that moment (for a checkpoint the job has exited and waits for its restart),
   * without the pool's own files, stdout and stderr; undefined when it was not found.
   */
  sandbox: FileHashes | undefined;
}

const STREAMS = new Set([STDOUT_NAME, STDERR_NAME]);

/** Hashes of every regular file under `dir` but the top-level names `skip`; {} when `dir` does not exist. */
export function hashTree(dir: string, skip: (topLevelName: string) => boolean): FileHashes {
  const hashes: FileHashes = {};
  const walk = (rel: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (rel === '' && skip(entry.name)) continue;
      const name = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(name);
      else if (entry.isFile()) hashes[name] = fileSha256Sync(path.join(dir, name));
    }
  };
  walk('');
  return hashes;
}

/**
 * Records every commit into SPOOL of the private pool's jobs, with the content hashes of what was
 * committed and of the sandbox it came from: the ground truth a run's progress is judged by.
 */
export class CheckpointRecorder {
  private readonly states = new Map<string, CommittedState[]>();

  /** `executeRoot`: the pool's EXECUTE directory, holding one directory per startd. */
  constructor(private readonly executeRoot: string) {}

  /** The sandbox of run `runId` (`EXECUTE/<startd>/dir_<pid>_<runId>`), if it exists. */
  private sandboxOf(runId: string): string | undefined {
    const suffix = `_${runId}`;
    for (const startd of safeReaddir(this.executeRoot)) {
      const found = safeReaddir(path.join(this.executeRoot, startd)).find((name) => name.startsWith('dir_') && name.endsWith(suffix));
      if (found) return path.join(this.executeRoot, startd, found);
    }
    return undefined;
  }

  readonly observe = (commit: SpoolCommit): void => {
    const sandbox = this.sandboxOf(commit.runId);
    const state: CommittedState = {
      checkpoint: commit.checkpoint,
      runId: commit.runId,
      spool: hashTree(commit.dir, (name) => STREAMS.has(name)),
      sandbox: sandbox === undefined ? undefined : hashTree(sandbox, (name) => STREAMS.has(name) || INTERNAL_SANDBOX_FILES.has(name)),
    };
    const list = this.states.get(commit.jobId) ?? [];
    list.push(state);
    this.states.set(commit.jobId, list);
  };

  /** The job's commits in order; empty when none was seen (or the pool is not this process's). */
  committed(jobId: string): CommittedState[] {
    return this.states.get(jobId) ?? [];
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
