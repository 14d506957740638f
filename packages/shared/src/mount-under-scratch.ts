import { parseExpr, unparseValue, type ClassAd } from './classad/index.js';
import { splitList } from './submit/queue.js';

/** MOUNT_UNDER_SCRATCH's default (param_info.in): a ClassAd string. */
export const DEFAULT_MOUNT_UNDER_SCRATCH = '"/tmp,/var/tmp"';

/**
 * The directories a job outside containers gets private, as VanillaProc::StartJob reads them: the knob
 * alone (the job's own mount_under_scratch is read only for containers, by DockerProc and the Apptainer
 * setup), evaluated over the job ad when it parses as an expression, which must then give a string, else
 * taken as written. undefined when that is empty: the job gets no mount namespace. Throws with the
 * starter's message for an expression that gives no string (the starter then does not start the job).
 */
export function mountUnderScratchDirs(knob: string, jobAd: ClassAd): string[] | undefined {
  let names = knob;
  if (names !== '') {
    let expr;
    try {
      expr = parseExpr(names);
    } catch {
      // Not an expression: a literal list, as before HTCondor 8.3.6.
    }
    if (expr !== undefined) {
      const value = jobAd.evaluateExpr(expr);
      if (value.type !== 'string') throw new Error(`ERROR: MOUNT_UNDER_SCRATCH does not evaluate to a string, it is : ${unparseValue(value)}`);
      names = value.value;
    }
  }
  return names === '' ? undefined : splitList(names);
}

/** A directory of the scratch directory bind-mounted over the directory `target` names. */
export interface ScratchMount {
  source: string;
  target: string;
}

/** What the starter does with MOUNT_UNDER_SCRATCH's directories: the mounts, in order, and its log lines for those it skipped. */
export interface ScratchMountPlan {
  mounts: ScratchMount[];
  skipped: string[];
}

/**
 * HTCondor's dirscat: the directory, one `/`, the name without its leading `/`s, and exactly one trailing `/`
 * (`<scratch>/var/tmp/` for /var/tmp).
 */
export function scratchSubdirectory(scratchDir: string, name: string): string {
  return `${`${scratchDir.replace(/\/+$/, '')}/${name.replace(/^\/+/, '')}`.replace(/\/+$/, '')}/`;
}

/**
 * VanillaProc::StartJob's mappings for the directories `dirs` (FilesystemRemap::AddMapping): a directory the
 * machine does not have is skipped, and so is one the scratch directory lies under (checked as the starter
 * does, by a prefix of the path's text); a name given twice is mounted once. Throws with the starter's message
 * for a relative name the machine has (AddMapping refuses it and the job does not start).
 */
export function planScratchMounts(dirs: string[], scratchDir: string, isDirectory: (dir: string) => boolean): ScratchMountPlan {
  const plan: ScratchMountPlan = { mounts: [], skipped: [] };
  for (const dir of dirs) {
    if (!isDirectory(dir)) {
      plan.skipped.push(`Unable to add mapping ${scratchDir} -> ${dir} because ${dir} doesn't exist.`);
      continue;
    }
    const source = scratchSubdirectory(scratchDir, dir);
    if (source.startsWith(dir)) {
      plan.skipped.push(`Can't bind mount ${dir} under execute dir ${source} -- skipping MOUNT_UNDER_SCRATCH`);
      continue;
    }
    if (!dir.startsWith('/') || !source.startsWith('/')) throw new Error(`Unable to add mappings for relative directories (${source}, ${dir}).`);
    if (!plan.mounts.some((mount) => mount.target === dir)) plan.mounts.push({ source, target: dir });
  }
  return plan;
}
