import * as api from './api.js';
import { byId, element, nowSeconds } from './dom.js';
import { formatBytes, statusName } from './format.js';
import { timelineChart } from './timeline-chart.js';

const SUMMARY_ATTRIBUTES = ['Owner', 'Cmd', 'Arguments', 'JobStatus', 'HoldReason', 'RemoteHost', 'NumJobStarts', 'NumCkpts', 'CheckpointNumber', 'JobLastCheckpointTime', 'RemoteWallClockTime', 'UserLog', 'Iwd'];
const ACTION_WORDS: Record<string, string> = { hold: 'Hold', release: 'Release', vacate: 'Vacate', remove: 'Remove' };
const REFRESH_DELAY_MS = 200;

/** A ClassAd string literal's value for display, a time attribute as a date; other expressions as written. */
function displayValue(name: string, text: string): string {
  if (text.startsWith('"') && text.endsWith('"')) return text.slice(1, -1).replace(/\\(.)/g, '$1');
  if (/(Time|Date)$/.test(name) && /^[0-9]{9,}$/.test(text)) return new Date(Number(text) * 1000).toLocaleString();
  return text;
}

/** The panel of one job: its ad, actions, timeline, SPOOL files, stdout tail and event log. */
export class JobView {
  jobId: string | undefined;
  private refreshTimer: number | undefined;
  private loadSeq = 0;

  constructor(
    private readonly confirm: (text: string) => Promise<boolean>,
    private readonly onError: (err: unknown) => void,
  ) {
    byId('job-close').addEventListener('click', () => this.close());
    // A job's output changes without an event; it is read again when asked (or when the job's state changes).
    byId('job-stdout-refresh').addEventListener('click', () => void this.load());
    for (const button of document.querySelectorAll<HTMLButtonElement>('#job-panel [data-action]')) {
      button.addEventListener('click', () => void this.act(button.dataset.action ?? ''));
    }
  }

  open(jobId: string): void {
    this.jobId = jobId;
    byId('job-panel').hidden = false;
    byId('job-title').textContent = `Job ${jobId}`;
    byId('job-message').textContent = '';
    void this.load();
  }

  close(): void {
    this.jobId = undefined;
    byId('job-panel').hidden = true;
  }

  /** Something about this job happened: read it again soon (a burst of events is one refresh). */
  changed(jobId: string): void {
    if (jobId !== this.jobId || this.refreshTimer !== undefined) return;
    this.refreshTimer = window.setTimeout(() => {
      this.refreshTimer = undefined;
      void this.load();
    }, REFRESH_DELAY_MS);
  }

  private async act(action: string): Promise<void> {
    const jobId = this.jobId;
    if (!jobId || !(await this.confirm(`${ACTION_WORDS[action] ?? action} job ${jobId}?`))) return;
    try {
      const reply = await api.act(jobId, action);
      byId('job-message').textContent = [...reply.results.map((r) => r.message), ...reply.notFound.map((id) => `Job ${id} not found`)].join('; ');
    } catch (err) {
      this.onError(err);
    }
  }

  private async load(): Promise<void> {
    const jobId = this.jobId;
    if (!jobId) return;
    const seq = ++this.loadSeq;
    try {
      const [ad, events, files, stdout] = await Promise.all([
        api.jobAd(jobId).catch(() => undefined),
        api.jobEvents(jobId).catch(() => undefined),
        api.spoolFiles(jobId).catch(() => undefined),
        api.stdoutTail(jobId).catch(() => undefined),
      ]);
      if (seq !== this.loadSeq || jobId !== this.jobId) return;
      this.showSummary(ad?.ad);
      if (events) {
        byId('job-timeline').replaceChildren(timelineChart(events.timeline, nowSeconds()));
        byId('job-events').textContent =
          events.error ?? (events.events.map((e) => e.text).join('') || (events.logFile ? '(no events yet)' : '(the job has no log file)'));
      }
      byId('job-files').replaceChildren(
        ...(files?.entries.length
          ? files.entries.map((entry) => {
              const li = element('li');
              const link = element('a', undefined, entry.path);
              link.href = `/v1/jobs/${jobId}/spool/file?path=${encodeURIComponent(entry.path)}`;
              link.download = entry.path.split('/').pop() ?? entry.path;
              li.append(link, element('span', undefined, formatBytes(entry.bytes)));
              return li;
            })
          : [element('li', undefined, '(nothing in SPOOL yet)')]),
      );
      byId('job-stdout-source').textContent = stdout ? `(from ${stdout.source === 'sandbox' ? "the running job's sandbox" : stdout.source === 'spool' ? 'the last checkpoint in SPOOL' : 'nowhere yet'})` : '';
      byId('job-stdout').textContent = stdout?.text ?? '';
    } catch (err) {
      this.onError(err);
    }
  }

  private showSummary(ad: Record<string, string> | undefined): void {
    const summary = byId('job-summary');
    if (!ad) {
      summary.replaceChildren(element('p', undefined, 'The job has left the queue.'));
      for (const button of document.querySelectorAll<HTMLButtonElement>('#job-panel [data-action]')) button.disabled = true;
      return;
    }
    const status = Number(ad.JobStatus);
    const list = element('dl', 'summary');
    for (const name of SUMMARY_ATTRIBUTES) {
      const text = ad[name];
      if (text === undefined) continue;
      list.append(element('dt', undefined, name), element('dd', undefined, name === 'JobStatus' ? statusName(status) : displayValue(name, text)));
    }
    summary.replaceChildren(list);
    const allowed: Record<string, boolean> = { hold: status === 1 || status === 2, release: status === 5, vacate: status === 2, remove: status !== 3 };
    for (const button of document.querySelectorAll<HTMLButtonElement>('#job-panel [data-action]')) button.disabled = !allowed[button.dataset.action ?? ''];
  }
}
