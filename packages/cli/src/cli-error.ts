import { NOT_JSON, ScheddRefused, ScheddReplyInvalid, ScheddUnreachable } from '@tinycondor/client/errors';

/** An error a command reports to its user: printed as it is (no stack), with the command's exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export interface CommandIo {
  stdout: (text: string) => void;
  /** Bytes to stdout as they are (a file condor_chirp fetches to `-`); commands fall back to `stdout` without it. */
  stdoutBytes?: (data: Uint8Array) => void;
  stderr: (text: string) => void;
  /** The columns of the terminal stdout is; undefined when stdout is no terminal (condor_q's getConsoleWindowSize). */
  stdoutColumns?: () => number | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
  readStdin: () => Promise<string>;
  stdin: NodeJS.ReadableStream;
}

export type Command = (args: string[], io: CommandIo) => Promise<number>;

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/** Runs a command as a process: real stdio, exit code, and CliErrors printed without a stack. */
export function runMain(command: Command): void {
  const io: CommandIo = {
    stdout: (text) => process.stdout.write(text),
    stdoutBytes: (data) => process.stdout.write(data),
    stderr: (text) => process.stderr.write(text),
    stdoutColumns: () => (process.stdout.isTTY ? process.stdout.columns ?? 0 : undefined),
    env: process.env,
    cwd: process.cwd(),
    readStdin: () => readAll(process.stdin),
    // A getter: process.stdin sets up a stream on first use, which costs a command that never reads it milliseconds.
    get stdin() {
      return process.stdin;
    },
  };
  command(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      const message = err instanceof CliError ? err.message : scheddErrorMessage(err);
      if (message !== undefined) {
        process.stderr.write(message.endsWith('\n') ? message : `${message}\n`);
        process.exitCode = err instanceof CliError ? err.exitCode : 1;
      } else {
        process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
        process.exitCode = 1;
      }
    },
  );
}

export function unreachableMessage(err: ScheddUnreachable): string {
  return `ERROR: Can't connect to the schedd at ${err.baseUrl} (${err.code ?? err.message}). Is the pool running?`;
}

/** A failed call to the schedd, in the commands' words; undefined for any other error. */
export function scheddErrorMessage(err: unknown): string | undefined {
  if (err instanceof ScheddUnreachable) return unreachableMessage(err);
  const notJson = (status: number) => `ERROR: the schedd answered ${status} with a body that is not JSON`;
  if (err instanceof ScheddRefused) {
    if (err.reason !== undefined) return `ERROR: ${err.reason}`;
    try {
      if (err.body !== '') JSON.parse(err.body);
    } catch {
      return notJson(err.status);
    }
    return `ERROR: ${err.body}`;
  }
  if (err instanceof ScheddReplyInvalid) return err.problem === NOT_JSON ? notJson(err.status) : `ERROR: ${err.message}`;
  return undefined;
}
