import type { QueueRow } from '@tinycondor/shared/protocol';
import { queuePage, type Filter, type QueuePage } from './api.js';
import { element, nowSeconds } from './dom.js';
import { queueChangeAction } from './queue-change.js';
import { formatAge, formatBytes, formatDuration, pagesFor, runSeconds, statusName, visibleRange } from './format.js';

const ROW_HEIGHT = 28;
const PAGE_SIZE = 200;
const OVERSCAN = 10;
/** Changes arriving in a burst (a big submission) refresh the view once. */
const REFRESH_DELAY_MS = 250;

/**
 * The queue as a virtualised list: only the rows on screen exist in the DOM, and only the pages of rows
 * around them are fetched (server-side paging), so 10 000 jobs cost what 50 do.
 */
export class QueueView {
  private filter: Filter = { status: '', owner: '' };
  private total = 0;
  private readonly pages = new Map<number, QueueRow[]>();
  /** Pages of before the last reload, shown until their fresh copy arrives (no flicker on live refresh). */
  private stale = new Map<number, QueueRow[]>();
  private readonly loading = new Set<number>();
  private generation = 0;
  private refreshTimer: number | undefined;
  private renderQueued = false;
  /** The rows now in the DOM, by job id. */
  private readonly shown = new Map<string, QueueRow>();
  selected: string | undefined;

