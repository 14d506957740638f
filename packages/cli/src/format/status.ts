// condor_status default slot view (ppSetStartdNormalCols) and its totals table (StartdNormalTotal).
import type { ClassAd } from './classad.js';
import { alignLeft, alignRight, epochSeconds, formatDuration, invalidField, maxOf } from './text.js';

/** The Name column starts at 19 (61 minus an 80-column display) and grows to the longest name. */
const MIN_NAME_WIDTH = 19;
/** Width of the Arch/OpSys key column of the totals table. */
const TOTALS_KEY_WIDTH = 14;

interface Column {
  heading: string;
  minWidth: number;
  right: boolean;
  cell(slot: ClassAd, now: Date): string | undefined;
}

function stringCell(attr: string) {
  return (slot: ClassAd): string | undefined => slot.getString(attr);
}

/** render_activity_time: the slot's own clock (MyCurrentTime, LastHeardFrom) minus EnteredCurrentActivity. */
function activityTime(slot: ClassAd, now: Date): string | undefined {
  const entered = slot.getInt('EnteredCurrentActivity');
  if (entered === undefined) return undefined;
  const clock = slot.getInt('MyCurrentTime') ?? slot.getInt('LastHeardFrom') ?? epochSeconds(now);
  return formatDuration(Math.max(0, clock - entered));
}

const COLUMNS: readonly Column[] = [
  { heading: 'Name', minWidth: MIN_NAME_WIDTH, right: false, cell: stringCell('Name') },
  { heading: 'OpSys', minWidth: 10, right: false, cell: stringCell('OpSys') },
  { heading: 'Arch', minWidth: 6, right: false, cell: stringCell('Arch') },
  { heading: 'State', minWidth: 9, right: false, cell: stringCell('State') },
  { heading: 'Activity', minWidth: 8, right: false, cell: stringCell('Activity') },
  {
    heading: 'LoadAv', minWidth: 6, right: true,
    cell: (slot) => slot.getNumber('CondorLoadAvg')?.toFixed(3),
  },
  {
    heading: 'Mem', minWidth: 4, right: true,
    cell: (slot) => {
      const memory = slot.getNumber('Memory');
      return memory === undefined ? undefined : String(Math.trunc(memory));
    },
  },
];

/** Slots ordered by Machine, then Name. */
function sortSlots(machines: readonly ClassAd[]): ClassAd[] {
  const key = (slot: ClassAd): [string, string] => [slot.getString('Machine') ?? '', slot.getString('Name') ?? ''];
  return [...machines].sort((a, b) => {
    const [ma, na] = key(a);
    const [mb, nb] = key(b);
    return ma < mb ? -1 : ma > mb ? 1 : na < nb ? -1 : na > nb ? 1 : 0;
  });
}

/** The slot table rows, followed by a blank line and the totals; nothing at all when there are no slots. */
export function formatStatus(machines: ClassAd[], opts: { now: Date }): string {
  if (machines.length === 0) return '';
  const slots = sortSlots(machines);
  const cells = slots.map((slot) => COLUMNS.map((col) => col.cell(slot, opts.now)));
  const widths = COLUMNS.map((col, i) => maxOf(cells, (row) => row[i]?.length ?? 0, col.minWidth));
  // ActvtyTime has no separator before it: its 12-wide cell starts with the spaces of `%3d+`.
  const header = COLUMNS.map((col, i) => alignLeft(col.heading, widths[i])).join(' ') + '  ActvtyTime\n';
  const lines = slots.map((slot, r) => {
    const row = COLUMNS.map((col, i) => {
      const text = cells[r][i] ?? invalidField(widths[i]);
      return col.right ? alignRight(text, widths[i]) : alignLeft(text, widths[i]);
    });
    return row.join(' ') + alignRight(activityTime(slot, opts.now) ?? '-', 12) + '\n';
  });
  return header + '\n' + lines.join('') + '\n' + formatStatusTotals(machines);
}

const STATE_COLUMNS = ['Owner', 'Claimed', 'Unclaimed', 'Matched', 'Preempting', 'Drained', 'Backfill'] as const;
type CountedState = typeof STATE_COLUMNS[number];

interface SlotTotals {
  machines: number;
  states: Record<CountedState, number>;
  backfillIdle: number;
}

function emptyTotals(): SlotTotals {
  return {
    machines: 0,
    states: { Owner: 0, Claimed: 0, Unclaimed: 0, Matched: 0, Preempting: 0, Drained: 0, Backfill: 0 },
    backfillIdle: 0,
  };
}

/** StartdNormalTotal::update; false for an ad with no State or an unknown one (a malformed ad). */
function addSlot(totals: SlotTotals, state: string | undefined): boolean {
  if (state === undefined || !(STATE_COLUMNS as readonly string[]).includes(state)) return false;
  totals.states[state as CountedState] += 1;
  totals.machines += 1;
  return true;
}

function fitKey(key: string): string {
  return alignRight(key.slice(0, TOTALS_KEY_WIDTH), TOTALS_KEY_WIDTH);
}

/** The totals table's columns (StartdNormalTotal::displayHeader) and their printf widths. */
const TOTALS_COLUMNS: ReadonlyArray<readonly [string, number]> = [
  ['Total', 6], ['Owner', 5], ['Claimed', 7], ['Unclaimed', 9], ['Matched', 7],
  ['Preempting', 10], ['Drain', 6], ['Backfill', 8], ['BkIdle', 6],
];

function totalsRow(t: SlotTotals): string {
  const s = t.states;
  const counts = [t.machines, s.Owner, s.Claimed, s.Unclaimed, s.Matched, s.Preempting, s.Drained, s.Backfill, t.backfillIdle];
  return counts.map((n, i) => alignRight(String(n), TOTALS_COLUMNS[i][1])).join(' ') + '\n';
}

/** condor_status's totals table: one row per Arch/OpSys, then the overall Total row. */
export function formatStatusTotals(machines: ClassAd[]): string {
  const byKey = new Map<string, SlotTotals>();
  const overall = emptyTotals();
  let malformed = 0;
  for (const slot of machines) {
    const arch = slot.getString('Arch');
    const opsys = slot.getString('OpSys');
    if (arch === undefined || opsys === undefined) {
      malformed += 1;
      continue;
    }
    const key = `${arch}/${opsys}`;
    const totals = byKey.get(key) ?? emptyTotals();
    byKey.set(key, totals);
    const state = slot.getString('State');
    if (!addSlot(totals, state)) malformed += 1;
    addSlot(overall, state);
  }
  const heading = TOTALS_COLUMNS.map(([title, width]) => alignRight(title, width)).join(' ');
  let out = ' '.repeat(TOTALS_KEY_WIDTH) + heading + '\n\n';
  const keys = [...byKey.keys()].sort();
  for (const key of keys) out += fitKey(key) + totalsRow(byKey.get(key) as SlotTotals);
  if (keys.length > 0) out += '\n';
  out += fitKey('Total') + totalsRow(overall);
  if (malformed > 0) {
    out += `\n${' '.repeat(TOTALS_KEY_WIDTH)}(Omitted ${malformed} malformed ads in computed attribute totals)\n\n`;
  }
  return out;
}
