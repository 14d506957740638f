import type { SlotRow } from '@tinycondor/shared/protocol';
import { element } from './dom.js';
import { formatBytes } from './format.js';

/** The connected startds and their slots, with the job each claimed slot runs. */
export function renderSlots(container: HTMLElement, slots: SlotRow[], onJob: (jobId: string) => void): void {
  const byStartd = new Map<string, SlotRow[]>();
  for (const slot of [...slots].sort((a, b) => `${a.startd} ${a.slot}`.localeCompare(`${b.startd} ${b.slot}`))) byStartd.set(slot.startd, [...(byStartd.get(slot.startd) ?? []), slot]);
  if (byStartd.size === 0) {
    container.replaceChildren(element('p', undefined, 'No startd is connected.'));
    return;
  }
  container.replaceChildren(
    ...[...byStartd].map(([startd, rows]) => {
      const box = element('div', 'startd');
      const busy = rows.filter((r) => r.jobId !== null).length;
      box.append(element('h3', undefined, `${startd} — ${busy}/${rows.length} slot(s) claimed`));
      const table = element('table', 'slots');
      const head = element('tr');
      for (const title of ['Slot', 'Cpus', 'Memory', 'Disk', 'State', 'Job']) head.append(element('th', undefined, title));
      table.append(head);
      for (const row of rows) {
        const tr = element('tr');
        const job = element('td');
        if (row.jobId) {
          const link = element('a', undefined, row.jobId);
          link.href = '#';
          link.addEventListener('click', (event) => {
            event.preventDefault();
            onJob(row.jobId as string);
          });
          job.append(link);
        }
        tr.append(
          element('td', undefined, `${row.slot}@${row.startd}`),
          element('td', undefined, String(row.cpus)),
          element('td', undefined, `${row.memoryMb} MB`),
          element('td', undefined, formatBytes(row.diskKb * 1024)),
          element('td', undefined, slotState(row)),
          job,
        );
        table.append(tr);
      }
      box.append(table);
      return box;
    }),
  );
}

/** Claimed or not; a partitionable slot, what its dynamic slots have left it. */
function slotState(row: SlotRow): string {
  if (row.left) return `Partitionable: ${row.left.cpus} cpus, ${row.left.memoryMb} MB, ${formatBytes(row.left.diskKb * 1024)} left`;
  return row.jobId ? 'Claimed' : 'Unclaimed';
}
