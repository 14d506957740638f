import fs from 'node:fs';
import WebSocket from 'ws';
import { CliError } from './cli-error.js';
import type { PoolConfig } from './pool-config.js';

export interface ActionReply {
  results: { jobId: string; ok: boolean; message: string }[];
  notFound: string[];
}

/** The schedd's REST API as the condor_* commands use it. */
export class ScheddApi {
  private constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  static fromConfig(pool: PoolConfig): ScheddApi {
    const url = pool.value('SCHEDD_URL');
    const tokenFile = pool.value('TINYCONDOR_TOKEN_FILE');
    if (!url || !tokenFile) throw new CliError(`ERROR: ${pool.file} does not name SCHEDD_URL and TINYCONDOR_TOKEN_FILE`);
    let token: string;
    try {
      token = fs.readFileSync(tokenFile, 'utf8').trim();
    } catch (err) {
      throw new CliError(`ERROR: cannot read the pool token ${tokenFile}: ${(err as Error).message}`);
    }
    return new ScheddApi(url.replace(/\/+$/, ''), token);
  }

  /** A websocket to a schedd route, authenticated like every request. */
  websocket(path: string): WebSocket {
    return new WebSocket(`${this.baseUrl.replace(/^http/, 'ws')}${path}`, { headers: { authorization: `Bearer ${this.token}` } });
  }

  async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      throw new CliError(`ERROR: Can't connect to the schedd at ${this.baseUrl} (${cause}). Is the pool running?`);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? {} : JSON.parse(text);
    } catch {
      throw new CliError(`ERROR: the schedd answered ${response.status} with a body that is not JSON`);
    }
    if (!response.ok) {
      const message = (parsed as { error?: string; message?: string }).error ?? (parsed as { message?: string }).message ?? text;
      throw new ScheddRefused(response.status, message);
    }
    return parsed as T;
  }
}

export class ScheddRefused extends CliError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(`ERROR: ${message}`);
  }
}
