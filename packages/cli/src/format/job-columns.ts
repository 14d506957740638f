// Renderers for single job columns, following condor_q's PRINTAS functions.
import type { ClassAd } from './classad.js';
import { JobStatus, statusLetter } from '@tinycondor/shared/job-status';

/** Basename of a path, as condor_basename (either slash). */
export function basename(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut < 0 ? path : path.slice(cut + 1);
}

/** The job's arguments as shown to users: the V2 `Arguments` string, else the V1 `Args`. */
function displayArguments(job: ClassAd): string {
  return job.getString('Arguments') || job.getString('Args') || '';
}

/** PRINTAS JOB_DESCRIPTION: `(JobDescription)` or the Cmd basename followed by its arguments. */
export function jobDescription(job: ClassAd): string {
  const cmd = job.getString('Cmd');
  if (cmd === undefined) return '';
  const description = job.getString('MATCH_EXP_JobDescription') ?? job.getString('JobDescription');
  if (description) return `(${description})`;
  const args = displayArguments(job);
  return args ? `${basename(cmd)} ${args}` : basename(cmd);
}

/** PRINTAS JOB_STATUS: the state letter, or `<`/`>` while files are transferring (2 characters). */
export function jobStatusCell(job: ClassAd): string {
  const status = job.getInt('JobStatus');
  if (status === undefined) return '';
  const queued = job.getBool('TransferQueued') === true;
  if (job.getBool('TransferringOutput') === true || status === JobStatus.TransferringOutput) {
    return `${queued ? 'q' : ' '}>`;
  }
  if (job.getBool('TransferringInput') === true) return `<${queued ? 'q' : ' '}`;
  return `${statusLetter(status)} `;
}

/** PRINTAS MEMORY_USAGE: MemoryUsage in MB, else ImageSize (KiB) / 1024. */
export function memoryUsageMb(job: ClassAd): number | undefined {
  const memoryUsage = job.getNumber('MemoryUsage');
  if (memoryUsage !== undefined) return Math.trunc(memoryUsage);
  const imageSize = job.getNumber('ImageSize');
  return imageSize === undefined ? undefined : Math.trunc(imageSize) / 1024;
}

/**
 * condor_q's RUN_TIME (job_time): the current run's wall clock for running and suspended jobs,
 * the last run's for idle and held ones; `cumulative` adds the time of earlier runs (-cumulative-time).
 */
export function jobRunSeconds(job: ClassAd, now: Date, cumulative: boolean): number {
  const status = job.getInt('JobStatus') ?? 0;
  const previousRuns = cumulative ? job.getNumber('RemoteWallClockTime') ?? 0 : 0;
  const started = job.getInt('ShadowBday') ?? job.getInt('JobCurrentStartDate') ?? 0;
  const active = status === JobStatus.Running || status === JobStatus.TransferringOutput || status === JobStatus.Suspended;
  if (active && started) return previousRuns + Math.floor(now.getTime() / 1000) - started;
  const waiting = status === JobStatus.Idle || status === JobStatus.Held || status === JobStatus.Blocked;
  if (waiting && !cumulative) return job.getNumber('LastRemoteWallClockTime') ?? previousRuns;
  return previousRuns;
}
