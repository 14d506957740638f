import { ChirpClient, ChirpFailure, ChirpFatal, type ChirpResult } from '../chirp-client.js';
import type { Command, CommandIo } from '../cli-error.js';

// condor_chirp as src/condor_chirp/condor_chirp.cpp behaves: its usage lines, outputs and exit statuses (a
// failure returns -1, 255 to the shell, after "\tError: errno (words)" on stdout). The file commands reach
// the proxy, which tinycondor never lets do file I/O: they get its INVALID_REQUEST, EINVAL, as on a pool
// where ENABLE_CHIRP_IO or WantIOProxy does not allow them.

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

/** A subcommand that sends one request and returns its result (the file commands, refused by the proxy). */
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
      return argc === 4 ? oneRequest('getfile', argv[2]) : { usage: 'condor_chirp fetch remote_file local_file' };
    case 'put': {
      const at = optionsEnd(argv, { '-mode': 1, '-perm': 1 });
      if (at + 1 >= argc || argc > at + 2) return { usage: 'condor_chirp put  [-mode mode] [-perm perm] local_file remote_file' };
      return async (client, io) => {
        const result = await client.simpleCommand('putfile', argv[at + 1], 0o777, 0);
        if (result.value >= 0) return fromResult(result);
        io.stderr("Couldn't chirp_write as much as we read\n");
        return fromResult(result);
      };
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
      return argc === 4 ? oneRequest('getlongdir', argv[3]) : oneRequest('getdir', argv[2]);
    case 'whoami':
      return async (client, io) => {
        const outcome = fromResult(await client.simpleCommand('whoami', 5120));
        io.stdout('\n');
        return outcome;
      };
    case 'whoareyou':
      if (argc !== 3) return { usage: 'condor_chirp whoareyou remotepath' };
      return async (client, io) => {
        const outcome = fromResult(await client.simpleCommand('whoareyou', argv[2], 5120));
        io.stdout('\n');
        return outcome;
      };
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
