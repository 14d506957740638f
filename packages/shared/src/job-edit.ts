// What condor_qedit may change in a queued job, as HTCondor's tool (src/condor_tools/qedit.cpp) and its
// schedd (qmgmt.cpp, ModifyAttrCheck) decide it.
import { parseExpr } from './classad/index.js';

/** SYSTEM_IMMUTABLE_JOB_ATTRS' default (param_info.in): never changed once a job is queued. */
export const SYSTEM_IMMUTABLE_JOB_ATTRS = ['Owner', 'ClusterId', 'JobUniverse', 'ProcId', 'MyType', 'TargetType', 'User', 'OsUser'];

/** SYSTEM_SECURE_JOB_ATTRS' default: set by the schedd alone. */
export const SYSTEM_SECURE_JOB_ATTRS = [
  'x509userProxySubject',
  'x509UserProxyEmail',
  'x509UserProxyVOName',
  'x509UserProxyFirstFQAN',
  'x509UserProxyFQAN',
  'TotalSubmitProcs',
  'AuthTokenSubject',
  'AuthTokenIssuer',
  'AuthTokenGroups',
  'AuthTokenId',
  'AuthTokenScopes',
  'AuthTokenProject',
  'OsUser',
];

const IMMUTABLE = new Set(SYSTEM_IMMUTABLE_JOB_ATTRS.map((name) => name.toLowerCase()));
const SECURE = new Set(SYSTEM_SECURE_JOB_ATTRS.map((name) => name.toLowerCase()));

export type AttributeProtection = 'normal' | 'immutable' | 'secure';

/** How an attribute is protected (names compare without case, as ClassAd references do); immutable first, as qedit checks. */
export function attributeProtection(name: string): AttributeProtection {
  const key = name.toLowerCase();
  if (IMMUTABLE.has(key)) return 'immutable';
  if (SECURE.has(key)) return 'secure';
  return 'normal';
}

/** HTCondor's IsValidAttrName: a letter or `_`, then letters, digits and `_`. */
export function isValidAttrName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

/** A value qedit accepts: a ClassAd expression on one line (IsValidAttrValue, ParseClassAdRvalExpr), not blank. */
export function isValidAttrValue(value: string): boolean {
  if (value.trim() === '' || /[\r\n]/.test(value)) return false;
  try {
    parseExpr(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Why the schedd refuses to set `name` in job `jobId` (ModifyAttrCheck's words), or undefined. JobStatus
 * changes only through condor_hold, condor_release and the others here (the manual's rule): one state machine.
 */
export function editRefusal(jobId: string, name: string, value: string): string | undefined {
  if (!isValidAttrName(name)) return `Got invalid attribute named ${name} for job ${jobId}`;
  if (!isValidAttrValue(value)) return `Received invalid attribute value '${value}' for job ${jobId}; ignoring`;
  if (SECURE.has(name.toLowerCase())) return `Attempt to edit secure attribute ${name} in job ${jobId}. Failing!`;
  if (IMMUTABLE.has(name.toLowerCase())) return `Attempt to edit immutable attribute ${name} in job ${jobId}`;
  if (name.toLowerCase() === 'jobstatus') return `Attempt to edit JobStatus in job ${jobId}: use condor_hold, condor_release, condor_rm or condor_vacate_job`;
  return undefined;
}
