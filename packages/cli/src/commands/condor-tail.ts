import { ScheddRefused } from '@tinycondor/client/errors';
import { parseJobSpec } from '@tinycondor/shared/job-id';
import { CliError, type Command } from '../cli-error.js';
import { loadPoolConfig } from '../pool-config.js';
import { connectSchedd } from '../schedd-connection.js';
import { condorVersionText } from './condor-version.js';

const USAGE = `Usage: condor_tail [options] <job-id> [filename1[, filename2[, ...]]]
Tail a file in a running job's sandbox.
The options are:
    -help             Display options
    -version          Display HTCondor version
    -pool <hostname>  Use this central manager
    -name <name>      Query this schedd
    -debug            Show extra debugging info
    -maxbytes         The maximum number of bytes to transfer.  Defaults to 1024
    -auto-retry       Auto retry if job is not running yet.
    -f,-follow        Follow the contents of a file.
By default, only stdout is returned.
The filename may be any file in the job's transfer_output_files.
You may also include the following options.
    -no-stdout        Do not tail the job's stdout
    -stderr           Tail at the job's stderr

`;

/** How often -follow and -auto-retry ask again, as HTCondor's tool does (tail.cpp: sleep(2)). */
const RETRY_SECONDS = 2;

/** strtol as tail.cpp's parse_integer reads it: digits, then nothing but blanks. */
function parseInteger(text: string): number | undefined {
  const match = /^\s*([+-]?\d+)\s*$/.exec(text);
  return match ? Number(match[1]) : undefined;
}

/**
 * condor_tail: the last bytes of a running job's stdout (or stderr, or files of its transfer_output_files),
 * and with -follow what it writes next, every 2 seconds until the job stops running, as HTCondor's
 * (src/condor_tools/tail.cpp): its options, messages and exit codes. A job not running yet is waited for.
 */
export const condorTail: Command = async (args, io) => {
  const usage = (message: string): never => {
    throw new CliError(`${message}${USAGE}`);
  };
  let stdout = true;
  let stderr = false;
  let follow = false;
  let maxBytes = 1024;
  let jobId: string | undefined;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '-help') {
      io.stderr(USAGE);
      return 0;
    } else if (arg === '-pool' || arg === '-name') {
      if (args[i + 1] === undefined) usage(`${arg} requires an argument.\n\n`);
      // tinycondor has one schedd: refused rather than ignored, so a script naming another reads none.
      throw new CliError(`condor_tail: ${arg} is not supported by tinycondor: it has one schedd, the one CONDOR_CONFIG names`);
    } else if (arg === '-maxbytes') {
      const value = args[++i];
      if (value === undefined || value.startsWith('-')) usage('-maxbytes requires an argument.\n\n');
      const parsed = parseInteger(value as string);
      if (parsed === undefined || parsed < 1) usage(`Error: maxbytes (${value}) is not valid\n\n`);
      maxBytes = parsed as number;
    } else if (arg === '-version') {
      io.stdout(condorVersionText());
      return 0;
    } else if (arg === '-debug') {
      // TOOL_DEBUG output: tinycondor's tools have none to show; what is tailed is the same.
    } else if (arg === '-no-stdout') stdout = false;
    else if (arg === '-stderr') {
      stderr = true;
      stdout = false;
    } else if (arg === '-f' || arg === '-follow') follow = true;
    // HTCondor's tool reads -auto-retry and waits for a job not yet running whether it is given or not.
    else if (arg === '-auto-retry') continue;
    else if (jobId === undefined) jobId = arg;
    else files.push(arg);
  }
  const names = [...(stdout ? ['stdout'] : []), ...(stderr ? ['stderr'] : []), ...files];
  if (names.length === 0) usage('No file transfer specified.\n\n');
  if (jobId === undefined) usage('Job ID not specified.\n');
  const spec = parseJobSpec(jobId as string);
  if (!spec) usage(`Invalid Job ID: ${jobId}\n`);
  const job = `${spec?.cluster}.${spec?.proc ?? 0}`;

  const schedd = connectSchedd(loadPoolConfig(io.env, io.stderr));
  const offsets = new Map<string, number>();
  let succeeded = false;
  for (;;) {
    try {
      for (const name of names) {
        const offset = offsets.get(name);
        const reply = await schedd.tail(job, { file: name, maxBytes, ...(offset === undefined ? {} : { offset }) });
        const data = Buffer.from(reply.data, 'base64');
        io.stdout(data.toString('utf8'));
        offsets.set(name, reply.offset + data.length);
      }
      succeeded = true;
      if (!follow) return 0;
    } catch (err) {
      if (!(err instanceof ScheddRefused)) throw err;
      // A job that ends while followed: HTCondor's tool exits quietly once it has succeeded.
      if (succeeded) return 0;
      // A job not running (yet): asked again, as the schedd tells HTCondor's tool a retry is sensible.
      if (err.status !== 409) throw new CliError(err.message);
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_SECONDS * 1000));
  }
};
