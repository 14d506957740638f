import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClassAd } from '@tinycondor/shared/classad/index';
import { parseEventLog, type ParsedEvent } from '@tinycondor/shared/eventlog/index';
import { CliError, scheddErrorMessage, type Command, type CommandIo } from '../cli-error.js';
import { loadPoolConfig } from '../pool-config.js';
import { connectSchedd } from '../schedd-connection.js';
import { parseWatchArgs, type WatchArgs } from '../watch-q/args.js';
import { discoverEventLogs, filterIds, terminalSize, trackingConstraint } from '../watch-q/discover.js';
import { HELP, USAGE } from '../watch-q/help.js';
import { abbreviatePath, formatNow, groupClusters, makeRows, nicePath, renderScreen, stripAnsi } from '../watch-q/render.js';
import { exitConditionMet, JobStateTracker } from '../watch-q/tracker.js';

// The terminal's alternate screen, where a refreshing condor_watch_q draws (as `less` does).
const ALT_SCREEN_ENTER = '\x1b[?1049h\x1b[H';
const ALT_SCREEN_EXIT = '\x1b[?1049l';

/** Follows one event log as it grows: each call yields the events completed since the last. */
class LogFollower {
  private offset = 0;
  private tail = '';

  constructor(
    readonly file: string,
    private readonly fd: number,
  ) {}

