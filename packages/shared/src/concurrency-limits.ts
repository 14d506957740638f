// Concurrency limits (HTCondor's "concurrency_limits"): pool-wide counts of running jobs that declare they use
// a named resource. The parsing is src/condor_utils/NegotiationUtils.cpp's ParseConcurrencyLimit, the
// submit side SubmitHash::SetConcurrencyLimits, the counting and maximums the negotiator's Accountant
// (IncrementLimit, GetLimitMax) and its matchmaker's rejectForConcurrencyLimits.
import type { ClassAd } from './classad/index.js';

/** CONCURRENCY_LIMIT_DEFAULT's default (param_info.in). */
export const CONCURRENCY_LIMIT_DEFAULT = 2308032;

/** One entry of a limits list: `name`, `name:weight`, `set.name`, `set.name:weight`. */
export interface ConcurrencyLimit {
  /** The name without its weight, as written (the lists are lower-cased before they are parsed). */
  name: string;
  /** The units the job takes (1 unless a weight > 0 follows a colon). */
  weight: number;
  valid: boolean;
}

/** IsValidAttrName: a letter or `_`, then letters, digits and `_` (ASCII, as isalpha/isalnum in the C locale). */
function isValidAttrName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

/** strtod's value of the start of `text` (0 when it starts with no number). */
function strtod(text: string): number {
  const match = /^\s*([+-]?)(?:(inf(?:inity)?)|(nan)|((?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?))/i.exec(text);
  if (!match) return 0;
  const sign = match[1] === '-' ? -1 : 1;
  if (match[2] !== undefined) return sign * Infinity;
  if (match[3] !== undefined) return NaN;
  return sign * Number(match[4]);
}

/** ParseConcurrencyLimit: the name before the first colon, the weight after it; at most one dot, each side an attribute name. */
export function parseConcurrencyLimit(entry: string): ConcurrencyLimit {
  const colon = entry.indexOf(':');
  const name = colon < 0 ? entry : entry.slice(0, colon);
  let weight = colon < 0 ? 1 : strtod(entry.slice(colon + 1));
  if (weight <= 0) weight = 1;
  const dot = name.indexOf('.');
  const valid = dot < 0 ? isValidAttrName(name) : isValidAttrName(name.slice(0, dot)) && isValidAttrName(name.slice(dot + 1));
  return { name, weight, valid };
}

/** The entries of a limits list (StringTokenIterator: separated by commas and white space). */
export function limitEntries(list: string): string[] {
  return list.split(/[, \t\r\n]+/).filter((entry) => entry !== '');
}

/**
 * SetConcurrencyLimits for `concurrency_limits`: the ConcurrencyLimits string (lower-cased, sorted, joined
 * with commas; undefined when the list is empty), or the first entry that is not a valid limit.
 */
export function concurrencyLimitsAttribute(value: string): { value: string | undefined } | { invalid: string } {
  const entries = limitEntries(value.toLowerCase());
  for (const entry of entries) if (!parseConcurrencyLimit(entry).valid) return { invalid: entry };
  // std::sort of std::string: by code unit.
  entries.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { value: entries.length > 0 ? entries.join(',') : undefined };
}

/**
 * The job's limits for a match with `slotAd` (EvalString of ConcurrencyLimits with the slot as TARGET,
 * lower-cased), or undefined when it declares none. `slotAd` is built only for a limits expression.
 */
export function jobConcurrencyLimits(jobAd: ClassAd, slotAd: () => ClassAd): string | undefined {
  const expr = jobAd.get('ConcurrencyLimits');
  if (expr === undefined) return undefined;
  const value = expr.kind === 'literal' && expr.value.type === 'string' ? expr.value : jobAd.evaluate('ConcurrencyLimits', slotAd());
  return value.type === 'string' && value.value !== '' ? value.value.toLowerCase() : undefined;
}

/** The limits in use: each valid entry's weight, summed by name (the Accountant's concurrencyLimits). */
export class LimitsInUse {
  private readonly counts = new Map<string, number>();

  /** IncrementLimits: the entries of a (lower-cased) list; invalid ones are ignored. */
  add(limits: string): void {
    for (const entry of limitEntries(limits)) {
      const { name, weight, valid } = parseConcurrencyLimit(entry);
      if (valid) this.counts.set(name, this.count(name) + weight);
    }
  }

  count(name: string): number {
    return this.counts.get(name) ?? 0;
  }
}

/** A knob's number, undefined when it is not set. */
export type NumberKnob = (name: string) => number | undefined;

/**
 * GetLimitMax: `<name>_LIMIT`, else `CONCURRENCY_LIMIT_DEFAULT_<set>` for a `set.name`, else
 * CONCURRENCY_LIMIT_DEFAULT, else 2308032.
 */
export function limitMaximum(name: string, knob: NumberKnob): number {
  let fallback = knob('CONCURRENCY_LIMIT_DEFAULT') ?? CONCURRENCY_LIMIT_DEFAULT;
  const dot = name.lastIndexOf('.');
  if (dot >= 0) fallback = knob(`CONCURRENCY_LIMIT_DEFAULT_${name.slice(0, dot)}`) ?? fallback;
  return knob(`${name}_LIMIT`) ?? fallback;
}

/**
 * rejectForConcurrencyLimits: the first limit of the (lower-cased) list that the job's weight would take
 * over its maximum (`in use + weight > maximum`), or undefined when every one has room. Invalid entries
 * are ignored, as the negotiator ignores them.
 */
export function limitReached(limits: string, inUse: LimitsInUse, maximum: (name: string) => number): string | undefined {
  for (const entry of limitEntries(limits)) {
    const { name, weight, valid } = parseConcurrencyLimit(entry);
    if (!valid) continue;
    const count = inUse.count(name);
    if (count < 0 || count + weight > maximum(name)) return name;
  }
  return undefined;
}

/** The job's LastRejMatchReason when limits left it unmatched (the negotiator's diagnostic message). */
export function limitsRejectionReason(reached: Iterable<string>): string {
  return `concurrency limit ${[...new Set(reached)].sort().join(', ')} reached`;
}
