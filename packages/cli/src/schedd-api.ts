import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type WebSocket from 'ws';
import { CliError } from './cli-error.js';
import { trustedCas } from './extra-ca.js';
import type { PoolConfig } from './pool-config.js';

export type { ActionReply } from '@tinycondor/shared/rest-schemas';

/** The schedd's REST API as the condor_* commands use it. */
export class ScheddApi {
  /** CAs for an https/wss schedd when NODE_EXTRA_CA_CERTS adds some (see trustedCas); undefined: node's default. */
  private readonly ca: string[] | undefined;
  private readonly send: typeof http.request;
  /** Keeps the connection open between the calls of one command, then lets the process exit. */
  private readonly agent: http.Agent;

  private constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {
    const secure = baseUrl.startsWith('https:');
    this.ca = secure ? trustedCas(process.env, (text) => process.stderr.write(text)) : undefined;
    this.send = secure ? https.request : http.request;
    this.agent = secure ? new https.Agent({ keepAlive: true, maxSockets: 1, ...(this.ca ? { ca: this.ca } : {}) }) : new http.Agent({ keepAlive: true, maxSockets: 1 });
  }

  static fromConfig(pool: PoolConfig): ScheddApi {
    const url = pool.value('SCHEDD_URL');
    const tokenFile = pool.value('TINYCONDOR_TOKEN_FILE');
    if (!url || !tokenFile) throw new CliError(`ERROR: ${pool.file} does not name SCHEDD_URL and TINYCONDOR_TOKEN_FILE`);
    return new ScheddApi(url.replace(/\/+$/, ''), readToken(pool, tokenFile));
  }

  /** A websocket to a schedd route, authenticated like every request (ws is loaded only when needed). */
  async websocket(path: string): Promise<WebSocket> {
    const { default: WebSocketClass } = await import('ws');
    const url = `${this.baseUrl.replace(/^http/, 'ws')}${path}`;
    return new WebSocketClass(url, { headers: { authorization: `Bearer ${this.token}` }, ...(this.ca ? { ca: this.ca } : {}) });
  }

  /** One JSON request. node:http rather than fetch: a command makes a couple of calls, and fetch costs more to start. */
  request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    return this.requestText(method, path, body === undefined ? undefined : JSON.stringify(body));
  }

  /** One JSON request whose body the caller has already serialized (to know its size first). */
  async requestText<T>(method: 'GET' | 'POST', path: string, payload: string | undefined): Promise<T> {
    const { status, text } = await this.exchange(method, path, payload, true);
    let parsed: unknown;
    try {
      parsed = text === '' ? {} : JSON.parse(text);
    } catch {
      throw new CliError(`ERROR: the schedd answered ${status} with a body that is not JSON`);
    }
    if (status < 200 || status >= 300) {
      const message = (parsed as { error?: string; message?: string }).error ?? (parsed as { message?: string }).message ?? text;
      throw new ScheddRefused(status, message);
    }
    return parsed as T;
  }

  /** Uploads a tar stream (PUT); the JSON answer, or a ScheddRefused. */
  upload<T>(path: string, body: AsyncIterable<unknown>): Promise<T> {
    return new Promise((resolve, reject) => {
      const request = this.send(
        `${this.baseUrl}${path}`,
        // Not on the kept-alive connection: an upload may run beside the command's other calls.
        { method: 'PUT', ...(this.ca ? { ca: this.ca } : {}), headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/x-tar' } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: { error?: string } = {};
            try {
              parsed = text === '' ? {} : (JSON.parse(text) as { error?: string });
            } catch {
              reject(new CliError(`ERROR: the schedd answered ${response.statusCode} with a body that is not JSON`));
              return;
            }
            const status = response.statusCode ?? 0;
            if (status < 200 || status >= 300) reject(new ScheddRefused(status, parsed.error ?? text));
            else resolve(parsed as T);
          });
        },
      );
      request.on('error', (err: NodeJS.ErrnoException) =>
        reject(new ScheddUnreachable(this.baseUrl, err)),
      );
      pipeline(body as Readable, request).catch((err: unknown) => request.destroy(err as Error));
    });
  }

  /** A GET whose body is not JSON (a tar stream, a log): the response stream, or a ScheddRefused. */
  download(path: string): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      const request = this.send(`${this.baseUrl}${path}`, { method: 'GET', agent: this.agent, headers: { authorization: `Bearer ${this.token}` } }, (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) {
          resolve(response);
          return;
        }
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let message = text;
          try {
            message = (JSON.parse(text) as { error?: string }).error ?? text;
          } catch {
            // not JSON: the text as it is
          }
          reject(new ScheddRefused(status, message));
        });
      });
      request.on('error', (err: NodeJS.ErrnoException) =>
        reject(new ScheddUnreachable(this.baseUrl, err)),
      );
      request.end();
    });
  }

  private exchange(method: string, path: string, payload: string | undefined, mayRetry: boolean): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const request = this.send(
        `${this.baseUrl}${path}`,
        {
          method,
          agent: this.agent,
          headers: {
            authorization: `Bearer ${this.token}`,
            ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          response.on('error', reject);
        },
      );
      request.on('error', (err: NodeJS.ErrnoException) => {
        // A kept-alive connection the schedd closed meanwhile (a long expansion between calls): retry once on a new one.
        if (mayRetry && request.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) {
          this.exchange(method, path, payload, false).then(resolve, reject);
          return;
        }
        reject(new ScheddUnreachable(this.baseUrl, err));
      });
      request.end(payload);
    });
  }

}

/** The request did not get an answer: no connection, or it broke before the reply (the request may have been carried out). */
export class ScheddUnreachable extends CliError {
  constructor(baseUrl: string, err: NodeJS.ErrnoException) {
    super(`ERROR: Can't connect to the schedd at ${baseUrl} (${err.code ?? err.message}). Is the pool running?`);
  }
}

/**
 * The credential of this user: the pool token where she may read it (the pool's owner, a queue superuser),
 * else her own token, `<TINYCONDOR_USER_TOKEN_DIR>/<user>.token` (see `tinycondor token create`).
 */
function readToken(pool: PoolConfig, tokenFile: string): string {
  // A relative token file is next to the condor_config naming it (a client configuration and its token copy).
  const resolve = (file: string) => path.resolve(path.dirname(pool.file), file);
  let poolTokenError: Error;
  try {
    return fs.readFileSync(resolve(tokenFile), 'utf8').trim();
  } catch (err) {
    poolTokenError = err as Error;
  }
  const userTokenDir = pool.value('TINYCONDOR_USER_TOKEN_DIR');
  const userTokenFile = userTokenDir === undefined ? undefined : path.join(resolve(userTokenDir), `${os.userInfo().username}.token`);
  try {
    if (userTokenFile !== undefined && (poolTokenError as NodeJS.ErrnoException).code === 'EACCES') return fs.readFileSync(userTokenFile, 'utf8').trim();
  } catch (err) {
    throw new CliError(`ERROR: cannot read the pool token ${tokenFile} (${poolTokenError.message}) nor your own token ${userTokenFile}: ${(err as Error).message}`);
  }
  throw new CliError(`ERROR: cannot read the pool token ${tokenFile}: ${poolTokenError.message}`);
}

export class ScheddRefused extends CliError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(`ERROR: ${message}`);
  }
}
