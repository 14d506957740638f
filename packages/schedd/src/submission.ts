import path from 'node:path';
import { quoteString, type ClassAd } from '@tinycondor/shared/classad/index';
import type { JobEvent, NoteValue } from '@tinycondor/shared/eventlog/index';
import { ClusterAd, type ProcOverlay } from '@tinycondor/shared/cluster-ad';
import { secureAttributeVerdict, type JobAttrRules } from '@tinycondor/shared/job-edit';
import { formatJobId } from '@tinycondor/shared/job-id';
import { compareJobPlaces, type JobPlace } from '@tinycondor/shared/job-order';
import { HoldCode, JobStatus } from '@tinycondor/shared/job-status';
import { ProcAdView, type AdReader } from '@tinycondor/shared/proc-ad-view';
import { isSpooled } from '@tinycondor/shared/transfer-files';
import { SubmitWarnings } from '@tinycondor/shared/submit-requirements';
import { maySubmitAs, type Caller } from './caller.js';
import { JobTransformFailed, type JobTransforms } from './job-transforms.js';
import { CommitRefused, procRow, SubmitRejected, type ProcRow } from './job-store.js';
import type { PoolFileGuard } from './pool-file-guard.js';
import type { SpoolStore } from './spool-store.js';
import { spoolSubmittedJob } from './spooled-job.js';
import { SubmitRequirementNotMet, type SubmitRequirements } from './submit-requirements.js';

/** The secure job attributes (JobAttrRules), and where the submission's ignored attempts to set one are told. */
export interface SecureAttributes {
  rules: JobAttrRules;
  ignored: (note: string) => void;
}

/**
 * A submitted ad (`jobId` C.P, or C.-1 for a cluster ad) without the secure attributes, as ModifyAttrCheck
 * judges each SetAttribute of condor_submit's transaction: each dropped and told (IGNORE_ATTEMPTS_TO_SET_SECURE_JOB_ATTRS,
 * the default), or the first one refuses the submission as a failed commit. The ad itself when it sets none.
 */
export function withoutSecureAttributes<T>(ad: Record<string, T>, jobId: string, secure: SecureAttributes): Record<string, T> {
  let kept: Record<string, T> | undefined;
  for (const name of Object.keys(ad)) {
    const verdict = secureAttributeVerdict(jobId, name, secure.rules);
    if (verdict === undefined) continue;
    if ('refused' in verdict) throw new CommitRefused(verdict.refused);
    secure.ignored(verdict.ignored);
    kept ??= { ...ad };
    delete kept[name];
  }
  return kept ?? ad;
}

/** The cluster ad a submission's procs share, with its number of procs; refused with the reason. */
export function submittedClusterAd(common: Record<string, string> | undefined, procs: number): ClusterAd {
  if (procs === 0) throw new SubmitRejected('a cluster needs at least one proc');
  try {
    return new ClusterAd({ ...common, TotalSubmitProcs: String(procs) });
  } catch (err) {
    throw new SubmitRejected(`cluster ad: ${(err as Error).message}`);
  }
}

/**
 * The procs of a submission as the queue stores them, judged one by one as they are read (inside the
 * store's transaction, so a refusal, thrown as SubmitRejected naming the proc, stores none): no secure
 * attribute (withoutSecureAttributes), ids, status, the required attributes, the owner (the submitting
 * user's, unless a queue superuser submits or all users are trusted: maySubmitAs), no Iwd or
 * user log inside the pool's own directory; the submit requirements, once the job transforms changed the
 * proc; GlobalJobId set by the schedd; a spooled proc's files moved to SPOOL. `idle` and `bestIdlePlaces`
 * say, once read, which procs are ready to run; `warnings` what the requirements warned of.
 */
export class SubmittedProcs {
  /** The idle procs, with their place among idle jobs and their submitter. */
  readonly idle: [jobId: string, place: JobPlace, submitter: string][] = [];
  /** The warnings of the submit requirements (SUBMIT_REQUIREMENT_<name>_IS_WARNING) the procs did not meet. */
  readonly warnings = new SubmitWarnings();
  /** The text of a proc's own warnings, by ProcId, until its submit event takes it (warningsOf). */
  private readonly procWarnings = new Map<number, string>();

  constructor(
    private readonly clusterId: number,
    private readonly cluster: ClusterAd,
    private readonly procs: ProcOverlay[],
    private readonly caller: Caller,
    private readonly context: {
      scheddName: string;
      spool: SpoolStore;
      fileGuard: PoolFileGuard;
      now: Date;
      secure: SecureAttributes;
      transforms?: JobTransforms;
      requirements?: { check: SubmitRequirements; scheddAd: ClassAd };
    },
  ) {}

  /**
   * The warnings a proc's submit event gives, taken as the event is made. HTCondor's give the whole
   * submission's; a proc's event here is written as it is read, so it gives the proc's own.
   */
  warningsOf(proc: number): string | undefined {
    const text = this.procWarnings.get(proc);
    this.procWarnings.delete(proc);
    return text;
  }

