// The startd's slot layout as HTCondor reads it (slot_builder.cpp: initTypes, countTypes, parse_share_value,
// compute_local_resource, CpuAttributes::buildSlotRequest, buildCpuAttrs; ResAttributes.cpp:
// AvailAttributes::decrement, computeAutoShares): NUM_SLOTS, NUM_SLOTS_TYPE_<N>, SLOT_TYPE_<N> and
// SLOT_TYPE_<N>_PARTITIONABLE; and how a partitionable slot is carved into dynamic slots for a job
// (Resource.cpp create_dslot, with the startd's MODIFY_REQUEST_EXPR_REQUEST*: request-modifiers.ts).
import { ClassAd, numberOf } from './classad/index.js';
import { devIdMatches, type KnobLookup, type MachineResource, type SlotResource } from './machine-resources.js';
import type { SlotDescription } from './protocol.js';
import { DEFAULT_REQUEST_MODIFIERS, modifiedRequests, mustModifyRequests, type RequestModifiers } from './request-modifiers.js';

/** What the machine offers the slots: cores, memory (MB), disk (KB) and its custom resources. */
export interface MachineTotals {
  cpus: number;
  memoryMb: number;
  diskKb: number;
  resources: readonly MachineResource[];
}

/** param_info.in's MAX_SLOT_TYPES. */
const DEFAULT_MAX_SLOT_TYPES = 10;

/** A share of a resource: an absolute quantity, a fraction of the machine's total, or `auto`. */
export type Share = { kind: 'absolute'; value: number } | { kind: 'fraction'; value: number } | { kind: 'auto' };

/** One slot type's request as buildSlotRequest makes it: each resource a quantity, or auto (to be shared out). */
export interface SlotRequest {
  cpus: number | 'auto';
  memoryMb: number | 'auto';
  diskKb: number | 'auto';
  /** Per custom resource tag (as the machine spells it). */
  resources: Record<string, number | 'auto'>;
}

/** An error in a SLOT_TYPE_<N> description: the startd does not start, as HTCondor's does not (DC_Exit(4)). */
export class SlotLayoutError extends Error {}

const AUTO: Share = { kind: 'auto' };

/**
 * parse_share_value: `auto`/`automatic`; a percentage (`25%`) or a fraction (`1/4`) of the machine's total;
 * otherwise an absolute value, with an optional K/M/G/T/P suffix (its scale: 1 for K … 5 for P). `min`/`minimal`
 * (fractional cpus) is refused: tinycondor's slots have whole cores.
 */
export function parseShare(text: string, typeId: number): { share: Share; scale: number } {
  const str = text.trim();
  if (/^(auto|automatic)$/i.test(str)) return { share: AUTO, scale: 0 };
  if (/^(min|minimal)$/i.test(str)) throw new SlotLayoutError(`slot type ${typeId}: "${str}" (fractional cpus) is not implemented by tinycondor: its slots have whole cores`);
  if (str.includes('%')) return { share: { kind: 'fraction', value: atof(str) / 100 }, scale: 0 };
  const slash = str.indexOf('/');
  if (slash >= 0) {
    const denominator = atof(str.slice(slash + 1));
    if (!(denominator > 0)) throw new SlotLayoutError(`Can't parse attribute "${str}" in description of slot type ${typeId}`);
    return { share: { kind: 'fraction', value: atof(str) / denominator }, scale: 0 };
  }
  const match = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(str);
  const value = match ? Number(match[0]) : 0;
  const suffix = str.slice(match ? match[0].length : 0).trimStart()[0]?.toUpperCase();
  const scale = suffix === undefined ? 0 : 'KMGTP'.indexOf(suffix) + 1;
  return { share: { kind: 'absolute', value }, scale };
}

/** C's atof: the leading number of the text, 0 when there is none. */
function atof(text: string): number {
  const match = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(text);
  return match ? Number(match[0]) : 0;
}

