import type { ClassAd } from '@tinycondor/shared/classad/index';
import { formatEventText, type JobEvent } from '@tinycondor/shared/eventlog/index';
import { formatJobId } from '@tinycondor/shared/job-id';
import type { SlotRow } from '@tinycondor/shared/protocol';
import { remainingOf } from '@tinycondor/shared/slot-layout';
import type { Transition } from '@tinycondor/shared/job-state';
import type { StoredJob } from '../job-store.js';
import type { ScheddObserver } from '../schedd-observer.js';
import type { Slot, StartdConnection } from '../startd-registry.js';
import type { EventFeed } from './event-feed.js';
import { changedAttributes, queueRow } from './queue-rows.js';
import type { CheckpointSizes } from './spool-files.js';

/** The slot's row; `siblings`: the slots of its startd, of which a partitionable slot's dynamic slots took their share. */
export function slotRow(slot: Slot, siblings: Iterable<Slot>): SlotRow {
  const { name, cpus, memoryMb, diskKb } = slot.description;
  const row: SlotRow = { startd: slot.startdName, slot: name, cpus, memoryMb, diskKb, jobId: slot.run ? formatJobId(slot.run.cluster, slot.run.proc) : null };
  if (slot.description.parent !== undefined) row.slotType = 'Dynamic';
  if (slot.description.partitionable) {
    const left = remainingOf(slot.description, [...siblings].filter((s) => s.description.parent === name).map((s) => s.description));
    row.slotType = 'Partitionable';
    row.left = { cpus: left.cpus, memoryMb: left.memoryMb, diskKb: left.diskKb };
  }
  return row;
}

/** Turns the schedd's committed changes into event-stream messages; does nothing while nobody listens. */
export class DashboardPublisher implements ScheddObserver {
  constructor(
    readonly feed: EventFeed,
    private readonly sizes: CheckpointSizes,
  ) {}

  get listening(): boolean {
    return this.feed.active;
  }

  close(reason: string): void {
    this.feed.closeAll(reason);
  }

  rowOf(jobId: string, cluster: number, proc: number, ad: ClassAd) {
    return queueRow(jobId, ad, this.sizes.bytes(cluster, proc, ad.getInt('JobLastCheckpointTime') ?? 0));
  }

  /** After a transition was committed. */
  jobChanged(job: StoredJob, transition: Transition): void {
    if (transition.leaveQueue) this.sizes.forget(job.cluster, job.proc);
    if (!this.feed.active) return;
    const jobId = formatJobId(job.cluster, job.proc);
    const changed = changedAttributes(job.ad.toJSON(), transition.ad.toJSON());
    if (Object.keys(changed).length > 0 || transition.leaveQueue) {
      const row = transition.leaveQueue ? queueRow(jobId, transition.ad, null) : this.rowOf(jobId, job.cluster, job.proc, transition.ad);
      this.feed.publish({ type: 'job', jobId, change: transition.leaveQueue ? 'left' : 'updated', status: row.status, changed, row });
    }
    this.eventsLogged(transition.events);
  }

  clusterSubmitted(clusterId: number, procs: number, events: JobEvent[]): void {
    if (!this.feed.active) return;
    this.feed.publish({ type: 'submitted', clusterId, procs });
    this.eventsLogged(events);
  }

  eventsLogged(events: JobEvent[]): void {
    for (const event of events) {
      // A burst (a big submission) may drop every subscriber that falls behind; then stop formatting.
      if (!this.feed.active) return;
      this.feed.publish({
        type: 'event',
        jobId: formatJobId(event.cluster, event.proc),
        code: event.code,
        time: Math.floor(event.time.getTime() / 1000),
        text: formatEventText(event),
      });
    }
  }

  slotChanged(slot: Slot): void {
    // A slot whose run changed: never a partitionable one (its row changes with its dynamic slots, in startdChanged).
    if (this.feed.active) this.feed.publish({ type: 'slot', slot: slotRow(slot, []) });
  }

  startdChanged(connection: StartdConnection, connected: boolean): void {
    if (!this.feed.active) return;
    this.feed.publish({ type: 'startd', startd: connection.identity.startdName, connected, slots: [...connection.slots.values()].map((slot) => slotRow(slot, connection.slots.values())) });
  }
}
