import { ClassAd, matches, unparseValue } from './classad/index.js';
import { setMachineResourceAttributes, setSlotResourceAttributes, withinCustomResourceLimits, type MachineResource } from './machine-resources.js';
import type { SlotDescription } from './protocol.js';
import { paramBoolean } from './condor-config.js';

export interface MachineIdentity {
  startdName: string;
  machine: string;
  opSys: string;
  arch: string;
  /** The Docker engine the startd runs container jobs with, when one answered at its start. */
  docker?: DockerOffer;
  /** The URL methods its file-transfer plugins handle (FILETRANSFER_PLUGINS, each asked -classad). */
  fileTransferPluginMethods?: string[];
  /** Its custom resources (MACHINE_RESOURCE_<Tag>), which its slots divide. */
  resources?: MachineResource[];
  /** What its partitionable slots roll up of their dynamic slots (pslotRollupFromConfig); DEFAULT_PSLOT_ROLLUP when absent. */
  pslotRollup?: PslotRollup;
}

/**
 * ADVERTISE_PSLOT_ROLLUP_INFORMATION (param_info.in: true), whether partitionable slots list their dynamic
 * slots' attributes, and STARTD_PARTITIONABLE_SLOT_ATTRS, the attributes listed besides PSLOT_ROLLUP_ATTRS.
 */
export interface PslotRollup {
  advertise: boolean;
  attrs: string[];
}

export const DEFAULT_PSLOT_ROLLUP: PslotRollup = { advertise: true, attrs: [] };

/**
 * The startd's rollup knobs (param_boolean; param_and_insert_attrs: names split at spaces and commas). A name
 * that is no attribute name is left out, and said in `warnings`, as is a value that is no boolean.
 */
export function pslotRollupFromConfig(knob: (name: string) => string | undefined): { rollup: PslotRollup; warnings: string[] } {
  const warnings: string[] = [];
  const advertise = paramBoolean(knob('ADVERTISE_PSLOT_ROLLUP_INFORMATION'), 'ADVERTISE_PSLOT_ROLLUP_INFORMATION', true, warnings);
  const attrs: string[] = [];
  for (const name of (knob('STARTD_PARTITIONABLE_SLOT_ATTRS') ?? '').split(/[\s,]+/).filter((token) => token !== '')) {
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) attrs.push(name);
    else warnings.push(`STARTD_PARTITIONABLE_SLOT_ATTRS: "${name}" is not an attribute name: no Child${name} is advertised`);
  }
  return { rollup: { advertise, attrs }, warnings };
}

/** What a startd's Docker engine offers: its `docker -v` line and the networks DOCKER_NETWORKS allows. */
export interface DockerOffer {
  version: string;
  networks: string[];
  /** DOCKER_VOLUMES: the volumes the administrator offers, advertised as HasDockerVolume<name> (ResAttributes.cpp). */
  volumes?: string[];
}

/** HTCondor's Arch names for Node's process.arch values. */
export function condorArch(nodeArch: string): string {
  return ({ x64: 'X86_64', arm64: 'aarch64', ia32: 'INTEL', ppc64: 'ppc64le' } as Record<string, string>)[nodeArch] ?? nodeArch.toUpperCase();
}

/** HTCondor's OpSys names for Node's process.platform values. */
export function condorOpSys(platform: string): string {
  return ({ linux: 'LINUX', darwin: 'OSX', win32: 'WINDOWS', freebsd: 'FREEBSD' } as Record<string, string>)[platform] ?? platform.toUpperCase();
}

/** What a claimed slot publishes of its claim and the job on it (claim.cpp: Claim::publish, loadAccountingInfo). */
export interface SlotClaim {
  jobId: string;
  /** RemoteUser: the job's User. */
  user?: string;
  /** RemoteOwner: the job's Owner. */
  owner?: string;
  /** The job's AccountingGroup; the slot advertises it with the user's `@domain`. */
  accountingGroup?: string;
  globalJobId?: string;
  /** JobStart: when the job started on the slot (epoch seconds). */
  jobStart?: number;
}

/** The claim of a slot running `job` (its id `jobId`), from the job's ad. */
export function slotClaimOf(jobId: string, job: ClassAd | undefined): SlotClaim {
  const claim: SlotClaim = { jobId };
  if (!job) return claim;
  const user = job.getString('User');
  const owner = job.getString('Owner');
  const accountingGroup = job.getString('AccountingGroup');
  const globalJobId = job.getString('GlobalJobId');
  const jobStart = job.getInt('JobCurrentStartDate');
  return {
    ...claim,
    ...(user !== undefined ? { user } : {}),
    ...(owner !== undefined ? { owner } : {}),
    ...(accountingGroup !== undefined ? { accountingGroup } : {}),
    ...(globalJobId !== undefined ? { globalJobId } : {}),
    ...(jobStart !== undefined ? { jobStart } : {}),
  };
}