  /** The place of the idle proc of each submitter that goes first among its procs (none when none is idle). */
  get bestIdlePlaces(): { place: JobPlace; submitter: string }[] {
    const best = new Map<string, JobPlace>();
    for (const [, place, submitter] of this.idle) {
      const current = best.get(submitter);
      if (current === undefined || compareJobPlaces(place, current) < 0) best.set(submitter, place);
    }
    return [...best].map(([submitter, place]) => ({ place, submitter }));
  }

  *rows(): Generator<ProcRow> {
    const { clusterId, cluster, procs, caller } = this;
    const { scheddName, spool } = this.context;
    const qdateNow = Math.floor(this.context.now.getTime() / 1000);
    const seen = new Set<number>();
    // Procs mostly share their Iwd and log: each path is judged once per submit.
    const judged = new Map<string, string | undefined>();
    const { transforms, requirements } = this.context;
    for (const [index, sent] of procs.entries()) {
      const submitted = withoutSecureAttributes(sent, `${clusterId}.${sent.ProcId ?? index}`, this.context.secure);
      // The proc's whole ad, only where a transform or a requirement reads it.
      const whole = transforms || requirements ? procAdOf(cluster, submitted, index) : undefined;
      const overlay = transforms && whole ? transformedOverlay(cluster, submitted, whole, transforms, index, this.context.secure) : submitted;
      // Read without building the ad where the overlay cannot change what is read (ProcAdView).
      let view: ProcAdView;
      try {
        view = new ProcAdView(cluster, overlay);
      } catch (err) {
        throw new SubmitRejected(`proc ${index}: ${(err as Error).message}`);
      }
      const procCluster = view.getInt('ClusterId');
      const proc = view.getInt('ProcId');
      if (procCluster !== clusterId) throw new SubmitRejected(`proc ${index}: ClusterId ${String(procCluster)} does not match cluster ${clusterId}`);
      if (proc === undefined || proc < 0 || seen.has(proc)) throw new SubmitRejected(`proc ${index}: ProcId missing, negative or repeated`);
      seen.add(proc);
      const status = view.getInt('JobStatus');
      if (status !== JobStatus.Idle && status !== JobStatus.Held) throw new SubmitRejected(`proc ${index}: JobStatus must be 1 (idle) or 5 (held)`);
      for (const required of ['Cmd', 'Iwd', 'Owner']) {
        if (view.getString(required) === undefined) throw new SubmitRejected(`proc ${index}: attribute ${required} is missing or not a string`);
      }
      // As HTCondor's schedd: a job is owned by the user who submits it (a queue superuser may submit for others).
      if (!maySubmitAs(caller, view.getString('Owner'))) {
        throw new SubmitRejected(`proc ${index}: Owner "${view.getString('Owner')}" is not the submitting user ${caller.user}`);
      }
      if (requirements && whole) this.checkRequirements(whole, proc, requirements);
      let row: ProcRow;
      if (isSpooled(view)) {
        const ad = view.ad();
        const spooledAttributes = spoolSubmittedJob(ad, spool, index);
        ad.set('TotalSubmitProcs', procs.length);
        ad.set('GlobalJobId', `${scheddName}#${clusterId}.${proc}#${ad.getInt('QDate') ?? qdateNow}`);
        const own = ['GlobalJobId', ...spooledAttributes].map((name): [string, string] => [name, ad.getSource(name) as string]);
        row = procRow(ad, submittedOverlay(overlay, own));
      } else {
        this.refuseInsidePool(view, index, judged);
        const globalJobId = quoteString(`${scheddName}#${clusterId}.${proc}#${view.getInt('QDate') ?? qdateNow}`);
        const stored = submittedOverlay(overlay, [['GlobalJobId', globalJobId]]);
        row = procRow(new ProcAdView(cluster, stored), stored);
      }
      if (status === JobStatus.Idle) this.idle.push([formatJobId(clusterId, proc), { key: row.orderKey, cluster: clusterId, proc }, row.submitter]);
      yield row;
    }
  }

  /** Scheduler::checkSubmitRequirements on the (transformed) proc: a requirement not met refuses the whole submission. */
  private checkRequirements(ad: ClassAd, proc: number, requirements: { check: SubmitRequirements; scheddAd: ClassAd }): void {
    const verdict = requirements.check.check(ad, formatJobId(this.clusterId, proc), requirements.scheddAd);
    if (verdict.warnings.length > 0) {
      const own = new SubmitWarnings();
      for (const words of verdict.warnings) {
        own.add(words);
        this.warnings.add(words);
      }
      this.procWarnings.set(proc, own.text());
    }
    if (verdict.refusal !== undefined) throw new SubmitRequirementNotMet(verdict.refusal.words, verdict.refusal.rval);
  }

  private refuseInsidePool(view: ProcAdView, index: number, judged: Map<string, string | undefined>): void {
    for (const [attribute, file] of [['Iwd', view.getString('Iwd')], ['UserLog', view.getString('UserLog')]] as const) {
      if (file === undefined || file === '') continue;
      const target = path.resolve(view.getString('Iwd') ?? '/', file);
      if (!judged.has(target)) judged.set(target, this.context.fileGuard.refusal(target));
      const refused = judged.get(target);
      if (refused !== undefined) throw new SubmitRejected(`proc ${index}: ${attribute} ${refused}`);
    }
  }
}

