import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHIRP_LINE_MAX } from '@tinycondor/shared/chirp/protocol';
import { strerror } from '@tinycondor/shared/submit/file-probe';
import { ChirpClient, ChirpFailure, ChirpFatal, type ChirpResult } from '../chirp-client.js';
import { longListingOutput, parseStatLine, printStat } from '../chirp-listing.js';
import type { Command, CommandIo } from '../cli-error.js';

// condor_chirp as src/condor_chirp/condor_chirp.cpp behaves: its usage lines, outputs and exit statuses (a
// failure returns -1, 255 to the shell, after "\tError: errno (words)" on stdout; what chirp_client.c
// aborts on exits 1 after "chirp: couldn't WHAT: words" on stderr; a command that succeeds returns its
// call's result, so `read` exits with the count it read, modulo 256). Every command goes through the
// starter's (here the startd's) proxy to the submit side.

const USAGE = [
  'Usage:',
  'condor_chirp fetch remote_file local_file',
  'condor_chirp put [-mode mode] [-perm perm] local_file remote_file',
  'condor_chirp remove remote_file',
  'condor_chirp get_job_attr job_attribute',
  'condor_chirp get_job_attr_delayed job_attribute',
  'condor_chirp set_job_attr job_attribute attribute_value',
  'condor_chirp set_job_attr_delayed job_attribute attribute_value',
  'condor_chirp ulog text',
  'condor_chirp read [-offset offset] [-stride length skip] remote_file length',
  'condor_chirp write [-offset remote_offset] [-stride length skip] remote_file local_file',
  'condor_chirp rmdir [-r] remotepath',
  'condor_chirp getdir [-l] remotepath',
  'condor_chirp whoami',
  'condor_chirp whoareyou remotepath',
  'condor_chirp link [-s] oldpath newpath',
  'condor_chirp readlink remotepath length',
  'condor_chirp stat remotepath',
  'condor_chirp lstat remotepath',
  'condor_chirp statfs remotepath',
  'condor_chirp access remotepath mode(rwxf)',
  'condor_chirp chmod remotepath mode',
  'condor_chirp chown remotepath uid gid',
  'condor_chirp lchown remotepath uid gid',
  'condor_chirp truncate remotepath length',
  'condor_chirp utime remotepath actime mtime',
].join('\n');

/** What a subcommand returns (condor_chirp's ret_val) and the errno its failure left. */
interface Outcome {
  status: number;
  errno?: { errno: number; message: string };
}

/** The subcommand's work on a connected client; usage errors are checked before it connects. */
type Work = (client: ChirpClient, io: CommandIo) => Promise<Outcome>;

const fromResult = (result: ChirpResult): Outcome => ({ status: result.value, errno: result.errno });

/** printf("%.*s\n", len, p) of a get_job_attr: the value; "(null)" when the call failed and left no buffer. */
async function printAttribute(client: ChirpClient, io: CommandIo, command: string, name: string): Promise<Outcome> {
  const result = await client.simpleCommand(command, name);
  if (result.value > 0) io.stdout(`${(await client.bytes(result.value, 'get_job_attr')).toString('utf8')}\n`);
  else io.stdout(result.value === 0 ? '\n' : '(null)\n');
  return { status: 0 };
}

/** The errno a local file operation failed with, as condor_chirp prints it. */
function localErrno(err: unknown): { errno: number; message: string } {
  const e = err as NodeJS.ErrnoException;
  return { errno: (os.constants.errno as Record<string, number>)[e.code ?? ''] ?? 5, message: strerror(e) };
}

/** chirp_fatal_request: a failed call the client library does not return from (condor_chirp exits 1). */
function fatalRequest(what: string, result: ChirpResult): ChirpFatal {
  return new ChirpFatal(`chirp: couldn't ${what}: ${result.errno?.message ?? 'Success'}\n`);
}

/** chirp_get_one_file: getfile, then the bytes into `local` (stdout for "-"). */
async function fetchFile(client: ChirpClient, io: CommandIo, remote: string, local: string): Promise<Outcome> {
  const result = await client.simpleCommand('getfile', remote);
  if (result.value < 0) throw fatalRequest('getfile', result);
  const bytes = await client.bytes(result.value, 'getfile');
  if (local === '-') {
    if (io.stdoutBytes) io.stdoutBytes(bytes);
    else io.stdout(bytes.toString('utf8'));
    return { status: 0 };
  }
  let fd: number;
  try {
    fd = fs.openSync(path.resolve(io.cwd, local), 'w+');
  } catch (err) {
    io.stderr(`Can't open local file ${local}\n`);
    return { status: -1, errno: localErrno(err) };
  }
  try {
    fs.writeSync(fd, bytes);
  } catch (err) {
    io.stderr(`local write error on ${local}\n`);
    return { status: -1, errno: localErrno(err) };
  } finally {
    fs.closeSync(fd);
  }
  return { status: 0 };
}

