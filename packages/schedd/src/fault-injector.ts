import type { Logger } from 'pino';
import { formatJobId } from '@tinycondor/shared/job-id';
import { JobStatus } from '@tinycondor/shared/job-status';
import type { StoredJob } from './job-store.js';
import type { Schedd } from './schedd.js';

/** How a job is evicted: a graceful vacate (kill signal, then SIGKILL after the grace), or SIGKILL of its startd. */
export type EvictMethod = 'vacate' | 'kill-startd';
export type EvictMoment = 'now' | 'after-checkpoint' | 'during-upload';

export interface FaultOutcome {
  ok: boolean;
  message: string;
}

interface ArmedEviction {
  moment: 'after-checkpoint' | 'during-upload';
  /** The checkpoint number (CheckpointNumber, 0-based) it waits for; undefined: the next one. */
  checkpoint: number | undefined;
  method: EvictMethod;
}

/** What the checkpoint route does with an upload that is starting. */
export type UploadVerdict = 'accept' | 'refuse-transient' | 'refuse-permanent' | 'discard';

/**
 * Fault injection for testing jobs and wrappers: evict a job now or at a checkpoint moment, kill or
 * disconnect a startd, fail a job's next checkpoint upload. Every fault is written on the job's timeline.
 */
export class FaultInjector {
  private readonly evictions = new Map<string, ArmedEviction[]>();
  private readonly failUploads = new Map<string, 'transient' | 'permanent'>();

  constructor(
    private readonly schedd: Schedd,
    private readonly log: Logger,
  ) {}

  evict(job: StoredJob, moment: EvictMoment, method: EvictMethod, checkpoint?: number): FaultOutcome {
    const jobId = formatJobId(job.cluster, job.proc);
    if (moment === 'now') return this.evictNow(job, method, 'now');
    this.forgetJobsThatLeft();
    const armed = this.evictions.get(jobId) ?? [];
    armed.push({ moment, checkpoint, method });
    this.evictions.set(jobId, armed);
    const which = checkpoint === undefined ? 'the next checkpoint' : `checkpoint ${checkpoint}`;
    return { ok: true, message: `Job ${jobId} will be evicted (${method}) ${moment === 'after-checkpoint' ? 'right after' : 'during the upload of'} ${which}` };
  }

  failNextCheckpoint(job: StoredJob, permanent: boolean): FaultOutcome {
    const jobId = formatJobId(job.cluster, job.proc);
    this.forgetJobsThatLeft();
    this.failUploads.set(jobId, permanent ? 'permanent' : 'transient');
    return { ok: true, message: `The next checkpoint upload of job ${jobId} will fail${permanent ? ' for good' : ' once'}` };
  }

  /**
   * SIGKILL of a startd: it is told to kill itself, so no other process can be named as its pid. Only a
   * startd that runs as a process of its own (its hello says so) is; the pool's supervisor starts it again.
   */
  killStartd(name: string, why = 'kill-startd'): FaultOutcome {
    const connection = this.schedd.registry.get(name);
    if (!connection) return { ok: false, message: `startd ${name} is not connected` };
    if (!connection.killable) return { ok: false, message: `startd ${name} does not run as a process of its own; it cannot be killed` };
    this.noteOnJobsOf(name, `${why}: SIGKILL startd ${name}`);
    connection.send({ type: 'fault-kill' });
    this.log.warn({ startd: name }, 'fault injection: startd told to SIGKILL itself');
    return { ok: true, message: `startd ${name} killed` };
  }

  /** Closes the startd's channel; it reconnects by itself and its jobs keep running on their lease. */
  disconnectStartd(name: string): FaultOutcome {
    const connection = this.schedd.registry.get(name);
    if (!connection) return { ok: false, message: `startd ${name} is not connected` };
    this.noteOnJobsOf(name, `disconnect-startd: channel of startd ${name} closed`);
    connection.close('fault injection: disconnected');
    this.log.warn({ startd: name }, 'fault injection: startd disconnected');
    return { ok: true, message: `startd ${name} disconnected` };
  }

  /** Called when a checkpoint upload of the job's current run begins. */
  checkpointUploadStarting(job: StoredJob, checkpoint: number): UploadVerdict {
    const jobId = formatJobId(job.cluster, job.proc);
    const failure = this.failUploads.get(jobId);
    if (failure) {
      this.failUploads.delete(jobId);
      this.note(job, `fail-next-checkpoint: upload of checkpoint ${checkpoint} refused (${failure})`);
      return failure === 'permanent' ? 'refuse-permanent' : 'refuse-transient';
    }
    const armed = this.take(jobId, 'during-upload', checkpoint);
    if (!armed) return 'accept';
    const outcome = this.evictNow(job, armed.method, `during the upload of checkpoint ${checkpoint}`);
    // A startd killed mid-upload never finishes sending: the upload must not be committed.
    return outcome.ok && armed.method === 'kill-startd' ? 'discard' : 'accept';
  }

  /** Called after a checkpoint of the job's current run was committed. */
  checkpointCommitted(job: StoredJob, checkpoint: number): void {
    const armed = this.take(formatJobId(job.cluster, job.proc), 'after-checkpoint', checkpoint);
    if (armed) this.evictNow(job, armed.method, `right after checkpoint ${checkpoint}`);
  }

  /** Faults armed for jobs that have left the queue will never fire. */
  private forgetJobsThatLeft(): void {
    for (const armed of [this.evictions, this.failUploads]) {
      for (const jobId of armed.keys()) {
        const [cluster, proc] = jobId.split('.').map(Number);
        if (!this.schedd.store.getJob(cluster, proc)) armed.delete(jobId);
      }
    }
  }

  private take(jobId: string, moment: ArmedEviction['moment'], checkpoint: number): ArmedEviction | undefined {
    const armed = this.evictions.get(jobId);
    const index = armed?.findIndex((a) => a.moment === moment && (a.checkpoint === undefined || a.checkpoint === checkpoint)) ?? -1;
    if (!armed || index < 0) return undefined;
    const [found] = armed.splice(index, 1);
    if (armed.length === 0) this.evictions.delete(jobId);
    return found;
  }

  private evictNow(stale: StoredJob, method: EvictMethod, moment: string): FaultOutcome {
    const jobId = formatJobId(stale.cluster, stale.proc);
    // Callers may hold the job from before a change (a checkpoint just committed): act on what is stored.
    const job = this.schedd.store.getJob(stale.cluster, stale.proc);
    if (!job) return { ok: false, message: `Job ${jobId} is not in the queue` };
    if (job.status !== JobStatus.Running || !job.startd) return { ok: false, message: `Job ${jobId} is not running` };
    if (method === 'kill-startd') return this.killStartd(job.startd, `evict ${moment}`);
    this.note(job, `evict ${moment}: vacate`);
    const [result] = this.schedd.actAsSchedd('vacate', [job], 'Job vacated by fault injection');
    return { ok: result.ok, message: result.message };
  }

  private note(job: StoredJob, detail: string): void {
    this.schedd.store.recordTimeline(job.cluster, job.proc, { time: Date.now(), kind: 'fault', runId: job.runId, detail });
  }

  private noteOnJobsOf(startdName: string, detail: string): void {
    for (const job of this.schedd.store.jobsOnStartd(startdName)) this.note(job, detail);
  }
}
