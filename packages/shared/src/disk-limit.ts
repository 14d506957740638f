/**
 * HTCondor's starter polls the job's scratch volume this often (Starter::CheckLVUsage, every 10 s) and
 * holds the job that reached its allocated disk.
 */
export const DEFAULT_DISK_CHECK_SECONDS = 10;

/** HTCondor's to_string_byte_units (IEC): "512 B", "4.00 MB", "1.50 GB". */
export function byteUnits(bytes: number): string {
  if (bytes < 1024) return `${Math.trunc(bytes)} B`;
  let value = bytes;
  let unit = '?';
  for (const specifier of ['K', 'M', 'G', 'T']) {
    unit = specifier;
    value /= 1024;
    if (value < 1024) break;
  }
  return `${value.toFixed(2)} ${unit}B`;
}

/**
 * The hold reason for a sandbox using `usedBytes` on a slot with `allocatedKb` of disk (the slot's Disk, as
 * HTCondor sizes a job's scratch volume), or undefined while it fits. HTCondor's words (starter.cpp).
 */
export function diskExceededReason(usedBytes: number, allocatedKb: number): string | undefined {
  const limit = allocatedKb * 1024;
  if (usedBytes < limit) return undefined;
  return `Job has exceeded allocated disk (${byteUnits(limit)}). Consider increasing the value of request_disk.`;
}
