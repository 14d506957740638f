import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

/** HTTP calls a startd makes to its schedd, authenticated with the pool token. */
export class ScheddClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
    private readonly startdName: string,
  ) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { authorization: `Bearer ${this.token}`, 'x-tinycondor-startd': this.startdName, ...extra };
  }

  private runUrl(jobId: string, runId: number, what: 'input' | 'output' | 'checkpoint'): string {
    return `${this.baseUrl}/v1/jobs/${jobId}/runs/${runId}/${what}`;
  }

  /** The input sandbox as a tar stream; throws with the schedd's reason when it refuses. */
  async fetchInput(jobId: string, runId: number): Promise<Readable> {
    const response = await fetch(this.runUrl(jobId, runId, 'input'), { headers: this.headers() });
    if (!response.ok || response.body === null) throw new TransferRefused(response.status, await errorText(response));
    return Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
  }

  /** Streams a tar of the output sandbox to the schedd. */
  async sendOutput(jobId: string, runId: number, tar: AsyncIterable<unknown>): Promise<{ files: number; bytes: number }> {
    const response = await fetch(this.runUrl(jobId, runId, 'output'), {
      method: 'PUT',
      headers: this.headers({ 'content-type': 'application/x-tar' }),
      body: tar as unknown as BodyInit,
      duplex: 'half',
    } as RequestInit);
    if (!response.ok) throw new TransferRefused(response.status, await errorText(response));
    return (await response.json()) as { files: number; bytes: number };
  }

  /** Sends a checkpoint (or the files sent at eviction) to be committed into the job's SPOOL directory. */
  async sendCheckpoint(jobId: string, runId: number, kind: 'checkpoint' | 'evict', checkpointNumber: number, tar: AsyncIterable<unknown>): Promise<void> {
    const query = kind === 'checkpoint' ? `?kind=checkpoint&number=${checkpointNumber}` : '?kind=evict';
    const response = await fetch(`${this.runUrl(jobId, runId, 'checkpoint')}${query}`, {
      method: 'PUT',
      headers: this.headers({ 'content-type': 'application/x-tar' }),
      body: tar as unknown as BodyInit,
      duplex: 'half',
    } as RequestInit);
    if (!response.ok) throw new TransferRefused(response.status, await errorText(response));
    await response.arrayBuffer();
  }
}

export class TransferRefused extends Error {
  constructor(
    readonly status: number,
    reason: string,
  ) {
    super(reason);
    this.name = 'TransferRefused';
  }
}

async function errorText(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
  } catch {
    // not JSON: use the text as it is
  }
  return `HTTP ${response.status}${text ? `: ${text.slice(0, 500)}` : ''}`;
}