  read(): { events: ParsedEvent[]; error?: string } {
    const size = fs.fstatSync(this.fd).size;
    if (size < this.offset) {
      // Truncated or rewritten in place: read it again from the start.
      this.offset = 0;
      this.tail = '';
    }
    if (size === this.offset) return { events: [] };
    const buffer = Buffer.alloc(size - this.offset);
    const read = fs.readSync(this.fd, buffer, 0, buffer.length, this.offset);
    this.offset += read;
    try {
      const parsed = parseEventLog(this.tail + buffer.subarray(0, read).toString('utf8'));
      this.tail = parsed.incompleteTail;
      return { events: parsed.events };
    } catch (err) {
      // What cannot be parsed is reported once and skipped.
      this.tail = '';
      return { events: [], error: `ERROR: Failed to parse event from ${this.file}. Reason: ${(err as Error).message}` };
    }
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

/** The schedd's ads of the jobs to track; a failed query is a warning, as the original's get_ads makes it. */
async function queryAds(io: CommandIo, constraint: string): Promise<ClassAd[]> {
  if (constraint === '') return [];
  try {
    const api = connectSchedd(loadPoolConfig(io.env, io.stderr));
    return (await api.jobs({ constraint })).ads.map((stored) => ClassAd.fromJSON(stored));
  } catch (err) {
    const reason = (scheddErrorMessage(err) ?? (err as Error).message).replace(/^ERROR: /, '');
    io.stderr(`WARNING: Was not able to query to discover job event logs due to: ${reason}\n`);
    return [];
  }
}

function openFollowers(io: CommandIo, logs: readonly string[]): LogFollower[] {
  const followers: LogFollower[] = [];
  for (const file of logs) {
    try {
      followers.push(new LogFollower(file, fs.openSync(file, 'r')));
    } catch (err) {
      const reason = fs.existsSync(file) ? (err as Error).message : 'File path does not exist';
      io.stderr(`WARNING: Could not open event log at ${file} for reading, so it will be ignored. Reason: ${reason}\n`);
    }
  }
  return followers;
}

/**
 * condor_watch_q: follows the event logs of the user's jobs (or of -users, -clusters, -batches, -files)
 * and redraws a table of their states until an -exit condition holds, a key is pressed or ^C.
 */
export const condorWatchQ: Command = async (argv, io) => {
  const tty = process.stdout.isTTY === true;
  const parsed = parseWatchArgs(argv, USAGE, tty);
  if ('code' in parsed) {
    io.stdout(parsed.stdout);
    io.stderr(parsed.stderr);
    return parsed.code;
  }
  const args: WatchArgs = parsed;
  if (args.help) {
    io.stdout(HELP);
    return 0;
  }
  for (const [option, value] of [['-collector', args.collector], ['-schedd', args.schedd]] as const) {
    if (value !== undefined) throw new CliError(`condor_watch_q: ${option} is not supported by tinycondor: it has one schedd, the one CONDOR_CONFIG names`);
  }
  if (args.clusters !== undefined && args.largerThan !== undefined) {
    io.stderr('ERROR: Use of both -clusters and -larger-than flag is prohibited.\n');
    return 1;
  }
  if (args.debug) io.stderr('WARNING: Debug mode enabled...\n');
  const badCluster = args.clusters?.find((c) => !/^\s*[-+]?\d+\s*$/.test(c));
  if (badCluster !== undefined) {
    io.stderr(`ERROR: Unhandled error: invalid literal for int() with base 10: '${badCluster}'. Re-run with -debug for a full stack trace.\n`);
    return 1;
  }
  const clusterIds = args.clusters?.map((c) => Number(c));
  const users = args.users ?? (args.clusters === undefined && args.files === undefined && args.batches === undefined ? [os.userInfo().username] : []);
  const constraint = trackingConstraint({ users, clusters: clusterIds?.map(String) ?? [], batches: args.batches ?? [] });
  const found = discoverEventLogs(await queryAds(io, constraint), args.files ?? [], (args.batches ?? []).length > 0, io.cwd);
  for (const warning of found.warnings) io.stderr(`WARNING: ${warning}\n`);

  const tracker = new JobStateTracker({
    batchNames: found.batchNames,
    filterIds: filterIds(clusterIds, found.batchFilterIds),
    since: args.largerThan,
    numProcs: found.numProcs,
    decayStartAtRead: args.decayStartAtRead,
  });
  const followers = openFollowers(io, found.eventLogs);
  try {
    if (found.eventLogs.length === 0) {
      io.stderr('WARNING: No jobs found, exiting...\n');
      return 0;
    }
    return await watch(io, args, tracker, followers, tty);
  } finally {
    for (const follower of followers) follower.close();
  }
};

/** The refresh loop: read, draw, check the exit conditions, wait -interval (or for a key, ^C, a signal). */
async function watch(io: CommandIo, args: WatchArgs, tracker: JobStateTracker, followers: LogFollower[], tty: boolean): Promise<number> {
  const refresh = args.refresh && tty;
  // colorize() in the original colours only on a terminal, whatever -color says.
  const color = args.color && tty;
  const home = os.homedir();
  let interrupted = false;
  let wake: (() => void) | undefined;
  const interrupt = () => {
    interrupted = true;
    wake?.();
  };
  const signals: NodeJS.Signals[] = refresh ? ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] : ['SIGINT'];
  for (const signal of signals) process.on(signal, interrupt);
  const stdin = process.stdin;
  const listenKeys = args.exitOnKeyPress && stdin.isTTY === true;
  if (listenKeys) {
    stdin.setRawMode(true);
    stdin.on('data', interrupt);
    stdin.resume();
  }
  let inAltScreen = false;
  const leaveAltScreen = () => {
    if (inAltScreen) io.stdout(ALT_SCREEN_EXIT);
    inAltScreen = false;
  };
  if (refresh) {
    io.stdout(ALT_SCREEN_ENTER);
    inAltScreen = true;
  }
  try {
    let previous: string | undefined;
    while (!interrupted) {
      const messages: string[] = [];
      for (const follower of followers) {
        const { events, error } = follower.read();
        if (error !== undefined) messages.push(error);
        for (const event of events) tracker.observe(follower.file, event, Date.now() / 1000);
      }
      const now = formatNow(new Date());
      const { columns, lines } = terminalSize(io.env, tty ? { columns: process.stdout.columns, rows: process.stdout.rows } : undefined);
      const view = makeRows(groupClusters(tracker.clusters, args.groupBy), {
        groupBy: args.groupBy,
        displayExited: args.displayExited,
        exitedRowDecaySeconds: args.exitedRowDecaySeconds,
        nowSeconds: Date.now() / 1000,
        showPath: (file) => {
          const nice = nicePath(file, home, io.cwd);
          return args.abbreviate ? abbreviatePath(nice, (dir) => fs.readdirSync(path.resolve(io.cwd, dir)), home) : nice;
        },
      });
      const screen = renderScreen(view, now, {
        table: args.table, progress: args.progress, rowProgress: args.rowProgress, summary: args.summary, summaryType: args.summaryType,
        updatedAt: args.updatedAt, color, refresh, hasExitConditions: args.exit.length > 0, exitOnKeyPress: args.exitOnKeyPress, columns, lines,
      });
      if (previous !== undefined && refresh) {
        const prevLines = stripAnsi(previous).split('\n');
        const move = `\x1b[${prevLines.length}A\r`;
        io.stdout(move + prevLines.map((l) => ' '.repeat(l.length)).join('\n') + '\n' + move);
      }
      if (messages.length > 0) io.stderr(`${messages.map((m) => `${now} | ${m}`).join('\n')}\n`);
      io.stdout(`${screen}\n`);
      previous = screen;
      const states = tracker.jobStates;
      const met = args.exit.find((condition) => exitConditionMet(condition, states));
      if (met !== undefined) {
        leaveAltScreen();
        io.stdout(`Exiting with code ${met.exitStatus} because of condition "${met.grouper} ${met.status}" at ${now}\n`);
        return met.exitStatus;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, args.interval) * 1000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
    return 0;
  } finally {
    leaveAltScreen();
    for (const signal of signals) process.off(signal, interrupt);
    if (listenKeys) {
      stdin.off('data', interrupt);
      stdin.setRawMode(false);
      stdin.pause();
    }
  }
}
