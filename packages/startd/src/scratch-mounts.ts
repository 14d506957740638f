import fs from 'node:fs';
import path from 'node:path';
import type { ClassAd } from '@tinycondor/shared/classad/index';
import type { JobUser } from '@tinycondor/shared/job-user';
import { DEFAULT_MOUNT_UNDER_SCRATCH, mountUnderScratchDirs, planScratchMounts } from '@tinycondor/shared/mount-under-scratch';
import { knobBoolean, type KnobLookup } from './docker-knobs.js';
import type { JobMounts } from './job-process.js';
import { makeSandboxDirectories } from './sandbox-directories.js';

/** How jobs outside containers get their own mount namespace: the starter's knobs (param_info.in's defaults). */
export interface ScratchMountSettings {
  /** MOUNT_UNDER_SCRATCH as configured: an expression or a list (mountUnderScratchDirs). */
  mountUnderScratch: string;
  /** MOUNT_PRIVATE_DEV_SHM (default true): a fresh tmpfs on the namespace's /dev/shm. */
  privateDevShm: boolean;
  /** PER_JOB_NAMESPACES (default true): false refuses the namespace, and so the start of a job that needs one. */
  perJobNamespaces: boolean;
}

export const DEFAULT_SCRATCH_MOUNT_SETTINGS: ScratchMountSettings = { mountUnderScratch: DEFAULT_MOUNT_UNDER_SCRATCH, privateDevShm: true, perJobNamespaces: true };

/** The knobs; throws naming one HTCondor would refuse. */
export function scratchMountSettings(knob: KnobLookup): ScratchMountSettings {
  return {
    mountUnderScratch: knob('MOUNT_UNDER_SCRATCH')?.trim() ?? DEFAULT_MOUNT_UNDER_SCRATCH,
    privateDevShm: knobBoolean('MOUNT_PRIVATE_DEV_SHM', knob('MOUNT_PRIVATE_DEV_SHM'), true),
    perJobNamespaces: knobBoolean('PER_JOB_NAMESPACES', knob('PER_JOB_NAMESPACES'), true),
  };
}

const CAP_SYS_ADMIN = 21n;

/** Whether CAP_SYS_ADMIN is in this process's bounding set, as has_sysadmin_cap asks prctl(PR_CAPBSET_READ). */
function hasSysadminCap(): boolean {
  try {
    const bounding = /^CapBnd:\s*([0-9a-f]+)$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1];
    return bounding !== undefined && ((BigInt(`0x${bounding}`) >> CAP_SYS_ADMIN) & 1n) === 1n;
  } catch {
    return false;
  }
}

/**
 * Why this startd gives jobs no mount namespace, or undefined when it does: the starter makes one only with
 * root's powers (VanillaProc::StartJob: can_switch_ids() && has_sysadmin_cap()), and here only the native
 * spawner can act between fork and exec.
 */
export function noMountNamespaceReason(spawnerMethod: 'vfork' | 'fork'): string | undefined {
  if (process.getuid?.() !== 0) return 'the startd is not root';
  if (!hasSysadminCap()) return 'the startd lacks CAP_SYS_ADMIN';
  if (spawnerMethod !== 'vfork') return 'the native job spawner is not available';
  return undefined;
}

/** Why a job could not be given its mount namespace: the starter logs it and does not start the job. */
export class ScratchMountError extends Error {
  override name = 'ScratchMountError';
}

/**
 * Each directory of the plan made in the sandbox one level at a time, as the job's user would make it
 * (mkdir_and_parents_if_needed, mode 0700, PRIV_USER), never through a symlink or over a file the job left there.
 */
function makeScratchDirectory(sandbox: string, source: string, user: JobUser | undefined): void {
  const parts = path.relative(sandbox, source).split('/').filter((p) => p !== '');
  const chown = (dir: string): void => {
    if (user) fs.chownSync(dir, user.uid, user.gid);
  };
  let made;
  try {
    made = makeSandboxDirectories(sandbox, parts, { mode: 0o700, made: chown });
  } catch (err) {
    throw new ScratchMountError(`Failed to create scratch directory ${source}: ${(err as Error).message}`);
  }
  if ('blocked' in made) throw new ScratchMountError(`Failed to create scratch directory ${source}`);
}

/**
 * The mount namespace a job outside containers runs in, its directories made in the sandbox, with the lines the
 * starter logs; undefined when MOUNT_UNDER_SCRATCH names none (the job then runs in the startd's). Throws
 * ScratchMountError with the starter's message when the job cannot be started.
 */
export function prepareScratchMounts(settings: ScratchMountSettings, jobAd: ClassAd, sandbox: string, user: JobUser | undefined): { mounts: JobMounts; skipped: string[] } | undefined {
  let plan;
  try {
    const dirs = mountUnderScratchDirs(settings.mountUnderScratch, jobAd);
    if (dirs === undefined) return undefined;
    plan = planScratchMounts(dirs, sandbox, (dir) => fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory() === true);
  } catch (err) {
    throw new ScratchMountError((err as Error).message);
  }
  for (const { source } of plan.mounts) makeScratchDirectory(sandbox, source, user);
  return { mounts: { binds: plan.mounts, privateDevShm: settings.privateDevShm }, skipped: plan.skipped };
}
