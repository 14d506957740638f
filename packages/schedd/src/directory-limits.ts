import fs from 'node:fs';
import path from 'node:path';
import type { ClassAd } from '@tinycondor/shared/classad/index';
import { directoryLimitEntries, directoryLimitPattern } from '@tinycondor/shared/directory-limits';
import { matchesWithWildcard } from '@tinycondor/shared/wildcard';
import type { PathGuard } from '@tinycondor/transfer/path-guard';

/**
 * The directories a job's files may be read and written in on the submit side, as HTCondor's shadow limits
 * itself (allow_shadow_access): LIMIT_DIRECTORY_ACCESS, or the job's LimitDirectoryAccess, and its SPOOL
 * directory. Each is taken by its real path; a file by its real path, or, when it does not exist yet, its
 * directory's (with a trailing slash), and allowed when one of them is a prefix of it (`*` wildcards).
 */
export class DirectoryLimits {
  private constructor(private readonly patterns: string[]) {}

  /** The job's limits; undefined when there are none. */
  static forJob(knob: string | undefined, ad: ClassAd, spoolDir: string): DirectoryLimits | undefined {
    const entries = directoryLimitEntries(knob, ad.getString('LimitDirectoryAccess'), spoolDir);
    if (entries.length === 0) return undefined;
    return new DirectoryLimits(entries.map((entry) => directoryLimitPattern(realOrAsIs(entry))));
  }

  /**
   * Why `file` (absolute, or from `cwd`) may not be read or written, or undefined when it may. /dev/null
   * always may. `creating`: the directories on the way are made when missing, and judged as the shadow
   * judges each before it makes it (shadow_safe_mkdir), so the deepest one that exists decides.
   */
  refusal(file: string, opts: { cwd?: string; creating?: boolean } = {}): string | undefined {
    if (file === '/dev/null') return undefined;
    const full = path.isAbsolute(file) ? file : path.join(opts.cwd ?? '/', file);
    let real: string;
    try {
      real = fs.realpathSync(full);
    } catch {
      let dir = path.dirname(full);
      for (;;) {
        try {
          real = directoryLimitPattern(fs.realpathSync(dir));
          break;
        } catch {
          if (!opts.creating || path.dirname(dir) === dir) return `Access DENIED to file ${file} due to realpath failure processing LIMIT_DIRECTORY_ACCESS`;
          dir = path.dirname(dir);
        }
      }
    }
    return this.patterns.some((pattern) => matchesWithWildcard(pattern, real, true)) ? undefined : `Access DENIED to file ${file} due to LIMIT_DIRECTORY_ACCESS`;
  }
}

function realOrAsIs(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return dir;
  }
}

/**
 * `guard`, and for a job with directory limits those too: what is read must be within them (ReliSock::put_file),
 * what is written, with the directories made for it, too (shadow_safe_mkdir, ReliSock::get_file).
 */
export function limitedGuard(guard: PathGuard, limits: DirectoryLimits | undefined): PathGuard {
  if (limits === undefined) return guard;
  return {
    refusal: (target, ownDirs) => guard.refusal(target, ownDirs) ?? limits.refusal(target, { creating: true }),
    readRefusal: (source, ownDirs) => guard.readRefusal(source, ownDirs) ?? limits.refusal(source),
  };
}
