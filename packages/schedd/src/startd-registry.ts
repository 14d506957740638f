import type { ClassAd } from '@tinycondor/shared/classad/index';
import { claimWorklifeExpired, DEFAULT_CLAIM_WORKLIFE_SECONDS } from '@tinycondor/shared/claim-worklife';
import { buildSlotAd, slotClaimOf, type MachineIdentity, type SlotClaim } from '@tinycondor/shared/machine-ad';
import type { ScheddMessage, SlotDescription } from '@tinycondor/shared/protocol';
import type { RecentClusters } from '@tinycondor/shared/recent-clusters';
import type { RequestModifiers } from '@tinycondor/shared/request-modifiers';
import { hasRoomForDynamicSlot, remainingOf } from '@tinycondor/shared/slot-layout';

export interface SlotRun {
  cluster: number;
  proc: number;
  runId: string;
  /** The job's concurrency limits for this slot (lower-case), held while the run or queued start lasts. */
  limits?: string;
  /** What the slot advertises of the run's claim, read from the job's ad once (see StartdRegistry.slotAd). */
  claim?: SlotClaim;
  /**
   * The job's KeepClaimIdle, copied when the run starts (as Scheduler::StartJob copies it to the match): how
   * long the claim is kept idle once the run ends, and for whom.
   */
  keep?: { seconds: number; submitter: string; claim: SlotClaim };
}

/** A claim kept idle after its job ended (KeepClaimIdle): only its submitter's jobs start on the slot, until it is released. */
export interface KeptClaim {
  /** The submitter of the job that ended: whose jobs the claim is kept for (FindRunnableJob for the match's user). */
  submitter: string;
  /** What the slot advertises of the claim (RemoteUser, RemoteOwner, AccountingGroup). */
  claim: SlotClaim;
  /** When the job ended, and when the claim is released if no job of its submitter has started on it (ms). */
  since: number;
  until: number;
}

export interface Slot {
  description: SlotDescription;
  startdName: string;
  /** The run occupying the slot; the slot stays busy until the startd says that run has ended. */
  run: SlotRun | undefined;
  /** The run queued to start on the slot when `run` ends (see Schedd's queued starts). */
  queued: SlotRun | undefined;
  /**
   * When the slot's claim began (ms, this schedd's clock): the start of the run a queued start went on from.
   * Unknown for a run the startd named in its hello: the startd, which keeps the claim, still decides.
   */
  claimStartedAt?: number;
  /** The claim kept idle since its run ended (the slot has no run); a dynamic slot is kept with it. */
  kept?: KeptClaim;
}

export interface StartdConnection {
  identity: MachineIdentity;
  /** HTCondor-style address of the startd's end of the channel, as event 001 prints it. */
  sinfulAddress: string;
  slots: Map<string, Slot>;
  /** The startd runs as a process of its own, which a fault injection may have it SIGKILL (its hello says). */
  killable: boolean;
  /** How its partitionable slots' dynamic slots are sized (its MODIFY_REQUEST_EXPR_*); HTCondor's defaults when absent. */
  requestModifiers?: RequestModifiers;
  /** Its CLAIM_WORKLIFE (seconds, negative: no limit); param_info.in's default when absent. */
  claimWorklife?: number;
  /** The clusters whose ads this connection's startd holds (see RecentClusters). */
  recentClusters: RecentClusters<true>;
  send(message: ScheddMessage): void;
  close(reason: string): void;
}

/** `slot@startd`: a slot's name across the pool (its RemoteHost, the matchmaker's key). */
export function slotKey(slot: Slot): string {
  return `${slot.description.name}@${slot.startdName}`;
}

/** The startds connected to this schedd and the state of their slots. */
export class StartdRegistry {
  private readonly startds = new Map<string, StartdConnection>();

  /** `jobAd`: the ad of a job in the queue, which a slot running it advertises its claim from. */
  constructor(private readonly jobAd: (cluster: number, proc: number) => ClassAd | undefined = () => undefined) {}

  add(connection: StartdConnection): StartdConnection | undefined {
    const previous = this.startds.get(connection.identity.startdName);
    this.startds.set(connection.identity.startdName, connection);
    return previous;
  }

  /** Removes the startd only if `connection` is still the registered one (a reconnect may have replaced it). */
  remove(connection: StartdConnection): boolean {
    if (this.startds.get(connection.identity.startdName) !== connection) return false;
    this.startds.delete(connection.identity.startdName);
    return true;
  }