/**
 * The slot's machine ad, as the startd advertises it and as `_CONDOR_MACHINE_AD` shows it to jobs. A
 * partitionable slot advertises what its dynamic slots have left it (`left`, remainingOf) as Cpus, Memory, Disk
 * and each custom resource (and Available<Tag>), its whole size as TotalSlot<Resource> (and Assigned<Tag>), and its
 * dynamic slots' ads (`children`) rolled up as publishDynamicChildSummaries does. A claimed slot advertises its `claim`;
 * one whose claim is kept idle (`idleSince`, ms: since its job ended) is Claimed/Idle, with the claim's user and no job.
 */
export function buildSlotAd(
  identity: MachineIdentity,
  slot: SlotDescription,
  state: { claimed: boolean; now: Date; left?: SlotDescription; claim?: SlotClaim; children?: readonly ClassAd[]; idleSince?: number },
): ClassAd {
  const ad = new ClassAd();
  const left = state.left ?? slot;
  ad.set('MyType', 'Machine');
  ad.set('TargetType', 'Job');
  ad.set('Name', `${slot.name}@${identity.startdName}`);
  ad.set('SlotName', slot.name);
  ad.set('Machine', identity.machine);
  ad.set('StartdName', identity.startdName);
  ad.set('OpSys', identity.opSys);
  ad.set('Arch', identity.arch);
  ad.set('Cpus', left.cpus);
  ad.set('Memory', left.memoryMb);
  ad.set('Disk', left.diskKb);
  ad.set('TotalSlotCpus', slot.cpus);
  ad.set('TotalSlotMemory', slot.memoryMb);
  ad.set('TotalSlotDisk', slot.diskKb);
  setMachineResourceAttributes(ad, identity.resources ?? []);
  setSlotResourceAttributes(ad, slot.resources ?? [], identity.resources ?? [], left.resources ?? []);
  setSlotKind(ad, slot, identity.pslotRollup ?? DEFAULT_PSLOT_ROLLUP);
  ad.set('State', state.claimed ? 'Claimed' : 'Unclaimed');
  const claimIdle = state.claimed && state.idleSince !== undefined;
  ad.set('Activity', state.claimed && !claimIdle ? 'Busy' : 'Idle');
  ad.setReal('LoadAvg', 0);
  // A claimed slot entered Claimed/Busy when its job started; of an unclaimed one that is not kept.
  const entered = state.claimed && state.claim?.jobStart !== undefined ? state.claim.jobStart : Math.floor(state.now.getTime() / 1000);
  ad.set('EnteredCurrentState', entered);
  ad.set('EnteredCurrentActivity', claimIdle ? Math.floor((state.idleSince as number) / 1000) : entered);
  // No retirement: MAXJOBRETIREMENTTIME is 0 here, so evalRetirementRemaining gives 0.
  ad.set('RetirementTimeRemaining', 0);
  ad.setReal('CurrentRank', 0);
  if (state.claimed && state.claim) setClaim(ad, state.claim, !claimIdle);
  ad.set('Start', true);
  ad.set('Requirements', true);
  // As the starter's -classad output advertises file transfer (starter_v61_main.cpp): the methods its
  // plugins handle, and that a job may bring its own plugins (transfer_plugins).
  ad.set('HasFileTransfer', true).set('HasJobTransferPlugins', true);
  // The starter holds a deferred job until its DeferralTime (starter_v61_main.cpp's HasJobDeferral = True).
  ad.set('HasJobDeferral', true);
  if (identity.fileTransferPluginMethods && identity.fileTransferPluginMethods.length > 0) {
    ad.set('HasFileTransferPluginMethods', identity.fileTransferPluginMethods.join(','));
  }
  // As the starter's -classad output advertises a working Docker (starter_v61_main.cpp).
  if (identity.docker) {
    ad.set('HasDocker', true).set('HasDockerURL', true).set('HasContainer', true).set('DockerVersion', identity.docker.version);
    if (identity.docker.networks.length > 0) ad.set('DockerNetworks', identity.docker.networks.join(','));
    for (const volume of identity.docker.volumes ?? []) ad.set(`HasDockerVolume${volume}`, true);
  }
  if (slot.partitionable) publishDynamicChildSummaries(ad, state.children ?? [], (identity.resources ?? []).map((r) => r.tag), identity.pslotRollup);
  return ad;
}

