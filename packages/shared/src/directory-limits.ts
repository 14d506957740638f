// LIMIT_DIRECTORY_ACCESS: the directories HTCondor's shadow may read and write a job's files in
// (src/condor_utils/limit_directory_access.cpp allow_shadow_access, initialized by BaseShadow::baseInit).

/**
 * The directories named: LIMIT_DIRECTORY_ACCESS (split on commas and whitespace), or, only when the
 * configuration names none, the job's LimitDirectoryAccess (split on commas); then, when there are any, the
 * job's SPOOL directory and the same with `.tmp`. Empty: no limit.
 */
export function directoryLimitEntries(knob: string | undefined, jobValue: string | undefined, spoolDir: string): string[] {
  let entries = (knob ?? '').split(/[, \t\r\n\v\f]+/).filter((entry) => entry !== '');
  if (entries.length === 0) entries = (jobValue ?? '').split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  return entries.length === 0 ? [] : [...entries, spoolDir, `${spoolDir}.tmp`];
}

/** A directory as a prefix to match: with a trailing slash, unless it ends in one or in `*`. */
export function directoryLimitPattern(dir: string): string {
  return dir.endsWith('/') || dir.endsWith('*') ? dir : `${dir}/`;
}