/**
 * chirp_put_one_file with putfile (the default mode "cwb" from a file): the file read whole, putfile's
 * reply, then its bytes. condor_chirp does not wait for the proxy's second reply (how much the submit side
 * wrote); this one reads it before it disconnects, so the file is there when it exits, and ignores it as
 * condor_chirp does.
 */
async function putFile(client: ChirpClient, io: CommandIo, local: string, remote: string, perm: number): Promise<Outcome> {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(path.resolve(io.cwd, local));
  } catch (err) {
    io.stderr(`Can't open local file ${local}\n`);
    return { status: -1, errno: localErrno(err) };
  }
  const result = await client.simpleCommand('putfile', remote, perm, bytes.length);
  if (result.value < 0) throw fatalRequest('putfile', result);
  if (bytes.length > 0) {
    client.send(bytes);
    await client.reply().catch(() => undefined);
  }
  return { status: 0 };
}

/** Where a command reads its local data: a file, or stdin for "-", read with fread's "as much as asked, unless the end comes first". */
interface LocalSource {
  read(length: number): Promise<Buffer>;
  close(): void;
}

/** safe_fopen_wrapper_follow(local, "rb"), or stdin for "-"; the errno when the file cannot be opened. */
function openLocal(io: CommandIo, local: string): LocalSource | { errno: number; message: string } {
  if (local === '-') return streamSource(io.stdin);
  let fd: number;
  try {
    fd = fs.openSync(path.resolve(io.cwd, local), 'r');
  } catch (err) {
    return localErrno(err);
  }
  return {
    async read(length) {
      const buffer = Buffer.alloc(Math.max(0, length));
      let got = 0;
      for (let n = -1; got < buffer.length && n !== 0; got += n) n = fs.readSync(fd, buffer, got, buffer.length - got, null);
      return buffer.subarray(0, got);
    },
    close: () => fs.closeSync(fd),
  };
}

function streamSource(stream: NodeJS.ReadableStream): LocalSource {
  const chunks = stream[Symbol.asyncIterator]();
  let held = Buffer.alloc(0);
  let ended = false;
  return {
    async read(length) {
      while (held.length < length && !ended) {
        const next = await chunks.next();
        if (next.done === true) ended = true;
        else held = Buffer.concat([held, Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value)]);
      }
      const taken = held.subarray(0, Math.max(0, length));
      held = held.subarray(taken.length);
      return taken;
    },
    close: () => undefined,
  };
}

/** chirp_client_open: open's result, then the stat line that follows a descriptor (get_stat must read it). */
async function openRemote(client: ChirpClient, remote: string, flags: string, mode: number): Promise<ChirpResult> {
  const opened = await client.simpleCommand('open', remote, flags, mode);
  if (opened.value >= 0 && parseStatLine(await client.line('fgets')) === undefined) throw new ChirpFatal("chirp: couldn't get_stat: Success\n");
  return opened;
}

/** CLOSE_DISCONNECT_AND_RETURN's close: its own result is not looked at. */
async function closeRemote(client: ChirpClient, fd: number): Promise<void> {
  await client.simpleCommand('close', fd);
}

/** A result that reads `value` bytes after it (read, pread, sread, readlink). */
async function withBytes(client: ChirpClient, result: ChirpResult, what: string): Promise<{ result: ChirpResult; bytes: Buffer }> {
  return { result, bytes: result.value > 0 ? await client.bytes(result.value, what) : Buffer.alloc(0) };
}

/** printf("%s\n") of a buffer: up to its first NUL. */
function printString(io: CommandIo, bytes: Buffer): void {
  const nul = bytes.indexOf(0);
  const text = nul < 0 ? bytes : bytes.subarray(0, nul);
  if (io.stdoutBytes) io.stdoutBytes(Buffer.concat([text, Buffer.from('\n')]));
  else io.stdout(`${text.toString('utf8')}\n`);
}

