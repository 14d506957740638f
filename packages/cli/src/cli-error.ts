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
  stderr: (text: string) => void;
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
    stderr: (text) => process.stderr.write(text),
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
      if (err instanceof CliError) {
        process.stderr.write(err.message.endsWith('\n') ? err.message : `${err.message}\n`);
        process.exitCode = err.exitCode;
      } else {
        process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
        process.exitCode = 1;
      }
    },
  );
}
