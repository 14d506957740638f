import type { Logger } from 'pino';
import { DEFAULT_CLAIM_WORKLIFE_SECONDS } from '@tinycondor/shared/claim-worklife';
import { keptClaimEnd } from '@tinycondor/shared/keep-claim-idle';
import type { Matchmaker } from './matchmaker.js';
import type { ScheddObserver } from './schedd-observer.js';
import type { LeaseClock } from './startd-sessions.js';
import { slotKey, type Slot, type SlotRun, type StartdConnection, type StartdRegistry } from './startd-registry.js';

/** What the claims kept idle need of the schedd. */
export interface KeptClaimsContext {
  registry: Pick<StartdRegistry, 'get'>;
  matchmaker: Pick<Matchmaker, 'slotChanged'>;
  observer: Pick<ScheddObserver, 'slotChanged' | 'startdChanged'>;
  scheduleMatchmaking(): void;
  clock: LeaseClock;
  now(): Date;
  log: Logger;
}

/**
 * Claims kept idle after their job ended (the job's KeepClaimIdle), as HTCondor's schedd keeps a match in
 * M_CLAIMED with an idle_timer_deadline (child_exit): the slot, a dynamic slot too, stays claimed for its
 * submitter's next job, which starts on it under the same slot name; past the deadline with none, the claim is
 * released (FindRunnableJobForClaim: "out of jobs; relinquishing") and a dynamic slot goes back to its
 * partitionable slot; sooner if the claim passes its startd's CLAIM_WORKLIFE meanwhile (keptClaimEnd). The
 * slot's claimStartedAt stays: a job started on the claim goes on with it.
 */
export class KeptClaims {
  private readonly timers = new Map<Slot, () => void>();

  constructor(private readonly context: KeptClaimsContext) {}

  /** The run `ended` asked for its claim to be kept `seconds` (keptIdleSeconds); the slot has no run now. */
  keep(connection: StartdConnection, slot: Slot, ended: SlotRun & { keep: NonNullable<SlotRun['keep']> }, seconds: number): void {
    const { matchmaker, observer, log, clock } = this.context;
    const since = this.context.now().getTime();
    const end = keptClaimEnd(since, seconds, slot.claimStartedAt, connection.claimWorklife ?? DEFAULT_CLAIM_WORKLIFE_SECONDS);
    slot.kept = { submitter: ended.keep.submitter, claim: ended.keep.claim, since, until: end.at };
    this.timers.get(slot)?.();
    this.timers.set(slot, clock.after(end.at - since, () => this.release(connection, slot, end.by)));
    log.info({ jobId: `${ended.cluster}.${ended.proc}`, slot: slotKey(slot), seconds, until: new Date(end.at).toISOString() }, 'claim kept idle for the next job of its user (KeepClaimIdle)');
    observer.slotChanged(slot);
    matchmaker.slotChanged(slotKey(slot));
  }

  /** A job of its submitter starts on the slot: the claim goes on with it. */
  taken(slot: Slot): void {
    this.timers.get(slot)?.();
    this.timers.delete(slot);
    slot.kept = undefined;
  }

  /** The schedd stops: the claims go with it. */
  stop(): void {
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
  }

  /** Past its KeepClaimIdle (or its CLAIM_WORKLIFE) with no job of its submitter started on it: released, a dynamic slot given back. */
  private release(connection: StartdConnection, slot: Slot, by: 'KeepClaimIdle' | 'CLAIM_WORKLIFE'): void {
    const { registry, matchmaker, observer, log } = this.context;
    this.timers.delete(slot);
    if (!slot.kept || slot.run) return;
    slot.kept = undefined;
    slot.claimStartedAt = undefined;
    // A startd that reconnected since has its slots anew, without the claim.
    if (registry.get(slot.startdName) !== connection || connection.slots.get(slot.description.name) !== slot) return;
    if (by === 'CLAIM_WORKLIFE') log.info({ slot: slotKey(slot) }, 'idle claim shutting down due to CLAIM_WORKLIFE');
    else log.info({ slot: slotKey(slot) }, 'claim kept idle released: no job of its user came (KeepClaimIdle)');
    const parent = slot.description.parent === undefined ? undefined : connection.slots.get(slot.description.parent);
    if (parent) {
      connection.slots.delete(slot.description.name);
      observer.startdChanged(connection, true);
      matchmaker.slotChanged(slotKey(parent));
    } else observer.slotChanged(slot);
    matchmaker.slotChanged(slotKey(slot));
    this.context.scheduleMatchmaking();
  }
}
