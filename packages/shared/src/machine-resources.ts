// HTCondor's custom machine resources (GPUs and any other tag an administrator declares), as the startd
// reads them (ResAttributes.cpp: MachAttributes::init_machine_resources, parse_user_resource_config), divides
// them among static slots (AvailAttributes::computeAutoShares, CpuAttributes::bind_DevIds), advertises them
// (MachAttributes::publish_static, CpuAttributes::publish_static) and matches jobs to them
// (MachAttributes::withinLimitsExpression); and as the starter shows them to the job (Starter::PublishToEnv,
// SetEnvironmentForAssignedRes).
import { ClassAd, isTrue, numberOf, parseExpr, type Expr } from './classad/index.js';
import { compileRegex } from './classad/regex.js';

/** One custom resource of the machine: how many it offers and, for a list of ids, which. */
export interface MachineResource {
  /** As the knob spells it (MACHINE_RESOURCE_GPUs → GPUs): the attribute names are made from it. */
  tag: string;
  /** The count, less those offline: Detected<Tag> and Total<Tag>. */
  quantity: number;
  /** The ids (`GPU-0, GPU-1`) that are not offline, in the order declared; absent for a plain count. */
  ids?: string[];
  /** OFFLINE_MACHINE_RESOURCE_<Tag>'s ids that the declared list has: Offline<Tag>. */
  offline?: string[];
}

/** A slot's share of a custom resource: <Tag> and TotalSlot<Tag>, and Assigned<Tag> when ids were bound to it. */
export interface SlotResource {
  tag: string;
  quantity: number;
  ids?: string[];
}

/** What a knob lookup gives: the value, macro-expanded, or undefined when the knob is not set. */
export type KnobLookup = (name: string) => string | undefined;

/** The resources every startd has, which MachineResources lists before the custom ones (publish_static). */
export const STANDARD_MACHINE_RESOURCES = ['Cpus', 'Memory', 'Disk', 'Swap'] as const;

/** init_machine_resources' disallowed tags (a case-insensitive set). */
const RESERVED_TAGS = new Set(['CPU', 'CPUS', 'DISK', 'SWAP', 'MEM', 'MEMORY', 'RAM']);

/** A tag becomes part of attribute names (<Tag>, Assigned<Tag>…), so it must be one. */
const TAG = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** StringTokenIterator's default delimiters. */
const LIST_DELIMITERS = /[, \t\r\n]+/;

/** The most ids a resource may list, and the most resources a startd may declare: they are part of its hello. */
export const MAX_RESOURCE_IDS = 1024;
export const MAX_RESOURCE_TAGS = 64;

/** HTCondor's MACHINE_RESOURCE_<Tag> knob names (foreach_param_matching's `^MACHINE_RESOURCE_[a-zA-Z0-9_]+`). */
const RESOURCE_KNOB = /^MACHINE_RESOURCE_([A-Za-z0-9_]+)$/i;

function listItems(text: string): string[] {
  return text.split(LIST_DELIMITERS).filter((item) => item !== '');
}

/**
 * parse_user_resource_config: a number (or a ClassAd expression that evaluates to one) is a count; anything
 * else is a list of ids, and the count is how many.
 */
export function parseResourceValue(value: string): { count: number; ids?: string[] } {
  const text = value.trim();
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return { count: Number(text) };
  let evaluated: number | undefined;
  try {
    evaluated = numberOf(new ClassAd().evaluateExpr(parseExpr(text)));
  } catch {
    evaluated = undefined;
  }
  if (evaluated !== undefined) return { count: evaluated };
  const ids = listItems(text);
  return { count: ids.length, ids };
}

export interface ResourceConfig {
  resources: MachineResource[];
  /** HTCondor's StartLog lines about the declarations (a tag MACHINE_RESOURCE_NAMES leaves out). */
  notes: string[];
  /** What tinycondor does not do that the configuration asks for: the startd says it at start. */
  warnings: string[];
}

/**
 * The custom resources the configuration declares: each `MACHINE_RESOURCE_<Tag>` (a count or a list of ids),
 * less OFFLINE_MACHINE_RESOURCE_<Tag>, limited to MACHINE_RESOURCE_NAMES when that is set. `names` are the
 * names of the knobs set, as written. Throws (naming the knob) where HTCondor's startd would not start.
 */
