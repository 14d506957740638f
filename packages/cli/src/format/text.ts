// printf-like helpers shared by the views; HTCondor's tools build every column with these rules.

/** Right-align `s` in `width` columns (never truncates). */
export function alignRight(s: string, width: number): string {
  return s.length >= width ? s : ' '.repeat(width - s.length) + s;
}

/** Left-align `s` in `width` columns (never truncates). */
export function alignLeft(s: string, width: number): string {
  return s.length >= width ? s : s + ' '.repeat(width - s.length);
}

export { maxOf } from '@tinycondor/shared/extremes';

/** Left-align and cut to `width`, like a print-mask column with a fixed WIDTH. */
export function fitLeft(s: string, width: number): string {
  return alignLeft(s.slice(0, width), width);
}

/** Right-align and cut to `width`. */
export function fitRight(s: string, width: number): string {
  return alignRight(s.slice(0, width), width);
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** format_date(): `%2d/%-2d %02d:%02d` in local time, e.g. ` 4/2  09:05`. */
export function formatShortDate(epochSeconds: number): string {
  if (epochSeconds < 0) return '    ???    ';
  const d = new Date(epochSeconds * 1000);
  const month = String(d.getMonth() + 1).padStart(2, ' ');
  const day = String(d.getDate()).padEnd(2, ' ');
  return `${month}/${day} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** strftime `%m/%d/%y %H:%M:%S` in local time, as in condor_q's title line. */
export function formatTitleTime(when: Date): string {
  const year = two(when.getFullYear() % 100);
  return `${two(when.getMonth() + 1)}/${two(when.getDate())}/${year} ` +
    `${two(when.getHours())}:${two(when.getMinutes())}:${two(when.getSeconds())}`;
}

/** format_time(): `%3d+%02d:%02d:%02d` (days+hours:minutes:seconds), `[?????]` when negative. */
export function formatDuration(totalSeconds: number): string {
  const secs = Math.trunc(totalSeconds);
  if (secs < 0) return '[?????]';
  const days = Math.floor(secs / 86400);
  const rest = secs % 86400;
  const hms = `${two(Math.floor(rest / 3600))}:${two(Math.floor((rest % 3600) / 60))}:${two(rest % 60)}`;
  return `${String(days).padStart(3, ' ')}+${hms}`;
}

/** The field HTCondor prints for a missing value in a column marked `OR ??`: `[???]` filling the width. */
export function invalidField(width: number): string {
  if (width === 0) return '';
  if (width < 3) return '?';
  return `[${'?'.repeat(width - 2)}]`;
}

/** Case-insensitive ordering of attribute names, as HTCondor's attribute sets sort them. */
export function compareAttrNames(a: string, b: string): number {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  return la < lb ? -1 : la > lb ? 1 : 0;
}

/** Unix seconds of a Date. */
export function epochSeconds(when: Date): number {
  return Math.floor(when.getTime() / 1000);
}

/** PRINTF %T (format_time.cpp format_time): days, hours, minutes and seconds, C's truncating division. */
export function formatTimeT(totalSeconds: number): string {
  const two = (n: number) => (n < 0 ? String(n) : String(n).padStart(2, '0'));
  const days = Math.trunc(totalSeconds / 86400);
  const rest = totalSeconds % 86400;
  return `${String(days).padStart(3)}+${two(Math.trunc(rest / 3600))}:${two(Math.trunc((rest % 3600) / 60))}:${two(rest % 60)}`;
}
