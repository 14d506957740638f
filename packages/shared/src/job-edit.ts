// What condor_qedit may change in a queued job, as HTCondor's tool (src/condor_tools/qedit.cpp) and its
// schedd (qmgmt.cpp, ModifyAttrCheck) decide it.
import { parseExpr, parseOldExpr } from './classad/index.js';
import { paramBoolean } from './condor-config.js';
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
 * immutable ones change never, protected ones only by a queue superuser, secure ones only by the schedd,
 * in a queued job or a submitted one.
 */
export interface JobAttrRules {
  immutable: ReadonlySet<string>;
  protected: ReadonlySet<string>;
  secure: ReadonlySet<string>;
  /** IGNORE_ATTEMPTS_TO_SET_SECURE_JOB_ATTRS: a user's attempt to set a secure attribute is dropped quietly (true) or refused. */
  ignoreSecureAttempts: boolean;
}

/**
 * The rules as InitQmgmt (and qedit's IsProtectedAttribute) read them: each of IMMUTABLE_, PROTECTED_ and
 * SECURE_JOB_ATTRS with its SYSTEM_ list (param_and_insert_attrs: names split on commas and blanks), the
 * SYSTEM_ lists at param_info.in's defaults unless set; IGNORE_ATTEMPTS_TO_SET_SECURE_JOB_ATTRS (default
 * true), a value that is no boolean said in `problems`.
 */
export function jobAttrRules(value: (knob: string) => string | undefined, problems: string[] = []): JobAttrRules {
  const attrs = (admin: string | undefined, system: string | undefined, systemDefault: string[]) =>
    new Set([...splitList(admin ?? ''), ...(system === undefined ? systemDefault : splitList(system))].map((name) => name.toLowerCase()));
  return {
    immutable: attrs(value('IMMUTABLE_JOB_ATTRS'), value('SYSTEM_IMMUTABLE_JOB_ATTRS'), SYSTEM_IMMUTABLE_JOB_ATTRS),
    protected: attrs(value('PROTECTED_JOB_ATTRS'), value('SYSTEM_PROTECTED_JOB_ATTRS'), []),
    secure: attrs(value('SECURE_JOB_ATTRS'), value('SYSTEM_SECURE_JOB_ATTRS'), SYSTEM_SECURE_JOB_ATTRS),
    ignoreSecureAttempts: paramBoolean(value('IGNORE_ATTEMPTS_TO_SET_SECURE_JOB_ATTRS'), 'IGNORE_ATTEMPTS_TO_SET_SECURE_JOB_ATTRS', true, problems),
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

/**
 * A value qedit accepts: a ClassAd expression on one line (IsValidAttrValue, ParseClassAdRvalExpr), not blank;
 * `oldSyntax` for text as the user typed it (ParseClassAdRvalExpr reads old ClassAd syntax).
 */
export function isValidAttrValue(value: string, oldSyntax = false): boolean {
  if (value.trim() === '' || /[\r\n]/.test(value)) return false;
  try {
    if (oldSyntax) parseOldExpr(value);
    else parseExpr(value);
    return true;
  } catch {
    return false;
  }
}

/** Who sets an attribute in a queued job (ModifyAttrCheck's peer on Q_SOCK). */
export interface AttributeSetter {
  user: string;
  /** The job's owner or a queue superuser, anyone when QUEUE_ALL_USERS_TRUSTED (UserCheck). */
  mayEditJob: boolean;
  /** A queue superuser, or anyone when QUEUE_ALL_USERS_TRUSTED (ModifyAttrCheck lets either change protected attributes). */
  superUser: boolean;
  /**
   * False when a superuser's process writes for a user: the shadow passing on a job's own Chirp writes
   * (QmgmtPeer's allow_protected_attr_changes_by_superuser).
   */
  allowProtectedChanges: boolean;
}

/** What the schedd does with an attribute set in a job: sets it (undefined), drops it quietly (`ignored`, what its log says) or refuses it. */
export type EditVerdict = { ignored: string } | { refused: string } | undefined;

/**
 * ModifyAttrCheck's check of a secure attribute set by anyone but the schedd itself, in a queued job or in
 * one being submitted (`jobId` C.-1 for a cluster ad): dropped quietly (IGNORE_ATTEMPTS_TO_SET_SECURE_JOB_ATTRS,
 * the default) or refused, in its words; undefined for an attribute that is not secure.
 */
export function secureAttributeVerdict(jobId: string, name: string, rules: JobAttrRules): EditVerdict {
  if (!rules.secure.has(name.toLowerCase())) return undefined;
  if (rules.ignoreSecureAttempts) return { ignored: `SetAttribute attempt to edit secure attribute ${name} in job ${jobId}. Ignoring!` };
  return { refused: `Attempt to edit secure attribute ${name} in job ${jobId}. Failing!` };
}

/**
 * What the schedd does with `name` set in queued job `jobId` (ModifyAttrCheck's checks in its order, its
 * words). A new job's attributes, and what the job transforms set in it, are checked for secure ones alone
 * (secureAttributeVerdict: the submission's transaction). JobStatus changes only through condor_hold,
 * condor_release and the others here (the manual's rule): one state machine.
 */
export function editVerdict(jobId: string, name: string, value: string, rules: JobAttrRules, setter: AttributeSetter): EditVerdict {
  if (!isValidAttrName(name)) return { refused: `Got invalid attribute named ${name} for job ${jobId}` };
  if (!isValidAttrValue(value)) return { refused: `Received invalid attribute value '${value}' for job ${jobId}; ignoring` };
  const secure = secureAttributeVerdict(jobId, name, rules);
  if (secure !== undefined) return secure;
  if (!setter.mayEditJob) return { refused: `User ${setter.user} may not change attributes for jobs they do not own (job ${jobId})` };
  const key = name.toLowerCase();
  if (rules.immutable.has(key)) return { refused: `Attempt to edit immutable attribute ${name} in job ${jobId}` };
  if (rules.protected.has(key) && !(setter.superUser && setter.allowProtectedChanges)) {
    return {
      refused:
        `Unauthorized setting of protected attribute ${name} denied for real owner ${setter.user} (effective owner ${setter.user}; ` +
        `allowed protected attribute change = ${setter.allowProtectedChanges}) in job ${jobId}`,
    };
  }
  if (key === 'jobstatus') return { refused: `Attempt to edit JobStatus in job ${jobId}: use condor_hold, condor_release, condor_rm or condor_vacate_job` };
  return undefined;
}
