import { once } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import type { TSchema, Static } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { NOT_JSON, ScheddRefused, ScheddReplyInvalid, ScheddUnreachable } from './errors.js';

export interface TransportOptions {
  /** The schedd's base URL (http or https), without a trailing slash. */
  baseUrl: string;
  token: string;
  /** The CAs an https schedd is checked against; undefined: node's default. */
  ca?: string[] | undefined;
  /** Connections kept open to the schedd at once. */
  maxSockets: number;
  /** A call whose connection stays silent this long is given up (ScheddUnreachable, ETIMEDOUT); undefined: never. */
  timeoutMs?: number | undefined;
}

/** A tar body to upload: its chunks go back through `release` once written, so their memory serves the next read. */
export interface TarBody {
  stream: AsyncIterable<unknown>;
  release?(chunk: Uint8Array): void;
}

export type Headers = Record<string, string>;

/** Each schema compiled once, on first use: a command pays only for the routes it calls. */
const checkers = new WeakMap<TSchema, TypeCheck<TSchema>>();

function checkerOf<T extends TSchema>(schema: T): TypeCheck<T> {
  let checker = checkers.get(schema);
  if (checker === undefined) {
    checker = TypeCompiler.Compile(schema);
    checkers.set(schema, checker);
  }
  return checker as TypeCheck<T>;
}

function routeOf(method: string, path: string): string {
  const query = path.indexOf('?');
  return `${method} ${query < 0 ? path : path.slice(0, query)}`;
}

/**
 * HTTP to the schedd: node:http rather than fetch (a command makes a couple of calls, and fetch costs more
 * to start), a keep-alive agent and no Nagle delay (a startd makes two or three calls per job, so each
 * round trip counts).
 */
export class Transport {
  readonly baseUrl: string;
  private readonly token: string;
  private readonly ca: string[] | undefined;
  private readonly send: typeof http.request;
  private readonly agent: http.Agent;
  private readonly timeoutMs: number | undefined;

  constructor(options: TransportOptions) {
    this.baseUrl = options.baseUrl;
    this.token = options.token;
    this.ca = options.ca;
    this.timeoutMs = options.timeoutMs;
    const secure = options.baseUrl.startsWith('https:');
    this.send = secure ? https.request : http.request;
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets };
    this.agent = secure ? new https.Agent({ ...agentOptions, ...(this.ca ? { ca: this.ca } : {}) }) : new http.Agent(agentOptions);
  }

  /** The bearer token, for a caller opening a websocket itself. */
  get authorization(): string {
    return `Bearer ${this.token}`;
  }

  get trustedCas(): string[] | undefined {
    return this.ca;
  }

  /** A JSON request (`payload` already serialized), its reply checked against `schema`. */
  async json<T extends TSchema>(method: 'GET' | 'POST' | 'DELETE', path: string, schema: T, payload?: string, extraHeaders: Headers = {}): Promise<Static<T>> {
    const body: Headers = payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) };
    const headers = { ...extraHeaders, ...body };
    const response = await this.request(method, path, headers, payload, true);
    return replyOf(routeOf(method, path), response, schema);
  }

  /** A request with a body of raw bytes (application/octet-stream), its JSON reply checked against `schema`. */
  async octets<T extends TSchema>(method: 'PUT' | 'POST', path: string, schema: T, payload: Buffer, extraHeaders: Headers = {}): Promise<Static<T>> {
    const headers = { ...extraHeaders, 'content-type': 'application/octet-stream', 'content-length': String(payload.length) };
    const response = await this.request(method, path, headers, payload, true);
    return replyOf(routeOf(method, path), response, schema);
  }

  /** A GET whose 2xx body is bytes, read whole; any other status is a ScheddRefused. */
  async bytes(path: string, headers: Headers = {}): Promise<Buffer> {
    const response = await this.stream(path, headers);
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /** A GET whose 2xx body is a stream (a tar, a log); any other status is a ScheddRefused. */
  async stream(path: string, headers: Headers = {}): Promise<http.IncomingMessage> {
    const response = await this.request('GET', path, headers, undefined, true);
    if (isSuccess(response)) return response;
    throw await refusal(routeOf('GET', path), response);
  }

  /** Streams a tar body (PUT) and checks the JSON reply against `schema`. Not retried: the body is consumed. */
  async upload<T extends TSchema>(path: string, body: TarBody, schema: T, headers: Headers = {}): Promise<Static<T>> {
    const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const request = this.open('PUT', path, { ...headers, 'content-type': 'application/x-tar' });
      request.on('response', resolve);
      request.on('error', (err: NodeJS.ErrnoException) => reject(new ScheddUnreachable(this.baseUrl, err)));
      writeBody(body, request).catch((err: unknown) => {
        request.destroy(err as Error);
        reject(err);
      });
    });
    return replyOf(routeOf('PUT', path), response, schema);
  }

  private open(method: string, path: string, headers: Headers): http.ClientRequest {
    const request = this.send(`${this.baseUrl}${path}`, { method, agent: this.agent, headers: { authorization: `Bearer ${this.token}`, ...headers } });
    request.setNoDelay(true);
    const { timeoutMs } = this;
    if (timeoutMs !== undefined) {
      request.setTimeout(timeoutMs, () => request.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    }
    return request;
  }

  /** Resolves with the response once its headers arrive. */
  private request(method: string, path: string, headers: Headers, payload: string | Buffer | undefined, mayRetry: boolean): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      const request = this.open(method, path, headers);
      request.on('response', resolve);
      request.on('error', (err: NodeJS.ErrnoException) => {
        // A kept-alive connection the schedd closed meanwhile (a long pause between calls): retry once on a new one.
        if (mayRetry && request.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) {
          this.request(method, path, headers, payload, false).then(resolve, reject);
          return;
        }
        reject(new ScheddUnreachable(this.baseUrl, err));
      });
      request.end(payload);
    });
  }
}

