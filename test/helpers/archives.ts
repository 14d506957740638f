// Transfers as a startd sends them, built by hand so that a test chooses each entry, its order and its name.
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { END_MARKER } from '@tinycondor/transfer/tar/index';

/**
 * The archive of `entries` in this order (as pairs, a `null` content is a directory; or files by name),
 * then the end marker with the counts of the files and their bytes.
 */
export async function transferArchive(entries: Record<string, string> | [string, string | null][]): Promise<Buffer> {
  const pack = tar.pack();
  let files = 0;
  let bytes = 0;
  for (const [name, content] of Array.isArray(entries) ? entries : Object.entries(entries)) {
    if (content === null) {
      pack.entry({ name, type: 'directory' });
      continue;
    }
    pack.entry({ name }, content);
    files += 1;
    bytes += Buffer.byteLength(content);
  }
  pack.entry({ name: END_MARKER }, JSON.stringify({ files, bytes }));
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack as unknown as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/**
 * PUTs a transfer to one of a run's routes as its startd does (the pool token and the startd's key, and the
 * last report the schedd must handle first, if any); a stream is sent as it comes.
 */
export function putAsStartd(url: string, token: string, key: string, route: string, body: Buffer | Readable, afterReport = 0): Promise<Response> {
  return fetch(`${url}${route}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'x-tinycondor-startd-key': key, 'content-type': 'application/x-tar', 'x-tinycondor-after-report': String(afterReport) },
    body: Readable.toWeb(Buffer.isBuffer(body) ? Readable.from([body]) : body) as unknown as BodyInit,
    duplex: 'half',
  } as RequestInit);
}

/** PUTs checkpoint `number` of the run as its startd does. */
export function putCheckpoint(url: string, token: string, key: string, jobId: string, runId: string, number: number, body: Buffer | Readable): Promise<Response> {
  return putAsStartd(url, token, key, `/v1/jobs/${jobId}/runs/${runId}/checkpoint?kind=checkpoint&number=${number}`, body);
}
