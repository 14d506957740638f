// The negotiator's accountant (HTCondor's condor_negotiator.V6/Accountant.cpp): each submitter's real
// priority, decayed towards the resources it uses with PRIORITY_HALFLIFE, its priority factor, and its usage.

/** Accountant.cpp's MinPriority: no real priority is below it. */
export const MIN_PRIORITY = 0.5;
/** MIN_PRIORITY_FACTOR: a factor set below it is raised to it. */
export const MIN_PRIORITY_FACTOR = 1;
/** condor_constants.h NiceUserName: a submitter whose name starts with it is a nice user. */
export const NICE_USER_NAME = 'nice-user';

/** One submitter's record, with Accountant.cpp's attribute names. Times are seconds since the epoch. */
export interface AccountantRecord {
  /** The real priority (Priority). */
  priority: number;
  /** PriorityFactor; undefined until set or first read (GetPriorityFactor then stores the default). */
  priorityFactor?: number;
  /** ResourcesUsed: slots in use now; WeightedResourcesUsed: their weight (SLOT_WEIGHT, Cpus). */
  resourcesUsed: number;
  weightedResourcesUsed: number;
  /** AccumulatedUsage, WeightedAccumulatedUsage: resource-seconds since BeginUsageTime. */
  accumulatedUsage: number;
  weightedAccumulatedUsage: number;
  /** BeginUsageTime: when usage was first charged (0: never); LastUsageTime: when it last used a resource. */
  beginUsageTime: number;
  lastUsageTime: number;
}

/** The knobs the accountant reads (Accountant::Initialize). */
export interface AccountantSettings {
  /** PRIORITY_HALFLIFE, seconds. */
  halfLife: number;
  /** DEFAULT_PRIO_FACTOR, NICE_USER_PRIO_FACTOR, REMOTE_PRIO_FACTOR. */
  defaultFactor: number;
  niceUserFactor: number;
  remoteFactor: number;
  /** ACCOUNTANT_LOCAL_DOMAIN: when set, submitters of other domains get REMOTE_PRIO_FACTOR. */
  localDomain: string;
}

export const DEFAULT_ACCOUNTANT_SETTINGS: AccountantSettings = { halfLife: 86400, defaultFactor: 1000, niceUserFactor: 1e10, remoteFactor: 1e7, localDomain: '' };

/** A record as a submitter first seen has it. */
function newRecord(): AccountantRecord {
  return { priority: MIN_PRIORITY, resourcesUsed: 0, weightedResourcesUsed: 0, accumulatedUsage: 0, weightedAccumulatedUsage: 0, beginUsageTime: 0, lastUsageTime: 0 };
}

/** The domain of `user@domain` (GetDomain), '' without one. */
function domainOf(name: string): string {
  const at = name.lastIndexOf('@');
  return at < 0 ? '' : name.slice(at + 1);
}

/** The accountant's records, by submitter (`name@domain`): usage is charged at each update for the time since the one before, with what was in use then. */
export class Accountant {
  readonly records = new Map<string, AccountantRecord>();

  constructor(
    public settings: AccountantSettings,
    /** LastUpdateTime: the last update's time, seconds with their fraction (0: never). */
    public lastUpdateTime = 0,
  ) {}

  record(name: string): AccountantRecord {
    let record = this.records.get(name);
    if (!record) this.records.set(name, (record = newRecord()));
    return record;
  }

  /**
   * GetPriorityFactor: the factor set, else the default for the submitter (NICE_USER_PRIO_FACTOR for a nice
   * user, REMOTE_PRIO_FACTOR for another domain than ACCOUNTANT_LOCAL_DOMAIN, else DEFAULT_PRIO_FACTOR), which
   * is then stored, as HTCondor's read does.
   */
  priorityFactor(name: string): number {
    const record = this.record(name);
    if (record.priorityFactor === undefined || record.priorityFactor < MIN_PRIORITY_FACTOR) {
      const { settings } = this;
      if (name.startsWith(NICE_USER_NAME)) this.setPriorityFactor(name, settings.niceUserFactor);
      else if (settings.localDomain !== '' && settings.localDomain !== domainOf(name)) this.setPriorityFactor(name, settings.remoteFactor);
      else this.setPriorityFactor(name, settings.defaultFactor);
    }
    return record.priorityFactor as number;
  }

  /** GetPriority: the effective priority, the real one (at least MinPriority) times the factor. */
  effectivePriority(name: string): number {
    const record = this.record(name);
    if (record.priority < MIN_PRIORITY) record.priority = MIN_PRIORITY;
    return record.priority * this.priorityFactor(name);
  }

