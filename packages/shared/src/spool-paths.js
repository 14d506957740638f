import path from 'node:path';
/**
 * HTCondor's SPOOL layout (src/condor_utils/spooled_job_files.cpp, gen_ckpt_name): the manual's debugging
 * recipe copies `$(SPOOL)/<cluster % 10000>/<proc % 10000>/cluster<C>.proc<P>.subproc0`, so keep it exact.
 */
export function jobSpoolDir(spoolDir, cluster, proc) {
    return path.join(spoolDir, String(cluster % 10000), String(proc % 10000), `cluster${cluster}.proc${proc}.subproc0`);
}
/** Staging directory a transfer is received into before it is committed (`….subproc0.tmp`). */
export function jobSpoolTmpDir(spoolDir, cluster, proc) {
    return `${jobSpoolDir(spoolDir, cluster, proc)}.tmp`;
}
/** Where entries replaced by a commit are parked until the commit is complete (`….subproc0.swap`). */
export function jobSpoolSwapDir(spoolDir, cluster, proc) {
    return `${jobSpoolDir(spoolDir, cluster, proc)}.swap`;
}
//# sourceMappingURL=spool-paths.js.map