function isSuccess(response: http.IncomingMessage): boolean {
  const status = response.statusCode ?? 0;
  return status >= 200 && status < 300;
}

async function readText(response: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: text === '' ? {} : JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** The schedd's words for a refusal: the `error` of its JSON body, else its `message`. */
function reasonOf(parsed: ReturnType<typeof parseJson>): string | undefined {
  if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null) return undefined;
  const { error, message } = parsed.value as { error?: unknown; message?: unknown };
  if (typeof error === 'string') return error;
  return typeof message === 'string' ? message : undefined;
}

async function refusal(route: string, response: http.IncomingMessage): Promise<ScheddRefused> {
  const text = await readText(response).catch(() => '');
  return new ScheddRefused(route, response.statusCode ?? 0, reasonOf(parseJson(text)), text);
}

async function replyOf<T extends TSchema>(route: string, response: http.IncomingMessage, schema: T): Promise<Static<T>> {
  const status = response.statusCode ?? 0;
  const text = await readText(response);
  const parsed = parseJson(text);
  if (!isSuccess(response)) throw new ScheddRefused(route, status, reasonOf(parsed), text);
  if (!parsed.ok) throw new ScheddReplyInvalid(route, status, NOT_JSON);
  const checker = checkerOf(schema);
  if (!checker.Check(parsed.value)) {
    const first = checker.Errors(parsed.value).First();
    throw new ScheddReplyInvalid(route, status, first ? `${first.path || '/'} ${first.message}` : 'does not match its schema');
  }
  return parsed.value;
}

/**
 * Writes the body into the request, waiting for the socket when it is full. Each chunk goes back to the
 * body once the socket has written it, so its buffer serves the next read.
 */
async function writeBody(body: TarBody, request: http.ClientRequest): Promise<void> {
  const ended = new Promise<never>((_resolve, reject) => {
    request.once('error', reject);
    request.once('close', () => reject(new Error('the connection closed before the upload was complete')));
  });
  ended.catch(() => undefined);
  for await (const data of body.stream) {
    const chunk = data as Uint8Array;
    const room = request.write(chunk, (err) => {
      if (!err && body.release) body.release(chunk);
    });
    if (!room) await Promise.race([once(request, 'drain'), ended]);
  }
  request.end();
}
