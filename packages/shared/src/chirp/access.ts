// Who may do what through Chirp: the starter's choice of what its I/O proxy allows (JICShadow::initIOProxy,
// JICShadow::recordDelayedUpdate) and the shadow's check of each attribute a job reads or writes
// (RemoteResource::allowRemoteReadAttributeAccess / allowRemoteWriteAttributeAccess).
import type { ClassAd } from '../classad/index.js';
import type { JobAttrRules } from '../job-edit.js';
import type { ChirpEnablement } from './protocol.js';

/** The execute side's ENABLE_CHIRP* knobs (all default true in param_info.in). */
export interface ChirpKnobs {
  enableChirp: boolean;
  enableUpdates: boolean;
  enableIo: boolean;
  enableDelayed: boolean;
}

export const DEFAULT_CHIRP_KNOBS: ChirpKnobs = { enableChirp: true, enableUpdates: true, enableIo: true, enableDelayed: true };

/** CHIRP_DELAYED_UPDATE_PREFIX's default: the attributes a delayed update may set. */
export const DEFAULT_DELAYED_UPDATE_PREFIX = 'Chirp*';
/** CHIRP_DELAYED_UPDATE_MAX_ATTRS' default: how many attributes a run's delayed updates may name. */
export const DEFAULT_DELAYED_UPDATE_MAX_ATTRS = 100;

/**
 * What a run's I/O proxy allows, as initIOProxy decides it from the knobs and the job's WantIOProxy,
 * WantRemoteUpdates (defaulting to WantIOProxy) and WantDelayedUpdates (defaulting to true); undefined
 * when the starter writes no .chirp.config at all.
 */
export function chirpEnablement(knobs: ChirpKnobs, jobAd: ClassAd): ChirpEnablement | undefined {
  if (!knobs.enableChirp || (!knobs.enableUpdates && !knobs.enableIo && !knobs.enableDelayed)) return undefined;
  const files = (jobAd.getBool('WantIOProxy') ?? false) && knobs.enableIo;
  const updates = (jobAd.getBool('WantRemoteUpdates') ?? files) && knobs.enableUpdates;
  const delayed = (jobAd.getBool('WantDelayedUpdates') ?? true) && knobs.enableDelayed;
  if (!files && !updates && !delayed) return undefined;
  return { files, updates, delayed };
}

/**
 * contains_anycase_withwildcard: whether `name` matches one of the patterns, without regard to case,
 * where a pattern's first `*` stands for any text.
 */
export function matchesAnyPattern(patterns: readonly string[], name: string): boolean {
  const lower = name.toLowerCase();
  return patterns.some((pattern) => {
    const star = pattern.indexOf('*');
    if (star < 0) return pattern.toLowerCase() === lower;
    const prefix = pattern.slice(0, star).toLowerCase();
    const suffix = pattern.slice(star + 1).toLowerCase();
    return lower.length >= prefix.length + suffix.length && lower.startsWith(prefix) && lower.endsWith(suffix);
  });
}

/** The shadow's view of a job's Chirp wishes, read with LookupBool as RemoteResource reads them. */
function wants(jobAd: ClassAd): { chirp: boolean; remoteUpdates: boolean; delayed: boolean } {
  return {
    chirp: jobAd.getBool('WantIOProxy') ?? false,
    remoteUpdates: jobAd.getBool('WantRemoteUpdates') ?? false,
    delayed: jobAd.getBool('WantDelayedUpdates') ?? true,
  };
}

/** allowRemoteReadAttributeAccess: get_job_attr answers only a job that wants Chirp or remote updates. */
export function remoteReadAllowed(jobAd: ClassAd): boolean {
  const want = wants(jobAd);
  return want.chirp || want.remoteUpdates;
}

/**
 * allowRemoteWriteAttributeAccess: a job that wants Chirp or remote updates may set any attribute, one
 * that wants delayed updates those matching the delayed-update patterns; never one of m_unsettable_attrs,
 * the immutable and protected attributes (PROTECTED_JOB_ATTRS, IMMUTABLE_JOB_ATTRS and their SYSTEM_ lists).
 */
export function remoteWriteAllowed(jobAd: ClassAd, name: string, delayedPatterns: readonly string[], rules: JobAttrRules): boolean {
  const want = wants(jobAd);
  let allowed = want.chirp || want.remoteUpdates;
  if (!allowed && want.delayed) allowed = matchesAnyPattern(delayedPatterns, name);
  const key = name.toLowerCase();
  return allowed && !rules.immutable.has(key) && !rules.protected.has(key);
}
