import type { ClassAd } from '@tinycondor/shared/classad/index';
import type { JobLimits } from './job-cgroup.js';

/** MODIFY_REQUEST_EXPR_REQUESTMEMORY's default: a dynamic slot's memory is the request rounded up to 128 MB. */
const MEMORY_QUANTUM_MB = 128;

/** tinycondor's guard against a fork bomb (HTCondor sets no such limit): far above what real jobs start. */
export const DEFAULT_MAX_JOB_PIDS = 16384;

/**
 * What a run may use, as HTCondor's starter limits a job on a partitionable slot: the hard memory limit is
 * the dynamic slot's memory, `quantize(RequestMemory, {128})` MB (CGROUP_MEMORY_LIMIT_POLICY = hard), never
 * more than the slot has; a job without a request gets the slot's memory.
 */
export function jobLimits(jobAd: ClassAd, slotAd: ClassAd, pidsMax = DEFAULT_MAX_JOB_PIDS): JobLimits {
  const slotMb = slotAd.getNumber('Memory');
  const requested = jobAd.getNumber('RequestMemory');
  let memoryMb = requested !== undefined && requested > 0 ? Math.ceil(requested / MEMORY_QUANTUM_MB) * MEMORY_QUANTUM_MB : slotMb;
  if (memoryMb === undefined || (slotMb !== undefined && memoryMb > slotMb)) memoryMb = slotMb;
  return { memoryBytes: (memoryMb ?? 0) * 1024 * 1024, pidsMax };
}
