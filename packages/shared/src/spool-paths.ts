import path from 'node:path';

/**
 * HTCondor's SPOOL layout (src/condor_utils/spooled_job_files.cpp, gen_ckpt_name): the manual's debugging
 * recipe copies `$(SPOOL)/<cluster % 10000>/<proc % 10000>/cluster<C>.proc<P>.subproc0`, so keep it exact.
 */
export function jobSpoolDir(spoolDir: string, cluster: number, proc: number): string {
  return path.join(spoolDir, String(cluster % 10000), String(proc % 10000), `cluster${cluster}.proc${proc}.subproc0`);
}

/** Staging directory a transfer is received into before it is committed (`….subproc0.tmp`). */
export function jobSpoolTmpDir(spoolDir: string, cluster: number, proc: number): string {
  return `${jobSpoolDir(spoolDir, cluster, proc)}.tmp`;
}

/** Where entries replaced by a commit are parked until the commit is complete (`….subproc0.swap`). */
export function jobSpoolSwapDir(spoolDir: string, cluster: number, proc: number): string {
  return `${jobSpoolDir(spoolDir, cluster, proc)}.swap`;
}

/**
 * HTCondor's marker that a transfer into `.tmp` is complete and may be committed (file_transfer.cpp). A job
 * file of this name is never written there (HTCondor's CommitFiles never commits it either).
 */
export const SPOOL_COMMIT_MARKER = '.ccommit.con';

/**
 * What the schedd writes into the marker once the transfer is whole and on disk. Only a marker holding
 * exactly this is honoured: an empty one may be a job's file that an older schedd extracted into `.tmp`.
 */
export const SPOOL_COMMIT_MARKER_CONTENT = 'committed by the tinycondor schedd: the transfer is complete and on disk\n';
