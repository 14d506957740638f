import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import type { Logger } from 'pino';
import { CHIRP_LINE_MAX, CHIRP_VERSION, ChirpError, parseChirpRequest, presentedCookie, type ChirpEnablement, type ChirpRequest } from '@tinycondor/shared/chirp/protocol';

/** A request the run acts on (what is not answered by the proxy alone). */
export type ActionableRequest = Exclude<ChirpRequest, { kind: 'invalid' | 'version' }>;

/**
 * A request's outcome: a code (0 or a CHIRP_ERROR_*, or a count) for the reply line, then any `data` sent as
 * it is (a stat line, bytes read), or a value sent as its length then its bytes. A code may go on to
 * `receive` bytes the job sends after it (putfile's data): once they are all read they are handed to
 * `then`, whose code is a second reply line. A write's bytes come before its only reply (`receiveFirst`);
 * bytes the submit side will not take are read and dropped before the reply (`discard`).
 */
export type ChirpAnswer =
  | { code: number; data?: string | Buffer; receive?: { length: number; then: (bytes: Buffer) => Promise<{ code: number }> } }
  | { value: string | Buffer }
  | { receiveFirst: { length: number; then: (bytes: Buffer) => Promise<{ code: number }> } }
  | { discard: number; code: number };

export interface ChirpBackend {
  answer(request: ActionableRequest): Promise<ChirpAnswer>;
}

/** IO_PROXY_COOKIE_SIZE: cookie_create fills 32 bytes, the last one the terminator. */
const COOKIE_LETTERS = 31;
/** A wrong cookie is answered after a second, as the proxy sleeps before it answers one. */
const WRONG_COOKIE_DELAY_MS = 1000;
/** Connections one run's proxy keeps at once: a job opening more has the extra ones closed. */
const MAX_CONNECTIONS = 64;

/** cookie_create: lowercase letters from a cryptographic generator. */
function newCookie(): string {
  return Array.from({ length: COOKIE_LETTERS }, () => String.fromCharCode(97 + crypto.randomInt(26))).join('');
}

/**
 * A run's Chirp I/O proxy (IOProxy, IOProxyHandler): a TCP server on the loopback address (a Docker job's on
 * its Docker network's) whose address,
 * port and cookie are in the sandbox's .chirp.config, answering each authenticated line as the starter's
 * handler does. Lines come from the job: each is bounded (CHIRP_LINE_MAX), read one at a time, and no
 * line, however malformed, ends more than its own connection.
 */
export class ChirpServer {
  private readonly sockets = new Set<net.Socket>();
  private closed = false;

  private constructor(
    private readonly server: net.Server,
    private readonly cookie: string,
    private readonly enablement: ChirpEnablement,
    private readonly backend: ChirpBackend,
    private readonly log: Logger,
  ) {
    server.on('connection', (socket) => this.serve(socket));
    server.on('error', (err) => log.warn({ err }, 'chirp proxy error'));
  }

