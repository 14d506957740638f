import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import type { Logger } from 'pino';
import { usableBytes } from '@tinycondor/shared/disk-reserve';
import { inventoryArgv, inventoryFailure, type InventoryCommand, type KnobLookup, type MachineResource } from '@tinycondor/shared/machine-resources';
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

/**
 * Runs each MACHINE_RESOURCE_INVENTORY_<Tag> script (init_machine_resource_from_script: its arguments as
 * AppendArgsV1RawOrV2Quoted reads them, my_popen's inherited environment) and gives its output by the knob's
 * name in upper case; its exit status is not looked at. One that cannot be run throws HTCondor's words: its
 * startd does not start (EXCEPT).
 */
export async function runInventories(commands: readonly InventoryCommand[], log: Logger): Promise<Map<string, string>> {
  const outputs = new Map<string, string>();
  for (const command of commands) {
    let argv: string[];
    try {
      argv = inventoryArgv(command.command);
    } catch (err) {
      throw new Error(`${inventoryFailure(command)}: ${(err as Error).message}`);
    }
    if (argv.length === 0) throw new Error(inventoryFailure(command));
    const result = await new Promise<{ output: string; errno?: string; message?: string; stderr: string }>((resolve) => {
      const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
      child.on('error', (error: NodeJS.ErrnoException) => resolve({ output: '', errno: error.code, message: error.message, stderr: '' }));
      child.on('close', () => resolve({ output: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
    });
    if (result.errno !== undefined) {
      log.error(`my_popenv: Failed to exec ${argv[0]}, ${result.errno} (${result.message})`);
      throw new Error(inventoryFailure(command));
    }
    if (result.stderr.trim() !== '') log.warn({ knob: command.knob, stderr: result.stderr.trim() }, 'the inventory script wrote to stderr');
    log.info({ knob: command.knob, argv }, `ran local resource '${command.tag}' inventory script`);
    outputs.set(command.knob.toUpperCase(), result.output);
  }
  return outputs;
}
