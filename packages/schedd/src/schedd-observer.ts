import type { JobEvent } from '@tinycondor/shared/eventlog/index';
import type { Transition } from '@tinycondor/shared/job-state';
import type { StoredJob } from './job-store.js';
import type { Slot, StartdConnection } from './startd-registry.js';

/**
 * What the schedd's core tells those who watch it (the dashboard's event stream), after each change is
 * committed. The core knows nothing of them beyond this.
 */
export interface ScheddObserver {
  /** Whether anyone listens now: the core keeps the events of a big submission only for a listener. */
  readonly listening: boolean;
  /** A job's transition, committed. */
  jobChanged(job: StoredJob, transition: Transition): void;
  /** The procs of a cluster, stored with their submit events (empty when nobody was listening). */
  clusterSubmitted(clusterId: number, procs: number, events: JobEvent[]): void;
  /** Events logged without a change of state (file transfers). */
  eventsLogged(events: JobEvent[]): void;
  slotChanged(slot: Slot): void;
  startdChanged(connection: StartdConnection, connected: boolean): void;
  /** The schedd stops: listeners are let go with `reason`. */
  close(reason: string): void;
}
