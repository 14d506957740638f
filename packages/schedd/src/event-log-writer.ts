import fs from 'node:fs';
import type { Logger } from 'pino';
import { XML_LOG_PROLOGUE } from '@tinycondor/shared/eventlog/index';
import type { Db } from './db.js';
import type { PoolFileGuard } from './pool-file-guard.js';

/**
 * Drains the event outbox into the jobs' user logs. Each event is appended with one write, so a reader
 * polling the log sees whole events only. A row is deleted after its write, so a crash in between
 * repeats that one event rather than losing it.
 */
export class EventLogWriter {
  private readonly pending;
  private readonly removeUpTo;
  private scheduled = false;

  constructor(
    db: Db,
    private readonly log: Logger,
    private readonly guard: PoolFileGuard,
    /** The schedd's own directories of user logs (spooled jobs' logs), the only ones inside the pool. */
    private readonly userLogDirs: readonly string[],
  ) {
    this.pending = db.prepare<[], { seq: number; log_path: string; text: string }>('SELECT seq, log_path, text FROM event_outbox ORDER BY seq LIMIT 500');
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
      const byLog = new Map<string, string[]>();
      for (const row of rows) {
        const texts = byLog.get(row.log_path);
        if (texts) texts.push(row.text);
        else byLog.set(row.log_path, [row.text]);
      }
      for (const [logPath, texts] of byLog) {
        try {
          this.append(logPath, texts);
        } catch (err) {
          // An unwritable log must not stop the queue; HTCondor likewise logs the failure and goes on.
          this.log.warn({ err, logPath }, 'cannot write job event log; events dropped');
        }
      }
      this.removeUpTo.run(rows[rows.length - 1].seq);
    }
  }

  /** Whole events only: each event's text ends with its terminator, and they go out in one write. */
  private append(logPath: string, texts: string[]): void {
    const refused = this.guard.refusal(logPath, this.userLogDirs);
    if (refused !== undefined) throw new Error(`user log ${logPath} refused: ${refused}`);
    const isXml = texts[0].startsWith('<c>');
    const fd = fs.openSync(logPath, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT, 0o644);
    try {
      const prologue = isXml && fs.fstatSync(fd).size === 0 ? XML_LOG_PROLOGUE : '';
      fs.writeSync(fd, prologue + texts.join(''));
    } finally {
      fs.closeSync(fd);
    }
  }
}
