import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { XML_LOG_PROLOGUE } from '@tinycondor/shared/eventlog/index';
import { daemonRights, type FileRights } from '@tinycondor/shared/file-rights';
import type { Db } from './db.js';
import type { PoolFileGuard } from './pool-file-guard.js';
import { NotARegularFile, openRegularFile } from './regular-file.js';

export interface LoggedJob {
  cluster: number;
  proc: number;
}

/** A user log that cannot be opened as a regular file; `message` is the HoldReason. */
export class UserLogUnusable extends Error {
  constructor(logPath: string, why: string) {
    // HTCondor's shadow holds with "Failed to initialize user log" (baseshadow.cpp, initUserLog), without the file.
    super(`Failed to initialize user log ${logPath}: ${why}`);
    this.name = 'UserLogUnusable';
  }
}

/** HTCondor's WriteUserLog opens nothing for /dev/null and does not fail (write_user_log.cpp, openFile). */
const NULL_FILE = '/dev/null';

const APPEND = fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT;

function unusable(logPath: string, err: unknown): UserLogUnusable {
  if (err instanceof NotARegularFile) return new UserLogUnusable(logPath, `it is ${err.kind}, not a regular file`);
  const { code, message } = err as NodeJS.ErrnoException;
  return new UserLogUnusable(logPath, `${code ?? 'error'} (${message})`);
}

/** Opens a user log for appending, with its size; throws UserLogUnusable when it is not a regular file or cannot be opened. */
function openUserLog(logPath: string): { fd: number; size: number } {
  try {
    return openRegularFile(logPath, APPEND, 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw unusable(logPath, err);
  }
  // As HTCondor's WriteUserLog: a missing directory is created.
  try {
    fs.mkdirSync(path.dirname(logPath), { recursive: true, mode: 0o755 });
    return openRegularFile(logPath, APPEND, 0o644);
  } catch (err) {
    throw unusable(logPath, err);
  }
}

/**
 * Drains the event outbox into the jobs' user logs. Each event is appended with one write, so a reader
 * polling the log sees whole events only. A row is deleted after its write, so a crash in between
 * repeats that one event rather than losing it. A log that is not a regular file (a FIFO, a link, a
 * device) is never waited on nor written through: the jobs whose events it was to receive are handed to
 * `unusable`, which holds them, as HTCondor's shadow holds a job whose user log it cannot initialize.
 * Each log is opened with the rights of the owner of the jobs writing to it (`rightsFor`).
 */
export class EventLogWriter {
  private readonly pending;
  private readonly removeUpTo;
  private scheduled = false;

  constructor(
    db: Db,
    private readonly log: Logger,
    private readonly unusable: (jobs: LoggedJob[], reason: string) => void,
    private readonly guard: PoolFileGuard,
    /** The schedd's own directories of user logs (spooled jobs' logs), the only ones inside the pool. */
    private readonly userLogDirs: readonly string[],
    /** Whose rights a job owner's user log is written with; throws when they cannot be taken. */
    private readonly rightsFor: (owner: string | undefined) => FileRights,
  ) {
    this.pending = db.prepare<[], { seq: number; log_path: string; text: string; cluster_id: number | null; proc_id: number | null; owner: string | null }>(
      // Rows of queues older than the owner column name their job, whose owner is looked up.
      `SELECT seq, log_path, text, cluster_id, proc_id,
         coalesce(owner, (SELECT owner FROM jobs WHERE jobs.cluster_id = event_outbox.cluster_id AND jobs.proc_id = event_outbox.proc_id)) AS owner
       FROM event_outbox ORDER BY seq LIMIT 500`,
    );
    this.removeUpTo = db.prepare<[number]>('DELETE FROM event_outbox WHERE seq <= ?');
  }

  /**
   * Flush soon: in the next turn of the event loop, so that what this turn still does (matchmaking, and the
   * corked writes that carry its starts to the startds) goes first; a slot waiting for its next job costs
   * more than a log line written a moment later.
   */
  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const flush = () => {
      this.scheduled = false;
      this.flush();
    };
    setImmediate(() => setImmediate(flush));
  }

  /** Appends what the outbox holds, a batch at a time: one write per log file per batch. */
  flush(): void {
    for (;;) {
      const rows = this.pending.all();
      if (rows.length === 0) return;
      const byLog = new Map<string, { logPath: string; owner: string | undefined; texts: string[]; jobs: Map<string, LoggedJob> }>();
      for (const row of rows) {
        const key = `${row.owner ?? ''}\0${row.log_path}`;
        let batch = byLog.get(key);
        if (!batch) byLog.set(key, (batch = { logPath: row.log_path, owner: row.owner ?? undefined, texts: [], jobs: new Map() }));
        batch.texts.push(row.text);
        if (row.cluster_id !== null && row.proc_id !== null) batch.jobs.set(`${row.cluster_id}.${row.proc_id}`, { cluster: row.cluster_id, proc: row.proc_id });
      }
      for (const { logPath, owner, texts, jobs } of byLog.values()) {
        try {
          this.append(logPath, texts, owner);
        } catch (err) {
          // An unwritable log must not stop the queue; HTCondor likewise logs the failure and goes on.
          this.log.warn({ err, logPath }, 'cannot write job event log; events dropped');
          if (err instanceof UserLogUnusable) this.unusable([...jobs.values()], err.message);
        }
      }
      this.removeUpTo.run(rows[rows.length - 1].seq);
    }
  }

  /** Whole events only: each event's text ends with its terminator, and they go out in one write. */
  private append(logPath: string, texts: string[], owner: string | undefined): void {
    if (logPath === NULL_FILE) return;
    // Judged once in the common case (a log outside the pool); one inside may only be in the schedd's own
    // user-log directories, and those are the schedd's to write.
    const insidePool = this.guard.refusal(logPath);
    if (insidePool !== undefined && this.guard.refusal(logPath, this.userLogDirs) !== undefined) throw new UserLogUnusable(logPath, insidePool);
    const isXml = texts[0].startsWith('<c>');
    let rights: FileRights = daemonRights;
    if (insidePool === undefined) {
      try {
        rights = this.rightsFor(owner);
      } catch (err) {
        throw new UserLogUnusable(logPath, (err as Error).message);
      }
    }
    const { fd, size } = rights(() => openUserLog(logPath));
    try {
      const prologue = isXml && size === 0 ? XML_LOG_PROLOGUE : '';
      fs.writeSync(fd, prologue + texts.join(''));
    } finally {
      fs.closeSync(fd);
    }
  }
}
