import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHIRP_LINE_MAX } from '@tinycondor/shared/chirp/protocol';
import { strerror } from '@tinycondor/shared/submit/file-probe';
import { ChirpClient, ChirpFailure, ChirpFatal, type ChirpResult } from '../chirp-client.js';
import { longListingOutput } from '../chirp-listing.js';
import type { Command, CommandIo } from '../cli-error.js';

// condor_chirp as src/condor_chirp/condor_chirp.cpp behaves: its usage lines, outputs and exit statuses (a
// failure returns -1, 255 to the shell, after "\tError: errno (words)" on stdout; what chirp_client.c
// aborts on exits 1 after "chirp: couldn't WHAT: words" on stderr). fetch, put, remove, getdir, whoami and
// whoareyou go through the proxy to the submit side; the commands built on the proxy's open (read, write,
// put -mode or from stdin) and the other file calls get its INVALID_REQUEST, EINVAL, as from a proxy
// that does not know them.

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

/** chirp_put_one_file with open and write (a -mode other than cwb, or stdin): tinycondor's proxy refuses open (EINVAL). */
async function putWithOpen(client: ChirpClient, io: CommandIo, local: string, remote: string, mode: string, perm: number): Promise<Outcome> {
  if (local !== '-') {
    try {
      fs.closeSync(fs.openSync(path.resolve(io.cwd, local), 'r'));
    } catch (err) {
      io.stderr(`Can't open local file ${local}\n`);
      return { status: -1, errno: localErrno(err) };
    }
  }
  const opened = await client.simpleCommand('open', remote, mode, perm);
  io.stderr(`Can't chirp_client_open ${remote}:${opened.value}\n`);
  return fromResult(opened);
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
      const at = optionsEnd(argv, { '-offset': 1, '-stride': 2 });
      return at + 2 === argc ? oneRequest('open', argv[at], 'r', 0) : { usage: 'condor_chirp read [-offset offset] [-stride length skip] remotepath length' };
    }
    case 'write': {
      const at = optionsEnd(argv, { '-offset': 1, '-stride': 2 });
      if (at + 2 !== argc && at + 3 !== argc) return { usage: `condor_chirp write [-offset offset] [-stride length skip] remote_file local_file length ${at} ${argc}` };
      return oneRequest('open', argv[at], 'w', 0);
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
      return argc === 4 ? oneRequest('readlink', argv[2], Number.parseInt(argv[3], 10) || 0) : { usage: 'condor_chirp readlink remotepath length' };
    case 'stat':
    case 'lstat':
      return argc === 3 ? oneRequest(argv[1], argv[2]) : { usage: `condor_chirp ${argv[1]} remotepath` };
    case 'statfs':
      return argc === 3 ? oneRequest('statfs', argv[2]) : { usage: 'condor_chirp statfs remotepath' };
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
      return argc === 5 ? oneRequest(argv[1], argv[2], Number.parseInt(argv[3], 10) || 0, Number.parseInt(argv[4], 10) || 0) : { usage: `condor_chirp ${argv[1]} remotepath uid gid` };
    case 'truncate':
      return argc === 4 ? oneRequest('truncate', argv[2], Number.parseInt(argv[3], 10) || 0) : { usage: 'condor_chirp truncate remotepath length' };
    case 'utime':
      return argc === 5 ? oneRequest('utime', argv[2], Number.parseInt(argv[3], 10) || 0, Number.parseInt(argv[4], 10) || 0) : { usage: 'condor_chirp utime remotepath actime mtime' };
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
