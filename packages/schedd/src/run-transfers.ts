import type { Readable } from 'node:stream';
import { BaseMismatchError, extractTarSafely, packEntries, type PackedArchive } from '@tinycondor/transfer/tar/index';
import { InputTransferError, inputEntries } from '@tinycondor/transfer/input-files';
import { placeOutputs } from '@tinycondor/transfer/output-placement';
import path from 'node:path';
import { isSpooled, maxTransferBytes } from '@tinycondor/shared/transfer-files';
import { transferLimitExcess } from '@tinycondor/transfer/transfer-limit';
import type { ClassAd } from '@tinycondor/shared/classad/index';
import { daemonRights, type FileRights } from '@tinycondor/shared/file-rights';
import type { TimelineEntry } from '@tinycondor/shared/job-timeline';
import type { FastifyBaseLogger as Logger } from 'fastify';
import type { FaultInjector } from './fault-injector.js';
import type { StoredJob } from './job-store.js';
import type { Schedd } from './schedd.js';
import { fileTransferEvent } from './transfer-events.js';
import { warnWithheld } from './routes/withheld.js';
import { formatJobId } from '@tinycondor/shared/job-id';

/** What a transfer came to: its size, or the HTTP status and reason of its refusal. */
export type TransferOutcome = { files: number; bytes: number } | TransferRefusal;
export interface TransferRefusal {
  status: 400 | 409 | 412 | 413 | 422 | 503;
  error: string;
}

/**
 * What the schedd does with the files of a run, as its shadow would: sends the input sandbox, places the
 * output, commits checkpoints into SPOOL, logging each transfer (040) and its checkpoint on the timeline.
 * The routes only carry the bytes; each transfer is one call here, made for the run's current state (the
 * route has waited for the startd's earlier reports, see ReportOrder).
 */
export class RunTransfers {
  constructor(
    private readonly schedd: Schedd,
    private readonly faults: FaultInjector,
  ) {}

  /** The input sandbox as a tar stream, or why it cannot be sent. */
  sendInput(job: StoredJob, log: Logger): PackedArchive | TransferRefusal {
    const { schedd } = this;
    const executionPoint = `${job.slot}@${job.startd}`;
    schedd.spool.finishInterruptedCommit(job.cluster, job.proc);
    let entries;
    try {
      let rights: FileRights;
      try {
        rights = this.filesRights(job.ad);
      } catch (err) {
        throw new InputTransferError((err as Error).message);
      }
      entries = inputEntries(job.ad, schedd.spool.jobDir(job.cluster, job.proc), schedd.spool.entriesToRestore(job.cluster, job.proc, (job.ad.getString('CheckpointDestination') ?? '') !== ''), schedd.jobFileGuard(job), rights);
    } catch (err) {
      if (!(err instanceof InputTransferError)) throw err;
      const reason = `Transfer input files failure at access point ${schedd.settings.name} while sending files to the execution point ${executionPoint}. Details: ${err.message}`;
      return { status: 422, error: reason };
    }
    const maxBytes = maxTransferBytes(job.ad, 'MaxTransferInputMB', schedd.knob('MAX_TRANSFER_INPUT_MB'));
    const excess = maxBytes === undefined ? undefined : transferLimitExcess(entries, maxBytes, 'upload', this.filesRights(job.ad));
    if (excess !== undefined) {
      // 413: the startd holds the job with MaxTransferInputSizeExceeded; nothing is sent.
      return { status: 413, error: `Transfer input files failure at access point ${schedd.settings.name} while sending files to the execution point ${executionPoint}. Details: ${excess}` };
    }
    this.logTransfer(job, 2, schedd.registry.get(job.startd ?? '')?.sinfulAddress ?? `<${executionPoint}>`);
    const archive = packEntries(entries);
    archive.done.then(
      () => this.logTransfer(job, 3),
      (err: unknown) => log.warn({ err, jobId: formatJobId(job.cluster, job.proc) }, 'input transfer failed'),
    );
    return archive;
  }

