// Pure formatting for the dashboard's views (unit-tested under node).
import type { JobStatusCode } from '@tinycondor/shared/job-status';

// The browser loads these modules as they are, so the codes cannot be imported as values; the type keeps the table complete.
export const STATUS_NAMES: Readonly<Record<JobStatusCode, string>> = { 1: 'Idle', 2: 'Running', 3: 'Removed', 4: 'Completed', 5: 'Held', 6: 'Transferring', 7: 'Suspended', 8: 'Failed', 9: 'Blocked' };

export function statusName(status: number): string {
  return STATUS_NAMES[status as JobStatusCode] ?? `status ${status}`;
}

/** condor_q's run-time form: `D+HH:MM:SS`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const days = Math.floor(s / 86400);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${days}+${pad(Math.floor((s % 86400) / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** "5s ago", "3m ago", "2h ago", "4d ago"; empty for 0 (never). */
export function formatAge(epochSeconds: number, nowSeconds: number): string {
  if (epochSeconds <= 0) return '';
  const age = Math.max(0, nowSeconds - epochSeconds);
  if (age < 60) return `${Math.floor(age)}s ago`;
  if (age < 3600) return `${Math.floor(age / 60)}m ago`;
  if (age < 86400) return `${Math.floor(age / 3600)}h ago`;
  return `${Math.floor(age / 86400)}d ago`;
}

/** Run time as condor_q shows it: earlier runs plus the current one. */
export function runSeconds(row: { priorRunSeconds: number; runStart: number }, nowSeconds: number): number {
  return row.priorRunSeconds + (row.runStart > 0 ? Math.max(0, nowSeconds - row.runStart) : 0);
}

/** The rows a virtualised list renders for a scroll position: the visible ones plus `overscan` each side. */
export function visibleRange(scrollTop: number, viewportHeight: number, rowHeight: number, total: number, overscan: number): { first: number; last: number } {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(total, Math.ceil((scrollTop + viewportHeight) / rowHeight) + overscan);
  return { first, last: Math.max(first, last) };
}

/** Pages (of `pageSize` rows) that hold rows first…last-1. */
export function pagesFor(first: number, last: number, pageSize: number): number[] {
  if (last <= first) return [];
  const pages: number[] = [];
  for (let p = Math.floor(first / pageSize); p <= Math.floor((last - 1) / pageSize); p++) pages.push(p);
  return pages;
}
