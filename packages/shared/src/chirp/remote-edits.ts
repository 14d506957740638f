// What the submit side does with a running job's Chirp writes: the shadow's checks (NTreceivers.cpp,
// pseudo_ops.cpp) then the schedd's own (qmgmt.cpp's SetAttribute and ModifyAttrCheck, as job-edit.ts has them).
import type { ClassAd } from '../classad/index.js';
import { editVerdict, isValidAttrName, isValidAttrValue, type AttributeSetter, type JobAttrRules } from '../job-edit.js';
import { remoteWriteAllowed } from './access.js';
import { ChirpError } from './protocol.js';

/** Why a write is refused, and the Chirp code the job gets for it (the errno the shadow passes on). */
export interface RemoteEditRefusal {
  code: typeof ChirpError.NotAuthorized | typeof ChirpError.InvalidRequest;
  reason: string;
}

/** What becomes of a job's write from its run: set (undefined), dropped quietly though the job is told it was set, or refused. */
export type RemoteEditVerdict = RemoteEditRefusal | { ignored: string } | undefined;

/**
 * Whether a job may set `name` to `value` from its run: refused EACCES by the shadow unless
 * allowRemoteWriteAttributeAccess allows it, then by the schedd as SetAttribute refuses (EINVAL for a
 * name or value that is not one, EACCES for a protected attribute) or drops it (a secure one, unless
 * IGNORE_ATTEMPTS_TO_SET_SECURE_JOB_ATTRS is false: the shadow then answers success). The shadow writes as a
 * queue superuser for the job's owner, with protected changes disallowed (QmgmtSetAllowProtectedAttrChanges(0)).
 */
export function remoteEditVerdict(jobAd: ClassAd, jobId: string, name: string, value: string, delayedPatterns: readonly string[], rules: JobAttrRules): RemoteEditVerdict {
  if (!remoteWriteAllowed(jobAd, name, delayedPatterns, rules)) return { code: ChirpError.NotAuthorized, reason: `the job may not set ${name} from its run` };
  const shadow: AttributeSetter = { user: jobAd.getString('Owner') ?? '', mayEditJob: true, superUser: true, allowProtectedChanges: false };
  const verdict = editVerdict(jobId, name, value, rules, shadow);
  if (verdict === undefined || 'ignored' in verdict) return verdict;
  const invalid = !isValidAttrName(name) || !isValidAttrValue(value);
  return { code: invalid ? ChirpError.InvalidRequest : ChirpError.NotAuthorized, reason: verdict.refused };
}

/**
 * pseudo_constrain: AgentRequirements becomes `expr`, and Requirements is ANDed with it unless its text
 * already names AgentRequirements. Each is a write the shadow checks; it checks only Requirements first.
 */
export function constrainEdits(jobAd: ClassAd, expr: string): [string, string][] {
  const requirements = jobAd.getSource('Requirements') ?? 'UNDEFINED';
  const edits: [string, string][] = [['AgentRequirements', expr]];
  if (!requirements.includes('AgentRequirements')) edits.push(['Requirements', `(${requirements}) && AgentRequirements`]);
  return edits;
}

/** A run's delayed updates as the shadow takes them from the starter's update: those it may write, and the others with why not (refused or dropped). */
export function acceptedDelayedUpdates(
  jobAd: ClassAd,
  jobId: string,
  attributes: Readonly<Record<string, string>>,
  delayedPatterns: readonly string[],
  rules: JobAttrRules,
): { accepted: [string, string][]; refused: { name: string; reason: string }[] } {
  const accepted: [string, string][] = [];
  const refused: { name: string; reason: string }[] = [];
  for (const [name, value] of Object.entries(attributes)) {
    const verdict = remoteEditVerdict(jobAd, jobId, name, value, delayedPatterns, rules);
    if (verdict === undefined) accepted.push([name, value]);
    else refused.push({ name, reason: 'ignored' in verdict ? verdict.ignored : verdict.reason });
  }
  return { accepted, refused };
}
