import fs from 'node:fs';
import path from 'node:path';
import { configBoolean } from '@tinycondor/shared/condor-config';
import { shadowCopy } from '@tinycondor/shared/run-copy';
import type { SignUrlsReply } from '@tinycondor/shared/rest-schemas';
import { signJobUrls, type SignVerb } from '@tinycondor/shared/s3-url-signing';
import type { StoredJob } from './job-store.js';
import type { Schedd } from './schedd.js';

/**
 * The shadow's signing of a run's s3:// and gs:// URLs (SIGN_S3_URLS, default true): the key files its job
 * names are read as its owner, relative to its Iwd (the shadow works in it, BaseShadow::cdToIwd), never
 * the pool's own files; a URL it does not sign comes back ''. A key file it cannot read holds the job as
 * the shadow's DoUpload (input) or DoDownload (output) does.
 */
export function signRunUrls(schedd: Schedd, job: StoredJob, verb: SignVerb, urls: readonly string[]): SignUrlsReply {
  if (configBoolean(schedd.knob('SIGN_S3_URLS') ?? 'true') === false) return { urls: urls.map(() => '') };
  const ad = shadowCopy(job.ad, job.runEdits);
  const iwd = ad.getString('Iwd') ?? '/';
  const guard = schedd.jobFileGuard(job);
  const spoolDir = schedd.spool.jobDir(job.cluster, job.proc);
  const read = (file: string): string | undefined => {
    const source = path.resolve(iwd, file);
    if (guard.readRefusal(source, [spoolDir]) !== undefined) return undefined;
    try {
      return schedd.ownerRights.forOwner(ad.getString('Owner'))(() => fs.readFileSync(source, 'utf8'));
    } catch {
      return undefined;
    }
  };
  const signed = signJobUrls(ad, verb, urls, Date.now(), read);
  if ('urls' in signed) return signed;
  const { holdCode, subCode, details } = signed.failure;
  const executionPoint = `${job.slot}@${job.startd}`;
  const holdReason =
    verb === 'GET'
      ? `Transfer input files failure at access point ${schedd.settings.name} while sending files to the execution point ${executionPoint}. Details: ${details}`
      : `Transfer output files failure at execution point ${executionPoint} while sending files to access point ${schedd.settings.name}. Details: ${details}`;
  return { holdReason, holdCode, subCode };
}
