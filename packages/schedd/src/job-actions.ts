import type { ClassAd, Expr } from '@tinycondor/shared/classad/index';
import { formatJobId, type JobSpec } from '@tinycondor/shared/job-id';
import { holdJob, releaseJob, removeJob, vacateJob, type Refusal, type Transition } from '@tinycondor/shared/job-state';
import { VacateCode } from '@tinycondor/shared/job-status';
import { constraintHolds, constraintSource } from './constraint-jobs.js';
import type { JobKey, JobStore, StoredJob } from './job-store.js';
import { SCAN_LIMITS, slices, yieldToEventLoop, type PagedSource } from './slices.js';

export type JobAction = 'remove' | 'hold' | 'release' | 'vacate' | 'suspend' | 'continue';

/** The actions that change the job in the queue (suspend and continue only signal its run; see Schedd.applyAction). */
export type QueueAction = Exclude<JobAction, 'suspend' | 'continue'>;

/** What HTCondor's tools print for a job an action succeeded on (dc_schedd.cpp). */
export const DONE_WORDS: Record<JobAction, string> = {
  remove: 'marked for removal',
  hold: 'held',
  release: 'released',
  vacate: 'vacated',
  suspend: 'suspended',
  continue: 'continued',
};

/** The attribute naming the signal that ends a run for each action (KillSig is the fallback). */
export const KILL_SIGNAL_ATTRIBUTE: Record<QueueAction, string> = { remove: 'RemoveKillSig', hold: 'HoldKillSig', release: 'KillSig', vacate: 'KillSig' };

export interface ActionResult {
  jobId: string;
  ok: boolean;
  message: string;
}

/** The jobs an action is on: named by id or cluster, or all jobs, or those matching a constraint. */
export interface Selection {
  specs: JobSpec[];
  constraint: Expr | undefined;
  all: boolean;
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
}

/** Refusals a reply lists besides those of jobs named by id (a release -all of a big queue of idle jobs refuses each). */
export const MAX_LISTED_REFUSALS = 1_000;

/** The state machine's answer to an action on a job: its transition, or why it is refused. */
export function actionTransition(action: QueueAction, ad: ClassAd, reason: string, hold: { code: number; subCode: number }, now: Date): Transition | Refusal {
  switch (action) {
    case 'remove':
      return removeJob(ad, { now, reason });
    case 'hold':
      return holdJob(ad, { now, reason, ...hold });
    case 'release':
      return releaseJob(ad, { now, reason });
    case 'vacate':
      return vacateJob(ad, { now, reason, reasonCode: VacateCode.ScheddVacate });
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
  const summary: ActionSummary = { results: [], notFound: [], done: 0, refused: 0 };
  let listedRefusals = 0;
  const record = (result: ActionResult, named: boolean): void => {
    if (result.ok) summary.done++;
    else summary.refused++;
    if (named || (!result.ok && listedRefusals++ < MAX_LISTED_REFUSALS)) summary.results.push(result);
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
  if (all || constraint) {
    const source = all || constraint === undefined ? store.jobSource() : constraintSource(store, constraint);
    await actOnSource(source, (job) => all || (constraint !== undefined && constraintHolds(constraint, job.ad)));
    return summary;
  }
  let sinceYield = 0;
  for (const spec of specs) {
    if (stopped()) break;
    if (spec.proc === undefined) {
      if ((await actOnSource(store.clusterSource(spec.cluster), () => true)) === 0) summary.notFound.push(String(spec.cluster));
      continue;
    }
    const job = store.getJob(spec.cluster, spec.proc);
    if (job) record(act(job), true);
    else summary.notFound.push(formatJobId(spec.cluster, spec.proc));
    if (++sinceYield === SCAN_LIMITS.pageSize) {
      sinceYield = 0;
      await yieldToEventLoop();
    }
  }
  return summary;
}
