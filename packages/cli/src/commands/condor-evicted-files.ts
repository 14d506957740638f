import fs from 'node:fs';
import path from 'node:path';
import { jobSpoolDir } from '@tinycondor/shared/spool-paths';
import { CliError, type Command } from '../cli-error.js';
import { loadPoolConfig } from '../pool-config.js';

type Action = 'dir' | 'list' | 'get';

/** HTCondor's command names and their synonyms (src/condor_tools/evicted_files.cpp). */
const ACTIONS: Record<string, Action> = { dir: 'dir', find: 'dir', ls: 'list', list: 'list', get: 'get', fetch: 'get' };

const USAGE = (zero: string) =>
  `Usage: ${zero} [COMMAND] (clusterID.procID)+\nDeal with evicted files.\n\nWith no COMMAND, assume DIR.  Otherwise:\n` +
  '\tdir\tPrint the directory in which the files are stored.\n\tlist\tList the evicted files.\n\tget\tCopy the evicted files to a subdirectory named after the job ID.\n';

/** sscanf("%d.%d"): both numbers, whatever follows. */
function jobIdOf(text: string): [number, number] | undefined {
  const match = /^\s*([+-]?\d+)\.\s*([+-]?\d+)/.exec(text);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/**
 * condor_evicted_files: where the schedd keeps the files of a job's checkpoints (or those sent when an
 * ON_EXIT_OR_EVICT job was evicted), what they are, or a copy of them, read from SPOOL on this machine as
 * HTCondor's tool does; its messages and exit codes (255 for its -1, errno for a single job's missing directory).
 */
export const condorEvictedFiles: Command = async (args, io) => {
  const zero = 'condor_evicted_files';
  if (args.length === 0) {
    io.stdout(USAGE(zero));
    return 255;
  }
  let action: Action = 'dir';
  let first = 0;
  if (!/^\d/.test(args[0] as string)) {
    first = 1;
    const named = ACTIONS[(args[0] as string).toLowerCase()];
    if (named === undefined) {
      io.stdout(`Unknown command '${args[0]}', aborting.\n`);
      return 255;
    }
    action = named;
  }
  const jobs: [number, number][] = [];
  for (const arg of args.slice(first)) {
    const id = jobIdOf(arg);
    if (!id) {
      io.stderr(`'${arg}' is not a job ID, aborting.\n`);
      return 255;
    }
    jobs.push(id);
  }
  const spool = loadPoolConfig(io.env, io.stderr).value('SPOOL');
  if (spool === undefined) throw new CliError(`ERROR: the pool's configuration does not name SPOOL`);
  const single = jobs.length === 1;
  for (const [cluster, proc] of jobs) {
    const jobId = `${cluster}.${proc}`;
    const dir = jobSpoolDir(spool, cluster, proc);
    const prefix = single ? '' : `${jobId} `;
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const errno = -((err as NodeJS.ErrnoException).errno ?? -1);
      io.stdout(code === 'ENOENT' ? `${prefix}No directory; job was never evicted.\n` : `${prefix}[error ${errno}: '${(err as Error).message}' while looking for '${dir}']\n`);
      if (single) return errno;
      continue;
    }
    io.stdout(prefix);
    if (action === 'dir') io.stdout(`${dir}\n`);
    else if (action === 'list') {
      if (!single) io.stdout('\n');
      for (const name of names) io.stdout(`\t${name}\n`);
    } else {
      const dest = path.resolve(io.cwd, jobId);
      if (fs.existsSync(dest)) {
        io.stdout(`Destination directory '${jobId}' exists, not modifying.\n`);
        if (single) return 255;
        continue;
      }
      try {
        // As `cp -a`: the directory and everything in it, with modes and times.
        fs.cpSync(dir, dest, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
        io.stdout(`Copied to '${jobId}'.\n`);
      } catch (err) {
        io.stdout(`Copy failed: return value 1.\n`);
        io.stderr(`${(err as Error).message}\n`);
        if (single) return 1;
      }
    }
  }
  return 0;
};
