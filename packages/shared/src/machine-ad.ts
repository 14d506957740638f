import { ClassAd, matches } from './classad/index.js';
import { setMachineResourceAttributes, setSlotResourceAttributes, withinCustomResourceLimits, type MachineResource } from './machine-resources.js';
import type { SlotDescription } from './protocol.js';

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

/**
 * The slot's machine ad, as the startd advertises it and as `_CONDOR_MACHINE_AD` shows it to jobs. A
 * partitionable slot advertises what its dynamic slots have left it (`left`, remainingOf) as Cpus, Memory, Disk
 * and each custom resource (and Available<Tag>), its whole size as TotalSlot<Resource> (and Assigned<Tag>).
 */
export function buildSlotAd(identity: MachineIdentity, slot: SlotDescription, state: { claimed: boolean; now: Date; left?: SlotDescription }): ClassAd {
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
  setSlotKind(ad, slot);
  ad.set('State', state.claimed ? 'Claimed' : 'Unclaimed');
  ad.set('Activity', state.claimed ? 'Busy' : 'Idle');
  ad.setReal('LoadAvg', 0);
  ad.set('EnteredCurrentActivity', Math.floor(state.now.getTime() / 1000));
  ad.set('Start', true);
  ad.set('Requirements', true);
  // As the starter's -classad output advertises file transfer (starter_v61_main.cpp): the methods its
  // plugins handle, and that a job may bring its own plugins (transfer_plugins).
  ad.set('HasFileTransfer', true).set('HasJobTransferPlugins', true);
  if (identity.fileTransferPluginMethods && identity.fileTransferPluginMethods.length > 0) {
    ad.set('HasFileTransferPluginMethods', identity.fileTransferPluginMethods.join(','));
  }
  // As the starter's -classad output advertises a working Docker (starter_v61_main.cpp).
  if (identity.docker) {
    ad.set('HasDocker', true).set('HasDockerURL', true).set('HasContainer', true).set('DockerVersion', identity.docker.version);
    if (identity.docker.networks.length > 0) ad.set('DockerNetworks', identity.docker.networks.join(','));
    for (const volume of identity.docker.volumes ?? []) ad.set(`HasDockerVolume${volume}`, true);
  }
  return ad;
}

/** What Resource::publish_static says of the slot's kind: SlotID, SlotType, and a p-slot's or d-slot's own attributes. */
function setSlotKind(ad: ClassAd, slot: SlotDescription): void {
  const ids = /^slot(\d+)(?:_(\d+))?$/.exec(slot.name);
  if (ids) ad.set('SlotID', Number(ids[1]));
  if (slot.partitionable) {
    ad.set('PartitionableSlot', true).set('SlotType', 'Partitionable');
  } else if (slot.parent !== undefined) {
    ad.set('DynamicSlot', true).set('SlotType', 'Dynamic');
    if (ids?.[2] !== undefined) ad.set('ParentSlotId', Number(ids[1])).set('DSlotId', Number(ids[2]));
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
