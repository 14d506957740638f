// The job history file (HISTORY), written as HTCondor's schedd writes it (classadHistory.cpp AppendHistory):
// each job ad that leaves the queue, then its banner, the file rotated before it would grow past
// MAX_HISTORY_LOG and MAX_HISTORY_ROTATIONS rotated files kept. A record is queued in the transaction that
// moves the job to the history table (the history outbox), appended after the commit and its row deleted:
// a crash repeats a record at worst. The history table (what GET /v1/history reads) keeps what the files
// keep: the rows of a rotated file go when the file is deleted, so neither grows without end.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { ClassAd } from '@tinycondor/shared/classad/index';
import { historyAdText, historyBanner, historyBannerFields, type HistoryFileSettings } from '@tinycondor/shared/job-history-file';
import { fileSize, lastLineOffset, rotationSuffix, rotationsToRemove } from '@tinycondor/shared/rotated-files';
import { afterTurn } from './after-turn.js';
import type { Db } from './db.js';

/** meta: the last history row appended to the file, and (with the rotated file's name) the last one a rotated file holds. */
const LAST_APPENDED = 'history_file_last_seq';
const ROTATED_PREFIX = 'history_rotated:';

export class HistoryFile {
  private readonly insert;
  private readonly pending;
  private readonly removeUpTo;
  private readonly getMeta;
  private readonly setMeta;
  private readonly deleteMeta;
  private readonly trimHistory;
  private cached: HistoryFileSettings | undefined;
  /** Appends soon, after the current turn (and its commit). */
  readonly schedule: () => void;

  constructor(
    private readonly db: Db,
    /** The settings, read once when first needed (the pool's configuration is written as the schedd starts). */
    private readonly readSettings: () => HistoryFileSettings,
    private readonly log: Logger,
  ) {
    this.insert = db.prepare<[number, string, string]>('INSERT INTO history_outbox (history_seq, text, banner) VALUES (?, ?, ?)');
    this.pending = db.prepare<[], { seq: number; history_seq: number; text: string; banner: string }>('SELECT seq, history_seq, text, banner FROM history_outbox ORDER BY seq LIMIT 500');
    this.removeUpTo = db.prepare<[number]>('DELETE FROM history_outbox WHERE seq <= ?');
    this.getMeta = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
    this.setMeta = db.prepare<[string, string]>('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    this.deleteMeta = db.prepare<[string]>('DELETE FROM meta WHERE key = ?');
    this.trimHistory = db.prepare<[number]>('DELETE FROM history WHERE seq <= ?');
    this.schedule = afterTurn(() => this.flush(), log, 'history file not flushed');
  }

  settings(): HistoryFileSettings {
    if (this.cached === undefined) {
      this.cached = this.readSettings();
      if (this.cached.file === undefined) this.log.info('HISTORY is set empty: no job history is kept');
      else this.log.info({ file: this.cached.file, maxLogBytes: this.cached.maxLogBytes, maxRotations: this.cached.maxRotations, rotate: this.cached.rotate }, 'writing the job history');
    }
    return this.cached;
  }

  /** Whether job ads leaving the queue are kept (HISTORY is not set empty). */
  keeps(): boolean {
    return this.settings().file !== undefined;
  }

  /** Queues the ad of the job that left the queue (its history row `historySeq`) in the current transaction. */
  record(historySeq: number, ad: ClassAd): void {
    if (!this.keeps()) return;
    this.insert.run(historySeq, historyAdText(ad), historyBannerFields(ad));
    this.schedule();
  }

  /** Appends what the outbox holds, a batch at a time, then the rows go. */
  flush(): void {
    const settings = this.settings();
    for (;;) {
      const rows = this.pending.all();
      if (rows.length === 0) return;
      if (settings.file !== undefined) this.append(settings, settings.file, rows);
      this.db.transaction(() => {
        this.setMeta.run(LAST_APPENDED, String(rows[rows.length - 1].history_seq));
        this.removeUpTo.run(rows[rows.length - 1].seq);
      })();
    }
  }

  private append(settings: HistoryFileSettings, file: string, rows: ReadonlyArray<{ history_seq: number; text: string; banner: string }>): void {
    let size = fileSize(file);
    let lastLineStart = size > 0 ? lastLineOffset(file, size) : 0;
    let lastSeq = Number(this.getMeta.get(LAST_APPENDED)?.value ?? 0);
    let chunk = '';
    const now = Math.floor(Date.now() / 1000);
    for (const row of rows) {
      const adBytes = Buffer.byteLength(row.text);
      // MaybeRotateHistory: an existing file the ad would grow past MAX_HISTORY_LOG is rotated first.
      if (settings.rotate && size >= 0 && size + adBytes > settings.maxLogBytes) {
        this.write(file, chunk);
        chunk = '';
        this.rotate(settings, file, lastSeq);
        size = -1;
      }
      const banner = historyBanner(size > 0 ? lastLineStart : 0, row.banner, now);
      chunk += row.text + banner;
      lastLineStart = Math.max(size, 0) + adBytes;
      size = lastLineStart + Buffer.byteLength(banner);
      lastSeq = row.history_seq;
    }
    this.write(file, chunk);
  }

  /** RemoveExtraHistoryFiles, then RotateHistory; the history rows of the files deleted go with them. */
  private rotate(settings: HistoryFileSettings, file: string, lastSeq: number): void {
    for (const old of rotationsToRemove(file, settings.maxRotations)) {
      fs.rmSync(old, { force: true });
      const key = ROTATED_PREFIX + path.basename(old);
      const held = this.getMeta.get(key);
      if (held !== undefined) {
        const trimmed = this.db.transaction(() => {
          this.deleteMeta.run(key);
          return this.trimHistory.run(Number(held.value)).changes;
        })();
        this.log.info({ file: old, rows: trimmed }, 'rotated history file deleted, with its history rows');
      }
    }
    const name = `${file}.${rotationSuffix(new Date())}`;
    try {
      fs.renameSync(file, name);
      this.setMeta.run(ROTATED_PREFIX + path.basename(name), String(lastSeq));
      this.log.info({ file: name }, 'history file rotated');
    } catch (err) {
      this.log.warn({ err, file: name }, 'Failed to rotate history file; because rotation failed, the history file may get very large');
    }
  }

  private write(file: string, text: string): void {
    if (text === '') return;
    try {
      fs.appendFileSync(file, text, { mode: 0o644 });
    } catch (err) {
      // As AppendHistory: the ad is not saved, with an error in the log; the schedd goes on.
      this.log.error({ err }, `ERROR saving to history file (${file}): ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }
}
