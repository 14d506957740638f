// The job's own starter log (starter_debug): the run's pino lines, as HTCondor's starter writes a second
// copy of its log into the sandbox (-a2), and the startd's log unchanged.
import fs from 'node:fs';
import pino, { type Logger } from 'pino';
import { lowestLevel, starterLogLine, type StarterLogSettings } from '@tinycondor/shared/starter-log';

interface Destination {
  write(line: string): void;
  flush?(callback?: (err?: Error) => void): void;
}

/**
 * `.starter.log` in the sandbox: lines logged before the sandbox is there wait for open(); close() ends it
 * before the output is sent, as JICShadow::transferOutputStart closes the log. A write that fails (a full
 * disk) ends the log: the startd's own log still has every line.
 */
export class StarterLogFile {
  private fd: number | undefined;
  private pending: string[] | undefined = [];

  constructor(private readonly settings: StarterLogSettings) {}

  add(record: Record<string, unknown>): void {
    const line = starterLogLine(record, this.settings);
    if (line === undefined) return;
    if (this.pending !== undefined) this.pending.push(line);
    else if (this.fd !== undefined) this.append(line);
  }

  /** Opens the log for appending (a log restored from a checkpoint goes on), with what was logged so far. */
  open(file: string): void {
    const pending = this.pending ?? [];
    this.pending = undefined;
    this.fd = fs.openSync(file, 'a', 0o644);
    for (const line of pending) this.append(line);
  }

  close(): void {
    this.pending = undefined;
    if (this.fd === undefined) return;
    fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private append(line: string): void {
    try {
      fs.writeSync(this.fd!, line);
    } catch {
      this.close();
    }
  }
}

/**
 * The run's logger: what it logs goes to the startd's log as before (at the startd's level) and to the
 * starter log (at the level its settings take, which may be lower).
 */
export function withStarterLog(log: Logger, file: StarterLogFile, settings: StarterLogSettings): Logger {
  const daemonLevel = log.levelVal;
  const destination = (log as unknown as Record<symbol, Destination>)[pino.symbols.streamSym]!;
  const level = pino.levels.labels[Math.min(daemonLevel, lowestLevel(settings))]!;
  const run = log.child({}, { level });
  const tee: Destination = {
    write(line) {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        destination.write(line);
        return;
      }
      if (typeof record.level !== 'number' || record.level >= daemonLevel) destination.write(line);
      file.add(record);
    },
    flush: (callback) => (destination.flush ? destination.flush(callback) : callback?.()),
  };
  // pino writes through this symbol on each call, children included: the run's lines take the tee.
  (run as unknown as Record<symbol, Destination>)[pino.symbols.streamSym] = tee;
  return run;
}
