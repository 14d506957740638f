import type { ClassAd } from '@tinycondor/shared/classad/index';
import type { JobLimits } from './job-cgroup.js';

/** MODIFY_REQUEST_EXPR_REQUESTMEMORY's default, by which a job on a static slot is limited (see jobLimits). */
const MEMORY_QUANTUM_MB = 128;

/** tinycondor's guard against a fork bomb (HTCondor sets no such limit): far above what real jobs start. */
export const DEFAULT_MAX_JOB_PIDS = 16384;

/**
 * What a run may use. On a dynamic slot the hard memory limit is the slot's Memory, as HTCondor's starter sets it
 * (vanilla_proc.cpp, CGROUP_MEMORY_LIMIT_POLICY = hard): the job's RequestMemory as the startd's
 * MODIFY_REQUEST_EXPR_REQUESTMEMORY modified it when the slot was carved. On a static slot tinycondor limits the
 * job as a dynamic slot would be sized by default, `quantize(RequestMemory, {128})` MB, never more than the slot
 * has; a job without a request gets the slot's memory.
 */
export function jobLimits(jobAd: ClassAd, slotAd: ClassAd, pidsMax = DEFAULT_MAX_JOB_PIDS): JobLimits {
  const slotMb = slotAd.getNumber('Memory');
  if (slotAd.getBool('DynamicSlot') === true) return { memoryBytes: (slotMb ?? 0) * 1024 * 1024, pidsMax };
  const requested = jobAd.getNumber('RequestMemory');
  let memoryMb = requested !== undefined && requested > 0 ? Math.ceil(requested / MEMORY_QUANTUM_MB) * MEMORY_QUANTUM_MB : slotMb;
  if (memoryMb === undefined || (slotMb !== undefined && memoryMb > slotMb)) memoryMb = slotMb;
  return { memoryBytes: (memoryMb ?? 0) * 1024 * 1024, pidsMax };
}