  constructor(
    private readonly viewport: HTMLElement,
    private readonly spacer: HTMLElement,
    private readonly onPage: (page: QueuePage) => void,
    private readonly onSelect: (jobId: string) => void,
    private readonly onError: (err: unknown) => void,
  ) {
    viewport.addEventListener('scroll', () => this.queueRender());
    window.addEventListener('resize', () => this.queueRender());
    const select = (event: Event) => {
      const row = (event.target as HTMLElement).closest<HTMLElement>('[data-job-id]');
      if (row?.dataset.jobId) this.onSelect(row.dataset.jobId);
    };
    spacer.addEventListener('click', select);
    spacer.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        select(event);
      }
    });
    // Run times and checkpoint ages advance on their own: only those cells change, the rows stay.
    setInterval(() => this.tick(), 1000);
  }

  setFilter(filter: Filter): void {
    this.filter = filter;
    this.viewport.scrollTop = 0;
    this.reload();
    this.stale.clear();
  }

  /** Fetches what is on screen again; the old rows stay until the new ones are there. */
  reload(): void {
    this.generation += 1;
    this.stale = new Map([...this.stale, ...this.pages]);
    this.pages.clear();
    this.loading.clear();
    const { first, last } = this.range();
    for (const page of new Set([0, ...pagesFor(first, last, PAGE_SIZE)])) void this.fetchPage(page);
  }

  private range(): { first: number; last: number } {
    return visibleRange(this.viewport.scrollTop, this.viewport.clientHeight, ROW_HEIGHT, this.total, OVERSCAN);
  }

  /** A job changed: update its row in place when it is shown and still passes the filter, else refresh soon. */
  jobChanged(row: QueueRow, left: boolean): void {
    const passesFilter = this.filter.status === '' || String(row.status) === this.filter.status;
    for (const page of this.pages.values()) {
      const index = page.findIndex((r) => r.jobId === row.jobId);
      if (index < 0) continue;
      if (queueChangeAction({ onLoadedPage: true, left, passesFilter }) === 'update') {
        page[index] = row;
        this.queueRender();
      } else this.refreshSoon();
      return;
    }
    if (queueChangeAction({ onLoadedPage: false, left, passesFilter }) === 'refresh') this.refreshSoon();
  }

  refreshSoon(): void {
    if (this.refreshTimer !== undefined) return;
    this.refreshTimer = window.setTimeout(() => {
      this.refreshTimer = undefined;
      this.reload();
    }, REFRESH_DELAY_MS);
  }

  private async fetchPage(index: number): Promise<void> {
    if (this.loading.has(index)) return;
    this.loading.add(index);
    const generation = this.generation;
    try {
      const page = await queuePage(index * PAGE_SIZE, PAGE_SIZE, this.filter);
      if (generation !== this.generation) return;
      this.pages.set(index, page.rows);
      this.stale.delete(index);
      this.total = page.total;
      this.spacer.style.height = `${this.total * ROW_HEIGHT}px`;
      this.onPage(page);
      this.queueRender();
    } catch (err) {
      this.onError(err);
    } finally {
      if (generation === this.generation) this.loading.delete(index);
    }
  }

  /** Draws the visible rows at the next frame (after a selection, a scroll, a live change). */
  queueRender(): void {
    if (this.renderQueued) return;
    this.renderQueued = true;
    requestAnimationFrame(() => {
      this.renderQueued = false;
      this.render();
    });
  }

  private render(): void {
    const { first, last } = this.range();
    for (const page of pagesFor(first, last, PAGE_SIZE)) if (!this.pages.has(page)) void this.fetchPage(page);
    const now = nowSeconds();
    const rows: HTMLElement[] = [];
    this.shown.clear();
    for (let i = first; i < last; i++) {
      const page = Math.floor(i / PAGE_SIZE);
      const row = (this.pages.get(page) ?? this.stale.get(page))?.[i % PAGE_SIZE];
      if (row) this.shown.set(row.jobId, row);
      rows.push(row ? this.rowElement(row, i, now) : placeholder(i));
    }
    const focused = (document.activeElement as HTMLElement | null)?.dataset?.jobId;
    this.spacer.replaceChildren(...rows);
    if (focused) this.spacer.querySelector<HTMLElement>(`[data-job-id="${focused}"]`)?.focus({ preventScroll: true });
  }

  private tick(): void {
    const now = nowSeconds();
    for (const el of this.spacer.querySelectorAll<HTMLElement>('[data-job-id]')) {
      const row = this.shown.get(el.dataset.jobId ?? '');
      if (!row) continue;
      const [, , , , runTime, , , checkpoint] = el.children;
      if (row.runStart > 0) runTime.textContent = formatDuration(runSeconds(row, now));
      if (row.lastCheckpointTime > 0) checkpoint.textContent = lastCheckpoint(row, now);
    }
  }

  private rowElement(row: QueueRow, index: number, now: number): HTMLElement {
    const el = element('div', row.jobId === this.selected ? 'row selected' : 'row');
    el.tabIndex = 0;
    el.setAttribute('role', 'button');
    el.style.top = `${index * ROW_HEIGHT}px`;
    el.dataset.jobId = row.jobId;
    el.dataset.status = statusName(row.status);
    el.title = `${row.cmd} ${row.args}`.trim();
    const state = element('span', `state s${row.status}`, statusName(row.status));
    if (row.holdReason) state.title = row.holdReason;
    const cells = [
      element('span', 'id', row.jobId),
      element('span', undefined, row.owner),
      element('span', undefined, `${row.cmd.split('/').pop() ?? row.cmd} ${row.args}`.trim()),
      element('span', undefined),
      element('span', undefined, row.starts > 0 ? formatDuration(runSeconds(row, now)) : ''),
      element('span', undefined, String(row.starts)),
      element('span', undefined, String(row.checkpoints)),
      element('span', undefined, lastCheckpoint(row, now)),
    ];
    cells[3].append(state);
    el.append(...cells);
    return el;
  }
}

function lastCheckpoint(row: QueueRow, now: number): string {
  return row.lastCheckpointTime > 0 ? `${formatBytes(row.lastCheckpointBytes)} ${formatAge(row.lastCheckpointTime, now)}`.trim() : '';
}

function placeholder(index: number): HTMLElement {
  const el = element('div', 'row', '…');
  el.style.top = `${index * ROW_HEIGHT}px`;
  return el;
}
