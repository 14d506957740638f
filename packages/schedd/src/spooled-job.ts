import path from 'node:path';
import type { ClassAd } from '@tinycondor/shared/classad/index';
import { HoldCode, JobStatus } from '@tinycondor/shared/job-status';
import { stdinFile, transferredExecutable } from '@tinycondor/shared/transfer-files';
import { SubmitRejected } from './job-store.js';
import type { SpoolStore } from './spool-store.js';

/** At submit: the job runs from its SPOOL directory and its event log is kept in SPOOL. Returns the attributes it rewrote. */
export function spoolSubmittedJob(ad: ClassAd, spool: SpoolStore, index: number): string[] {
  const submitIwd = ad.getString('SUBMIT_Iwd');
  if (submitIwd === undefined || !path.isAbsolute(submitIwd)) throw new SubmitRejected(`proc ${index}: SUBMIT_Iwd must be an absolute path string`);
  if (ad.getInt('JobStatus') !== JobStatus.Held || ad.getInt('HoldReasonCode') !== HoldCode.SpoolingInput) {
    throw new SubmitRejected(`proc ${index}: a spooled job (SUBMIT_Iwd) must be submitted held with HoldReasonCode ${HoldCode.SpoolingInput} (spooling input)`);
  }
  const cluster = ad.getInt('ClusterId') ?? 0;
  const proc = ad.getInt('ProcId') ?? 0;
  ad.set('Iwd', spool.jobDir(cluster, proc));
  const userLog = ad.getString('UserLog');
  if (userLog !== undefined && userLog !== '') {
    if (!path.isAbsolute(userLog)) throw new SubmitRejected(`proc ${index}: UserLog must be an absolute path string`);
    ad.set('SUBMIT_UserLog', userLog);
    ad.set('UserLog', spool.userLogPath(userLog));
    return ['Iwd', 'SUBMIT_UserLog', 'UserLog'];
  }
  return ['Iwd'];
}

/**
 * Once the input sandbox is in SPOOL (flat, under the names it gets in the sandbox), the executable and
 * stdin are found there, and the input list is what the SPOOL directory holds.
 */
export function spooledInputRewrites(ad: ClassAd): Record<string, string | null> {
  const rewrites: Record<string, string | null> = {};
  const cmd = transferredExecutable(ad);
  if (cmd !== undefined) {
    rewrites.SUBMIT_Cmd = cmd;
    rewrites.Cmd = path.basename(cmd);
  }
  const stdin = stdinFile(ad);
  if (stdin !== undefined) {
    rewrites.SUBMIT_In = stdin;
    rewrites.In = path.basename(stdin);
  }
  const inputs = ad.getString('TransferInput');
  if (inputs !== undefined) {
    rewrites.SUBMIT_TransferInput = inputs;
    rewrites.TransferInput = null;
  }
  // Sent into SPOOL with the other inputs (listedInputFiles).
  for (const attribute of ['PublicInputFiles', 'CommonInputFiles']) {
    const files = ad.getString(attribute);
    if (files === undefined) continue;
    rewrites[`SUBMIT_${attribute}`] = files;
    rewrites[attribute] = null;
  }
  return rewrites;
}
