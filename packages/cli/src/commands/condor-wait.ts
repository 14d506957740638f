import fs from 'node:fs';
import path from 'node:path';
import { parseEventLog } from '@tinycondor/shared/eventlog/index';
import { CliError, type Command, type CommandIo } from '../cli-error.js';
import { loadPoolConfig } from '../pool-config.js';
import { connectSchedd } from '../schedd-connection.js';
import type { ScheddClient } from '@tinycondor/client/schedd-client';
import { fetchSpooledOutput, mirrorUserLog, scheddIsRemote } from '../spooled-jobs.js';
import { parseJobFilter, WaitTracker, type JobFilter } from '../wait-tracker.js';

const USAGE = '\nUse: condor_wait [options] <log-file> [job-number]\nWhere options are:\n    -wait <seconds>   Wait no more than this time\n    -num <number>     Wait for this many jobs to end\n';
const POLL_MS = 100;

/**
 * condor_wait: follow a job event log until every job it mentions has terminated or been aborted.
 * Exit 0 only when that is confirmed, 1 otherwise (timeout, unreadable log), as HTCondor's does.
 */
export const condorWait: Command = async (args, io) => {
  let logFile: string | undefined;
  let jobText: string | undefined;
  let waitSeconds: number | undefined;
  let minJobs: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '-wait') {
      waitSeconds = Number(args[++i]);
      if (!Number.isFinite(waitSeconds)) throw new CliError(`-wait requires an argument${USAGE}`);
    } else if (arg === '-num') {
      minJobs = Number(args[++i]);
      if (!Number.isInteger(minJobs) || minJobs < 1) throw new CliError(`-num must be greater than zero${USAGE}`);
    } else if (arg === '-status' || arg === '-echo' || arg === '-debug') {
      continue;
    } else if (!arg.startsWith('-') || (logFile !== undefined && jobText === undefined && arg === '-1')) {
      if (logFile === undefined) logFile = arg;
      else if (jobText === undefined) jobText = arg;
      else throw new CliError(`Extra argument: ${arg}\n${USAGE}`);
    } else throw new CliError(USAGE);
  }
  if (logFile === undefined) throw new CliError(USAGE);
  let filter: JobFilter = {};
  if (jobText !== undefined) {
    const parsed = parseJobFilter(jobText);
    if (!parsed) throw new CliError(`Couldn't understand job number: ${jobText}`);
    filter = parsed;
  }
  const file = path.resolve(io.cwd, logFile);
  const remote = await spooledLogSource(io, file);
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    throw new CliError(`Couldn't open ${logFile}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (err as Error).message}`);
  }
  const tracker = new WaitTracker(filter, minJobs);
  const deadline = waitSeconds && waitSeconds > 0 ? Date.now() + waitSeconds * 1000 : undefined;
  let offset = 0;
  let tail = '';
  try {
    for (;;) {
      if (remote) await mirrorUserLog(remote, file);
      const size = fs.fstatSync(fd).size;
      if (size > offset) {
        const buffer = Buffer.alloc(size - offset);
        const read = fs.readSync(fd, buffer, 0, buffer.length, offset);
        offset += read;
        const { events, incompleteTail } = parseEventLog(tail + buffer.subarray(0, read).toString('utf8'));
        tail = incompleteTail;
        for (const event of events) {
          if (remote && event.code === 5) await fetchSpooledOutput(remote, `${event.cluster}.${event.proc}`);
          const verdict = tracker.observe(event);
          if (verdict.done) {
            io.stdout(`${verdict.message}\n`);
            return 0;
          }
        }
      }
      if (waitSeconds === 0) {
        if (!tracker.mentionedAny) io.stderr(jobText === undefined ? 'This log does not mention any jobs!\n' : 'This log does not mention that job!\n');
        return tracker.mentionedAny ? 0 : 1;
      }
      if (deadline !== undefined && Date.now() > deadline) {
        io.stdout('Time expired.\n');
        return 1;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    fs.closeSync(fd);
  }
};

/**
 * The schedd to follow when it keeps this log for spooled jobs (condor_submit -spool): the local file
 * is then a mirror, and each job's output is fetched as the job terminates. Without the remote knob, a
 * pool that cannot be asked just means a plain local log.
 */
async function spooledLogSource(io: CommandIo, file: string): Promise<ScheddClient | undefined> {
  let api: ScheddClient;
  let remote: boolean;
  try {
    const pool = loadPoolConfig(io.env, io.stderr);
    remote = scheddIsRemote(pool);
    api = connectSchedd(pool);
  } catch {
    return undefined;
  }
  try {
    return (await mirrorUserLog(api, file)) ? api : undefined;
  } catch (err) {
    if (remote) throw err;
    return undefined;
  }
}
