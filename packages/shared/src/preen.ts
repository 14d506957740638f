// condor_preen's rules for the SPOOL directory (src/condor_tools/preen.cpp), as pure functions: which
// names are well known, which name a job's files (and so may be stale once the job left the queue), and
// which of those belong to no job the schedd still has.

import { maxOf, minOf } from './extremes.js';

/**
 * What the pool itself keeps at the top of SPOOL (its SYSTEM_VALID_SPOOL_FILES): the queue database and its
 * journal files, the staging area, spooled jobs' event logs, the checkpoint clean-up directory; with
 * HTCondor's own list, so that a SPOOL shared with habits from HTCondor keeps those names too.
 */
export const SYSTEM_VALID_SPOOL_FILES = [
  'job_queue.sqlite',
  'job_queue.sqlite-wal',
  'job_queue.sqlite-shm',
  'job_queue.sqlite-journal',
  'incoming',
  'user-logs',
  'checkpoint-cleanup',
  'job_queue.log',
  'job_queue.log.tmp',
  'history',
  'spool_version',
  'Accountant.log',
  'Accountantnew.log',
  'local_univ_execute',
  '*OfflineLog*',
  '*OfflineAds*',
  'SCHEDD.lock',
  'lost+found',
];

/** contains_withwildcard: `name` is one of `patterns`, where a `*` matches any run of characters. */
export function matchesWellKnown(patterns: readonly string[], name: string): boolean {
  return patterns.some((pattern) => {
    if (!pattern.includes('*')) return pattern === name;
    const source = pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    return new RegExp(`^${source}$`).test(name);
  });
}

/** is_job_subdir: a `<cluster % 10000>` or `<proc % 10000>` directory's name (strtol to the end). */
export function isJobSubdir(name: string): boolean {
  return /^[+-]?[0-9]+$/.test(name);
}

/** grab_val: the number after `pattern` in `name` (atoi: leading digits, 0 if none), -1 without the pattern. */
function grabVal(name: string, pattern: string): number {
  const at = name.indexOf(pattern);
  if (at < 0) return -1;
  const digits = /^\s*[+-]?[0-9]*/.exec(name.slice(at + pattern.length))?.[0] ?? '';
  const n = Number.parseInt(digits, 10);
  return Number.isNaN(n) ? 0 : n;
}

/** A job id (proc -1: the whole cluster). */
export interface JobKey {
  cluster: number;
  proc: number;
}

/**
 * is_ckpt_file_or_submit_digest: the job a SPOOL name belongs to (`cluster<C>.proc<P>…`, `cluster<C>.ickpt…`,
 * `condor_submit.<C>…`, `job<C>.ckpt.<P>`, `_condor_creds.cluster<C>.proc<P>`), or undefined for any other name.
 */
export function jobOfSpoolName(name: string): JobKey | undefined {
  let key: JobKey | undefined;
  if (name.startsWith('cl')) key = { cluster: grabVal(name, 'cluster'), proc: grabVal(name, '.proc') };
  else if (name.startsWith('co')) key = { cluster: grabVal(name, 'condor_submit.'), proc: -1 };
  else if (name.startsWith('j')) key = { cluster: grabVal(name, 'job'), proc: grabVal(name, '.ckpt.') };
  else if (name.startsWith('_')) key = { cluster: grabVal(name, '_condor_creds.cluster'), proc: grabVal(name, '.proc') };
  return key !== undefined && key.cluster > 0 ? key : undefined;
}

/**
 * JobIdSpoolFiles after the schedd answered: the files whose job (or, for a cluster's file, whose cluster)
 * is not among `queued`. A proc's file stays while its proc is queued; a cluster's while any proc of it is.
 */
export function staleFiles(files: ReadonlyMap<string, JobKey>, queued: readonly JobKey[]): string[] {
  const procs = new Set(queued.map((job) => `${job.cluster}.${job.proc}`));
  const clusters = new Set(queued.map((job) => job.cluster));
  return [...files].filter(([, job]) => (job.proc >= 0 ? !procs.has(`${job.cluster}.${job.proc}`) : !clusters.has(job.cluster))).map(([file]) => file);
}

/** The range of clusters to ask the schedd about (check_spool_dir's Requirements), or undefined for none. */
export function clusterConstraint(files: ReadonlyMap<string, JobKey>): string | undefined {
  if (files.size === 0) return undefined;
  const first = minOf(files.values(), (job) => job.cluster);
  const last = maxOf(files.values(), (job) => job.cluster);
  return first === last ? `ClusterId==${first}` : `ClusterId>=${first} && ClusterId<=${last}`;
}