export function machineResourcesFromConfig(names: Iterable<string>, knob: KnobLookup, where: (name: string) => string): ResourceConfig {
  const found = new Map<string, MachineResource>();
  const warnings: string[] = [];
  for (const name of names) {
    const match = RESOURCE_KNOB.exec(name);
    if (!match || name.toUpperCase() === 'MACHINE_RESOURCE_NAMES') continue;
    const value = knob(name)?.trim();
    if (value === undefined || value === '') continue;
    let tag = match[1];
    if (/^INVENTORY_/i.test(tag)) {
      tag = tag.slice('INVENTORY_'.length);
      const discovery = /condor_gpu_discovery/.test(value) ? ' (tinycondor runs no GPU discovery: condor_gpu_discovery and `use feature:GPUs` find nothing here)' : '';
      warnings.push(
        `${name} (${where(name)}) is not implemented by tinycondor: it runs no inventory script${discovery}, so this startd offers no ${tag}; ` +
          `declare them as MACHINE_RESOURCE_${tag} = <a count, or a list of ids>`,
      );
      continue;
    }
    if (value.includes('\n')) {
      warnings.push(`${name} (${where(name)}) is a ClassAd describing the resource, which tinycondor does not read: this startd offers no ${tag}; declare a count or a list of ids instead`);
      continue;
    }
    if (!TAG.test(tag)) throw new Error(`${name} (${where(name)}): '${tag}' cannot be part of an attribute name (a letter or _ first, at most 64)`);
    const parsed = parseResourceValue(value);
    if (!Number.isInteger(parsed.count)) throw new Error(`${name} (${where(name)}) = ${value}: tinycondor supports whole numbers of a resource only`);
    if (parsed.ids && parsed.ids.length > MAX_RESOURCE_IDS) throw new Error(`${name} (${where(name)}): more than ${MAX_RESOURCE_IDS} ids`);
    const offlineValue = knob(`OFFLINE_${name}`)?.trim();
    const offlineParsed = offlineValue ? parseResourceValue(offlineValue) : undefined;
    const resource: MachineResource = { tag, quantity: 0 };
    if (parsed.ids) {
      // Only the offline ids the list has count; they are left out of the ids slots are given.
      const offlineIds = new Set(offlineParsed?.ids ?? []);
      resource.ids = parsed.ids.filter((id) => !offlineIds.has(id));
      const offline = parsed.ids.filter((id) => offlineIds.has(id));
      if (offline.length > 0) resource.offline = offline;
      resource.quantity = resource.ids.length;
    } else {
      resource.quantity = Math.max(0, parsed.count) - (offlineParsed?.count ?? 0);
      if (!Number.isInteger(resource.quantity)) throw new Error(`OFFLINE_${name} (${where(`OFFLINE_${name}`)}) = ${offlineValue}: tinycondor supports whole numbers of a resource only`);
    }
    found.set(tag.toLowerCase(), resource);
  }
  const allowed = new Set(listItems(knob('MACHINE_RESOURCE_NAMES') ?? '').map((n) => n.toLowerCase()));
  const notes: string[] = [];
  const resources: MachineResource[] = [];
  for (const resource of [...found.values()].sort((a, b) => compareTags(a.tag, b.tag))) {
    if (allowed.size > 0 && !allowed.has(resource.tag.toLowerCase())) {
      notes.push(`Local machine resource ${resource.tag} is not in MACHINE_RESOURCE_NAMES so it will have no effect`);
      continue;
    }
    if (RESERVED_TAGS.has(resource.tag.toUpperCase())) {
      throw new Error(`fatal error - MACHINE_RESOURCE_${resource.tag} is invalid, '${resource.tag}' is a reserved resource name`);
    }
    notes.push(`Local machine resource ${resource.tag} = ${resource.quantity}`);
    resources.push(resource);
  }
  if (resources.length > MAX_RESOURCE_TAGS) throw new Error(`more than ${MAX_RESOURCE_TAGS} custom machine resources (MACHINE_RESOURCE_<Tag>)`);
  return { resources, notes, warnings };
}