/**
 * chirp_put_one_file with open and write (a -mode other than cwb, or stdin): the local file (or stdin) opened
 * first, the remote one opened with the mode as it is, 8192 bytes at a time written at its position.
 */
async function putWithOpen(client: ChirpClient, io: CommandIo, local: string, remote: string, mode: string, perm: number): Promise<Outcome> {
  const source = openLocal(io, local);
  if ('errno' in source) {
    io.stderr(`Can't open local file ${local}\n`);
    return { status: -1, errno: source };
  }
  try {
    const opened = await openRemote(client, remote, mode, perm);
    if (opened.value < 0) {
      io.stderr(`Can't chirp_client_open ${remote}:${opened.value}\n`);
      return fromResult(opened);
    }
    for (;;) {
      const chunk = await source.read(8192);
      if (chunk.length === 0) break;
      const written = await client.commandWithBytes(`write ${opened.value} ${chunk.length}`, chunk);
      if (written.value !== chunk.length) {
        io.stderr("Couldn't chirp_write as much as we read\n");
        await closeRemote(client, opened.value);
        return fromResult({ value: -1, errno: written.errno });
      }
    }
    await closeRemote(client, opened.value);
    return { status: 0 };
  } finally {
    source.close();
  }
}

/** strtol(text, NULL, 10) kept in a C int. */
function strtol(text: string): number {
  const match = /^\s*([+-]?\d+)/.exec(text);
  return match ? Number.parseInt(match[1], 10) | 0 : 0;
}

/** chirp_read and chirp_write's options: -offset O, -stride L S, as they scan them; where the operands start. */
function placementOptions(argv: string[]): { at: number; offset: number; strideLength: number; strideSkip: number } {
  const at = optionsEnd(argv, { '-offset': 1, '-stride': 2 });
  let offset = 0;
  let strideLength = 0;
  let strideSkip = 0;
  for (let i = 2; i < at; ) {
    if (argv[i] === '-offset') {
      offset = strtol(argv[i + 1]);
      i += 2;
    } else {
      strideLength = strtol(argv[i + 1]);
      strideSkip = strtol(argv[i + 2]);
      i += 3;
    }
  }
  return { at, offset, strideLength, strideSkip };
}

/** chirp_read: open "r", then read, pread (an offset) or sread (a stride); what was read printed as a string. */
async function readRemote(client: ChirpClient, io: CommandIo, remote: string, length: number, offset: number, strideLength: number, strideSkip: number): Promise<Outcome> {
  const opened = await openRemote(client, remote, 'r', 0);
  if (opened.value < 0) return fromResult(opened);
  const fd = opened.value;
  const command =
    offset === 0 && strideLength === 0 && strideSkip === 0
      ? client.simpleCommand('read', fd, length)
      : strideLength === 0 && strideSkip === 0
        ? client.simpleCommand('pread', fd, length, offset)
        : client.simpleCommand('sread', fd, length, offset, strideLength, strideSkip);
  const what = offset === 0 && strideLength === 0 && strideSkip === 0 ? 'read' : strideLength === 0 && strideSkip === 0 ? 'pread' : 'sread';
  const { result, bytes } = await withBytes(client, await command, what);
  if (result.value >= 0) printString(io, bytes);
  await closeRemote(client, fd);
  return fromResult(result);
}

/**
 * chirp_write: the local file (or stdin) opened, then the remote one with "w" (it must exist: no c), then
 * one pwrite of up to `length` bytes at the offset; with a stride, one swrite of `length` bytes, or without
 * a length (`backwardCompat`) a pwrite per stride-length piece, each `strideSkip` further on.
 */
