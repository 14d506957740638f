/**
 * HTCondor's RESERVED_DISK (MB): disk space kept for the machine's own use. HTCondor's daemons subtract it
 * whenever they report free space (the startd's Disk is the free space of EXECUTE minus it); tinycondor's
 * schedd also keeps it free on the SPOOL filesystem, where the queue, SPOOL and the logs live. HTCondor's
 * default is 0; tinycondor keeps 100 MB, so that jobs writing into the same filesystem leave the queue room.
 */
export const DEFAULT_RESERVED_DISK_MB = 100;

const MIB = 1024 * 1024;

/** Free space a daemon may report or use: what the filesystem has free minus the reserve, never below 0. */
export function usableBytes(freeBytes: number, reservedMb: number): number {
  return Math.max(0, freeBytes - reservedMb * MIB);
}

/**
 * Why a transfer into SPOOL is refused, or undefined when it may proceed: it is refused while the SPOOL
 * filesystem has less free space than RESERVED_DISK (its size is not known before it arrives).
 */
export function spoolSpaceRefusal(freeBytes: number, reservedMb: number): string | undefined {
  if (reservedMb <= 0 || freeBytes >= reservedMb * MIB) return undefined;
  return `the access point's SPOOL filesystem has ${(freeBytes / MIB).toFixed(1)} MiB free, less than RESERVED_DISK = ${reservedMb} MB kept for the queue and SPOOL; free some space and release the job`;
}
