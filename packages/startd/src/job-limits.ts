import type { ClassAd } from '@tinycondor/shared/classad/index';
import type { JobLimits } from './job-cgroup.js';

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
