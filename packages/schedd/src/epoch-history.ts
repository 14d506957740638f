// The job epoch history (JOB_EPOCH_HISTORY, JOB_EPOCH_HISTORY_DIR), written where HTCondor's shadow writes
// it: a SPAWN record when a run starts, an INPUT / OUTPUT / CHECKPOINT record for each plugin result list
// the startd reports, the job's whole ad (EPOCH) when the run ends. A record is queued in the transaction of
// the change it records (the epoch outbox), then appended after the commit and its row deleted: a crash
// repeats a record at worst, never loses one nor leaves half of one. With both knobs set empty nothing is
// formatted nor queued.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { ClassAd } from '@tinycondor/shared/classad/index';
import { epochJobFileName, epochRecordText, recordsEpochs, transferRecordContext, type EpochAdType, type EpochSettings, type TransferClassName } from '@tinycondor/shared/epoch-history';
import { rotationSuffix, rotationsToRemove } from '@tinycondor/shared/rotated-files';
import { afterTurn } from './after-turn.js';
import type { Db } from './db.js';

const APPEND = fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT;


export class EpochHistory {
  private readonly insert;
  private readonly pending;
  private readonly removeUpTo;
  private cached: EpochSettings | undefined;
  /** Appends soon, after the current turn (and its commit). */
  readonly schedule: () => void;
  private dirChecked = false;

  constructor(
    db: Db,
    /** The settings, read once when first needed (the pool's configuration is written as the schedd starts). */
    private readonly readSettings: () => EpochSettings,
    private readonly log: Logger,
  ) {
    this.insert = db.prepare<[number, number, string]>('INSERT INTO epoch_outbox (cluster_id, proc_id, text) VALUES (?, ?, ?)');
    this.pending = db.prepare<[], { seq: number; cluster_id: number; proc_id: number; text: string }>('SELECT seq, cluster_id, proc_id, text FROM epoch_outbox ORDER BY seq LIMIT 500');
    this.removeUpTo = db.prepare<[number]>('DELETE FROM epoch_outbox WHERE seq <= ?');
    this.schedule = afterTurn(() => this.flush(), log, 'epoch history not flushed');
  }

  private settings(): EpochSettings {
    if (this.cached === undefined) {
      this.cached = this.readSettings();
      if (recordsEpochs(this.cached)) this.log.info({ file: this.cached.historyFile, dir: this.cached.historyDir }, 'writing job run instance ads');
    }
    return this.cached;
  }

  /** Queues the record of `job` (the run's job ad) in the current transaction; `context` is a transfer record's own ad. */
  record(job: ClassAd, type: EpochAdType, now: Date, context?: ClassAd): void {
    const settings = this.settings();
    if (!recordsEpochs(settings)) return;
    const text = epochRecordText(job, type, settings, Math.floor(now.getTime() / 1000), context);
    if (text === undefined) {
      this.log.debug({ type }, 'Missing attribute(s): Not writing to job run instance file');
      return;
    }
    this.insert.run(job.getInt('ClusterId') ?? 0, job.getInt('ProcId') ?? 0, text);
    this.schedule();
  }

  /** The startd's plugin result list for one of the run's transfers: an INPUT, OUTPUT or CHECKPOINT record. */
  transfer(job: ClassAd, transferClass: TransferClassName, resultList: string, now: Date): void {
    if (!recordsEpochs(this.settings())) return;
    let context: ClassAd | undefined;
    try {
      context = transferRecordContext(transferClass, resultList);
    } catch (err) {
      this.log.warn({ err, transferClass }, 'plugin result list does not parse: no epoch record');
      return;
    }
    if (context === undefined) {
      this.log.warn({ transferClass }, 'plugin result list is not a list: no epoch record');
      return;
    }
    this.record(job, transferClass.toUpperCase() as EpochAdType, now, context);
  }

  /** Appends what the outbox holds, a batch at a time: one write per file per batch, then the rows go. */
  flush(): void {
    const settings = this.settings();
    for (;;) {
      const rows = this.pending.all();
      if (rows.length === 0) return;
      if (settings.historyFile !== undefined) this.appendToHistory(settings, rows.map((row) => row.text).join(''));
      const dir = this.historyDir(settings);
      if (dir !== undefined) {
        const byJob = new Map<string, string>();
        for (const row of rows) {
          const name = epochJobFileName(row.cluster_id, row.proc_id);
          byJob.set(name, (byJob.get(name) ?? '') + row.text);
        }
        for (const [name, text] of byJob) this.append(path.join(dir, name), text);
      }
      this.removeUpTo.run(rows[rows.length - 1].seq);
    }
  }

  /** JOB_EPOCH_HISTORY_DIR when it is a directory; else the shadow's error, once, and no per-job files. */
  private historyDir(settings: EpochSettings): string | undefined {
    const dir = settings.historyDir;
    if (dir === undefined) return undefined;
    if (!this.dirChecked) {
      this.dirChecked = true;
      let isDir = false;
      try {
        isDir = fs.statSync(dir).isDirectory();
      } catch {
        isDir = false;
      }
      if (!isDir) {
        this.log.error(`Invalid JOB_EPOCH_HISTORY_DIR (${dir}): must point to a valid directory; disabling per-job run instance recording.`);
        this.cached = { ...settings, historyDir: undefined };
        return undefined;
      }
    }
    return dir;
  }

  /** MaybeRotateHistory, then the append: a file that would grow past MAX_EPOCH_HISTORY_LOG is renamed first. */
  private appendToHistory(settings: EpochSettings, text: string): void {
    const file = settings.historyFile as string;
    let size = -1;
    try {
      size = fs.statSync(file).size;
    } catch {
      size = -1;
    }
    if (size >= 0 && size + Buffer.byteLength(text) > settings.maxLogBytes) {
      for (const old of rotationsToRemove(file, settings.maxRotations)) fs.rmSync(old, { force: true });
      try {
        fs.renameSync(file, `${file}.${rotationSuffix(new Date())}`);
      } catch (err) {
        this.log.warn({ err, file }, 'Failed to rotate history file; the history file may get very large');
      }
    }
    this.append(file, text);
  }

  private append(file: string, text: string): void {
    let fd: number;
    try {
      fd = fs.openSync(file, APPEND, 0o644);
    } catch (err) {
      // As the shadow: the record is dropped with an error in the log; the job goes on.
      this.log.error({ err }, `ERROR (${(err as NodeJS.ErrnoException).code ?? 'error'}): Opening job run instance file (${path.basename(file)})`);
      return;
    }
    try {
      fs.writeSync(fd, text);
    } catch (err) {
      this.log.error({ err }, `Failed to write job ads to run instance file (${path.basename(file)})`);
    } finally {
      fs.closeSync(fd);
    }
  }
}
