import { isTrue, type ClassAd, type Value } from './classad/index.js';
import { HoldCode, JobStatus, VacateCode } from './job-status.js';

/** What the periodic job policy asks for (src/condor_utils/user_job_policy.cpp, AnalyzePolicy PERIODIC_ONLY). */
export type PeriodicVerdict =
  | { action: 'hold'; reason: string; code: number; subCode: number }
  | { action: 'release'; reason: string }
  | { action: 'remove'; reason: string }
  | { action: 'vacate'; reason: string; code: number; subCode: number }
  | undefined;

const epoch = (now: Date): number => Math.floor(now.getTime() / 1000);

/** HTCondor's format_time_short: `H:MM:SS`, with `D+` in front past a day. */
export function formatTimeShort(totalSeconds: number): string {
  const days = Math.floor(totalSeconds / 86400);
  const rest = totalSeconds % 86400;
  const hms = `${Math.floor(rest / 3600)}:${String(Math.floor((rest % 3600) / 60)).padStart(2, '0')}:${String(rest % 60).padStart(2, '0')}`;
  return days > 0 ? `${days}+${hms.padStart(8, '0')}` : hms.padStart(8, '0');
}

function evaluated(ad: ClassAd, name: string): Value | undefined {
  return ad.has(name) ? ad.evaluate(name) : undefined;
}

function isTrueValue(value: Value | undefined): boolean {
  return value !== undefined && isTrue(value);
}

/** UserPolicy::FiringReason: the job's own `<Attr>Reason` when it has one, else HTCondor's sentence. */
function firedReason(ad: ClassAd, name: string): string {
  return ad.getString(`${name}Reason`) || `The job attribute ${name} expression '${ad.getSource(name) ?? ''}' evaluated to TRUE`;
}

/** The attributes evaluatePeriodicPolicy reads to decide anything; without them a job is never acted on. */
const POLICY_ATTRIBUTES = ['AllowedJobDuration', 'AllowedExecuteDuration', 'PeriodicVacate', 'PeriodicHold', 'PeriodicRelease', 'PeriodicRemove'];

/**
 * Whether the periodic policy can ever act on this ad: condor_submit writes `PeriodicHold = false` and the
 * like into every ad, and a queue of such jobs need not be read every few seconds.
 */
export function hasPeriodicPolicy(ad: Pick<ClassAd, 'get'>): boolean {
  return POLICY_ATTRIBUTES.some((name) => {
    const expr = ad.get(name);
    return expr !== undefined && !(expr.kind === 'literal' && expr.value.type === 'bool' && !expr.value.value);
  });
}

/**
 * allowed_job_duration and allowed_execute_duration, as UserPolicy::AnalyzePolicy checks them for a running
 * or suspended job. The job's clock starts at ShadowBday (this run's start, its input transfer included) and
 * fires once it has run that long. The execute clock starts when this run began executing, after its input
 * transfer; an execution date older than ShadowBday is a previous run's and counts for nothing. A checkpoint
 * restarts the clock: the work before it is safe (TransferOutFinished, set when an output transfer finished).
 * A vacated job's next run starts both clocks again.
 */
function durationHold(ad: ClassAd, nowSeconds: number): PeriodicVerdict {
  const birthday = ad.getInt('ShadowBday');
  const allowedJob = ad.getInt('AllowedJobDuration');
  if (allowedJob !== undefined && birthday !== undefined && nowSeconds - birthday >= allowedJob) {
    return { action: 'hold', reason: `The job exceeded allowed job duration of ${formatTimeShort(allowedJob)}`, code: HoldCode.JobDurationExceeded, subCode: 0 };
  }
  const allowedExecute = ad.getInt('AllowedExecuteDuration');
  let beganExecuting = ad.getInt('JobCurrentStartExecutingDate');
  if (allowedExecute === undefined || beganExecuting === undefined || birthday === undefined || beganExecuting < birthday) return undefined;
  const transferOutFinished = ad.getInt('TransferOutFinished');
  if (transferOutFinished !== undefined && transferOutFinished > beganExecuting) beganExecuting = transferOutFinished;
  if (nowSeconds - beganExecuting > allowedExecute) {
    return { action: 'hold', reason: `The job exceeded allowed execute duration of ${formatTimeShort(allowedExecute)}`, code: HoldCode.JobExecuteExceeded, subCode: 0 };
  }
  return undefined;
}

/**
 * BaseShadow::jobWantsGracefulRemoval: condor_rm lets the job's run end as a vacate does (its RemoveKillSig,
 * then its JobMaxVacateTime) unless WantGracefulRemoval is false (GRACEFULLY_REMOVE_JOBS' default is true).
 */
export function wantsGracefulRemoval(ad: ClassAd): boolean {
  return ad.getBool('WantGracefulRemoval') ?? true;
}

/**
 * The periodic policy in HTCondor's order: allowed job/execute duration and PeriodicVacate (running or suspended jobs), PeriodicHold
 * (unless held or completed), PeriodicRelease (held, and not held by the user), PeriodicRemove.
 */
export function evaluatePeriodicPolicy(ad: ClassAd, now: Date): PeriodicVerdict {
  const status = ad.getInt('JobStatus');
  const nowSeconds = epoch(now);
  if (status === JobStatus.Running || status === JobStatus.Suspended) {
    const hold = durationHold(ad, nowSeconds);
    if (hold) return hold;
    // A number counts, non-zero for true (AnalyzeSinglePeriodicPolicy); the job goes back to Idle.
    const vacate = evaluated(ad, 'PeriodicVacate');
    if (vacate !== undefined && (vacate.type === 'bool' || vacate.type === 'int' || vacate.type === 'real') && Boolean(vacate.value)) {
      return { action: 'vacate', reason: firedReason(ad, 'PeriodicVacate'), code: VacateCode.JobPolicyVacate, subCode: ad.getInt('PeriodicVacateSubCode') ?? 0 };
    }
  }
  if (status !== JobStatus.Held && status !== JobStatus.Completed && isTrueValue(evaluated(ad, 'PeriodicHold'))) {
    return { action: 'hold', reason: firedReason(ad, 'PeriodicHold'), code: HoldCode.JobPolicy, subCode: ad.getInt('PeriodicHoldSubCode') ?? 0 };
  }
  if (status === JobStatus.Held && ad.getInt('HoldReasonCode') !== HoldCode.UserRequest && isTrueValue(evaluated(ad, 'PeriodicRelease'))) {
    return { action: 'release', reason: firedReason(ad, 'PeriodicRelease') };
  }
  if (isTrueValue(evaluated(ad, 'PeriodicRemove'))) {
    return { action: 'remove', reason: firedReason(ad, 'PeriodicRemove') };
  }
  return undefined;
}