/**
 * compute_local_resource: a fraction of `total` (truncated), or the absolute value scaled from its suffix to
 * the resource's native unit (`nativeScale`: 2 for memory in MB, 1 for disk in KB), at least `min`.
 */
function localResource(total: number, share: Share, min = 0, scale = 0, nativeScale = 0): number | 'auto' {
  if (share.kind === 'auto') return 'auto';
  let value = share.kind === 'fraction' ? Math.trunc(share.value * total) : share.value;
  if (share.kind === 'absolute') for (let s = scale; s > nativeScale; s--) value *= 1024;
  return Math.max(value, min);
}

/** Whether `attr` is a case-insensitive prefix of `name` (buildSlotRequest tolerates `c`, `mem`, `d`…). */
function abbreviates(attr: string, name: string): boolean {
  return attr.length <= name.length && name.slice(0, attr.length).toLowerCase() === attr.toLowerCase();
}

/**
 * CpuAttributes::buildSlotRequest: `SLOT_TYPE_<N>` as a list of `resource=share` (cpus, ram/memory, disk,
 * swap, a custom tag) and at most one bare share for the resources not listed (default `auto`). Delimiters are
 * newlines in a multi-line value, else commas if there are any, else commas and whitespace.
 */
export function parseSlotType(text: string, typeId: number, totals: MachineTotals): { request: SlotRequest; notes: string[] } {
  const notes: string[] = [];
  let defaultShare: Share = AUTO;
  const listed: { cpus?: number | 'auto'; memoryMb?: number | 'auto'; diskKb?: number | 'auto'; resources: Record<string, number | 'auto'> } = { resources: {} };
  const delimiters = text.includes('\n') ? /\n/ : text.includes(',') ? /[,\r\n]/ : /[, \t\r\n]/;
  for (const item of text.split(delimiters).map((s) => s.trim()).filter((s) => s !== '')) {
    const eq = item.indexOf('=');
    if (eq < 0) {
      const { share } = parseShare(item, typeId);
      if (share.kind === 'absolute' || (share.kind === 'fraction' && (share.value < 0 || share.value > 1))) {
        throw new SlotLayoutError(
          `ERROR: Bad description of slot type ${typeId}: "${item}" is invalid. You must specify a percentage (like "25%"), ` +
            `a fraction (like "1/4"), or list all attributes (like "c=1, r=25%, s=25%, d=25%").`,
        );
      }
      defaultShare = share;
      continue;
    }
    const attr = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (value === '') throw new SlotLayoutError(`Can't parse attribute "${item}" in description of slot type ${typeId}`);
    if (value.includes(':')) {
      throw new SlotLayoutError(`slot type ${typeId}: "${item}" constrains which ${attr} the slot gets, which tinycondor does not implement`);
    }
    const { share, scale } = parseShare(value, typeId);
    const resource = totals.resources.find((r) => r.tag.toLowerCase() === attr.toLowerCase());
    if (resource) {
      listed.resources[resource.tag] = localResource(resource.quantity, share);
    } else if (abbreviates(attr, 'cpus')) {
      listed.cpus = localResource(totals.cpus, share, 1);
    } else if (abbreviates(attr, 'ram') || abbreviates(attr, 'memory')) {
      listed.memoryMb = localResource(totals.memoryMb, share, 1, scale, 2);
    } else if (abbreviates(attr, 'swap') || abbreviates(attr, 'virtualmemory')) {
      notes.push(`slot type ${typeId}: "${item}" has no effect: tinycondor provisions no swap`);
    } else if (abbreviates(attr, 'disk')) {
      listed.diskKb = localResource(totals.diskKb, share, 1024, scale, 1);
    } else if (share.kind === 'absolute' && share.value > 0) {
      throw new SlotLayoutError(`Unknown attribute "${attr}" in slot type ${typeId}`);
    } else {
      notes.push(`Unknown attribute "${attr}" in slot type ${typeId}, no resources will be allocated`);
    }
  }
  const request: SlotRequest = {
    cpus: listed.cpus ?? localResource(totals.cpus, defaultShare, 1),
    memoryMb: listed.memoryMb ?? localResource(totals.memoryMb, defaultShare, 1),
    diskKb: listed.diskKb ?? localResource(totals.diskKb, defaultShare),
    resources: {},
  };
  for (const resource of totals.resources) request.resources[resource.tag] = listed.resources[resource.tag] ?? localResource(resource.quantity, defaultShare);
  return { request, notes };
}

