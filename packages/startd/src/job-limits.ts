import type { ClassAd } from '@tinycondor/shared/classad/index';
import type { JobLimits } from './job-cgroup.js';

/** A job's core and stack size limits in bytes, -1 for none (RLIM_INFINITY). */
export interface JobResourceLimits {
  coreBytes: number;
  stackBytes: number;
}

/**
 * The limits HTCondor's starter gives a job: `core_size` (CoreSize; a negative one is no limit, none is 0:
 * OsProc::StartJob), `stack_size` (StackSize; none or 0 is no limit: JobInfoCommunicator::getStackSize,
 * sysapi_set_resource_limits).
 */
export function jobResourceLimits(ad: ClassAd): JobResourceLimits {
  const core = ad.getInt('CoreSize');
  const stack = ad.getInt('StackSize');
  return { coreBytes: core === undefined ? 0 : core < 0 ? -1 : core, stackBytes: stack === undefined || stack <= 0 ? -1 : stack };
}

/** tinycondor's guard against a fork bomb (HTCondor sets no such limit): far above what real jobs start. */
export const DEFAULT_MAX_JOB_PIDS = 16384;

/**
 * What a run may use. The hard memory limit is the slot's Memory, as HTCondor's starter sets it (vanilla_proc.cpp,
 * CGROUP_MEMORY_LIMIT_POLICY = hard): a static slot's whole share, a dynamic slot's the job's RequestMemory as the
 * startd's MODIFY_REQUEST_EXPR_REQUESTMEMORY sized it. Every slot ad the startd builds has a Memory.
 */
export function jobLimits(slotAd: ClassAd, pidsMax = DEFAULT_MAX_JOB_PIDS): JobLimits {
  const memoryMb = slotAd.getNumber('Memory');
  if (memoryMb === undefined || memoryMb <= 0) throw new Error(`slot ad ${slotAd.getString('Name') ?? '(no Name)'} has no positive Memory to limit its job by`);
  return { memoryBytes: memoryMb * 1024 * 1024, pidsMax };
}
