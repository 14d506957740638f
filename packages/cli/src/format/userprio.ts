// condor_userprio's table (src/condor_tools/user_prio.cpp PrintInfo). tinycondor has no accounting-group
// quotas (GROUP_NAMES): every submitter is in HTCondor's <none> group, for which ProcessInfo prints the flat
// table (HierFlag false, the <none> group hidden) without the group-quota columns.
import type { UserPrioRecord } from '@tinycondor/shared/rest-schemas';
import { formatShortDate } from './text.js';

/** user_prio.cpp's Detail flags: which columns are shown, and which fields a record has. */
export const Detail = {
  Priority: 0x0002,
  Factor: 0x0004,
  ResUsed: 0x0010,
  WtResUsed: 0x0020,
  UseTime1: 0x0040,
  UseTime2: 0x0080,
  EffQuota: 0x0100,
  CfgQuota: 0x0200,
  Surplus: 0x0400,
  TreeQuota: 0x0800,
  RealPrio: 0x1000,
  UseDeltaT: 0x4000,
  Requested: 0x10000,
  Ceiling: 0x20000,
  Floor: 0x40000,
} as const;
const PRIOS = Detail.Priority | Detail.Factor | Detail.RealPrio;
const USAGE = Detail.ResUsed | Detail.WtResUsed;
const QUOTAS = Detail.EffQuota | Detail.CfgQuota | Detail.TreeQuota | Detail.Surplus | Detail.Requested;
export const DETAIL_MOST = Detail.CfgQuota | Detail.Surplus | Detail.Priority | Detail.Factor | USAGE | Detail.UseDeltaT | Detail.Requested | Detail.Ceiling | Detail.Floor;
export const DETAIL_ALL = DETAIL_MOST | QUOTAS | PRIOS | Detail.UseTime1 | Detail.UseTime2;
export const DETAIL_USAGE = USAGE | Detail.UseTime1 | Detail.UseTime2;
export const DETAIL_PRIOS = PRIOS;

/**
 * aCols: each column's flag, width and two-line heading; those of groups left out (Group Id, Order, Sort Key,
 * and the quotas, which ProcessInfo drops when every user is in the <none> group).
 */
const COLUMNS: [flag: number, width: number, head1: string, head2: string][] = [
  [Detail.Priority, 12, 'Effective', 'Priority'],
  [Detail.RealPrio, 8, 'Real', 'Priority'],
  [Detail.Factor, 9, 'Priority', 'Factor'],
  [Detail.ResUsed, 6, 'Wghted', 'In Use'],
  [Detail.WtResUsed, 12, 'Total Usage', '(wghted-hrs)'],
  [Detail.UseTime1, 16, 'Usage', 'Start Time'],
  [Detail.UseTime2, 16, 'Last', 'Usage Time'],
  [Detail.UseDeltaT, 10, 'Time Since', 'Last Usage'],
  [Detail.Floor, 9, 'Submitter', 'Floor'],
  [Detail.Ceiling, 9, 'Submitter', 'Ceiling'],
];
/** What a submitter's record has (CollectInfo's HasDetail): no group quota fields. */
const USER_HAS = PRIOS | USAGE | Detail.UseTime1 | Detail.UseTime2 | Detail.UseDeltaT | Detail.Ceiling | Detail.Floor;
const MAX_NAME_COLUMN_WIDTH = 99;

/** CopyAndPadToWidth into `width` characters: right (the default), left or centred, cut to the width. */
function pad(text: string, width: number, how: 'right' | 'left' | 'center' = 'right', fill = ' '): string {
  let lead = '';
  if (how === 'left') lead = fill.repeat(Math.max(0, width - text.length));
  if (how === 'center') lead = fill.repeat(Math.max(0, Math.floor((width - text.length) / 2)));
  return (lead + text).slice(0, width).padEnd(width, fill);
}

/** FormatFloat: `%<width>.<decimals>f`, or `%.<width-6>g` when that is too wide, right-aligned. */
function formatFloat(width: number, decimals: number, value: number): string {
  let text = value.toFixed(decimals).padStart(width);
  if (text.length > width) text = gFormat(value, width - 6);
  return pad(text, width, 'left');
}

