import http from 'node:http';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import type { PackedArchive } from '@tinycondor/transfer/tar/index';

/**
 * HTTP calls a startd makes to its schedd, authenticated with the pool token and the startd's key. node:http with a
 * keep-alive agent and no Nagle delay: every job makes two or three of these, so each round trip counts.
 *
 * Each transfer names the last run report the startd has not seen acknowledged (`reportsBefore`): the schedd
 * handles the transfer after that report, so a run's state changes there in the order the startd saw (ReportOrder).
 */
export class ScheddClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  /** The key the schedd's welcome gave this startd; a transfer presents it to show whose run it is. */
  key: string | undefined;

  constructor(
    readonly baseUrl: string,
    private readonly token: string,
    /** The seq of the last report the schedd must handle before a transfer of `runId` (0: none pending). */
    private readonly reportsBefore: (runId: string) => number,
  ) {}

  private headers(runId: string, extra: Record<string, string>): Record<string, string> {
    return {
      authorization: `Bearer ${this.token}`,
      ...(this.key === undefined ? {} : { 'x-tinycondor-startd-key': this.key }),
      'x-tinycondor-after-report': String(this.reportsBefore(runId)),
      ...extra,
    };
  }

  private runUrl(jobId: string, runId: string, what: 'input' | 'output' | 'checkpoint'): string {
    return `${this.baseUrl}/v1/jobs/${jobId}/runs/${runId}/${what}`;
  }

  /** Sends a request (streaming `body` into it when given) and resolves with the response once its headers arrive. */
  private send(method: 'GET' | 'PUT', runId: string, url: string, body?: PackedArchive): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      const request = http.request(url, {
        method,
        agent: this.agent,
        headers: this.headers(runId, body ? { 'content-type': 'application/x-tar' } : {}),
      });
      request.setNoDelay(true);
      request.on('response', resolve);
      request.on('error', reject);
      if (!body) {
        request.end();
        return;
      }
      upload(body, request).catch((err: unknown) => {
        request.destroy(err as Error);
        reject(err);
      });
    });
  }

  /** The input sandbox as a tar stream; throws with the schedd's reason when it refuses. */
  async fetchInput(jobId: string, runId: string): Promise<Readable> {
    const response = await this.send('GET', runId, this.runUrl(jobId, runId, 'input'));
    if (response.statusCode !== 200) throw new TransferRefused(response.statusCode ?? 0, await errorText(response));
    return response;
  }

  /** Streams a tar of the output sandbox to the schedd. */
  async sendOutput(jobId: string, runId: string, tar: PackedArchive): Promise<{ files: number; bytes: number }> {
    const response = await this.send('PUT', runId, this.runUrl(jobId, runId, 'output'), tar);
    if (response.statusCode !== 200) throw new TransferRefused(response.statusCode ?? 0, await errorText(response));
    return JSON.parse(await readAll(response)) as { files: number; bytes: number };
  }

  /** Sends a checkpoint (or the files sent at eviction) to be committed into the job's SPOOL directory. */
  async sendCheckpoint(jobId: string, runId: string, kind: 'checkpoint' | 'evict', checkpointNumber: number, tar: PackedArchive): Promise<void> {
    const query = kind === 'checkpoint' ? `?kind=checkpoint&number=${checkpointNumber}` : '?kind=evict';
    const response = await this.send('PUT', runId, `${this.runUrl(jobId, runId, 'checkpoint')}${query}`, tar);
    if (response.statusCode !== 200) throw new TransferRefused(response.statusCode ?? 0, await errorText(response));
    await readAll(response);
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

/**
 * Writes the archive into the request, waiting for the socket when it is full. Each chunk goes back to
 * the archive once the socket has written it, so its buffer serves the next read.
 */
async function upload(archive: PackedArchive, request: http.ClientRequest): Promise<void> {
  const ended = new Promise<never>((_resolve, reject) => {
    request.once('error', reject);
    request.once('close', () => reject(new Error('the connection closed before the upload was complete')));
  });
  ended.catch(() => undefined);
  for await (const data of archive.stream) {
    const chunk = data as Uint8Array;
    const room = request.write(chunk, (err) => {
      if (!err) archive.release(chunk);
    });
    if (!room) await Promise.race([once(request, 'drain'), ended]);
  }
  request.end();
}

async function readAll(response: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function errorText(response: http.IncomingMessage): Promise<string> {
  const text = await readAll(response).catch(() => '');
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
  } catch {
    // not JSON: use the text as it is
  }
  return `HTTP ${response.statusCode ?? 0}${text ? `: ${text.slice(0, 500)}` : ''}`;
}
