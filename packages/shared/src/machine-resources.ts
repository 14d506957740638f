// HTCondor's custom machine resources (GPUs and any other tag an administrator declares), as the startd
// reads them (ResAttributes.cpp: MachAttributes::init_machine_resources, parse_user_resource_config), divides
// them among static slots (AvailAttributes::computeAutoShares, CpuAttributes::bind_DevIds), advertises them
// (MachAttributes::publish_static, publish_slot_dynamic, ComputeDevProps, CpuAttributes::publish_static) and
// matches jobs to them (MachAttributes::withinLimitsExpression, DevIdMatches); reads an inventory script's
// output (init_machine_resource_from_script, init_machine_resource_from_ad); and as the starter shows them to
// the job (Starter::PublishToEnv, SetEnvironmentForAssignedRes).
import { ClassAd, isTrue, numberOf, parseExpr, unparse, valueToExpr, type Expr } from './classad/index.js';
import { compileRegex } from './classad/regex.js';
import { parseArgumentList } from './submit/arguments.js';

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
  /**
   * The properties of each id an inventory gave (its nested ads, `Common`'s for every id), as a ClassAd record's
   * text (`[ Capability = 8.0; GlobalMemoryMb = 40536 ]`): the slots holding the id advertise them.
   */
  properties?: { id: string; ad: string }[];
  /** The inventory ad's other attributes (`DetectedGPUs = "GPU-a, GPU-b"`…), `Name = expr` lines every slot's ad carries. */
  attributes?: string;
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
/** The longest text of one id's properties, and of an inventory's other attributes (also part of the hello). */
export const MAX_PROPERTIES_TEXT = 2_000;
export const MAX_ATTRIBUTES_TEXT = 16_000;

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

/** A MACHINE_RESOURCE_INVENTORY_<Tag> knob: the script the startd runs at start, whose output describes <Tag>. */
export interface InventoryCommand {
  /** The knob's name as written. */
  knob: string;
  tag: string;
  /** Its value: the program and its arguments. */
  command: string;
}

/** The inventory scripts the configuration names (MACHINE_RESOURCE_INVENTORY_<Tag>), in the order of `names`. */
export function inventoryCommands(names: Iterable<string>, knob: KnobLookup): InventoryCommand[] {
  const commands: InventoryCommand[] = [];
  for (const name of names) {
    const match = RESOURCE_KNOB.exec(name);
    if (!match || !/^INVENTORY_/i.test(match[1])) continue;
    const command = knob(name)?.trim();
    if (command) commands.push({ knob: name, tag: match[1].slice('INVENTORY_'.length), command });
  }
  return commands;
}

/**
 * ArgList::AppendArgsV1RawOrV2Quoted, as init_machine_resource_from_script reads an inventory command: V2
 * syntax when the whole value is double-quoted, else words split on white space.
 */
export function inventoryArgv(command: string): string[] {
  const text = command.trim();
  return text.startsWith('"') ? parseArgumentList(text).args : text.split(/\s+/).filter((word) => word !== '');
}

/** HTCondor's words when an inventory script cannot be run: the startd stops (EXCEPT). */
export function inventoryFailure(command: InventoryCommand): string {
  return `Failed to execute local resource '${command.tag}' inventory script "${command.command}"`;
}

/**
 * The custom resources the configuration declares: each `MACHINE_RESOURCE_<Tag>` (a count, a list of ids, or a
 * ClassAd describing them) and each `MACHINE_RESOURCE_INVENTORY_<Tag>` (`inventories` has its script's output, by
 * the knob's name in upper case), less OFFLINE_MACHINE_RESOURCE_<Tag>, limited to MACHINE_RESOURCE_NAMES when that
 * is set. `names` are the names of the knobs set, as written. Throws (naming the knob) where HTCondor's startd
 * would not start.
 */
