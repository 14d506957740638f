import fs from 'node:fs';
import os from 'node:os';
import { usableBytes } from '@tinycondor/shared/disk-reserve';
import { divideAmongSlots, type MachineResource } from '@tinycondor/shared/machine-resources';
import type { SlotDescription } from '@tinycondor/shared/protocol';

export interface ResourceTotals {
  cpus: number;
  memoryMb: number;
  diskKb: number;
}

/** What this machine offers: cores, memory, and free disk where sandboxes are made minus RESERVED_DISK (MB). */
export function detectTotals(executeDir: string, reservedDiskMb: number): ResourceTotals {
  const stat = fs.statfsSync(executeDir);
  return {
    cpus: os.availableParallelism(),
    memoryMb: Math.floor(os.totalmem() / (1024 * 1024)),
    diskKb: Math.floor(usableBytes(stat.bavail * stat.bsize, reservedDiskMb) / 1024),
  };
}

/**
 * HTCondor's default static slots: one per core, memory and disk split evenly (slot1 … slotN), and each
 * custom resource divided as an `auto` share divides it (the first slots get what does not divide evenly).
 */
export function splitIntoSlots(totals: ResourceTotals, resources: readonly MachineResource[] = []): SlotDescription[] {
  const count = Math.max(1, Math.floor(totals.cpus));
  const shares = divideAmongSlots(resources, count);
  return Array.from({ length: count }, (_, i) => ({
    name: `slot${i + 1}`,
    cpus: 1,
    memoryMb: Math.max(1, Math.floor(totals.memoryMb / count)),
    diskKb: Math.max(1, Math.floor(totals.diskKb / count)),
    ...(resources.length > 0 ? { resources: shares[i] } : {}),
  }));
}