/** Claim::publish: the user, owner and accounting group of the claim, and the job it runs (`withJob`: it runs one). */
function setClaim(ad: ClassAd, claim: SlotClaim, withJob: boolean): void {
  if (claim.user !== undefined) ad.set('RemoteUser', claim.user);
  if (claim.owner !== undefined) ad.set('RemoteOwner', claim.owner);
  if (claim.accountingGroup !== undefined) {
    // "The accountant wants to see ATTR_ACCOUNTING_GROUP fully qualified": the user's @domain appended.
    const at = claim.user?.lastIndexOf('@') ?? -1;
    ad.set('AccountingGroup', claim.accountingGroup + (at >= 0 ? (claim.user as string).slice(at) : ''));
  }
  if (!withJob) return;
  ad.set('JobId', claim.jobId);
  if (claim.globalJobId !== undefined) ad.set('GlobalJobId', claim.globalJobId);
  if (claim.jobStart !== undefined) ad.set('JobStart', claim.jobStart);
}

/** The dynamic slots' attributes a partitionable slot lists as Child<Attr> (publishDynamicChildSummaries), besides its custom resources. */
export const PSLOT_ROLLUP_ATTRS = [
  'Name', 'DSlotId', 'CurrentRank', 'RemoteUser', 'RemoteOwner', 'AccountingGroup', 'State', 'Activity',
  'EnteredCurrentState', 'RetirementTimeRemaining', 'Cpus', 'Memory', 'Disk',
] as const;

/**
 * Resource::publishDynamicChildSummaries: NumDynamicSlots; unless ADVERTISE_PSLOT_ROLLUP_INFORMATION is false,
 * PslotRollupInformation and for each attribute of PSLOT_ROLLUP_ATTRS, each custom resource and each of
 * STARTD_PARTITIONABLE_SLOT_ATTRS (in the case-insensitive order of HTCondor's References set, the first
 * spelling kept) `Child<Attr>`, the list of the dynamic slots' values in the order of their names
 * (ResourceLess: strcmp), `undefined` for a dynamic slot without the attribute (rollupAttrs).
 */
export function publishDynamicChildSummaries(pslot: ClassAd, children: readonly ClassAd[], tags: readonly string[], rollup: PslotRollup = DEFAULT_PSLOT_ROLLUP): void {
  pslot.set('NumDynamicSlots', children.length);
  if (!rollup.advertise) return;
  pslot.set('PslotRollupInformation', true);
  const byName = [...children].sort((a, b) => {
    const [x, y] = [a.getString('Name') ?? '', b.getString('Name') ?? ''];
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const attrs = new Map<string, string>();
  for (const attr of [...PSLOT_ROLLUP_ATTRS, ...tags, ...rollup.attrs]) if (!attrs.has(attr.toLowerCase())) attrs.set(attr.toLowerCase(), attr);
  for (const key of [...attrs.keys()].sort()) {
    const attr = attrs.get(key) as string;
    const values = byName.map((child) => (child.has(attr) ? unparseValue(child.evaluate(attr)) : 'undefined'));
    pslot.setExpr(`Child${attr}`, `{${values.join(', ')}}`);
  }
}

/** What Resource::publish_static says of the slot's kind: SlotID, SlotType, and a p-slot's or d-slot's own attributes. */
function setSlotKind(ad: ClassAd, slot: SlotDescription, rollup: PslotRollup): void {
  const ids = /^slot(\d+)(?:_(\d+))?$/.exec(slot.name);
  if (ids) ad.set('SlotID', Number(ids[1]));
  if (slot.partitionable) {
    ad.set('PartitionableSlot', true).set('SlotType', 'Partitionable');
  } else if (slot.parent !== undefined) {
    ad.set('DynamicSlot', true).set('SlotType', 'Dynamic');
    if (ids?.[2] !== undefined) ad.set('ParentSlotId', Number(ids[1])).set('DSlotId', Number(ids[2]));
    // The negotiator reads it as: the p-slot rolls this d-slot up (ADVERTISE_PSLOT_ROLLUP_INFORMATION).
    if (rollup.advertise) ad.set('PslotRollupInformation', true);
  } else {
    ad.set('SlotType', 'Static');
  }
}

/**
 * Whether a job fits a slot: its resource requests against the slot's size (the startd's
 * WithinResourceLimits, custom resources included), then both sides' Requirements (condor_submit adds
 * the resource clauses to Requirements; we check them explicitly so a user-written Requirements cannot
 * drop them).
 */
export function jobFitsSlot(job: ClassAd, slot: ClassAd): boolean {
  const fits = (request: string, have: string): boolean => (job.getNumber(request) ?? 0) <= (slot.getNumber(have) ?? 0);
  if (!fits('RequestCpus', 'Cpus') || !fits('RequestMemory', 'Memory') || !fits('RequestDisk', 'Disk')) return false;
  if (!withinCustomResourceLimits(job, slot)) return false;
  return matches(job, slot);
}
