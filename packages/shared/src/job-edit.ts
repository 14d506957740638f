// What condor_qedit may change in a queued job, as HTCondor's tool (src/condor_tools/qedit.cpp) and its
// schedd (qmgmt.cpp, ModifyAttrCheck) decide it.
import { parseExpr } from './classad/index.js';
import { splitList } from './submit/queue.js';

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

/**
 * The attributes guarded once a job is in the queue, lower-cased (classad::References ignores case):
 * immutable ones change never, protected ones only by a queue superuser, secure ones only by the schedd.
 */
export interface JobAttrRules {
  immutable: ReadonlySet<string>;
  protected: ReadonlySet<string>;
  secure: ReadonlySet<string>;
}

/**
 * The rules as InitQmgmt (and qedit's IsProtectedAttribute) read them: each of IMMUTABLE_, PROTECTED_ and
 * SECURE_JOB_ATTRS with its SYSTEM_ list (param_and_insert_attrs: names split on commas and blanks), the
 * SYSTEM_ lists at param_info.in's defaults unless set.
 */
export function jobAttrRules(value: (knob: string) => string | undefined): JobAttrRules {
  const attrs = (admin: string | undefined, system: string | undefined, systemDefault: string[]) =>
    new Set([...splitList(admin ?? ''), ...(system === undefined ? systemDefault : splitList(system))].map((name) => name.toLowerCase()));
  return {
    immutable: attrs(value('IMMUTABLE_JOB_ATTRS'), value('SYSTEM_IMMUTABLE_JOB_ATTRS'), SYSTEM_IMMUTABLE_JOB_ATTRS),
    protected: attrs(value('PROTECTED_JOB_ATTRS'), value('SYSTEM_PROTECTED_JOB_ATTRS'), []),
    secure: attrs(value('SECURE_JOB_ATTRS'), value('SYSTEM_SECURE_JOB_ATTRS'), SYSTEM_SECURE_JOB_ATTRS),
  };
}

/** The rules of a configuration that sets none of the knobs. */
export const DEFAULT_JOB_ATTR_RULES = jobAttrRules(() => undefined);

export type AttributeProtection = 'normal' | 'immutable' | 'protected' | 'secure';

/** How qedit's IsProtectedAttribute classes an attribute: immutable, then protected, then secure. */
export function attributeProtection(name: string, rules: JobAttrRules): AttributeProtection {
  const key = name.toLowerCase();
  if (rules.immutable.has(key)) return 'immutable';
  if (rules.protected.has(key)) return 'protected';
  if (rules.secure.has(key)) return 'secure';
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

/** Who sets an attribute in a queued job (ModifyAttrCheck's peer on Q_SOCK). */
export interface AttributeSetter {
  user: string;
  /** The job's owner or a queue superuser (UserCheck). */
  mayEditJob: boolean;
  /** A queue superuser. */
  superUser: boolean;
  /**
   * False when a superuser's process writes for a user: the shadow passing on a job's own Chirp writes
   * (QmgmtPeer's allow_protected_attr_changes_by_superuser).
   */
  allowProtectedChanges: boolean;
}

/**
 * Why the schedd refuses to set `name` in queued job `jobId` (ModifyAttrCheck's checks in its order, its
 * words), or undefined. A new job's attributes are set without these checks (the submission's transaction),
 * as are the job transforms'. JobStatus changes only through condor_hold, condor_release and the others here
 * (the manual's rule): one state machine.
 */
export function editRefusal(jobId: string, name: string, value: string, rules: JobAttrRules, setter: AttributeSetter): string | undefined {
  if (!isValidAttrName(name)) return `Got invalid attribute named ${name} for job ${jobId}`;
  if (!isValidAttrValue(value)) return `Received invalid attribute value '${value}' for job ${jobId}; ignoring`;
  const key = name.toLowerCase();
  if (rules.secure.has(key)) return `Attempt to edit secure attribute ${name} in job ${jobId}. Failing!`;
  if (!setter.mayEditJob) return `User ${setter.user} may not change attributes for jobs they do not own (job ${jobId})`;
  if (rules.immutable.has(key)) return `Attempt to edit immutable attribute ${name} in job ${jobId}`;
  if (rules.protected.has(key) && !(setter.superUser && setter.allowProtectedChanges)) {
    return (
      `Unauthorized setting of protected attribute ${name} denied for real owner ${setter.user} (effective owner ${setter.user}; ` +
      `allowed protected attribute change = ${setter.allowProtectedChanges}) in job ${jobId}`
    );
  }
  if (key === 'jobstatus') return `Attempt to edit JobStatus in job ${jobId}: use condor_hold, condor_release, condor_rm or condor_vacate_job`;
  return undefined;
}
