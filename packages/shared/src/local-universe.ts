import path from 'node:path';
import { ClassAd, isTrue } from './classad/index.js';
import type { JobUser } from './job-user.js';

/** condor_universe.h's numbers of the two universes the schedd runs on its own host. */
export const JOB_UNIVERSE_SCHEDULER = 7;
export const JOB_UNIVERSE_LOCAL = 12;

export type ScheddUniverse = 'local' | 'scheduler';

/** param_info.in's defaults of START_LOCAL_UNIVERSE and START_SCHEDULER_UNIVERSE. */
export const START_LOCAL_UNIVERSE_DEFAULT = 'TotalLocalJobsRunning < 200';
export const START_SCHEDULER_UNIVERSE_DEFAULT = 'TotalSchedulerJobsRunning < 500';

/** The universe a job runs in on the schedd's host, if it is one of those (its JobUniverse). */
export function scheddUniverse(jobUniverse: number | undefined): ScheddUniverse | undefined {
  if (jobUniverse === JOB_UNIVERSE_LOCAL) return 'local';
  if (jobUniverse === JOB_UNIVERSE_SCHEDULER) return 'scheduler';
  return undefined;
}

/** How many jobs of each universe the schedd runs now (its ad's TotalLocalJobsRunning, TotalSchedulerJobsRunning). */
export interface ScheddRunning {
  local: number;
  scheduler: number;
}

/**
 * Whether the schedd may start an idle job of `universe` now, as Scheduler::IsLocalJobEligibleToRun decides it:
 * the universe's start expression (START_LOCAL_UNIVERSE / START_SCHEDULER_UNIVERSE), evaluated in the schedd's
 * ad against the job, must be true; an expression that does not parse or evaluate to true starts nothing.
 */
export function mayStartInScheddUniverse(universe: ScheddUniverse, startExpression: string, running: ScheddRunning, jobAd: ClassAd): boolean {
  const scheddAd = new ClassAd().set('TotalLocalJobsRunning', running.local).set('TotalSchedulerJobsRunning', running.scheduler);
  const attribute = universe === 'local' ? 'StartLocalUniverse' : 'StartSchedulerUniverse';
  try {
    scheddAd.setExpr(attribute, startExpression);
  } catch {
    return false;
  }
  return isTrue(scheddAd.evaluate(attribute, jobAd));
}

/** Whom a job on the schedd's host runs as, or why it cannot run: the schedd's hold reason (HoldCode.FailedToAccessUserAccount). */
export type ScheddJobUser = { user: JobUser | undefined } | { refused: string };

/**
 * As the schedd's init_user_ids_from_ad decides it for a local or scheduler universe job: a schedd that is not
 * root runs only its own user's jobs (as itself); a root schedd runs each job as its Owner, which must have an
 * account here (no fall-back to nobody). Either way a refusal is HTCondor's "Unable to switch to user: OWNER".
 */
export function scheddJobUser(
  owner: string | undefined,
  daemon: { uid: number; name: string },
  accounts: { users: Map<string, { uid: number; gid: number }>; memberships: Map<string, number[]> },
): ScheddJobUser {
  const refused = { refused: `Unable to switch to user: ${owner ?? ''}` };
  if (owner === undefined || owner === '') return refused;
  if (daemon.uid !== 0) return owner === daemon.name ? { user: undefined } : refused;
  const account = accounts.users.get(owner);
  if (account === undefined) return refused;
  if (account.uid === 0) return { user: undefined };
  const groups = [...new Set([account.gid, ...(accounts.memberships.get(owner) ?? [])])];
  return { user: { name: owner, uid: account.uid, gid: account.gid, groups } };
}

/** LOCAL_UNIV_EXECUTE's default under SPOOL (param_info.in: `$(SPOOL)/local_univ_execute`). */
export const LOCAL_UNIV_EXECUTE_NAME = 'local_univ_execute';

/**
 * Where the schedd's runs get their directories, as Scheduler::initLocalStarterDir reads it: LOCAL_UNIV_EXECUTE,
 * else `local_univ_execute` in SPOOL.
 */
export function localUnivExecuteDir(knob: string | undefined, spoolDir: string): string {
  const value = knob?.trim();
  return value ? path.resolve(value) : path.join(spoolDir, LOCAL_UNIV_EXECUTE_NAME);
}

/**
 * Whether the schedd may empty LOCAL_UNIV_EXECUTE when it starts, as HTCondor's does: not when the knob names
 * the pool's own directory or one above it (a slip such as `LOCAL_UNIV_EXECUTE = $(LOCAL_DIR)` or `/`), whose
 * queue and configuration that would remove.
 */
export function mayEmptyExecuteDir(executeDir: string, poolRoot: string): boolean {
  const relative = path.relative(path.resolve(executeDir), path.resolve(poolRoot));
  return relative.startsWith('..') || path.isAbsolute(relative);
}

/**
 * A run's directory in LOCAL_UNIV_EXECUTE. The scheduler universe's is named by the job
 * (start_sched_universe_job's `dir_<cluster>_<proc>`, holding only its .job.ad); the local universe's is its
 * starter's scratch directory (`dir_<starter pid>`), here the schedd's pid and the run's id, as the startd
 * names a sandbox.
 */
export function scheddUniverseDirName(universe: ScheddUniverse, run: { cluster: number; proc: number; runId: string; pid: number }): string {
  return universe === 'scheduler' ? `dir_${run.cluster}_${run.proc}` : `dir_${run.pid}_${run.runId}`;
}

/**
 * The job ad as the local universe's starter holds it and writes it to .job.ad (JICLocal::initJobInfo):
 * OrigCmd is the submitted Cmd, OrigIwd the Iwd, and a relative Cmd gets the Iwd in front.
 */
export function localStarterJobAd(ad: ClassAd): ClassAd {
  const starterAd = ad.clone();
  const cmd = ad.getString('Cmd');
  const iwd = ad.getString('Iwd');
  if (cmd !== undefined) starterAd.set('OrigCmd', cmd);
  if (iwd !== undefined) starterAd.set('OrigIwd', iwd);
  if (cmd !== undefined && iwd !== undefined && !path.isAbsolute(cmd)) starterAd.set('Cmd', `${iwd}/${cmd}`);
  return starterAd;
}