  get(name: string): StartdConnection | undefined {
    return this.startds.get(name);
  }

  /**
   * Slots a job may be started on: static slots without a run, and partitionable slots with room for a dynamic
   * slot (jobs get dynamic slots carved from them). Claims kept idle (a static or dynamic slot, for its submitter's
   * jobs) come first: the schedd gives a claim it holds to its user's next job before it is matched anew
   * (FindRunnableJobForClaim).
   */
  *freeSlots(): Generator<Slot> {
    for (const startd of this.startds.values()) for (const slot of startd.slots.values()) if (!slot.run && slot.kept) yield slot;
    for (const startd of this.startds.values()) {
      for (const slot of startd.slots.values()) {
        if (slot.run || slot.kept || slot.description.parent !== undefined) continue;
        if (!slot.description.partitionable || this.hasRoom(slot)) yield slot;
      }
    }
  }

  /** Whether a partitionable slot's dynamic slots leave it room for another (hasRoomForDynamicSlot). */
  hasRoom(pslot: Slot): boolean {
    return hasRoomForDynamicSlot(remainingOf(pslot.description, this.childrenOf(pslot).map((child) => child.description)));
  }

  /** The dynamic slots carved from a partitionable slot. */
  childrenOf(pslot: Slot): Slot[] {
    const startd = this.startds.get(pslot.startdName);
    return startd ? [...startd.slots.values()].filter((slot) => slot.description.parent === pslot.description.name) : [];
  }

  allSlots(): Slot[] {
    return [...this.startds.values()].flatMap((startd) => [...startd.slots.values()]);
  }

  /**
   * The slot's ad; `asFree`: as it will be once its run has ended (what a job queued on it is matched against).
   * A partitionable slot's rolls up its dynamic slots' ads.
   */
  slotAd(slot: Slot, now: Date, asFree = false): ClassAd {
    const startd = this.startds.get(slot.startdName);
    if (!startd) throw new Error(`startd ${slot.startdName} is not connected`);
    const run = asFree ? undefined : slot.run;
    if (!slot.description.partitionable) {
      // A claim kept idle: Claimed/Idle, its user's, with no job.
      if (!run && !asFree && slot.kept) return buildSlotAd(startd.identity, slot.description, { claimed: true, now, claim: slot.kept.claim, idleSince: slot.kept.since });
      return buildSlotAd(startd.identity, slot.description, { claimed: run !== undefined, now, ...(run ? { claim: this.claimOf(run) } : {}) });
    }
    const children = this.childrenOf(slot);
    const left = remainingOf(slot.description, children.map((child) => child.description));
    return buildSlotAd(startd.identity, slot.description, { claimed: false, now, left, children: children.map((child) => this.slotAd(child, now)) });
  }

  /** The run's claim, from its job's ad when first asked (a job's User, Owner and start do not change during a run). */
  private claimOf(run: SlotRun): SlotClaim {
    run.claim ??= slotClaimOf(`${run.cluster}.${run.proc}`, this.jobAd(run.cluster, run.proc));
    return run.claim;
  }

  /**
   * Busy slots with no run queued on them, whose claim is within its startd's CLAIM_WORKLIFE: a job queued on
   * one runs next on it as HTCondor's schedd reuses a claim for its next job (a dynamic slot's too). A claim past
   * it would close when its run ends (claimWorklifeExpired), taking no further job.
   */
  *queueableSlots(now: Date): Generator<Slot> {
    for (const startd of this.startds.values()) {
      const worklife = startd.claimWorklife ?? DEFAULT_CLAIM_WORKLIFE_SECONDS;
      for (const slot of startd.slots.values()) {
        if (slot.run && !slot.queued && !claimWorklifeExpired(worklife, slot.claimStartedAt ?? now.getTime(), now.getTime())) yield slot;
      }
    }
  }

  allSlotAds(now: Date): ClassAd[] {
    const ads: ClassAd[] = [];
    for (const startd of this.startds.values()) for (const slot of startd.slots.values()) ads.push(this.slotAd(slot, now));
    return ads;
  }

  closeAll(reason: string): void {
    for (const startd of this.startds.values()) startd.close(reason);
    this.startds.clear();
  }
}