/** A slot the layout makes: its type and whether it is partitionable. */
interface PlannedSlot {
  typeId: number;
  partitionable: boolean;
  request: SlotRequest;
}

export interface SlotLayout {
  /** slot1 … slotN, in type order; a partitionable one says so. */
  slots: SlotDescription[];
  /** HTCondor's StartLog lines about the layout. */
  notes: string[];
}

function knobInteger(knob: KnobLookup, name: string, fallback: number): number {
  const text = knob(name)?.trim();
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value)) throw new SlotLayoutError(`${name} must be an integer, got '${text}'`);
  return value;
}

function knobBoolean(knob: KnobLookup, name: string, fallback: boolean): boolean {
  const text = knob(name)?.trim();
  if (text === undefined || text === '') return fallback;
  if (/^(true|yes|1)$/i.test(text)) return true;
  if (/^(false|no|0)$/i.test(text)) return false;
  throw new SlotLayoutError(`${name} must be true or false, got '${text}'`);
}

/**
 * The slots the configuration lays out on a machine with these totals (initTypes, countTypes, buildCpuAttrs):
 * the types NUM_SLOTS_TYPE_<N> counts (N from 1 to MAX_SLOT_TYPES), or else NUM_SLOTS slots of type 0, each of
 * an even (`auto`) share. Type 0 is partitionable unless SLOT_TYPE_0_PARTITIONABLE says false: by default one
 * partitionable slot with the whole machine, as HTCondor's startd lays it out since 23.0.
 * Throws SlotLayoutError where HTCondor's startd would not start (a type asking for more than is left).
 */
export function slotLayoutFromConfig(knob: KnobLookup, totals: MachineTotals): SlotLayout {
  const notes: string[] = [];
  for (const name of ['SLOT_TYPE_0', 'NUM_SLOTS_TYPE_0']) {
    if (knob(name) !== undefined) throw new SlotLayoutError(`Can't define ${name} in the config file`);
  }
  const maxTypes = knobInteger(knob, 'MAX_SLOT_TYPES', DEFAULT_MAX_SLOT_TYPES) + 1;
  const counts: number[] = [0];
  let typed = false;
  for (let typeId = 1; typeId < maxTypes; typeId++) {
    counts[typeId] = knobInteger(knob, `NUM_SLOTS_TYPE_${typeId}`, 0);
    if (counts[typeId] !== 0) typed = true;
    if (knobBoolean(knob, `SLOT_TYPE_${typeId}_BACKFILL`, false)) throw new SlotLayoutError(`SLOT_TYPE_${typeId}_BACKFILL: backfill slots are not implemented by tinycondor`);
  }
  const partitionable = [knobBoolean(knob, 'SLOT_TYPE_0_PARTITIONABLE', true)];
  if (!typed) counts[0] = knobInteger(knob, 'NUM_SLOTS', partitionable[0] ? 1 : Math.floor(totals.cpus));
  const planned: PlannedSlot[] = [];
  for (let typeId = 0; typeId < maxTypes; typeId++) {
    if (counts[typeId] <= 0) continue;
    partitionable[typeId] ??= knobBoolean(knob, `SLOT_TYPE_${typeId}_PARTITIONABLE`, false);
    const text = typeId === 0 ? 'auto' : (knob(`SLOT_TYPE_${typeId}`) ?? '');
    const parsed = parseSlotType(text, typeId, totals);
    notes.push(...parsed.notes);
    for (let i = 0; i < counts[typeId]; i++) planned.push({ typeId, partitionable: partitionable[typeId], request: parsed.request });
  }
  return { slots: allocate(planned, totals), notes };
}

