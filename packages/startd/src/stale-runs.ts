import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';

const PID_DIR = '.pids';

/** Records a run's process group so that a later incarnation of the startd can clean it up (cleanUpStaleRuns made the directory). */
export function recordRunProcess(executeDir: string, runId: number, pid: number, sandbox: string): string {
  const file = path.join(executeDir, PID_DIR, String(runId));
  fs.writeFileSync(file, `${pid} ${sandbox}\n`);
  return file;
}

/** The run's process group has ended: nothing is left to clean up. */
export function forgetRunProcess(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** Whether the process still is the job we started (its environment names the sandbox), not a reused pid. */
function isOurJob(pid: number, sandbox: string): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`_CONDOR_SCRATCH_DIR=${sandbox}`);
  } catch {
    return false;
  }
}

/**
 * At start (before any run), a startd that died (SIGKILL, power loss) may have left jobs running and sandboxes behind:
 * kill those process groups and remove the sandboxes, as HTCondor's startd cleans its execute directory.
 */
export function cleanUpStaleRuns(executeDir: string, log: Logger): number {
  let killed = 0;
  const pidDir = path.join(executeDir, PID_DIR);
  for (const name of fs.existsSync(pidDir) ? fs.readdirSync(pidDir) : []) {
    const [pidText, sandbox] = fs.readFileSync(path.join(pidDir, name), 'utf8').trim().split(' ');
    const pid = Number(pidText);
    if (Number.isInteger(pid) && pid > 1 && sandbox && isOurJob(pid, sandbox)) {
      try {
        process.kill(-pid, 'SIGKILL');
        killed += 1;
      } catch (err) {
        log.warn({ err, pid }, 'could not kill a job left by an earlier run of this startd');
      }
    }
    fs.rmSync(path.join(pidDir, name), { force: true });
  }
  for (const name of fs.readdirSync(executeDir)) {
    if (name.startsWith('dir_')) fs.rmSync(path.join(executeDir, name), { recursive: true, force: true });
  }
  fs.mkdirSync(pidDir, { recursive: true });
  if (killed > 0) log.warn({ killed }, 'killed jobs left running by an earlier run of this startd');
  return killed;
}