  /** Places the output sandbox the startd sends where the job said (or keeps it in SPOOL for a spooled job). */
  async receiveOutput(job: StoredJob, body: Readable, log: Logger): Promise<TransferOutcome> {
    const { schedd } = this;
    const noSpace = schedd.spool.spaceRefusal();
    if (noSpace) {
      body.resume();
      log.warn({ jobId: formatJobId(job.cluster, job.proc) }, noSpace);
      return { status: 400, error: `Transfer output files failure: ${noSpace}` };
    }
    this.logTransfer(job, 5);
    const staging = schedd.spool.acquireStagingDir();
    try {
      const result = await extractTarSafely(body, staging);
      const maxBytes = maxTransferBytes(job.ad, 'MaxTransferOutputMB', schedd.knob('MAX_TRANSFER_OUTPUT_MB'));
      const excess = maxBytes === undefined ? undefined : transferLimitExcess(result.topLevelNames.map((name) => ({ name, source: path.join(staging, name) })), maxBytes, 'download');
      // 413: nothing is placed, and the startd holds the job with MaxTransferOutputSizeExceeded.
      if (excess !== undefined) return { status: 413, error: excess };
      if (isSpooled(job.ad)) schedd.spool.keepResults(job.cluster, job.proc, staging, result.topLevelNames);
      else placeOutputs(job.ad, staging, result.topLevelNames, schedd.jobFileGuard(job), this.filesRights(job.ad));
      this.logTransfer(job, 6);
      return { files: result.files, bytes: result.bytes };
    } catch (err) {
      log.warn({ err, jobId: formatJobId(job.cluster, job.proc) }, 'output transfer failed');
      return { status: 400, error: `Transfer output files failure: ${(err as Error).message}` };
    } finally {
      schedd.spool.releaseStagingDir(staging);
    }
  }

  /**
   * Commits a checkpoint (`number`), or the files sent at an ON_EXIT_OR_EVICT job's eviction (no number),
   * into the job's SPOOL directory through the two-phase commit; the shadow logs such a transfer as output
   * transfer (040). A checkpoint no newer than the committed one is stale. An incremental checkpoint
   * (`base`) is taken only onto the committed checkpoint it names: else 412, and the startd sends it whole.
   */
  async receiveCheckpoint(job: StoredJob, checkpoint: number | undefined, body: Readable, log: Logger, base?: number): Promise<TransferOutcome> {
    const { schedd, faults } = this;
    const jobId = formatJobId(job.cluster, job.proc);
    const refuse = (refusal: TransferRefusal, timelineDetail?: string): TransferRefusal => {
      body.resume();
      if (timelineDetail !== undefined) this.checkpointFailed(job, checkpoint, timelineDetail);
      return refusal;
    };
    const committed = job.ad.getInt('CheckpointNumber') ?? -1;
    if (checkpoint !== undefined && checkpoint <= committed) {
      return refuse({ status: 409, error: `checkpoint ${checkpoint} of run ${job.runId} of job ${jobId} is stale` });
    }
    if (base !== undefined && (checkpoint === undefined || base !== committed)) {
      return refuse({ status: 412, error: `checkpoint ${checkpoint ?? '(eviction)'} builds on checkpoint ${base}, but the committed checkpoint is ${committed < 0 ? 'none' : committed}: send it whole` });
    }
    const verdict = checkpoint === undefined ? 'accept' : faults.checkpointUploadStarting(job, checkpoint);
    if (verdict === 'refuse-permanent' || verdict === 'refuse-transient') {
      return refuse({ status: verdict === 'refuse-permanent' ? 400 : 503, error: `checkpoint ${checkpoint} refused by fault injection (fail-next-checkpoint)` });
    }
    const noSpace = schedd.spool.spaceRefusal();
    if (noSpace) {
      log.warn({ jobId, checkpoint }, noSpace);
      return refuse({ status: 400, error: `checkpoint transfer refused: ${noSpace}` }, noSpace);
    }
    this.logTransfer(job, 5, undefined, checkpoint === undefined ? {} : { kind: 'checkpoint-started', checkpoint });
    if (verdict === 'discard') {
      return refuse({ status: 503, error: `checkpoint ${checkpoint} discarded: its startd was killed during the upload` }, 'startd killed during the upload');
    }
    const runId = job.runId;
    try {
      const result = await schedd.spool.receiveAndCommit(job.cluster, job.proc, body, base !== undefined);
      warnWithheld(log, jobId, result.withheld);
      const names = result.topLevelNames.slice(0, 100);
      this.logTransfer(job, 6, undefined, checkpoint === undefined ? { names } : { kind: 'checkpoint-committed', checkpoint, bytes: result.bytes, files: result.files, ...(base === undefined ? {} : { linked: result.linked }), names });
      schedd.spoolCommitted(job, runId, checkpoint);
      // A user's action during the upload (hold, remove) may have ended the run: its checkpoint is kept, not counted.
      const current = schedd.currentRun(jobId, runId, job.startd ?? '');
      if (checkpoint !== undefined && current) {
        schedd.checkpointCommitted(current, checkpoint);
        faults.checkpointCommitted(current, checkpoint);
      }
      return { files: result.files, bytes: result.bytes };
    } catch (err) {
      if (err instanceof BaseMismatchError) {
        log.warn({ err, jobId, checkpoint, base }, 'an incremental checkpoint does not fit the committed one; the startd sends it whole');
        return { status: 412, error: `checkpoint ${checkpoint} does not build on the committed checkpoint: ${err.message}: send it whole` };
      }
      log.warn({ err, jobId, checkpoint }, 'checkpoint transfer failed; the committed checkpoint is unchanged');
      this.checkpointFailed(job, checkpoint, (err as Error).message);
      return { status: 400, error: `checkpoint transfer failed: ${(err as Error).message}` };
    }
  }

