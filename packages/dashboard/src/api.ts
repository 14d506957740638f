import type { QueueRow, SlotRow } from '@tinycondor/shared/protocol';
import type { ActionReply } from '@tinycondor/shared/rest-schemas';

export class Unauthorized extends Error {}

async function request<T>(method: string, url: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: {} };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { 'content-type': 'application/json' };
  }
  const response = await fetch(url, init);
  if (response.status === 401) throw new Unauthorized('not logged in');
  const data = (await response.json()) as T & { error?: string };
  if (!response.ok) throw new Error(data.error ?? `${method} ${url}: HTTP ${response.status}`);
  return data;
}

export interface QueuePage {
  total: number;
  offset: number;
  rows: QueueRow[];
  /** Only on the first page. */
  owners?: string[];
  counts?: Record<string, number>;
}

export interface Filter {
  status: string;
  owner: string;
}

export function queuePage(offset: number, limit: number, filter: Filter): Promise<QueuePage> {
  const query = new URLSearchParams({ offset: String(offset), limit: String(limit) });
  if (filter.status) query.set('status', filter.status);
  if (filter.owner) query.set('owner', filter.owner);
  return request('GET', `/v1/queue?${query.toString()}`);
}

export const slots = (): Promise<{ slots: SlotRow[] }> => request('GET', '/v1/slots');
export const jobAd = (jobId: string): Promise<{ ad: Record<string, string> }> => request('GET', `/v1/jobs/${jobId}`);

export interface JobEvents {
  events: { code: number; time: number; text: string }[];
  timeline: { runs: { start: number; end: number | null; outcome: string }[]; marks: { kind: string; time: number }[] };
  logFile: string | null;
  truncated: boolean;
  error?: string;
}
export const jobEvents = (jobId: string): Promise<JobEvents> => request('GET', `/v1/jobs/${jobId}/events`);
export const spoolFiles = (jobId: string): Promise<{ directory: string; entries: { path: string; bytes: number; mtime: number }[]; truncated: boolean }> =>
  request('GET', `/v1/jobs/${jobId}/spool`);
export const stdoutTail = (jobId: string): Promise<{ source: string; text: string }> => request('GET', `/v1/jobs/${jobId}/stdout?bytes=16384`);

export const act = (jobId: string, action: string): Promise<ActionReply> => request('POST', `/v1/jobs/${jobId}/${action}`, {});

export const login = (token: string): Promise<{ ok: boolean }> => request('POST', '/login', { token });
export const logout = (): Promise<{ ok: boolean }> => request('POST', '/logout');