/** printf's %.<precision>g. */
function gFormat(value: number, precision: number): string {
  const p = Math.max(precision, 1);
  const exponent = value === 0 ? 0 : Math.floor(Math.log10(Math.abs(value)));
  if (exponent < -4 || exponent >= p) {
    const [mantissa, exp] = value.toExponential(p - 1).split('e');
    const trimmed = mantissa.includes('.') ? mantissa.replace(/\.?0+$/, '') : mantissa;
    const n = Number(exp);
    return `${trimmed}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  const fixed = value.toFixed(Math.max(0, p - 1 - exponent));
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/** format_date_year: `%2d/%02d/%-4d %02d:%02d` in local time. */
function formatDateYear(epochSeconds: number): string {
  if (epochSeconds < 0) return '    ???    ';
  const d = new Date(epochSeconds * 1000);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${String(d.getMonth() + 1).padStart(2)}/${two(d.getDate())}/${String(d.getFullYear()).padEnd(4)} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** format_time_nosecs: `%3d+%02d:%02d`, `[?????]` when negative. */
function formatTimeNoSecs(seconds: number): string {
  if (seconds < 0) return '[?????]';
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${String(Math.floor(seconds / 86400)).padStart(3)}+${two(Math.floor((seconds % 86400) / 3600))}:${two(Math.floor((seconds % 3600) / 60))}`;
}

/** FormatDateTime: a date, or `zero` when none. */
function formatDateTime(width: number, when: number, zero: string): string {
  return pad(when <= 0 ? zero : formatDateYear(when), width, 'left');
}

/** FormatDeltaTime: a time span, or `zero` when none. */
function formatDeltaTime(width: number, delta: number, zero: string): string {
  return pad(delta <= 0 ? zero : formatTimeNoSecs(delta), width, 'left');
}

export interface UserPrioView {
  /** The columns shown (Detail flags). */
  detail: number;
  /** MinLastUsageTime: records last used before it are not shown (-1: all, -allusers). */
  minLastUsage: number;
}

/** The table as PrintInfo prints it (ProcessInfo's sort: by priority, else usage, else name). */
export function formatUserPrio(lastUpdate: number, records: readonly UserPrioRecord[], view: UserPrioView): string {
  const { detail, minLastUsage } = view;
  const columns = COLUMNS.filter(([flag]) => detail & flag);
  const shown = [...records]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .sort((a, b) => (detail & Detail.Priority ? a.priority - b.priority : detail & USAGE ? a.weightedAccumulatedUsage - b.weightedAccumulatedUsage : 0))
    .filter((r) => r.lastUsageTime >= minLastUsage);
  // NumElem counts HTCondor's <none> group's record too.
  const minName = `Number of users: ${records.length + 1}`.length;
  let maxName = Math.max(10, ...shown.map((r) => r.name.length));
  maxName = Math.max(Math.min(maxName, MAX_NAME_COLUMN_WIDTH), minName);
  const line = (name: string, cell: (flag: number, width: number, head1: string, head2: string) => string, fill = ' '): string =>
    pad(name, maxName, 'right', fill) + columns.map(([flag, width, head1, head2]) => ' ' + cell(flag, width, head1, head2)).join('');
  const rule = line('', (_flag, width) => '-'.repeat(width), '-');
  const out = [`Last Priority Update: ${formatShortDate(lastUpdate)}`];
  out.push(line('', (_flag, width, head1) => pad(head1, width, 'center')));
  out.push(line('User Name', (_flag, width, _head1, head2) => pad(head2, width, 'center')));
  out.push(rule);
  let totalInUse = 0;
  let totalUsage = 0;
  for (const r of shown) {
    out.push(
      line(r.name, (flag, width) => {
        if (!(USER_HAS & flag)) return ' '.repeat(width);
        switch (flag) {
          case Detail.Priority:
            return formatFloat(width, 2, r.priority);
          case Detail.RealPrio:
            return formatFloat(width, 2, r.priorityFactor > 0 ? r.priority / r.priorityFactor : 0);
          case Detail.Factor:
            return r.priorityFactor > 0 ? formatFloat(width, 2, r.priorityFactor) : ' '.repeat(width);
          case Detail.ResUsed:
            return formatFloat(width, 0, r.weightedResourcesUsed);
          case Detail.WtResUsed:
            return formatFloat(width, 2, r.weightedAccumulatedUsage / 3600);
          case Detail.UseTime1:
            return formatDateTime(width, r.beginUsageTime, '');
          case Detail.UseTime2:
            return formatDateTime(width, r.lastUsageTime, '');
          case Detail.UseDeltaT:
            // CollectInfo reads a LastUsageTime of 0 (never used) as -1.
            return formatDeltaTime(width, lastUpdate - (r.lastUsageTime === 0 ? -1 : r.lastUsageTime), '<now>');
          default:
            // No ceiling (-1) nor floor (0) is set here.
            return ' '.repeat(width);
        }
      }),
    );
    totalInUse += r.weightedResourcesUsed;
    totalUsage += r.weightedAccumulatedUsage;
  }
  out.push(rule);
  out.push(
    line(`Number of users: ${shown.length}`, (flag, width) => {
      switch (flag) {
        case Detail.ResUsed:
          return formatFloat(width, 0, totalInUse);
        case Detail.WtResUsed:
          return formatFloat(width, 2, totalUsage / 3600);
        case Detail.UseTime2:
          return formatDateTime(width, minLastUsage, '');
        case Detail.UseDeltaT:
          return minLastUsage <= 0 ? ' '.repeat(width) : formatDeltaTime(width, lastUpdate - minLastUsage, '<now>');
        default:
          return ' '.repeat(width);
      }
    }),
  );
  return out.join('\n') + '\n';
}