  /**
   * What is left of checkpoint `checkpoint`, whose upload to its checkpoint_destination failed: its FAILURE
   * file (or an empty archive when the plugin left no MANIFEST to write), committed into SPOOL as any
   * checkpoint is, then the failure handled (Schedd.checkpointUploadFailed). Nothing is logged to the job's
   * event log; the timeline says `checkpoint-failed`.
   */
  async receiveFailedCheckpoint(job: StoredJob, checkpoint: number, body: Readable, log: Logger): Promise<TransferOutcome> {
    const { schedd } = this;
    const jobId = formatJobId(job.cluster, job.proc);
    if (checkpoint <= (job.ad.getInt('CheckpointNumber') ?? -1)) {
      body.resume();
      return { status: 409, error: `checkpoint ${checkpoint} of run ${job.runId} of job ${jobId} is stale` };
    }
    const runId = job.runId;
    try {
      const result = await schedd.spool.receiveAndCommit(job.cluster, job.proc, body);
      warnWithheld(log, jobId, result.withheld);
      this.checkpointFailed(job, checkpoint, `the upload to the checkpoint destination failed${result.files > 0 ? '; its FAILURE file is in SPOOL' : ''}`);
      const current = schedd.currentRun(jobId, runId, job.startd ?? '');
      if (current) schedd.checkpointUploadFailed(current, checkpoint);
      return { files: result.files, bytes: result.bytes };
    } catch (err) {
      log.warn({ err, jobId, checkpoint }, 'the FAILURE file of a failed checkpoint was not received');
      return { status: 400, error: `checkpoint transfer failed: ${(err as Error).message}` };
    }
  }

  /** A spooled job's files are all in SPOOL, the schedd's; others' are read and written as their owner. */
  private filesRights(ad: ClassAd): FileRights {
    return isSpooled(ad) ? daemonRights : this.schedd.ownerRights.forOwner(ad.getString('Owner'));
  }

  private logTransfer(job: StoredJob, transferType: 2 | 3 | 5 | 6, host?: string, extra?: Partial<TimelineEntry>): void {
    this.schedd.logTransfer(job, [fileTransferEvent(job, transferType, new Date(), host)], extra);
  }

  private checkpointFailed(job: StoredJob, checkpoint: number | undefined, detail: string): void {
    this.schedd.store.recordTimeline(job.cluster, job.proc, { time: Date.now(), kind: 'checkpoint-failed', runId: job.runId, checkpoint, detail });
  }
}
