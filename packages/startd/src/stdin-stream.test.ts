import { spawn } from 'node:child_process';
import fs from 'node:fs';
import pino from 'pino';
import t from 'tap';
import { StreamedStdin, type StdinSource } from './stdin-stream.js';

const log = pino({ level: 'silent' });

/** A submit-side file in memory, read as the schedd reads it; `failAt`: the offset whose read fails. */
function source(data: Buffer, failAt?: number): StdinSource & { reads: number[] } {
  const reads: number[] = [];
  return {
    reads,
    read: async (offset, length) => {
      reads.push(offset);
      if (failAt !== undefined && offset >= failAt) throw new Error('No such file or directory');
      return data.subarray(offset, offset + length);
    },
  };
}

/** What a process reading the stream as its stdin counts of it (wc -c). */
async function bytesRead(stdin: StreamedStdin): Promise<string> {
  const child = spawn('wc', ['-c'], { stdio: [stdin.jobEnd, 'pipe', 'ignore'] });
  fs.closeSync(stdin.jobEnd);
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await new Promise((resolve) => child.on('close', resolve));
  return out.trim();
}

t.test('the job reads the whole file through the pipe, fed as it reads, then end of file', async (t) => {
  const data = Buffer.alloc(3 * 1024 * 1024 + 17, 'x');
  const file = source(data);
  const stdin = await StreamedStdin.open(file, 256 * 1024, log);
  stdin.start(() => t.fail('no read fails'));
  t.equal(await bytesRead(stdin), String(data.length));
  t.same(file.reads.slice(0, 3), [0, 256 * 1024, 512 * 1024], 'read at increasing offsets');
  t.equal(file.reads.at(-1), data.length, 'the last read finds the end');
  stdin.stop();
});

t.test('an empty file: end of file at once', async (t) => {
  const stdin = await StreamedStdin.open(source(Buffer.alloc(0)), 1024, log);
  stdin.start(() => t.fail('no read fails'));
  t.equal(await bytesRead(stdin), '0');
  stdin.stop();
});

t.test('a first read that fails: no stream (the job is held before it starts)', async (t) => {
  await t.rejects(StreamedStdin.open(source(Buffer.alloc(10), 0), 1024, log), /No such file/);
});

t.test('a read that fails later: the caller is told, and the job reads end of file', async (t) => {
  const stdin = await StreamedStdin.open(source(Buffer.alloc(4096, 'y'), 1024), 1024, log);
  let broke: Error | undefined;
  stdin.start((err) => (broke = err));
  t.equal(await bytesRead(stdin), '1024');
  t.match(broke?.message, /No such file/);
  t.equal(stdin.failure, broke);
  stdin.stop();
});

t.test('stopped while a read is under way: nothing more is read or fed, and no failure is said', async (t) => {
  const reads: number[] = [];
  let reached!: () => void;
  const secondRead = new Promise<void>((resolve) => (reached = resolve));
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const file: StdinSource = {
    read: async (offset, length) => {
      reads.push(offset);
      if (reads.length === 2) {
        reached();
        await gate;
      }
      return Buffer.alloc(length, 'z');
    },
  };
  const stdin = await StreamedStdin.open(file, 1024, log);
  stdin.start(() => t.fail('a stop is no failure'));
  await secondRead;
  stdin.stop();
  release();
  await new Promise((resolve) => setImmediate(resolve));
  t.same(reads, [0, 1024]);
  t.equal(stdin.failure, undefined);
  fs.closeSync(stdin.jobEnd);
});
