import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';

/** What earlier versions kept a file per run in; nothing reads it now. */
const LEGACY_PID_DIR = '.pids';

/** The environment entry every process of a run carries: its sandbox (buildEnvironment). */
const SCRATCH_DIR_PREFIX = '_CONDOR_SCRATCH_DIR=';

/** The process group of `/proc/<pid>` ('self' for this process); undefined when it is gone. */
function processGroupOf(pid: string): number | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // stat: "pid (comm) state ppid pgrp ...", and comm may hold spaces or parentheses.
  const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  return Number.isInteger(pgrp) && pgrp > 1 ? pgrp : undefined;
}

/** The process groups whose processes name one of `sandboxes` as their scratch directory. */
function processGroupsIn(sandboxes: Set<string>): Set<number> {
  const groups = new Set<number>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let environ: string;
    try {
      environ = fs.readFileSync(`/proc/${name}/environ`, 'utf8');
    } catch {
      continue; // gone meanwhile, or another user's
    }
    const scratch = environ.split('\0').find((entry) => entry.startsWith(SCRATCH_DIR_PREFIX));
    if (scratch === undefined || !sandboxes.has(scratch.slice(SCRATCH_DIR_PREFIX.length))) continue;
    const group = processGroupOf(name);
    if (group !== undefined) groups.add(group);
  }
  return groups;
}

/**
 * At start (before any run), a startd that died (SIGKILL, power loss) may have left jobs running and
 * sandboxes behind: kill those jobs' process groups and remove the sandboxes, as HTCondor's startd cleans
 * its execute directory. The jobs are found by their environment, which names their sandbox, so a run
 * keeps no record of its own (a pid file per run cost two inodes per job).
 */
export function cleanUpStaleRuns(executeDir: string, log: Logger): number {
  const sandboxes = new Set(
    fs
      .readdirSync(executeDir)
      .filter((name) => name.startsWith('dir_'))
      .map((name) => path.join(executeDir, name)),
  );
  let killed = 0;
  if (sandboxes.size > 0) {
    const ownGroup = processGroupOf('self');
    for (const group of processGroupsIn(sandboxes)) {
      if (group === ownGroup) continue;
      try {
        process.kill(-group, 'SIGKILL');
        killed += 1;
      } catch (err) {
        log.warn({ err, processGroup: group }, 'could not kill a job left by an earlier run of this startd');
      }
    }
  }
  for (const sandbox of sandboxes) fs.rmSync(sandbox, { recursive: true, force: true });
  fs.rmSync(path.join(executeDir, LEGACY_PID_DIR), { recursive: true, force: true });
  if (killed > 0) log.warn({ killed }, 'killed jobs left running by an earlier run of this startd');
  return killed;
}