/** The order of HTCondor's case-insensitive resource maps. */
function compareTags(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The machine-wide attributes of the custom resources, which every slot's ad carries. */
export function setMachineResourceAttributes(ad: ClassAd, resources: readonly MachineResource[]): void {
  ad.set('MachineResources', [...STANDARD_MACHINE_RESOURCES, ...resources.map((r) => r.tag)].join(' '));
  for (const resource of resources) {
    ad.set(`Detected${resource.tag}`, resource.quantity);
    ad.set(`Total${resource.tag}`, resource.quantity);
    if (resource.offline) ad.set(`Offline${resource.tag}`, resource.offline.join(','));
  }
}

/** A slot's share of each custom resource: <Tag>, TotalSlot<Tag>, Assigned<Tag> (its ids, comma-separated). */
export function setSlotResourceAttributes(ad: ClassAd, shares: readonly SlotResource[]): void {
  for (const share of shares) {
    ad.set(share.tag, share.quantity);
    ad.set(`TotalSlot${share.tag}`, share.quantity);
    if (share.ids) ad.set(`Assigned${share.tag}`, share.ids.join(','));
  }
}

/** The custom resource tags of a slot's ad: its MachineResources less the standard ones. */
export function customResourceTags(slot: ClassAd): string[] {
  const standard = new Set(STANDARD_MACHINE_RESOURCES.map((name) => name.toLowerCase()));
  return listItems(slot.getString('MachineResources') ?? '').filter((tag) => !standard.has(tag.toLowerCase()));
}

/** Per slot ad, its custom tags: the matchmaker tries many jobs against the same ad. */
const tagsOfSlot = new WeakMap<ClassAd, string[]>();
/** Per tag (lower-case), its WithinResourceLimits clause, parsed once. */
const limitClauses = new Map<string, Expr>();
const LIMIT_CLAUSES_KEPT = 1_000;

function limitClause(tag: string): Expr {
  let clause = limitClauses.get(tag.toLowerCase());
  if (clause === undefined) {
    if (limitClauses.size >= LIMIT_CLAUSES_KEPT) limitClauses.clear();
    clause = parseExpr(`(TARGET.Request${tag} is UNDEFINED || MY.${tag} >= TARGET.Request${tag})`);
    limitClauses.set(tag.toLowerCase(), clause);
  }
  return clause;
}

/**
 * The custom resource clauses of the startd's WithinResourceLimits: a job that requests a resource of the
 * slot must not request more than it has (a job requesting none fits). Evaluated with the slot as MY.
 */
export function withinCustomResourceLimits(job: ClassAd, slot: ClassAd): boolean {
  let tags = tagsOfSlot.get(slot);
  if (tags === undefined) {
    tags = customResourceTags(slot);
    tagsOfSlot.set(slot, tags);
  }
  return tags.every((tag) => isTrue(slot.evaluateExpr(limitClause(tag), job)));
}

/** param_info.in's defaults for the GPUs tag. */
const ENVIRONMENT_DEFAULTS: Readonly<Record<string, string>> = {
  ENVIRONMENT_FOR_ASSIGNEDGPUS: 'GPU_DEVICE_ORDINAL=/(CUDA|OCL)//  CUDA_VISIBLE_DEVICES=/CUDA//',
  ENVIRONMENT_VALUE_FOR_UNASSIGNEDGPUS: '10000',
};

/** What the starter puts in a job's environment for the machine's custom resources, read at the startd's start. */
export interface ResourceEnvironmentSettings {
  /** Per tag (lower-case): ENVIRONMENT_FOR_Assigned<Tag> and ENVIRONMENT_VALUE_FOR_UnAssigned<Tag>. */
  tags: Record<string, { environmentFor?: string; unassignedValue?: string }>;
  /** AUTO_SET_NVIDIA_VISIBLE_DEVICES (default true). */
  autoSetNvidiaVisibleDevices: boolean;
}

/** The knobs behind ResourceEnvironmentSettings for these tags (HTCondor's defaults where unset). */
export function resourceEnvironmentSettings(tags: readonly string[], knob: KnobLookup): ResourceEnvironmentSettings {
  const value = (name: string): string | undefined => knob(name) ?? ENVIRONMENT_DEFAULTS[name.toUpperCase()];
  const settings: ResourceEnvironmentSettings = { tags: {}, autoSetNvidiaVisibleDevices: true };
  for (const tag of tags) {
    settings.tags[tag.toLowerCase()] = { environmentFor: value(`ENVIRONMENT_FOR_Assigned${tag}`), unassignedValue: value(`ENVIRONMENT_VALUE_FOR_UnAssigned${tag}`) };
  }
  const auto = knob('AUTO_SET_NVIDIA_VISIBLE_DEVICES')?.trim();
  if (auto !== undefined && auto !== '') {
    if (/^(true|yes|1)$/i.test(auto)) settings.autoSetNvidiaVisibleDevices = true;
    else if (/^(false|no|0)$/i.test(auto)) settings.autoSetNvidiaVisibleDevices = false;
    else throw new Error(`AUTO_SET_NVIDIA_VISIBLE_DEVICES must be True or False, got '${auto}'`);
  }
  return settings;
}

/**
 * Starter::PublishToEnv for the custom resources of the job's slot: `_CONDOR_Assigned<Tag>` with the slot's
 * ids (or ENVIRONMENT_VALUE_FOR_UnAssigned<Tag> where it has none and ENVIRONMENT_FOR_Assigned<Tag> is set),
 * the variables ENVIRONMENT_FOR_Assigned<Tag> makes of them (CUDA_VISIBLE_DEVICES, GPU_DEVICE_ORDINAL), and
 * for a GPUs tag NVIDIA_VISIBLE_DEVICES. `log` is told what HTCondor logs as an error.
 */
export function resourceEnvironment(machineAd: ClassAd, settings: ResourceEnvironmentSettings, log: (message: string) => void = () => undefined): Record<string, string> {
  const env: Record<string, string> = {};
  const tags = listItems(machineAd.getString('MachineResources') ?? '');
  for (const tag of tags) {
    const attr = `Assigned${tag}`;
    const environmentFor = settings.tags[tag.toLowerCase()]?.environmentFor ?? '';
    let assigned = machineAd.getString(attr);
    if (assigned === undefined && !(machineAd.has(tag) && environmentFor !== '')) continue;
    assigned ??= settings.tags[tag.toLowerCase()]?.unassignedValue ?? '';
    if (environmentFor !== '') Object.assign(env, environmentForAssigned(environmentFor, assigned, tag, log));
    env[`_CONDOR_${attr}`] = assigned;
  }
  if (settings.autoSetNvidiaVisibleDevices && tags.some((tag) => tag.toLowerCase() === 'gpus')) {
    // HTCondor joins the DeviceUuid properties of the slot's AvailableGPUs; a GPU declared by its id alone
    // has no properties (tinycondor runs no discovery), so the join is undefined and HTCondor says none.
    env.NVIDIA_VISIBLE_DEVICES = 'none';
  }
  return env;
}

/**
 * SetEnvironmentForAssignedRes: each prototype of `proto` is `NAME` (the ids as they are; for
 * CUDA_VISIBLE_DEVICES and GPU_DEVICE_ORDINAL only their digits and commas) or `NAME=/regex/replacement/`
 * (any separator character; each id's first match replaced, `$1` a group; ids joined with commas).
 */
export function environmentForAssigned(proto: string, assigned: string, tag: string, log: (message: string) => void = () => undefined): Record<string, string> {
  const env: Record<string, string> = {};
  const digitsAndCommas = (text: string): string => text.replace(/[^0-9,]/g, '');
  let rest = proto;
  for (;;) {
    rest = rest.replace(/^\s+/, '');
    if (rest === '') return env;
    const eq = rest.indexOf('=');
    if (eq < 0) {
      // The whole rest is one variable's name.
      rest = rest.trimEnd();
      env[rest] = rest === 'CUDA_VISIBLE_DEVICES' || rest === 'GPU_DEVICE_ORDINAL' ? digitsAndCommas(assigned) : assigned;
      return env;
    }
    const name = rest.slice(0, eq);
    const spec = rest.slice(eq + 1).replace(/^\s+/, '');
    const separator = spec[0];
    const sub = separator === undefined ? -1 : spec.indexOf(separator, 1);
    const end = sub < 0 ? -1 : spec.indexOf(separator, sub + 1);
    if (end < 0) {
      log(`Assigned${tag} environment '${name}' ignored - missing replacement end marker: ${spec}`);
      return env;
    }
    const pattern = spec.slice(1, sub);
    const replacement = spec.slice(sub + 1, end);
    const regex = compileRegex(pattern, { caseless: false, multiline: false, dotall: false, extended: false });
    if (regex === undefined) {
      log(`Assigned${tag} environment '${name}' regex does not compile: ${pattern}`);
      return env;
    }
    let value: string;
    if (name === 'CUDA_VISIBLE_DEVICES' && pattern === '') {
      value = digitsAndCommas(assigned);
    } else {
      value = listItems(assigned)
        .map((id) => {
          const matcher = regex.matcher(id);
          if (!matcher.find()) return id;
          // pcre2_match's count: one more than the highest group that took part.
          let groups = 1;
          for (let g = matcher.groupCount(); g > 0; g--) {
            if (matcher.group(g) !== null) {
              groups = g + 1;
              break;
            }
          }
          const substituted = replacement.replace(/\$(\d)/g, (_, digit: string) => (Number(digit) < groups ? (matcher.group(Number(digit)) ?? '') : ''));
          return id.slice(0, matcher.start()) + substituted + id.slice(matcher.end());
        })
        .join(',');
    }
    env[name] = value;
    rest = spec.slice(end + 1);
    if (rest.startsWith(',')) rest = rest.slice(1);
  }
}