async function writeRemote(
  client: ChirpClient,
  io: CommandIo,
  remote: string,
  local: string,
  length: number,
  backwardCompat: boolean,
  offset: number,
  strideLength: number,
  strideSkip: number,
): Promise<Outcome> {
  const source = openLocal(io, local);
  if ('errno' in source) {
    io.stderr(`Can't open local file ${local}\n`);
    return { status: -1, errno: source };
  }
  try {
    const opened = await openRemote(client, remote, 'w', 0);
    if (opened.value < 0) return fromResult(opened);
    const fd = opened.value;
    let result: ChirpResult;
    if (strideLength === 0 && strideSkip === 0) {
      const data = await source.read(length);
      result = await client.commandWithBytes(`pwrite ${fd} ${data.length} ${offset}`, data);
    } else if (!backwardCompat) {
      // swrite sends `length` bytes whatever fread got: what it did not fill is zeros here.
      const data = Buffer.alloc(Math.max(0, length));
      (await source.read(length)).copy(data);
      result = await client.commandWithBytes(`swrite ${fd} ${data.length} ${offset} ${strideLength} ${strideSkip}`, data);
    } else {
      let total = 0;
      for (let add = 0; ; add += strideSkip) {
        const data = await source.read(length);
        if (data.length === 0) break;
        const written = await client.commandWithBytes(`pwrite ${fd} ${data.length} ${offset + add}`, data);
        if (written.value !== data.length) {
          io.stderr(`pwrite unable to write ${data.length} bytes\n`);
          await closeRemote(client, fd);
          return fromResult({ value: -1, errno: written.errno });
        }
        total += written.value;
      }
      result = { value: total };
    }
    await closeRemote(client, fd);
    return fromResult(result);
  } finally {
    source.close();
  }
}

/** chirp_do_stat / chirp_do_statfs: the call, then its line printed field by field. */
async function statRemote(client: ChirpClient, io: CommandIo, command: 'stat' | 'lstat' | 'statfs', remote: string): Promise<Outcome> {
  const result = await client.simpleCommand(command, remote);
  if (result.value === 0) {
    const line = await client.line('fgets');
    if (command === 'statfs') {
      const fields = /^\s*([+-]?\d+)\s+([+-]?\d+)\s+([+-]?\d+)\s+([+-]?\d+)\s+([+-]?\d+)\s+([+-]?\d+)\s+([+-]?\d+)/.exec(line);
      if (!fields) throw new ChirpFatal("chirp: couldn't get_statfs: Success\n");
      const names = ['f_type', 'f_bsize', 'f_blocks', 'f_bfree', 'f_bavail', 'f_files', 'f_ffree'];
      io.stdout(names.map((name, i) => `${name}: ${Number(fields[i + 1])}\n`).join(''));
    } else {
      const numbers = parseStatLine(line);
      if (numbers === undefined) throw new ChirpFatal("chirp: couldn't get_stat: Success\n");
      io.stdout(printStat(numbers, ''));
    }
  }
  return fromResult(result);
}

/** chirp_readlink: the link's text (readlink sends no terminator: what came is printed). */
async function readlinkRemote(client: ChirpClient, io: CommandIo, remote: string, length: number): Promise<Outcome> {
  const { result, bytes } = await withBytes(client, await client.simpleCommand('readlink', remote, length), 'readlink');
  // With nothing read the buffer is never allocated: printf("%s") of NULL.
  if (result.value === 0) io.stdout('(null)\n');
  else if (result.value > 0) printString(io, bytes);
  return fromResult(result);
}

/** chirp_getdir: getdir's buffer as it is, or getlongdir's names each followed by its stat fields. */
async function listDirectory(client: ChirpClient, io: CommandIo, remote: string, long: boolean): Promise<Outcome> {
  const command = long ? 'getlongdir' : 'getdir';
  const result = await client.simpleCommand(command, remote);
  if (result.value < 0) throw fatalRequest(command, result);
  const buffer = (await client.bytes(result.value, command)).toString('utf8');
  io.stdout(long ? longListingOutput(buffer) : buffer);
  return { status: result.value };
}

/** chirp_whoami / chirp_whoareyou: the answer in a CHIRP_LINE_MAX buffer, printed whatever the result; the result is the status. */
async function whoCommand(client: ChirpClient, io: CommandIo, words: (string | number)[], what: string): Promise<Outcome> {
  const result = await client.simpleCommand(what, ...words);
  const answer = result.value > 0 ? (await client.bytes(result.value, what)).toString('utf8') : '';
  io.stdout(`${answer}\n`);
  return fromResult(result);
}

/** A subcommand that sends one request and returns its result. */
const oneRequest =
  (command: string, ...words: (string | number)[]): Work =>
  async (client) =>
    fromResult(await client.simpleCommand(command, ...words));

/** Options before the operands: `-name value` (or `-stride length skip`), as chirp_put/read/write scan them. */
function optionsEnd(argv: string[], names: Record<string, number>): number {
  let at = 2;
  while (at + 1 < argv.length && names[argv[at]] !== undefined && at + names[argv[at]] < argv.length) at += names[argv[at]] + 1;
  return at;
}

