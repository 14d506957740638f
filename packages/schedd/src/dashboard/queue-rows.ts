import type { ClassAd } from '@tinycondor/shared/classad/index';
import type { QueueRow } from '@tinycondor/shared/protocol';

/** What the dashboard's queue view shows of a job; `checkpointBytes` comes from its SPOOL directory. */
export function queueRow(jobId: string, ad: ClassAd, checkpointBytes: number | null): QueueRow {
  const status = ad.getInt('JobStatus') ?? 1;
  return {
    jobId,
    owner: ad.getString('Owner') ?? '',
    cmd: ad.getString('Cmd') ?? '',
    args: ad.getString('Arguments') ?? ad.getString('Args') ?? '',
    status: status >= 1 && status <= 7 ? status : 1,
    enteredStatus: nonNegative(ad.getInt('EnteredCurrentStatus')),
    runStart: status === 2 ? nonNegative(ad.getInt('JobCurrentStartDate')) : 0,
    priorRunSeconds: Math.max(0, ad.getNumber('RemoteWallClockTime') ?? 0),
    starts: nonNegative(ad.getInt('NumJobStarts')),
    checkpoints: nonNegative(ad.getInt('NumCkpts')),
    lastCheckpointTime: nonNegative(ad.getInt('JobLastCheckpointTime')),
    lastCheckpointBytes: checkpointBytes,
    holdReason: status === 5 ? (ad.getString('HoldReason') ?? '') : '',
    remoteHost: ad.getString('RemoteHost') ?? '',
  };
}

function nonNegative(n: number | undefined): number {
  return n !== undefined && n > 0 ? n : 0;
}

/** Attributes whose expression text differs between two stored ads (null: deleted). */
export function changedAttributes(before: Record<string, string>, after: Record<string, string>): Record<string, string | null> {
  const changed: Record<string, string | null> = {};
  for (const [name, text] of Object.entries(after)) if (before[name] !== text) changed[name] = text;
  for (const name of Object.keys(before)) if (!(name in after)) changed[name] = null;
  return changed;
}