  /** Listens (on `host`, 127.0.0.1 by default, a port of the system's choosing) and writes the contact file `configFile` (mode 0700). */
  static async open(opts: { configFile: string; enablement: ChirpEnablement; backend: ChirpBackend; log: Logger; host?: string }): Promise<ChirpServer> {
    const server = net.createServer({ noDelay: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: opts.host ?? '127.0.0.1', port: 0 }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const chirp = new ChirpServer(server, newCookie(), opts.enablement, opts.backend, opts.log);
    try {
      const { address, port } = server.address() as net.AddressInfo;
      // A file of that name already in the sandbox (from the job's input) is replaced, never written through.
      fs.rmSync(opts.configFile, { force: true });
      fs.writeFileSync(opts.configFile, `${address} ${port} ${chirp.cookie}\n`, { mode: 0o700, flag: 'wx' });
    } catch (err) {
      chirp.close();
      throw err;
    }
    opts.log.info({ ...opts.enablement }, 'chirp proxy listening');
    return chirp;
  }

  /** The run is over: no more connections, and those open are closed. */
  close(): void {
    this.closed = true;
    this.server.close();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  private serve(socket: net.Socket): void {
    if (this.closed || this.sockets.size >= MAX_CONNECTIONS) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', (err) => this.log.debug({ err }, 'chirp connection error'));
    const input = new ChirpInput();
    let authenticated = false;
    let busy = false;
    let ended = false;
    const end = () => {
      ended = true;
      socket.end();
    };
    const reply = (text: string | Buffer) => {
      if (!socket.destroyed) socket.write(text);
    };
    // Lines one at a time, in order: the socket is paused while a request is answered, except while the
    // request reads the bytes that follow its line.
    const pump = async () => {
      if (busy) return;
      busy = true;
      try {
        while (!socket.destroyed && !ended) {
          const newline = input.indexOfNewline(CHIRP_LINE_MAX + 1);
          if ((newline < 0 && input.size > CHIRP_LINE_MAX) || newline > CHIRP_LINE_MAX) {
            this.log.warn('rejecting chirp request because it is too large');
            reply(`${ChirpError.TooBig}\n`);
            end();
            return;
          }
          if (newline < 0) return;
          const raw = input.take(newline + 1).subarray(0, newline);
          // An empty line reads as nothing at all (get_line_raw's 0): the proxy closes the connection.
          if (raw.length === 0) {
            end();
            return;
          }
          // The handler reads a C string: a NUL ends the line.
          const nul = raw.indexOf(0);
          const line = (nul < 0 ? raw : raw.subarray(0, nul)).toString('utf8');
          if (authenticated) {
            const answer = await this.answer(line);
            if (answer.receiveFirst !== undefined || answer.discard !== undefined) {
              socket.resume();
              const first = answer.receiveFirst;
              const bytes = first !== undefined ? await input.read(first.length) : await input.discard(answer.discard!);
              if (bytes === undefined) return;
              reply(first !== undefined ? `${(await this.settle(() => first.then(bytes))).code}\n` : answer.reply);
              continue;
            }
            reply(answer.reply);
            if (answer.receive !== undefined) {
              socket.resume();
              const bytes = await input.read(answer.receive.length);
              if (bytes === undefined) return;
              reply(`${(await this.settle(() => answer.receive!.then(bytes))).code}\n`);
            }
          } else {
            authenticated = presentedCookie(line) === this.cookie;
            if (!authenticated && presentedCookie(line) !== undefined) {
              this.log.warn('chirp client presented the wrong cookie');
              await new Promise((resolve) => setTimeout(resolve, WRONG_COOKIE_DELAY_MS).unref());
            }
            reply(authenticated ? '0\n' : `${ChirpError.NotAuthenticated}\n`);
          }
        }
      } finally {
        busy = false;
        if (!socket.destroyed && !ended) socket.resume();
      }
    };
    socket.on('data', (chunk: Buffer) => {
      input.push(chunk);
      if (busy && !input.reading) socket.pause();
      void pump();
    });
    socket.on('end', () => input.end());
    socket.on('close', () => input.end());
  }

  /** A backend call, a failure of which (not a refusal: the backend answers those) is UNKNOWN. */
  private async settle<T extends ChirpAnswer>(call: () => Promise<T>): Promise<T | { code: number }> {
    try {
      return await call();
    } catch (err) {
      this.log.error({ err }, 'chirp request failed');
      return { code: ChirpError.Unknown };
    }
  }

  /** The reply to an authenticated line (INVALID_REQUEST for what no allowed command matches), and the bytes it reads before or after it. */
  private async answer(line: string): Promise<{
    reply: string | Buffer;
    receive?: { length: number; then: (bytes: Buffer) => Promise<{ code: number }> };
    receiveFirst?: { length: number; then: (bytes: Buffer) => Promise<{ code: number }> };
    discard?: number;
  }> {
    const request = parseChirpRequest(line, this.enablement);
    if (request.kind === 'invalid') return { reply: `${ChirpError.InvalidRequest}\n` };
    if (request.kind === 'version') return { reply: `${CHIRP_VERSION}\n` };
    const answer: ChirpAnswer = await this.settle(() => this.backend.answer(request));
    if ('value' in answer) {
      const bytes = typeof answer.value === 'string' ? Buffer.from(answer.value) : answer.value;
      return { reply: Buffer.concat([Buffer.from(`${bytes.length}\n`), bytes]) };
    }
    if ('receiveFirst' in answer) return { reply: '', receiveFirst: answer.receiveFirst };
    if ('discard' in answer) return { reply: `${answer.code}\n`, discard: answer.discard };
    const data = answer.data === undefined ? [] : [typeof answer.data === 'string' ? Buffer.from(answer.data) : answer.data];
    return { reply: data.length === 0 ? `${answer.code}\n` : Buffer.concat([Buffer.from(`${answer.code}\n`), ...data]), receive: answer.receive };
  }
}

/**
 * What a connection has sent and not yet been read: lines are looked for in it, and a request's bytes are
 * awaited without joining every chunk as it comes.
 */
class ChirpInput {
  private chunks: Buffer[] = [];
  size = 0;
  private ended = false;
  private waiting: (() => void) | undefined;
  /** Whether a request is waiting for its bytes (the socket then stays flowing). */
  reading = false;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    this.waiting?.();
  }

  end(): void {
    this.ended = true;
    this.waiting?.();
  }

  /** Where the first newline is among the first `within` bytes, or -1. */
  indexOfNewline(within: number): number {
    return this.joined().subarray(0, within).indexOf(0x0a);
  }

  /** The next `length` bytes read and dropped as they come; undefined when the connection ends first. */
  async discard(length: number): Promise<Buffer | undefined> {
    this.reading = true;
    try {
      for (let left = length; left > 0; ) {
        if (this.size === 0) {
          if (this.ended) return undefined;
          await new Promise<void>((resolve) => (this.waiting = resolve));
          continue;
        }
        left -= this.take(Math.min(this.size, left)).length;
      }
      return Buffer.alloc(0);
    } finally {
      this.waiting = undefined;
      this.reading = false;
    }
  }

  /** The first `length` bytes, taken out (there must be that many). */
  take(length: number): Buffer {
    const all = this.joined();
    this.chunks = all.length > length ? [all.subarray(length)] : [];
    this.size -= length;
    return all.subarray(0, length);
  }

  /** The next `length` bytes once they have all come; undefined when the connection ends first. */
  async read(length: number): Promise<Buffer | undefined> {
    this.reading = true;
    try {
      while (this.size < length && !this.ended) await new Promise<void>((resolve) => (this.waiting = resolve));
      return this.size < length ? undefined : this.take(length);
    } finally {
      this.waiting = undefined;
      this.reading = false;
    }
  }

  private joined(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }
}