/** The subcommand's work, or the usage line it prints (and returns -1 for) when its arguments are wrong. */
function plan(argv: string[]): Work | { usage: string } {
  const argc = argv.length;
  switch (argv[1]) {
    case 'get_job_attr':
      return argc === 3 ? (client, io) => printAttribute(client, io, 'get_job_attr', argv[2]) : { usage: 'condor_chirp get_job_attr AttributeName' };
    case 'get_job_attr_delayed':
      return argc === 3
        ? (client, io) => printAttribute(client, io, 'get_job_attr_delayed', argv[2])
        : {
            usage: [
              'condor_chirp get_job_attr_delayed AttributeName',
              'This retrieves the attribute value from the local starter.',
              'While this has no impact on the schedd, the attribute value may',
              'differ from the current one in the schedd, depending when the last',
              'schedd->starter update occurred.',
            ].join('\n'),
          };
    case 'set_job_attr':
      return argc === 4 ? oneRequest('set_job_attr', argv[2], argv[3]) : { usage: 'condor_chirp set_job_attr AttributeName AttributeValue' };
    case 'set_job_attr_delayed':
      return argc === 4
        ? oneRequest('set_job_attr_delayed', argv[2], argv[3])
        : {
            usage: [
              'condor_chirp set_job_attr_delayed AttributeName AttributeValue',
              'This will perform a non-durable update to the shadow; it consumes',
              'less resources than set_job_attr, but may be lost.',
            ].join('\n'),
          };
    case 'ulog':
      return argc === 3 ? oneRequest('ulog', argv[2]) : { usage: 'condor_chirp ulog message' };
    case 'fetch':
      return argc === 4 ? (client, io) => fetchFile(client, io, argv[2], argv[3]) : { usage: 'condor_chirp fetch remote_file local_file' };
    case 'put': {
      const at = optionsEnd(argv, { '-mode': 1, '-perm': 1 });
      if (at + 1 >= argc || argc > at + 2) return { usage: 'condor_chirp put  [-mode mode] [-perm perm] local_file remote_file' };
      let mode = 'cwb';
      let perm = 0o777;
      for (let i = 2; i < at; i += 2) {
        if (argv[i] === '-mode') mode = argv[i + 1];
        // strtol(perm, NULL, 8), cut to the unsigned int it is kept in.
        else {
          const octal = /^\s*([+-]?[0-7]+)/.exec(argv[i + 1]);
          perm = octal ? Number.parseInt(octal[1], 8) | 0 : 0;
        }
      }
      const [local, remote] = [argv[at], argv[at + 1]];
      return mode === 'cwb' && local !== '-' ? (client, io) => putFile(client, io, local, remote, perm) : (client, io) => putWithOpen(client, io, local, remote, mode, perm);
    }
    case 'remove':
      return argc === 3 ? oneRequest('unlink', argv[2]) : { usage: 'condor_chirp remove remote_file' };
    case 'read': {
      const { at, offset, strideLength, strideSkip } = placementOptions(argv);
      if (at + 2 !== argc) return { usage: 'condor_chirp read [-offset offset] [-stride length skip] remotepath length' };
      return (client, io) => readRemote(client, io, argv[at], strtol(argv[at + 1]), offset, strideLength, strideSkip);
    }
    case 'write': {
      const { at, offset, strideLength, strideSkip } = placementOptions(argv);
      if (at + 2 !== argc && at + 3 !== argc) return { usage: `condor_chirp write [-offset offset] [-stride length skip] remote_file local_file length ${at} ${argc}` };
      const backwardCompat = at + 2 === argc;
      const length = backwardCompat ? (strideLength !== 0 || strideSkip !== 0 ? strideLength : 1024) : strtol(argv[at + 2]);
      return (client, io) => writeRemote(client, io, argv[at], argv[at + 1], length, backwardCompat, offset, strideLength, strideSkip);
    }
    case 'rmdir':
      if (argc < 3 || argc > 4 || (argc === 4 && argv[2] !== '-r')) return { usage: 'condor_chirp rmdir [-r] remotepath' };
      return argc === 4 ? oneRequest('rmall', argv[3]) : oneRequest('rmdir', argv[2]);
    case 'getdir':
      if (argc < 3 || argc > 4 || (argc === 4 && argv[2] !== '-l')) return { usage: 'condor_chirp getdir [-l] remotepath' };
      return argc === 4 ? (client, io) => listDirectory(client, io, argv[3], true) : (client, io) => listDirectory(client, io, argv[2], false);
    case 'whoami':
      return (client, io) => whoCommand(client, io, [CHIRP_LINE_MAX], 'whoami');
    case 'whoareyou':
      if (argc !== 3) return { usage: 'condor_chirp whoareyou remotepath' };
      return (client, io) => whoCommand(client, io, [argv[2], CHIRP_LINE_MAX], 'whoareyou');
    case 'link':
      if (argc < 4 || argc > 5 || (argc === 5 && argv[2] !== '-s')) return { usage: 'condor_chirp link [-s] oldpath newpath' };
      return argc === 5 ? oneRequest('symlink', argv[3], argv[4]) : oneRequest('link', argv[2], argv[3]);
    case 'readlink':
      return argc === 4 ? (client, io) => readlinkRemote(client, io, argv[2], strtol(argv[3])) : { usage: 'condor_chirp readlink remotepath length' };
    case 'stat':
    case 'lstat': {
      const command = argv[1];
      return argc === 3 ? (client, io) => statRemote(client, io, command, argv[2]) : { usage: `condor_chirp ${command} remotepath` };
    }
    case 'statfs':
      return argc === 3 ? (client, io) => statRemote(client, io, 'statfs', argv[2]) : { usage: 'condor_chirp statfs remotepath' };
    case 'access':
      if (argc !== 4) return { usage: 'condor_chirp access remotepath mode(rwxf)' };
      return async (client, io) => {
        const bad = [...argv[3]].find((c) => !'rwxf'.includes(c));
        if (bad !== undefined) {
          io.stderr(`invalid mode char '${bad}'\n`);
          return { status: -1 };
        }
        const mode = [...argv[3]].reduce((bits, c) => bits | ({ r: 4, w: 2, x: 1, f: 0 } as Record<string, number>)[c], 0);
        return fromResult(await client.simpleCommand('access', argv[2], mode));
      };
    case 'chmod':
      if (argc !== 4) return { usage: 'condor_chirp chmod remotepath mode' };
      return async (client) => {
        const octal = /^\s*([+-]?[0-7]+)/.exec(argv[3]);
        // sscanf("%o") failing: condor_chirp returns EINVAL itself, 22, and says nothing.
        if (!octal) return { status: 22 };
        return fromResult(await client.simpleCommand('chmod', argv[2], Number.parseInt(octal[1], 8)));
      };
    case 'chown':
    case 'lchown':
      // As chirp_chown's strcmp(argv[1], "lchown") reads: chown sends lchown, and lchown chown.
      if (argc !== 5) return { usage: `condor_chirp ${argv[1]} remotepath uid gid` };
      return oneRequest(argv[1] === 'chown' ? 'lchown' : 'chown', argv[2], strtol(argv[3]), strtol(argv[4]));
    case 'truncate':
      return argc === 4 ? oneRequest('truncate', argv[2], strtol(argv[3])) : { usage: 'condor_chirp truncate remotepath length' };
    case 'utime':
      return argc === 5 ? oneRequest('utime', argv[2], strtol(argv[3]), strtol(argv[4])) : { usage: 'condor_chirp utime remotepath actime mtime' };
    default:
      return { usage: `Unknown command ${argv[1]}\n${USAGE}` };
  }
}

/** condor_chirp COMMAND ARGS…, from inside a job: talks to its starter's (here, its startd's) Chirp proxy. */
export const condorChirp: Command = async (args, io) => {
  const argv = ['condor_chirp', ...args];
  if (argv.length === 1 || (argv.length === 2 && argv[1] === '-h')) {
    io.stdout(`${USAGE}\n`);
    return 255;
  }
  const work = plan(argv);
  if ('usage' in work) {
    io.stdout(`${work.usage}\n`);
    return 255;
  }
  let outcome: Outcome;
  try {
    const client = await ChirpClient.connectStarter(io.env, io.cwd);
    try {
      outcome = await work(client, io);
    } finally {
      client.disconnect();
    }
  } catch (err) {
    if (err instanceof ChirpFatal) {
      io.stderr(err.message);
      return 1;
    }
    if (!(err instanceof ChirpFailure)) throw err;
    io.stderr(err.stderr);
    outcome = { status: -1, errno: { errno: err.errno, message: err.words } };
  }
  if (outcome.status < 0 && outcome.errno !== undefined) io.stdout(`\tError: ${outcome.errno.errno} (${outcome.errno.message})\n`);
  return outcome.status & 0xff;
};
