import type { AdReader } from './proc-ad-view.js';

/**
 * Which idle job goes first, as HTCondor's schedd orders its runnable jobs (qmgmt.cpp prio_compar, over the
 * records get_job_prio builds): these attributes, the first most significant, each higher first and 0 when
 * unset; then ClusterId, then ProcId, lower first. Neither QDate nor the time a job became idle counts: a job
 * released from hold or requeued after an eviction goes back to its cluster.proc place.
 */
export const JOB_ORDER_ATTRIBUTES = ['PreJobPrio1', 'PreJobPrio2', 'JobPrio', 'PostJobPrio1', 'PostJobPrio2'] as const;

/** A job's place in that order: `key` encodes its JOB_ORDER_ATTRIBUTES (see orderKey). */
export interface JobPlace {
  key: string;
  cluster: number;
  proc: number;
}

/** An unset attribute's part of the key (most are). */
const ZERO = '7fffffff';

/**
 * The values of JOB_ORDER_ATTRIBUTES as one string whose byte order is the jobs' order (best first), so the
 * queue's SQL sorts by it as compareJobPlaces does: each value as the int the schedd's LookupInteger reads
 * (truncated to 32 bits), stored as 0x7fffffff minus it in 8 hex digits.
 */
export function orderKey(values: readonly number[]): string {
  if (values.length !== JOB_ORDER_ATTRIBUTES.length) throw new Error(`orderKey: ${values.length} values, not ${JOB_ORDER_ATTRIBUTES.length}`);
  let key = '';
  for (const value of values) key += value === 0 ? ZERO : (0x7fffffff - (Math.trunc(value) | 0)).toString(16).padStart(8, '0');
  return key;
}

/** LookupInteger's reading: a number truncated, a boolean 1 or 0; anything else (or nothing) 0. */
function lookupInteger(ad: AdReader, name: string): number {
  if (!ad.has(name)) return 0;
  const int = ad.getInt(name);
  if (int !== undefined) return int;
  const bool = ad.getBool(name);
  return bool === undefined ? 0 : Number(bool);
}

export function jobOrderKey(ad: AdReader): string {
  return orderKey(JOB_ORDER_ATTRIBUTES.map((name) => lookupInteger(ad, name)));
}

/** Negative when `a` goes before `b`. */
export function compareJobPlaces(a: JobPlace, b: JobPlace): number {
  if (a.key !== b.key) return a.key < b.key ? -1 : 1;
  return a.cluster - b.cluster || a.proc - b.proc;
}
