import fs from 'node:fs';
import os from 'node:os';
import { usableBytes } from '@tinycondor/shared/disk-reserve';
import type { KnobLookup, MachineResource } from '@tinycondor/shared/machine-resources';
import { slotLayoutFromConfig, type SlotLayout } from '@tinycondor/shared/slot-layout';

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
 * The slots the configuration lays out (slotLayoutFromConfig): without slot knobs, HTCondor's static slots,
 * one per core, memory, disk and each custom resource shared evenly (slot1 … slotN).
 */
export function slotsFromConfig(totals: ResourceTotals, resources: readonly MachineResource[] = [], knob: KnobLookup = () => undefined): SlotLayout {
  return slotLayoutFromConfig(knob, { ...totals, resources });
}
