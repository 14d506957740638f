import type { ClassAd, EvalContext, Expr } from '@tinycondor/shared/classad/index';
import { formatJobId, type JobSpec } from '@tinycondor/shared/job-id';
import { emptyTotals, resultString, type ActionResultCode, type ActionTotals, type ToolAction } from '@tinycondor/shared/job-action-results';
import { forceRemoveJob, holdJob, releaseJob, removeJob, vacateJob, type Refusal, type Transition } from '@tinycondor/shared/job-state';
import { VacateCode } from '@tinycondor/shared/job-status';
import { constraintHolds, constraintSource } from './constraint-jobs.js';
import type { JobKey, JobStore, StoredJob } from './job-store.js';
import { SCAN_LIMITS, slices, yieldToEventLoop, type PagedSource } from './slices.js';

export type JobAction = ToolAction;

/** The actions that change the job in the queue (suspend and continue only signal its run; see Schedd.applyAction). */
export type QueueAction = Exclude<JobAction, 'suspend' | 'continue'>;

/** The attribute naming the signal that ends a run for each action (KillSig is the fallback); a fast vacate and a forced removal kill at once. */
export const KILL_SIGNAL_ATTRIBUTE: Record<QueueAction, string | 'SIGKILL'> = {
  remove: 'RemoveKillSig',
  'remove-x': 'SIGKILL',
  hold: 'HoldKillSig',
  release: 'KillSig',
  vacate: 'KillSig',
  'vacate-fast': 'SIGKILL',
};

export interface ActionResult {
  jobId: string;
  ok: boolean;
  /** The job's result, as HTCondor's schedd records it (JobActionResults). */
  code: ActionResultCode;
  message: string;
}

/** A job's result of an action, in HTCondor's words. */
export function actionResult(action: JobAction, jobId: string, code: ActionResultCode, message = resultString(action, jobId, code)): ActionResult {
  return { jobId, ok: code === 'success', code, message };
}

/** The jobs an action is on: named by id or cluster, or all jobs, or those matching a constraint. */
export interface Selection {
  specs: JobSpec[];
  constraint: Expr | undefined;
  all: boolean;
  /**
   * Of the jobs a cluster, a constraint or -all selects, those the action is for (actOnJobs' clause on
   * JobStatus: `condor_release 5` selects the held jobs of cluster 5, and refuses none of the others).
   */
  inState?: (job: StoredJob) => boolean;
  /** Every job's result in the reply (condor_rm -long), not only those named by id and the first refusals. */
  perJob?: boolean;
  /** What the constraint's evaluation is given: the schedd's userMap() maps. */
  context?: EvalContext;
}

/** What an action on a selection did. */
export interface ActionSummary {
  /** The result of each job named by id, and the first MAX_LISTED_REFUSALS refusals of the others. */
  results: ActionResult[];
  /** Job and cluster ids named that are not in the queue. */
  notFound: string[];
  /** Jobs acted on and jobs refused, in all. */
  done: number;
  refused: number;
  /** Each result's count (condor_rm -totals). */
  totals: ActionTotals;
}

/** Refusals a reply lists besides those of jobs named by id (a release -all of a big queue of idle jobs refuses each). */
export const MAX_LISTED_REFUSALS = 1_000;

/** The state machine's answer to an action on a job: its transition, or why it is refused. */
export function actionTransition(action: QueueAction, ad: ClassAd, reason: string, hold: { code: number; subCode: number }, now: Date): Transition | Refusal {
  switch (action) {
    case 'remove':
      return removeJob(ad, { now, reason });
    case 'remove-x':
      return forceRemoveJob(ad, { now, reason });
    case 'hold':
      return holdJob(ad, { now, reason, ...hold });
    case 'release':
      return releaseJob(ad, { now, reason });
    case 'vacate':
    case 'vacate-fast':
      // The periodic policy's vacate gives its own code (JobPolicyVacate); a user's is the schedd's.
      return vacateJob(ad, { now, reason, reasonCode: hold.code >= VacateCode.JobPolicyVacate ? hold.code : VacateCode.ScheddVacate });
  }
}

/**
 * condor_rm / condor_hold / condor_release / condor_vacate_job on the jobs named by id or cluster, or on
 * all jobs or those matching a constraint; `act` acts on one job. The queue is read and changed in slices
 * (see slices), one transaction each, with the event loop yielded between them: acting on a cluster of a
 * million jobs holds neither the schedd nor its memory. Like HTCondor's schedd asked for totals
 * (AR_TOTALS), the reply counts the jobs acted on and refused, and lists only the jobs named by id and the
 * first refusals. `stopped` ends the walk at the next slice.
 */
export async function actOnSelection(
  store: JobStore,
  selection: Selection,
  act: (job: StoredJob) => ActionResult,
  stopped: () => boolean,
): Promise<ActionSummary> {
  const summary: ActionSummary = { results: [], notFound: [], done: 0, refused: 0, totals: emptyTotals() };
  let listedRefusals = 0;
  const record = (result: ActionResult, named: boolean): void => {
    if (result.ok) summary.done++;
    else summary.refused++;
    summary.totals[result.code]++;
    if (named || selection.perJob || (!result.ok && listedRefusals++ < MAX_LISTED_REFUSALS)) summary.results.push(result);
  };
  /** Acts on the jobs of `source` that `selected` keeps; returns how many jobs it read. */
  const actOnSource = async (source: PagedSource<StoredJob, JobKey>, selected: (job: StoredJob) => boolean): Promise<number> => {
    let read = 0;
    for await (const slice of slices(source, SCAN_LIMITS)) {
      if (stopped()) break;
      store.transaction(() => {
        for (const job of slice) {
          read++;
          if (selected(job)) record(act(job), false);
        }
      });
    }
    return read;
  };
  const { specs, constraint, all } = selection;
  const inState = selection.inState ?? (() => true);
  if (all || constraint) {
    const source = all || constraint === undefined ? store.jobSource() : constraintSource(store, constraint);
    await actOnSource(source, (job) => inState(job) && (all || (constraint !== undefined && constraintHolds(constraint, job.ad, selection.context))));
    return summary;
  }
  let sinceYield = 0;
  for (const spec of specs) {
    if (stopped()) break;
    if (spec.proc === undefined) {
      if ((await actOnSource(store.clusterSource(spec.cluster), inState)) === 0) summary.notFound.push(String(spec.cluster));
      continue;
    }
    const job = store.getJob(spec.cluster, spec.proc);
    if (job) record(act(job), true);
    else {
      summary.notFound.push(formatJobId(spec.cluster, spec.proc));
      summary.totals['not-found']++;
    }
    if (++sinceYield === SCAN_LIMITS.pageSize) {
      sinceYield = 0;
      await yieldToEventLoop();
    }
  }
  return summary;
}
