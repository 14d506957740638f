import fs from 'node:fs';
import path from 'node:path';
import { jobSpoolDir, jobSpoolSwapDir, jobSpoolTmpDir } from '@tinycondor/shared/spool-paths';
/** The only code that writes under SPOOL. */
export class SpoolStore {
    spoolDir;
    constructor(spoolDir) {
        this.spoolDir = spoolDir;
        fs.mkdirSync(spoolDir, { recursive: true, mode: 0o755 });
    }
    jobDir(cluster, proc) {
        return jobSpoolDir(this.spoolDir, cluster, proc);
    }
    /** Entries committed in the job's SPOOL directory (restored into every new sandbox). */
    committedEntries(cluster, proc) {
        try {
            return fs.readdirSync(this.jobDir(cluster, proc)).sort();
        }
        catch {
            return [];
        }
    }
    /** A fresh, empty directory beside the job's SPOOL directory, for receiving output before it is placed. */
    freshStagingDir(cluster, proc, purpose) {
        const dir = `${this.jobDir(cluster, proc)}.${purpose}`;
        fs.rmSync(dir, { recursive: true, force: true });
        fs.mkdirSync(dir, { recursive: true });
        return dir;
    }
    removeStagingDir(dir) {
        fs.rmSync(dir, { recursive: true, force: true });
    }
    /** Removes the job's directories and the per-cluster/per-proc parents once empty (removeJobSpoolDirectory). */
    removeJobDir(cluster, proc) {
        const dir = this.jobDir(cluster, proc);
        for (const d of [dir, jobSpoolTmpDir(this.spoolDir, cluster, proc), jobSpoolSwapDir(this.spoolDir, cluster, proc), `${dir}.out`]) {
            fs.rmSync(d, { recursive: true, force: true });
        }
        for (const parent of [path.dirname(dir), path.dirname(path.dirname(dir))]) {
            try {
                fs.rmdirSync(parent);
            }
            catch {
                return; // not empty (other jobs) or already gone
            }
        }
    }
}
//# sourceMappingURL=spool-store.js.map