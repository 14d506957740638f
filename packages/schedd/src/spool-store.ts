import fs from 'node:fs';
import path from 'node:path';
import { jobSpoolDir, jobSpoolSwapDir, jobSpoolTmpDir } from '@tinycondor/shared/spool-paths';

/** The only code that writes under SPOOL. */
export class SpoolStore {
  constructor(readonly spoolDir: string) {
    fs.mkdirSync(spoolDir, { recursive: true, mode: 0o755 });
  }

  jobDir(cluster: number, proc: number): string {
    return jobSpoolDir(this.spoolDir, cluster, proc);
  }

  /** Entries committed in the job's SPOOL directory (restored into every new sandbox). */
  committedEntries(cluster: number, proc: number): string[] {
    try {
      return fs.readdirSync(this.jobDir(cluster, proc)).sort();
    } catch {
      return [];
    }
  }

  /** A fresh, empty directory beside the job's SPOOL directory, for receiving output before it is placed. */
  freshStagingDir(cluster: number, proc: number, purpose: string): string {
    const dir = `${this.jobDir(cluster, proc)}.${purpose}`;
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  }

  removeStagingDir(dir: string): void {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  /** Removes the job's directories and the per-cluster/per-proc parents once empty (removeJobSpoolDirectory). */
  removeJobDir(cluster: number, proc: number): void {
    const dir = this.jobDir(cluster, proc);
    for (const d of [dir, jobSpoolTmpDir(this.spoolDir, cluster, proc), jobSpoolSwapDir(this.spoolDir, cluster, proc), `${dir}.out`]) {
      fs.rmSync(d, { recursive: true, force: true });
    }
    for (const parent of [path.dirname(dir), path.dirname(path.dirname(dir))]) {
      try {
        fs.rmdirSync(parent);
      } catch {
        return; // not empty (other jobs) or already gone
      }
    }
  }
}
