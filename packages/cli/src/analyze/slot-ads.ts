// The slot ads condor_q's analysis matches jobs against (HTCondor's startdAds, queue_internal.h
// RelatedClassads), with the drain simulation of a partitionable slot (jobmatch.cpp: make_pslot_overlay_ad).
import { ClassAd, isTrue } from '@tinycondor/shared/classad/index';
import { customResourceTags } from '@tinycondor/shared/machine-resources';

/**
 * HTCondor's startd advertises `Requirements = START && WithinResourceLimits` (Reqexp.cpp:
 * publish_requirements) with WithinResourceLimits the resource check of MachAttributes::withinLimitsExpression.
 * This pool's startd advertises `Requirements = true` and its matchmaker checks the requests itself
 * (jobFitsSlot), so a slot ad without WithinResourceLimits is analysed as HTCondor's would read: START is
 * the ad's Start (true), and WithinResourceLimits the same requests this pool checks.
 */
export function analyzedSlot(slot: ClassAd): ClassAd {
  if (slot.has('WithinResourceLimits')) return slot;
  const requirements = slot.get('Requirements');
  if (requirements !== undefined && !(requirements.kind === 'literal' && requirements.value.type === 'bool' && requirements.value.value)) return slot;
  const custom = customResourceTags(slot).map((tag) => ` && (TARGET.Request${tag} is UNDEFINED || MY.${tag} >= TARGET.Request${tag})`);
  const ad = slot.clone();
  if (!ad.has('Start')) ad.set('Start', true);
  ad.setExpr('WithinResourceLimits', `MY.Cpus > 0 && TARGET.RequestCpus <= MY.Cpus && MY.Memory > 0 && TARGET.RequestMemory <= MY.Memory && MY.Disk > 0 && TARGET.RequestDisk <= MY.Disk${custom.join('')}`);
  ad.setExpr('Requirements', 'START && WithinResourceLimits');
  return ad;
}

/** The slot's WithinResourceLimits evaluates to false for the job (true when it has none, or it is not a boolean). */
export function outsideResourceLimits(slot: ClassAd, job: ClassAd): boolean {
  const expr = slot.get('WithinResourceLimits');
  if (expr === undefined) return false;
  const value = slot.evaluateExpr(expr, job);
  return (value.type === 'bool' || value.type === 'int' || value.type === 'real') && !isTrue(value);
}

/**
 * make_pslot_overlay_ad: the partitionable slot as it would be drained of its dynamic slots, each of its
 * MachineResources (default `Cpus Memory Disk`) set to its TotalSlot<Resource>. (HTCondor's overlay also
 * lists all GPUs in AvailableGPUs when some are taken; this pool's slots advertise no AvailableGPUs.)
 */
export function drainOverlay(slot: ClassAd): ClassAd {
  const overlay = slot.clone();
  const resources = slot.getString('MachineResources') ?? 'Cpus Memory Disk';
  for (const tag of resources.split(/[\s,]+/).filter((t) => t !== '')) overlay.setExpr(tag, `TotalSlot${tag}`);
  return overlay;
}

/**
 * startdAds: the slot ads of one condor_q run, and the drain-simulation overlays its analysis of each job
 * appends to them. As in HTCondor, an overlay stays for the jobs analysed after, and counts as one more ad.
 */
export class SlotAds {
  /** allAds: the slots, then the overlays in the order they were made. */
  readonly all: ClassAd[];
  readonly overlays = new Set<ClassAd>();
  /** Each partitionable slot's latest overlay (HTCondor links them by the ads' sub_id). */
  readonly drained = new Map<ClassAd, ClassAd>();

  constructor(readonly slots: readonly ClassAd[]) {
    this.all = [...slots];
  }

  static of(slots: readonly ClassAd[] | SlotAds): SlotAds {
    return slots instanceof SlotAds ? slots : new SlotAds(slots);
  }

  addOverlay(pslot: ClassAd, overlay: ClassAd): void {
    this.all.push(overlay);
    this.overlays.add(overlay);
    this.drained.set(pslot, overlay);
  }
}
