import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { CHIRP_LINE_MAX, ChirpError, clientErrno, escapeChirpWord } from '@tinycondor/shared/chirp/protocol';

/** What chirp_client.c aborts on (a reply that is not one, UNKNOWN): condor_chirp prints its words and exits 1. */
export class ChirpFatal extends Error {}

/** A failed call with the errno chirp_client.c leaves (condor_chirp prints "\tError: N (words)"). */
export class ChirpFailure extends Error {
  constructor(
    readonly errno: number,
    readonly words: string,
    /** What condor_chirp itself printed to stderr first. */
    readonly stderr: string,
  ) {
    super(words);
  }
}

const ERRNO = {
  ENOENT: { errno: 2, message: 'No such file or directory' },
  EACCES: { errno: 13, message: 'Permission denied' },
  EINVAL: { errno: 22, message: 'Invalid argument' },
  ECONNREFUSED: { errno: 111, message: 'Connection refused' },
} as const;

/** A result as convert_result returns it: the value, or -1 with the errno it sets. */
export interface ChirpResult {
  value: number;
  errno?: { errno: number; message: string };
}

/** A connection to the starter's I/O proxy, one request and reply at a time (chirp_client.c). */
export class ChirpClient {
  private buffered = Buffer.alloc(0);
  private ended = false;
  private waiting: (() => void) | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.waiting?.();
    });
    const end = () => {
      this.ended = true;
      this.waiting?.();
    };
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', end);
  }

  /**
   * chirp_client_connect_starter: the contact file (_CONDOR_CHIRP_CONFIG, else .chirp.config in
   * _CONDOR_SCRATCH_DIR or here), a connection to it and the cookie presented. Throws ChirpFailure with
   * condor_chirp's words when any of it fails.
   */
  static async connectStarter(env: NodeJS.ProcessEnv, cwd: string): Promise<ChirpClient> {
    const cannot = 'cannot chirp_connect to condor_starter\n';
    const file = env._CONDOR_CHIRP_CONFIG ?? `${env._CONDOR_SCRATCH_DIR ?? '.'}/.chirp.config`;
    let text: string;
    try {
      text = fs.readFileSync(path.resolve(cwd, file), 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const errno = code === 'EACCES' ? ERRNO.EACCES : ERRNO.ENOENT;
      throw new ChirpFailure(errno.errno, errno.message, `Can't open ${file} file\n${cannot}`);
    }
    const fields = /^\s*(\S+)\s+([+-]?\d+)\s+(\S+)/.exec(text);
    if (!fields) throw new ChirpFailure(ERRNO.EINVAL.errno, ERRNO.EINVAL.message, cannot);
    const [host, port, cookie] = [fields[1], Number(fields[2]), fields[3]];
    const socket = await new Promise<net.Socket | undefined>((resolve) => {
      const attempt = net.connect({ host, port: port & 0xffff, noDelay: true });
      attempt.once('connect', () => resolve(attempt));
      attempt.once('error', () => resolve(undefined));
    });
    if (socket === undefined) throw new ChirpFailure(ERRNO.ECONNREFUSED.errno, ERRNO.ECONNREFUSED.message, `Can't connect to ${host}:${port}\n${cannot}`);
    const client = new ChirpClient(socket);
    const result = await client.simpleCommand('cookie', cookie);
    if (result.value !== 0) {
      client.disconnect();
      const errno = result.errno ?? ERRNO.EACCES;
      throw new ChirpFailure(errno.errno, errno.message, cannot);
    }
    return client;
  }

  disconnect(): void {
    this.socket.destroy();
  }

  /** simple_command: the command and its words (escaped as vsprintf_chirp escapes them), then the converted result. */
  async simpleCommand(command: string, ...words: (string | number)[]): Promise<ChirpResult> {
    const line = [command, ...words.map((word) => (typeof word === 'number' ? String(word) : escapeChirpWord(word)))].join(' ');
    this.socket.write(`${line}\n`);
    return this.reply();
  }

  /** A command whose bytes follow its line at once (write, pwrite, swrite: chirp_client_write), then its result. */
  async commandWithBytes(line: string, bytes: Buffer): Promise<ChirpResult> {
    this.socket.write(`${line}\n`);
    this.socket.write(bytes);
    return this.reply();
  }

  /** fgets: the next line of the reply (open's and stat's stat line), or a fatal request error named `what`. */
  async line(what: string): Promise<string> {
    for (;;) {
      const line = this.takeLine();
      if (line !== undefined) return line;
      if (this.ended) {
        if (this.buffered.length === 0) throw new ChirpFatal(`chirp: couldn't ${what}: Success\n`);
        const rest = this.buffered.toString('utf8');
        this.buffered = Buffer.alloc(0);
        return rest;
      }
      await this.more();
    }
  }

  /** Bytes sent as they are (putfile's data, after its reply). */
  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** get_result then convert_result: the next reply line as a result. */
  async reply(): Promise<ChirpResult> {
    const code = await this.result();
    if (code >= 0) return { value: code };
    if (code === ChirpError.Unknown) throw fatalResponse();
    return { value: -1, errno: clientErrno(code) };
  }

  /** The `length` bytes that follow a reply (a value), or a fatal request error named `what`. */
  async bytes(length: number, what: string): Promise<Buffer> {
    while (this.buffered.length < length && !this.ended) await this.more();
    if (this.buffered.length < length) throw new ChirpFatal(`chirp: couldn't ${what}: Success\n`);
    const bytes = this.buffered.subarray(0, length);
    this.buffered = this.buffered.subarray(length);
    return bytes;
  }

  /** get_result: one reply line, read as a decimal. */
  private async result(): Promise<number> {
    for (;;) {
      const line = this.takeLine();
      if (line !== undefined) {
        const match = /^\s*([+-]?\d+)/.exec(line);
        if (!match) throw fatalResponse();
        return Number(match[1]);
      }
      if (this.ended) throw fatalResponse();
      await this.more();
    }
  }

  /** The buffered reply line, as fgets reads one (at most CHIRP_LINE_MAX - 1 bytes), once it is all there. */
  private takeLine(): string | undefined {
    const newline = this.buffered.indexOf(0x0a);
    if (newline < 0 && this.buffered.length < CHIRP_LINE_MAX - 1) return undefined;
    const end = newline >= 0 ? newline + 1 : CHIRP_LINE_MAX - 1;
    const line = this.buffered.subarray(0, end).toString('utf8');
    this.buffered = this.buffered.subarray(end);
    return line;
  }

  private more(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting = () => {
        this.waiting = undefined;
        resolve();
      };
    });
  }
}

function fatalResponse(): ChirpFatal {
  return new ChirpFatal("chirp: couldn't get response from server: Success\n");
}