function procAdOf(cluster: ClusterAd, overlay: ProcOverlay, index: number): ClassAd {
  try {
    return cluster.procAd(overlay);
  } catch (err) {
    throw new SubmitRejected(`proc ${index}: ${(err as Error).message}`);
  }
}

/**
 * A proc's overlay once the schedd's job transforms changed its ad (`ad`, in place): what they set or deleted
 * is the proc's own, but a secure attribute. Their SetAttribute of one is judged as the submitter's would be
 * (ModifyAttrCheck): dropped from what is stored (the requirements still see it in `ad`, as in HTCondor's
 * procAd), or it fails the transform.
 */
function transformedOverlay(cluster: ClusterAd, overlay: ProcOverlay, ad: ClassAd, transforms: JobTransforms, index: number, secure: SecureAttributes): ProcOverlay {
  const jobId = `${ad.getInt('ClusterId')}.${ad.getInt('ProcId')}`;
  let changed: Set<string>;
  try {
    changed = transforms.transform(ad, jobId);
  } catch (err) {
    if (err instanceof JobTransformFailed) throw new SubmitRejected(`proc ${index}: ${err.message}`);
    throw err;
  }
  if (changed.size === 0) return overlay;
  const result: ProcOverlay = {};
  const changedKeys = new Set([...changed].map((name) => name.toLowerCase()));
  for (const [name, source] of Object.entries(overlay)) if (!changedKeys.has(name.toLowerCase())) result[name] = source;
  for (const name of changed) {
    const verdict = secureAttributeVerdict(jobId, name, secure.rules);
    if (verdict !== undefined && 'refused' in verdict) throw new SubmitRejected(`proc ${index}: Failed to apply a required job transform (${verdict.refused}).`);
    if (verdict !== undefined) secure.ignored(verdict.ignored);
    else if (ad.has(name)) result[name] = ad.getSource(name)!;
    else if (cluster.get(name) !== undefined) result[name] = null;
  }
  return result;
}

/**
 * A stored proc's submit events: 000 (with the submit requirements' warnings), and 012 for a proc submitted
 * on hold (but one held only until its input is spooled, which HTCondor's remote submit does not log).
 */
export function submitEvents(ad: AdReader, clusterId: number, now: Date, submitHost: string, warnings?: string): JobEvent[] {
  const proc = ad.getInt('ProcId') ?? 0;
  const logNotes = ad.getString('SubmitEventNotes');
  const userNotes = ad.getString('SubmitEventUserNotes');
  const structuredNotes = submitStructuredNotes(ad);
  const events: JobEvent[] = [
    {
      code: 0,
      cluster: clusterId,
      proc,
      time: now,
      submitHost,
      ...(logNotes ? { logNotes } : {}),
      ...(userNotes ? { userNotes } : {}),
      ...(warnings === undefined ? {} : { warnings }),
      ...(structuredNotes.length > 0 ? { structuredNotes } : {}),
    },
  ];
  if (ad.getInt('JobStatus') === JobStatus.Held && ad.getInt('HoldReasonCode') !== HoldCode.SpoolingInput) {
    events.push({
      code: 12,
      cluster: clusterId,
      proc,
      time: now,
      reason: ad.getString('HoldReason'),
      reasonCode: ad.getInt('HoldReasonCode') ?? 0,
      reasonSubCode: ad.getInt('HoldReasonSubCode') ?? 0,
    });
  }
  return events;
}

/**
 * The submit event's structured notes (WriteSubmitToUserLog): the attributes submit_event_notes_attrs names,
 * then DAGNodeName and JobBatchName, each fully evaluated, left out when undefined or an error. A list or
 * ad value is left out too: the notes are written as literals.
 */
function submitStructuredNotes(ad: AdReader): Array<[string, NoteValue]> {
  const names = [...(ad.getString('SubmitEventNotesAttrs') ?? '').split(/[\s,]+/).filter((name) => name !== ''), 'DAGNodeName', 'JobBatchName'];
  const notes = new Map<string, [string, NoteValue]>();
  for (const name of names) {
    const value = ad.evaluate(name);
    const key = name.toLowerCase();
    if (notes.has(key)) continue;
    if (value.type === 'string' || value.type === 'int' || value.type === 'bool') notes.set(key, [name, value.value]);
    else if (value.type === 'real') notes.set(key, [name, { real: value.value }]);
  }
  return [...notes.values()];
}

/** Attributes of a submitted proc that the schedd sets itself; TotalSubmitProcs is in the cluster ad. */
const SCHEDD_SET = new Set(['totalsubmitprocs', 'globaljobid']);

/** The overlay to store for a submitted proc: the client's, with the schedd's own attributes (`own`: name, source) in place of any it sent. */
function submittedOverlay(overlay: ProcOverlay, own: [string, string][]): ProcOverlay {
  const stored: ProcOverlay = {};
  for (const [name, source] of Object.entries(overlay)) if (!SCHEDD_SET.has(name.toLowerCase())) stored[name] = source;
  for (const [name, source] of own) stored[name] = source;
  return stored;
}