export function machineResourcesFromConfig(
  names: Iterable<string>,
  knob: KnobLookup,
  where: (name: string) => string,
  inventories: ReadonlyMap<string, string> = new Map(),
): ResourceConfig {
  const found = new Map<string, MachineResource>();
  const warnings: string[] = [];
  const notes: string[] = [];
  for (const name of names) {
    const match = RESOURCE_KNOB.exec(name);
    if (!match || name.toUpperCase() === 'MACHINE_RESOURCE_NAMES') continue;
    const value = knob(name)?.trim();
    if (value === undefined || value === '') continue;
    let tag = match[1];
    const inventory = /^INVENTORY_/i.test(tag);
    if (inventory) tag = tag.slice('INVENTORY_'.length);
    if (!TAG.test(tag)) throw new Error(`${name} (${where(name)}): '${tag}' cannot be part of an attribute name (a letter or _ first, at most 64)`);
    if (inventory || value.includes('\n')) {
      let text = value;
      if (inventory) {
        const output = inventories.get(name.toUpperCase());
        if (output === undefined) throw new Error(`${name} (${where(name)}): its inventory script was not run`);
        text = output;
      }
      const described = resourceFromAd(tag, text, knob(`OFFLINE_MACHINE_RESOURCE_${tag}`));
      notes.push(...described.notes);
      if (!Number.isInteger(described.resource.quantity)) throw new Error(`${name} (${where(name)}): ${described.resource.quantity} ${tag}: tinycondor supports whole numbers of a resource only`);
      if (described.resource.ids && described.resource.ids.length > MAX_RESOURCE_IDS) throw new Error(`${name} (${where(name)}): more than ${MAX_RESOURCE_IDS} ids`);
      // They go to the schedd in the startd's hello.
      const long = described.resource.properties?.find((p) => p.ad.length > MAX_PROPERTIES_TEXT);
      if (long) throw new Error(`${name} (${where(name)}): the properties of ${long.id} are longer than ${MAX_PROPERTIES_TEXT} characters`);
      if ((described.resource.attributes?.length ?? 0) > MAX_ATTRIBUTES_TEXT) throw new Error(`${name} (${where(name)}): its other attributes are longer than ${MAX_ATTRIBUTES_TEXT} characters`);
      found.set(tag.toLowerCase(), described.resource);
      continue;
    }
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

/**
 * init_machine_resource_from_ad: a resource as a ClassAd describes it (an inventory script's output, or a
 * MACHINE_RESOURCE_<Tag> of several lines). Detected<Tag> is the count, or as a string the list of ids; Offline<Tag>
 * (else `offlineKnob`, OFFLINE_MACHINE_RESOURCE_<Tag>) the ids left out. Each nested ad whose `id` (else its own
 * name) is one of the ids holds that id's properties, `Common` those of every id; the ad's other attributes
 * (Detected<Tag> among them, not <Tag>) go into every slot's ad. An ad that does not parse offers none.
 */
export function resourceFromAd(tag: string, text: string, offlineKnob?: string): { resource: MachineResource; notes: string[] } {
  const notes: string[] = [];
  const resource: MachineResource = { tag, quantity: 0 };
  let ad: ClassAd;
  try {
    ad = ClassAd.parseText(text);
  } catch (err) {
    notes.push(`Could not parse ClassAd for local resource '${tag}' (${(err as Error).message}) assuming quantity of 0`);
    return { resource, notes };
  }
  if (ad.size === 0) return { resource, notes };
  const offlineText = ad.getString(`Offline${tag}`) ?? (offlineKnob?.trim() || undefined);
  const offlineParsed = offlineText === undefined ? undefined : parseResourceValue(offlineText);
  let offline = offlineParsed?.count ?? 0;
  const uniqueIds = new Set<string>();
  const detected = ad.evaluate(`Detected${tag}`);
  if (detected.type === 'string') {
    const parsed = parseResourceValue(detected.value);
    resource.quantity = parsed.count;
    if (parsed.ids && parsed.ids.length > 0) {
      const offlineIds = new Set(offlineParsed?.ids ?? []);
      resource.ids = [];
      const offlineFound: string[] = [];
      for (const id of parsed.ids) {
        uniqueIds.add(id);
        (offlineIds.has(id) ? offlineFound : resource.ids).push(id);
      }
      offline = offlineFound.length;
      if (offlineFound.length > 0) resource.offline = offlineFound;
    }
  } else {
    resource.quantity = numberOf(detected) ?? 0;
  }
  const nested = ad
    .names()
    .filter((name) => ad.get(name)?.kind === 'record')
    .sort((a, b) => compareTags(a, b));
  const properties = new Map<string, ClassAd>();
  const propsOf = (id: string): ClassAd => {
    let props = properties.get(id);
    if (props === undefined) properties.set(id, (props = new ClassAd()));
    return props;
  };
  for (const name of nested) notes.push(`machine resource ${tag} has property ad ${name}=${unparse(ad.get(name) as Expr)}`);
  const common = nested.find((name) => name.toLowerCase() === 'common');
  if (common !== undefined) {
    const commonAd = recordAd(ad.get(common) as Expr);
    for (const id of uniqueIds) propsOf(id).update(commonAd);
    ad.delete(common);
  }
  for (const name of nested) {
    if (name === common) continue;
    const nestedAd = recordAd(ad.get(name) as Expr);
    const id = nestedAd.getString('id') ?? name;
    if (!uniqueIds.has(id)) continue;
    const props = propsOf(id);
    props.update(nestedAd);
    props.delete('id');
    ad.delete(name);
  }
  if (properties.size > 0) resource.properties = [...properties].map(([id, props]) => ({ id, ad: unparse(adRecord(props)) }));
  ad.delete(tag);
  if (ad.size > 0) resource.attributes = ad.toText();
  resource.quantity = Math.max(0, resource.quantity) - offline;
  return { resource, notes };
}

/** A nested ad's attributes as an ad of their own. */
function recordAd(expr: Expr): ClassAd {
  const ad = new ClassAd();
  if (expr.kind === 'record') for (const entry of expr.entries) ad.insert(entry.name, entry.expr);
  return ad;
}

/** An ad as a record expression (`[ a = 1; b = 2 ]`). */
function adRecord(ad: ClassAd): Expr {
  return { kind: 'record', entries: ad.names().map((name) => ({ name, expr: ad.get(name) as Expr })) };
}

/** Parsed texts of properties and attributes (the schedd builds slot ads often); one that does not parse is empty. */
const parsedAds = new Map<string, ClassAd>();
const PARSED_ADS_KEPT = 10_000;

function parsedAd(text: string, parse: (text: string) => ClassAd): ClassAd {
  let ad = parsedAds.get(text);
  if (ad === undefined) {
    if (parsedAds.size >= PARSED_ADS_KEPT) parsedAds.clear();
    try {
      ad = parse(text);
    } catch {
      ad = new ClassAd();
    }
    parsedAds.set(text, ad);
  }
  return ad;
}

/** The properties of one id of the resource (empty when it has none). */
export function propertiesOf(resource: MachineResource | undefined, id: string): ClassAd | undefined {
  const text = resource?.properties?.find((p) => p.id === id)?.ad;
  return text === undefined ? undefined : parsedAd(text, (t) => recordAd(parseExpr(t)));
}

/** cleanStringForUseAsAttr(str, '_'): trimmed, each character that cannot be in a name an underscore, runs of two halved. */
export function attributeNameOf(text: string): string {
  return text.trim().replace(/[^A-Za-z0-9_]/g, '_').replace(/__/g, '_');
}

/** The order of HTCondor's case-insensitive resource maps. */
function compareTags(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The machine-wide attributes of the custom resources, which every slot's ad carries: MachineResources,
 * Detected<Tag> and Total<Tag>, an inventory's other attributes over them (its Detected<Tag> as it wrote it), and
 * Offline<Tag>.
 */
export function setMachineResourceAttributes(ad: ClassAd, resources: readonly MachineResource[]): void {
  ad.set('MachineResources', [...STANDARD_MACHINE_RESOURCES, ...resources.map((r) => r.tag)].join(' '));
  for (const resource of resources) {
    ad.set(`Detected${resource.tag}`, resource.quantity);
    ad.set(`Total${resource.tag}`, resource.quantity);
  }
  for (const resource of resources) if (resource.attributes) ad.update(parsedAd(resource.attributes, (text) => ClassAd.parseText(text)));
  for (const resource of resources) if (resource.offline) ad.set(`Offline${resource.tag}`, resource.offline.join(','));
}

/**
 * A slot's share of each custom resource (CpuAttributes::publish_static, MachAttributes::publish_slot_dynamic):
 * <Tag> what it has left (`left`, a partitionable slot's remainder; the share itself otherwise), TotalSlot<Tag>
 * its share, Assigned<Tag> the ids bound to it (a partitionable slot's all of its own, those its dynamic slots hold
 * too) with their properties (ComputeDevProps: <Tag>_<Property> for each that all of them share, <Tag>_<Id> each
 * one's), and for a resource with ids Available<Tag>, the list of the <Tag>_<Id> it has left, which a job's
 * Require<Tag> is counted in (countMatches).
 */
export function setSlotResourceAttributes(
  ad: ClassAd,
  shares: readonly SlotResource[],
  resources: readonly MachineResource[] = [],
  left: readonly SlotResource[] = shares,
): void {
  for (const share of shares) {
    const resource = resources.find((r) => r.tag === share.tag);
    const remaining = left.find((r) => r.tag === share.tag) ?? share;
    ad.set(share.tag, remaining.quantity);
    ad.set(`TotalSlot${share.tag}`, share.quantity);
    if (share.ids) {
      ad.set(`Assigned${share.tag}`, share.ids.join(','));
      for (const [name, expr] of deviceProperties(resource, share.ids)) ad.insert(`${share.tag}_${name}`, expr);
    }
    if (resource?.ids !== undefined) {
      ad.insert(`Available${share.tag}`, {
        kind: 'list',
        items: (remaining.ids ?? []).map((id) => ({ kind: 'attr', name: attributeNameOf(`${share.tag}_${id}`) }) as const),
      });
    }
  }
}

/**
 * ComputeDevProps with VERBOSE_NESTED_CUSTOM_RESOURCE_PROPS (the default): the properties the ids all have
 * alike (the same expression), then for each id a nested ad of all its properties and its Id, named by the id.
 */
function deviceProperties(resource: MachineResource | undefined, ids: readonly string[]): [string, Expr][] {
  const props = ids.map((id) => propertiesOf(resource, id));
  const first = props[0];
  if (first === undefined) return [];
  const out: [string, Expr][] = [];
  for (const name of first.names()) {
    const text = unparse(first.get(name) as Expr);
    if (props.every((p) => p === undefined || (p.has(name) && unparse(p.get(name) as Expr) === text))) out.push([name, first.get(name) as Expr]);
  }
  ids.forEach((id, i) => {
    const own = props[i];
    if (own === undefined) return;
    const nested = own.clone().set('Id', id);
    out.push([attributeNameOf(id), adRecord(nested)]);
  });
  return out;
}

/**
 * MachAttributes::DevIdMatches for a dynamic slot's ids (Resource::fix_require_tag_expr first): the job's
 * Require<Tag> without its TARGET. prefixes, the job's own attributes put in, is true in the id's properties; a
 * bare number is the id's index among the machine's, a bare string the id itself.
 */
export function devIdMatches(require: Expr, job: ClassAd, resource: MachineResource, id: string): boolean {
  const expr = inlineJobReferences(stripParens(require), job);
  if (expr.kind === 'literal') {
    const v = expr.value;
    if ((v.type === 'int' || v.type === 'real') && v.value === (resource.ids ?? []).indexOf(id)) return true;
    if (v.type === 'string' && v.value.toLowerCase() === id.toLowerCase()) return true;
  }
  const props = propertiesOf(resource, id);
  return props !== undefined && isTrue(props.evaluateExpr(expr));
}

function stripParens(expr: Expr): Expr {
  return expr.kind === 'paren' ? stripParens(expr.inner) : expr;
}

/** FlattenAndInline against the job: a reference to one of its attributes (TARGET. dropped) becomes its value. */
function inlineJobReferences(expr: Expr, job: ClassAd): Expr {
  const walk = (e: Expr): Expr => {
    switch (e.kind) {
      case 'attr':
        return job.has(e.name) ? valueToExpr(job.evaluate(e.name)) : e.scope === 'TARGET' ? { kind: 'attr', name: e.name } : e;
      case 'literal':
        return e;
      case 'select':
        return { ...e, base: walk(e.base) };
      case 'subscript':
        return { ...e, base: walk(e.base), index: walk(e.index) };
      case 'call':
        return { ...e, args: e.args.map(walk) };
      case 'unary':
        return { ...e, operand: walk(e.operand) };
      case 'binary':
        return { ...e, left: walk(e.left), right: walk(e.right) };
      case 'cond':
        return { ...e, test: walk(e.test), then: walk(e.then), otherwise: walk(e.otherwise) };
      case 'elvis':
        return { ...e, left: walk(e.left), right: walk(e.right) };
      case 'list':
        return { ...e, items: e.items.map(walk) };
      case 'record':
        return e;
      case 'paren':
        return { ...e, inner: walk(e.inner) };
    }
  };
  return walk(expr);
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
 * for a GPUs tag NVIDIA_VISIBLE_DEVICES from its GPUs' DeviceUuid properties (CUDA_VISIBLE_DEVICES too). `log` is told what HTCondor logs as an error.
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
    // The DeviceUuid properties of the slot's AvailableGPUs (GPU-<uuid>, a MIG device's as it is), which
    // CUDA_VISIBLE_DEVICES is then set to as well; a GPU without one (declared by its id alone) gives none.
    const first = machineAd.evaluateExpr('AvailableGPUS[0].id');
    const uuid = first.type === 'string' && first.value.startsWith('MIG-') ? 'DeviceUuid' : 'strcat("GPU-",DeviceUuid)';
    const joined = machineAd.evaluateExpr(`join(",",evalInEachContext(${uuid},AvailableGPUs))`);
    if (joined.type === 'string' && joined.value !== '') {
      env.NVIDIA_VISIBLE_DEVICES = joined.value;
      env.CUDA_VISIBLE_DEVICES = joined.value;
    } else {
      env.NVIDIA_VISIBLE_DEVICES = 'none';
    }
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