/** What is left to give out, and how many slots want an auto share of each (AvailAttributes). */
interface Available {
  cpus: number;
  memoryMb: number;
  diskKb: number;
  resources: Record<string, number>;
  autos: { cpus: number; memoryMb: number; diskKb: number; resources: Record<string, number> };
}

/**
 * buildCpuAttrs: each slot's absolute shares taken from what is left (AvailAttributes::decrement; one that does
 * not fit is an error), then the auto shares: what is left divided by the slots that want one (computeAutoShares:
 * custom resources slot by slot, the ceiling of the remainder over the slots remaining), ids bound in slot order.
 */
function allocate(planned: PlannedSlot[], totals: MachineTotals): SlotDescription[] {
  const avail: Available = {
    cpus: Math.floor(totals.cpus),
    memoryMb: totals.memoryMb,
    diskKb: totals.diskKb,
    resources: Object.fromEntries(totals.resources.map((r) => [r.tag, r.quantity])),
    autos: { cpus: 0, memoryMb: 0, diskKb: 0, resources: Object.fromEntries(totals.resources.map((r) => [r.tag, 0])) },
  };
  const typeCounts = new Map<number, number>();
  for (const slot of planned) {
    const nth = (typeCounts.get(slot.typeId) ?? 0) + 1;
    typeCounts.set(slot.typeId, nth);
    const { request } = slot;
    const after = {
      cpus: avail.cpus - (request.cpus === 'auto' ? 0 : request.cpus),
      memoryMb: avail.memoryMb - (request.memoryMb === 'auto' ? 0 : request.memoryMb),
      diskKb: avail.diskKb - (request.diskKb === 'auto' ? 0 : request.diskKb),
      resources: Object.fromEntries(Object.entries(avail.resources).map(([tag, left]) => [tag, left - (request.resources[tag] === 'auto' ? 0 : (request.resources[tag] as number))])),
    };
    if (after.cpus < 0 || after.memoryMb < 0 || after.diskKb < 0 || Object.values(after.resources).some((left) => left < 0)) {
      throw new SlotLayoutError(
        `ERROR: Can't allocate ${ordinal(nth)} slot of type ${slot.typeId}: Requesting: ${totalsText(request)}; Available: ` +
          totalsText({ cpus: avail.cpus, memoryMb: avail.memoryMb, diskKb: avail.diskKb, resources: avail.resources }),
      );
    }
    Object.assign(avail, after);
    if (request.cpus === 'auto') avail.autos.cpus++;
    if (request.memoryMb === 'auto') avail.autos.memoryMb++;
    if (request.diskKb === 'auto') avail.autos.diskKb++;
    for (const tag of Object.keys(avail.resources)) if (request.resources[tag] === 'auto') avail.autos.resources[tag]++;
  }
  const remainCap = { ...avail.resources };
  const remainCount = { ...avail.autos.resources };
  const bound: Record<string, number> = {};
  return planned.map((slot, i) => {
    const { request } = slot;
    const autoShare = (left: number, count: number, what: string): number => {
      const value = Math.floor(left / count);
      if (value < 1) throw new SlotLayoutError(`ERROR: Can't allocate slot id ${i + 1} (slot type ${slot.typeId}) during auto allocation of resources: no ${what} left`);
      return value;
    };
    const description: SlotDescription = {
      name: `slot${i + 1}`,
      cpus: request.cpus === 'auto' ? autoShare(avail.cpus, avail.autos.cpus, 'Cpus') : Math.max(1, Math.floor(request.cpus)),
      memoryMb: request.memoryMb === 'auto' ? autoShare(avail.memoryMb, avail.autos.memoryMb, 'Memory') : Math.max(1, Math.floor(request.memoryMb)),
      diskKb: request.diskKb === 'auto' ? autoShare(avail.diskKb, avail.autos.diskKb, 'Disk') : Math.max(1, Math.floor(request.diskKb)),
    };
    if (slot.partitionable) description.partitionable = true;
    if (totals.resources.length > 0) {
      description.resources = totals.resources.map((resource) => {
        let quantity = request.resources[resource.tag];
        if (quantity === 'auto') {
          quantity = avail.resources[resource.tag] < 1 ? 0 : Math.ceil(remainCap[resource.tag] / remainCount[resource.tag]);
          remainCap[resource.tag] -= quantity;
          remainCount[resource.tag]--;
        }
        quantity = Math.floor(quantity);
        const share: SlotResource = { tag: resource.tag, quantity };
        if (resource.ids && quantity > 0) {
          const from = bound[resource.tag] ?? 0;
          share.ids = resource.ids.slice(from, from + quantity);
          bound[resource.tag] = from + quantity;
        }
        return share;
      });
    }
    return description;
  });
}

