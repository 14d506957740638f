import fs from 'node:fs';
import path from 'node:path';
import type { ClassAd } from '@tinycondor/shared/classad/index';
import { HoldCode, JobStatus } from '@tinycondor/shared/job-status';
import { CliError } from './cli-error.js';
import type { PoolConfig } from './pool-config.js';
import { ScheddRefused } from '@tinycondor/client/errors';
import type { ScheddClient } from '@tinycondor/client/schedd-client';

/**
 * HTCondor's remote submission for a schedd that does not see this host's filesystem: `condor_submit
 * -spool` uploads each job's input sandbox into SPOOL, the schedd keeps the output and the event log
 * there, and `condor_transfer_data` / `condor_wait` bring them back to the submit directory.
 * The tar code and the schedd's sandbox modules are imported only when a sandbox moves: a plain submit
 * or condor_wait on a shared filesystem does not pay for loading them.
 */

/** The knob saying that the schedd does not share this host's filesystem (so every submit spools). */
export const REMOTE_SCHEDD_KNOB = 'TINYCONDOR_REMOTE_SCHEDD';

export function scheddIsRemote(pool: PoolConfig): boolean {
  return /^\s*(true|yes|1)\s*$/i.test(pool.value(REMOTE_SCHEDD_KNOB) ?? '');
}

/**
 * condor_submit -spool submits the job held until its input is spooled (HoldReasonCode 16), and keeps
 * it in the queue once completed until its output has been fetched.
 */
export function markForSpooling(ad: ClassAd): void {
  ad.set('SUBMIT_Iwd', ad.getString('Iwd') ?? '/');
  ad.set('JobStatus', JobStatus.Held);
  ad.set('HoldReason', 'Spooling input data files');
  ad.set('HoldReasonCode', HoldCode.SpoolingInput);
  ad.set('HoldReasonSubCode', 0);
  ad.setExpr('LeaveJobInQueue', 'JobStatus == 4 && (CompletionDate =?= undefined || CompletionDate == 0 || ((time() - CompletionDate) < 864000))');
}

/** Uploads one job's input sandbox (executable, input, transfer_input_files) into its SPOOL directory. */
export async function spoolInput(api: ScheddClient, ad: ClassAd): Promise<void> {
  const jobId = `${ad.getInt('ClusterId')}.${ad.getInt('ProcId')}`;
  const [{ inputEntries }, { packEntries }] = await Promise.all([import('@tinycondor/transfer/input-files'), import('@tinycondor/transfer/tar/index')]);
  let entries;
  try {
    entries = inputEntries(ad, '', []);
  } catch (err) {
    throw new CliError(`ERROR: job ${jobId}: ${(err as Error).message}`);
  }
  await api.spoolInput(jobId, packEntries(entries));
}

/**
 * Appends what the schedd's copy of a spooled event log holds beyond the local file, so the local file
 * stays a byte-for-byte mirror. Returns false when the schedd keeps no log for that path.
 */
export async function mirrorUserLog(api: ScheddClient, localFile: string): Promise<boolean> {
  for (;;) {
    const offset = fileSize(localFile);
    let response;
    try {
      response = await api.userLog(localFile, offset);
    } catch (err) {
      if (err instanceof ScheddRefused && err.status === 404) return false;
      throw err;
    }
    const remoteSize = Number(response.headers['x-tinycondor-log-size']);
    if (remoteSize < offset) {
      response.resume();
      throw new CliError(`ERROR: ${localFile} is longer than the schedd's copy of that log, so it is not its mirror; move it away and try again`);
    }
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    const data = Buffer.concat(chunks);
    if (data.length > 0) fs.appendFileSync(localFile, data);
    else if (!fs.existsSync(localFile)) fs.writeFileSync(localFile, '');
    if (!Number.isFinite(remoteSize) || offset + data.length >= remoteSize || data.length === 0) return true;
  }
}

/**
 * Before spooling jobs whose log is `localFile`: an existing local file must be a mirror of the schedd's
 * copy (a log written by a shared-filesystem pool is not), or condor_wait could never follow it.
 */
export async function checkMirrorable(api: ScheddClient, localFile: string): Promise<void> {
  const offset = fileSize(localFile);
  if (offset === 0) return;
  let remoteSize = -1;
  try {
    const response = await api.userLog(localFile, offset);
    remoteSize = Number(response.headers['x-tinycondor-log-size']);
    response.resume();
  } catch (err) {
    if (!(err instanceof ScheddRefused && err.status === 404)) throw err;
  }
  if (remoteSize < offset) throw new CliError(`ERROR: the log ${localFile} exists but is not a copy of the schedd's (it was not written by remote submission); move it away or name another log`);
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * Fetches the spooled output of a completed job into its submit directory (output/error names and
 * transfer_output_remaps as on a shared filesystem), then tells the schedd, which lets the job leave
 * the queue. Returns false when the job is not (or no longer) waiting for that.
 */
export async function fetchSpooledOutput(api: ScheddClient, jobId: string): Promise<boolean> {
  const [{ ClassAd }, { placeOutputs }, { extractTarSafely }] = await Promise.all([
    import('@tinycondor/shared/classad/index'),
    import('@tinycondor/transfer/output-placement'),
    import('@tinycondor/transfer/tar/index'),
  ]);
  let stored: Record<string, string>;
  try {
    stored = (await api.job(jobId)).ad;
  } catch (err) {
    if (err instanceof ScheddRefused && err.status === 404) return false;
    throw err;
  }
  const ad = ClassAd.fromJSON(stored);
  const submitIwd = ad.getString('SUBMIT_Iwd');
  if (submitIwd === undefined || ad.getInt('JobStatus') !== JobStatus.Completed) return false;
  if (!fs.existsSync(submitIwd)) throw new CliError(`ERROR: job ${jobId} was submitted from ${submitIwd}, which does not exist on this host`);
  const staging = fs.mkdtempSync(path.join(submitIwd, '.tinycondor-output-'));
  try {
    const response = await api.spooledOutput(jobId);
    const received = await extractTarSafely(response, staging);
    ad.set('Iwd', submitIwd);
    // output_directory is the shadow's at the job's exit (FileTransfer::DoDownload, IsServer): condor_transfer_data's
    // download does not use it, on HTCondor either.
    ad.delete('OutputDirectory');
    placeOutputs(ad, staging, received.topLevelNames);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  const userLog = ad.getString('SUBMIT_UserLog');
  if (userLog !== undefined) await mirrorUserLog(api, userLog);
  await api.outputFetched(jobId);
  return true;
}