  /**
   * UpdatePriorities, then the resources each submitter uses from now on (those not named use none).
   * Accountant.cpp counts whole seconds between negotiation cycles, and charges the usage that changed
   * between them as UnchargedTime; here the schedd updates at each change of usage, so the seconds since
   * the last update are kept with their fraction, and each update charges exactly what was in use since.
   * Returns whether the records changed.
   */
  update(now: number, inUse: ReadonlyMap<string, { resources: number; weighted: number }> = new Map()): boolean {
    let changed = false;
    const passed = now - this.lastUpdateTime;
    if (passed < 0) {
      // The clock went back: Accountant.cpp starts over from now.
      this.lastUpdateTime = now;
      changed = true;
    } else if (passed > 0) {
      const agingFactor = Math.pow(0.5, passed / this.settings.halfLife);
      for (const record of this.records.values()) updateOne(record, Math.floor(now), passed, agingFactor);
      this.lastUpdateTime = now;
      changed = true;
    }
    for (const [name, record] of this.records) {
      const use = inUse.get(name) ?? { resources: 0, weighted: 0 };
      if (record.resourcesUsed === use.resources && record.weightedResourcesUsed === use.weighted) continue;
      record.resourcesUsed = use.resources;
      record.weightedResourcesUsed = use.weighted;
      changed = true;
    }
    for (const [name, use] of inUse) {
      if (this.records.has(name)) continue;
      const record = this.record(name);
      record.resourcesUsed = use.resources;
      record.weightedResourcesUsed = use.weighted;
      changed = true;
    }
    return changed;
  }

  /** SetPriority (condor_userprio -setprio): the real priority. */
  setPriority(name: string, priority: number): void {
    this.record(name).priority = priority;
  }

  /** SetPriorityFactor (-setfactor, and the default a first read stores): below MIN_PRIORITY_FACTOR it is raised to it. */
  setPriorityFactor(name: string, factor: number): void {
    this.record(name).priorityFactor = Math.max(factor, MIN_PRIORITY_FACTOR);
  }

  /** ResetAccumulatedUsage (-resetusage): usage starts over now. */
  resetUsage(name: string, now: number): void {
    const record = this.record(name);
    record.accumulatedUsage = 0;
    record.weightedAccumulatedUsage = 0;
    record.beginUsageTime = Math.floor(now);
  }

  /** ResetAllUsage (-resetall). */
  resetAllUsage(now: number): void {
    for (const name of this.records.keys()) this.resetUsage(name, now);
  }

  /** SetAccumUsage (-setaccum): the weighted accumulated usage (what condor_userprio shows). */
  setAccumulatedUsage(name: string, usage: number): void {
    this.record(name).weightedAccumulatedUsage = usage;
  }

  /** SetBeginTime (-setbegin), SetLastTime (-setlast). */
  setBeginUsageTime(name: string, time: number): void {
    this.record(name).beginUsageTime = time;
  }

  setLastUsageTime(name: string, time: number): void {
    this.record(name).lastUsageTime = time;
  }

  /** DeleteRecord (-delete). Returns whether there was one. */
  delete(name: string): boolean {
    return this.records.delete(name);
  }
}

/** UpdateOnePriority: the priority aged towards the weighted resources used, their use added up. */
function updateOne(record: AccountantRecord, T: number, passed: number, agingFactor: number): void {
  let priority = Math.max(record.priority, MIN_PRIORITY);
  priority = priority * agingFactor + record.weightedResourcesUsed * (1 - agingFactor);
  record.priority = Math.max(priority, MIN_PRIORITY);
  record.accumulatedUsage += record.resourcesUsed * passed;
  record.weightedAccumulatedUsage += record.weightedResourcesUsed * passed;
  if (record.accumulatedUsage > 0 && record.beginUsageTime === 0) record.beginUsageTime = T;
  if (record.resourcesUsed > 0) record.lastUsageTime = T;
}

/**
 * The accountant's knobs as Accountant::Initialize reads them (atof: what is not a number reads as 0),
 * and the schedd's ACCOUNTING_DOMAIN (param_info.in: $(UID_DOMAIN)). Without ACCOUNTANT_LOCAL_DOMAIN every
 * submitter is local (REMOTE_PRIO_FACTOR is then 1, unused).
 */
export function accountantSettings(value: (knob: string) => string | undefined, uidDomain: string): { settings: AccountantSettings; accountingDomain: string } {
  const number = (knob: string, fallback: number): number => {
    const text = value(knob)?.trim();
    if (text === undefined || text === '') return fallback;
    const n = Number.parseFloat(text);
    return Number.isFinite(n) ? n : 0;
  };
  const halfLife = number('PRIORITY_HALFLIFE', DEFAULT_ACCOUNTANT_SETTINGS.halfLife);
  const settings: AccountantSettings = {
    // param_info.in's range: 0.00001 and up.
    halfLife: Math.max(halfLife, 0.00001),
    defaultFactor: number('DEFAULT_PRIO_FACTOR', DEFAULT_ACCOUNTANT_SETTINGS.defaultFactor),
    niceUserFactor: number('NICE_USER_PRIO_FACTOR', DEFAULT_ACCOUNTANT_SETTINGS.niceUserFactor),
    remoteFactor: number('REMOTE_PRIO_FACTOR', DEFAULT_ACCOUNTANT_SETTINGS.remoteFactor),
    localDomain: value('ACCOUNTANT_LOCAL_DOMAIN')?.trim() ?? '',
  };
  const domain = value('ACCOUNTING_DOMAIN')?.trim();
  return { settings, accountingDomain: domain === undefined || domain === '' ? uidDomain : domain };
}