/** num_string: 1st, 2nd, 3rd, 4th, 11th … */
function ordinal(n: number): string {
  const lastTwo = n % 100;
  if (lastTwo > 10 && lastTwo < 20) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

function totalsText(r: { cpus: number | 'auto'; memoryMb: number | 'auto'; diskKb: number | 'auto'; resources: Record<string, number | 'auto'> }): string {
  return [`Cpus: ${r.cpus}`, `Memory: ${r.memoryMb}`, `Disk: ${r.diskKb}`, ...Object.entries(r.resources).map(([tag, q]) => `${tag}: ${q}`)].join(', ');
}

// ---- partitionable slots -----------------------------------------------------------------------------

/** What a partitionable slot has left once its dynamic slots have taken theirs (ids: those not bound to one). */
export function remainingOf(pslot: SlotDescription, children: readonly SlotDescription[]): SlotDescription {
  const taken = (pick: (d: SlotDescription) => number) => children.reduce((sum, child) => sum + pick(child), 0);
  const left: SlotDescription = {
    ...pslot,
    cpus: pslot.cpus - taken((c) => c.cpus),
    memoryMb: pslot.memoryMb - taken((c) => c.memoryMb),
    diskKb: pslot.diskKb - taken((c) => c.diskKb),
  };
  if (pslot.resources) {
    left.resources = pslot.resources.map((share) => {
      const childShares = children.map((c) => c.resources?.find((r) => r.tag === share.tag));
      const quantity = share.quantity - childShares.reduce((sum, s) => sum + (s?.quantity ?? 0), 0);
      const used = new Set(childShares.flatMap((s) => s?.ids ?? []));
      return share.ids ? { tag: share.tag, quantity, ids: share.ids.filter((id) => !used.has(id)) } : { tag: share.tag, quantity };
    });
  }
  return left;
}

/** Whether the least dynamic slot (1 core, 1 MB, 1 KB) fits what a partitionable slot has left (remainingOf; its ad's Cpus, Memory, Disk). */
export function hasRoomForDynamicSlot(left: SlotDescription): boolean {
  return left.cpus >= 1 && left.memoryMb >= 1 && left.diskKb >= 1;
}

/** EvalInteger of a job attribute, the slot as its target: undefined when it is not a number. */
function evalInteger(job: ClassAd, name: string, slotAd: ClassAd): number | undefined {
  if (!job.has(name)) return undefined;
  const value = numberOf(job.evaluate(name, slotAd));
  return value === undefined ? undefined : Math.trunc(value);
}

/** The job's RequestCpus (1 when it has none), RequestMemory and RequestDisk as create_dslot reads them. */
function requests(job: ClassAd, slotAd: ClassAd): { cpus: number; memoryMb: number; diskKb: number } | { refused: string } {
  const cpus = evalInteger(job, 'RequestCpus', slotAd) ?? 1;
  const memoryMb = evalInteger(job, 'RequestMemory', slotAd);
  if (memoryMb === undefined) return { refused: 'No memory request in incoming ad' };
  const diskKb = evalInteger(job, 'RequestDisk', slotAd);
  if (diskKb === undefined) return { refused: 'No disk request in incoming ad' };
  return { cpus, memoryMb, diskKb };
}

/**
 * The dynamic slot create_dslot carves from a partitionable slot for a job, or why none can be: the job's
 * RequestCpus (1 when it has none), RequestMemory and RequestDisk as the startd's MODIFY_REQUEST_EXPR_REQUESTCPUS,
 * -MEMORY and -DISK modify them (by default quantized to 1 core, 128 MB, DiskQuantum or 1024 KB; see
 * request-modifiers.ts), unless the modified requests no longer fit what is left and MUST_MODIFY_REQUEST_EXPRS
 * is not true: then as asked. Each custom resource as Request<Tag> asks (rounded up), with the first ids still
 * free that the job's Require<Tag> holds for (bind_DevIds, DevIdMatches: `resources` has their properties).
 * `left` is remainingOf the p-slot, `slotAd` its ad (the requests' target).
 */
export function carveDynamicSlot(
  job: ClassAd,
  left: SlotDescription,
  slotAd: ClassAd,
  name: string,
  modifiers: RequestModifiers = DEFAULT_REQUEST_MODIFIERS,
  resources: readonly MachineResource[] = [],
): SlotDescription | { refused: string } {
  const fits = (r: { cpus: number; memoryMb: number; diskKb: number }) => r.cpus <= left.cpus && r.memoryMb <= left.memoryMb && r.diskKb <= left.diskKb;
  const modified = requests(modifiedRequests(job, slotAd, modifiers), slotAd);
  const chosen = 'refused' in modified || fits(modified) || mustModifyRequests(job, slotAd, modifiers) ? modified : requests(job, slotAd);
  if ('refused' in chosen) return chosen;
  if (chosen.cpus <= 0) return { refused: 'Failed to parse attributes for request, aborting' };
  // At least 1 MB of memory (create_dslot) and 1 KB of disk (a slot's least).
  const request = { cpus: chosen.cpus, memoryMb: Math.max(1, chosen.memoryMb), diskKb: Math.max(1, chosen.diskKb) };
  if (!fits(request)) return { refused: "Partitionable slot can't be split to allocate a dynamic slot large enough for the claim" };
  const dslot: SlotDescription = { name, ...request, parent: left.name };
  if (left.resources) {
    const shares: SlotResource[] = [];
    for (const share of left.resources) {
      const asked = job.has(`Request${share.tag}`) ? numberOf(job.evaluate(`Request${share.tag}`, slotAd)) : undefined;
      const quantity = Math.max(0, Math.ceil(asked ?? 0));
      if (quantity > share.quantity) return { refused: `Not enough ${share.tag}: ${quantity} requested, ${share.quantity} left` };
      if (!share.ids || quantity === 0) {
        shares.push({ tag: share.tag, quantity });
        continue;
      }
      const require = job.get(`Require${share.tag}`);
      const resource = resources.find((r) => r.tag === share.tag);
      const ids = require === undefined || resource === undefined ? share.ids : share.ids.filter((id) => devIdMatches(require, job, resource, id));
      if (ids.length < quantity) return { refused: `Not enough instances of resource ${share.tag}` };
      shares.push({ tag: share.tag, quantity, ids: ids.slice(0, quantity) });
    }
    dslot.resources = shares;
  }
  return dslot;
}

/** A dynamic slot's name: the p-slot's and the first sub-id no child of it has (`slot1_1`, `slot1_2`, …). */
export function nextDynamicName(pslotName: string, childNames: Iterable<string>): string {
  const taken = new Set(childNames);
  for (let id = 1; ; id++) if (!taken.has(`${pslotName}_${id}`)) return `${pslotName}_${id}`;
}
