// The startd's job history (STARTD_HISTORY), as HTCondor's startd writes it (Starter.cpp Starter::exited,
// classadHistory.cpp AppendHistory): when a run ends, the job ad it ran with, CompletionDate,
// RemoteWallClockTime (the run's length), StarterExitStatus, JobStatus and the claim's BadputCausedBy* set,
// then the banner line; the file rotated before an ad would grow it past MAX_HISTORY_LOG, as HISTORY is.
import fs from 'node:fs';
import type { Logger } from 'pino';
import type { ClassAd } from '@tinycondor/shared/classad/index';
import { historyAdText, historyBanner, historyBannerFields, type HistoryFileSettings } from '@tinycondor/shared/job-history-file';
import { fileSize, lastLineOffset, rotationSuffix, rotationsToRemove } from '@tinycondor/shared/rotated-files';

/** JobStatus COMPLETED: Starter::exited's value for a starter that was not signalled (tinycondor's never is). */
const COMPLETED = 4;

export class StartdHistory {
  constructor(
    private readonly settings: HistoryFileSettings,
    private readonly log: Logger,
  ) {}

  /** Appends the ad of a run that ended at `endedAt` (ms) after starting at `startedAt` (ms); the ad is not changed. */
  record(jobAd: ClassAd, startedAt: number, endedAt: number): void {
    const file = this.settings.file;
    if (file === undefined) return;
    const ad = jobAd.clone();
    const now = Math.floor(endedAt / 1000);
    ad.set('CompletionDate', now);
    ad.set('RemoteWallClockTime', now - Math.floor(startedAt / 1000));
    ad.set('StarterExitStatus', 0);
    ad.set('JobStatus', COMPLETED);
    // The claim's: tinycondor's startd neither drains nor preempts (it evaluates no PREEMPT policy).
    ad.set('BadputCausedByDraining', false);
    ad.set('BadputCausedByPreemption', false);
    const text = historyAdText(ad);
    try {
      let size = fileSize(file);
      // MaybeRotateHistory: an existing file the ad would grow past MAX_HISTORY_LOG is rotated first.
      if (this.settings.rotate && size >= 0 && size + Buffer.byteLength(text) > this.settings.maxLogBytes) {
        this.rotate(file);
        size = -1;
      }
      const offset = size > 0 ? lastLineOffset(file, size) : 0;
      fs.appendFileSync(file, text + historyBanner(offset, historyBannerFields(ad), now), { mode: 0o644 });
    } catch (err) {
      // As AppendHistory: the ad is not saved, with an error in the log; the startd goes on.
      this.log.error({ err }, `ERROR saving to history file (${file}): ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }

  /** RemoveExtraHistoryFiles, then RotateHistory. */
  private rotate(file: string): void {
    for (const old of rotationsToRemove(file, this.settings.maxRotations)) fs.rmSync(old, { force: true });
    const name = `${file}.${rotationSuffix(new Date())}`;
    try {
      fs.renameSync(file, name);
      this.log.info({ file: name }, 'startd history file rotated');
    } catch (err) {
      this.log.warn({ err, file: name }, 'Failed to rotate history file; because rotation failed, the history file may get very large');
    }
  }
}
