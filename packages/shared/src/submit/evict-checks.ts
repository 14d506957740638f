/**
 * The built-in eviction checks condor_submit writes for a request that may grow when the job is evicted for
 * going over it (submit_utils.cpp SubmitHash::SetBuiltInOnEvictCheck): `request_memory = a, b…`,
 * retry_request_memory, retry_request_memory_max and retry_request_memory_increase, `request_disk = a, b…` and
 * retry_request_disk. Each becomes a transform the schedd applies when the job would be held
 * (TransformOnEvict, TransformBody_<attr>; see evict-transform.ts), plus the attributes that transform reads.
 */
import { ClassAd, ClassAdParseError, ownReferences, parseExpr, unparse, type Expr } from '../classad/index.js';
import type { SubmitContext } from './context.js';

/** The separator of a transform body's statements in the job queue (0x1e for the newlines of a transform). */
export const TRANSFORM_LINE_SEPARATOR = '\x1e';

/** What ON_EVICT_CHECK_<attr>_REQUIREMENTS defaults to: the job was held or evicted for going over that resource. */
export const DEFAULT_EVICT_CHECK_REQUIREMENTS: Readonly<Record<string, string>> = {
  RequestMemory: '(VacateReasonCode==21 || VacateReasonCode == 34) && VacateReasonSubCode == 102',
  RequestDisk: '(VacateReasonCode==21 || VacateReasonCode == 34) && VacateReasonSubCode == 104',
};

/** The knobs condor_submit reads for the requests, which the schedd reads too when it materializes a factory's procs. */
export type RequestKnobs = Pick<SubmitContext, 'requestMissingUnits' | 'onEvictRequirements'>;

/** SUBMIT_REQUEST_MISSING_UNITS and ON_EVICT_CHECK_<attr>_REQUIREMENTS, from a knob's value (param: unset when empty). */
export function requestKnobs(value: (name: string) => string | undefined): RequestKnobs {
  const knobs: RequestKnobs = {};
  const missingUnits = value('SUBMIT_REQUEST_MISSING_UNITS');
  if (missingUnits) knobs.requestMissingUnits = missingUnits;
  for (const attribute of ['RequestMemory', 'RequestDisk'] as const) {
    const requirements = value(`ON_EVICT_CHECK_${attribute}_REQUIREMENTS`);
    if (requirements) knobs.onEvictRequirements = { ...knobs.onEvictRequirements, [attribute]: requirements };
  }
  return knobs;
}

/** A size as parse_int64_bytes reads it (metric_units.cpp): a number with an optional K/M/G/T[B] unit. */
export interface ParsedBytes {
  /** In units of `base` bytes, rounded up. */
  value: number;
  /** The unit letter as written, or '' for none (the number was in `base` units already). */
  unit: string;
  /** Where reading stopped: the end, or a separator. */
  end: number;
}

/**
 * parse_int64_bytes: `input` (from `start`) is a whole number, maybe with a fraction (three digits count), spaces
 * and a unit, followed by the end or one of `separators`; undefined when it is not (then it is an expression).
 */
export function parseInt64Bytes(input: string, base: number, separators = '', start = 0): ParsedBytes | undefined {
  let p = start;
  while (isSpace(input[p])) p++;
  const number = /^[+-]?\d+/.exec(input.slice(p));
  let q = p + (number?.[0].length ?? 0);
  let fraction = 0;
  if (input[q] === '.') {
    q++;
    for (const scale of [10, 100, 1000]) {
      if (!isDigit(input[q])) break;
      fraction += Number(input[q]) / scale;
      q++;
    }
    while (isDigit(input[q])) q++;
  }
  if (q === p) return undefined;
  const whole = number ? Number(number[0]) : 0;
  while (isSpace(input[q])) q++;
  let multiplier = base;
  let unit = '';
  if (q < input.length && !separators.includes(input[q]!)) {
    const power = 'KMGT'.indexOf(input[q]!.toUpperCase());
    if (power < 0) return undefined;
    multiplier = 1024 ** (power + 1);
    unit = input[q]!;
    q++;
    if (input[q] === 'b' || input[q] === 'B') q++;
  }
  const value = Math.trunc(((whole + fraction) * multiplier + base - 1) / base);
  while (isSpace(input[q])) q++;
  if (q < input.length && !separators.includes(input[q]!)) return undefined;
  return { value, unit, end: q };
}

function isSpace(c: string | undefined): boolean {
  return c !== undefined && /\s/.test(c);
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/**
 * parse_expr_sequence: the comma-separated sizes of `line`, what follows the last of them as an expression, and
 * where the first size without a unit starts.
 */
function parseExprSequence(line: string, base: number): { seq: number[]; last?: Expr; invalid?: string; missingUnit?: number } {
  const seq: number[] = [];
  let p = 0;
  let missingUnit: number | undefined;
  for (let parsed = parseInt64Bytes(line, base, ','); parsed; parsed = parseInt64Bytes(line, base, ',', p)) {
    if (parsed.unit === '' && missingUnit === undefined) missingUnit = p;
    seq.push(parsed.value);
    p = parsed.end;
    while (isSpace(line[p])) p++;
    if (line[p] !== ',') break;
    p++;
  }
  const rest = line.slice(p).trim();
  const found = missingUnit === undefined ? { seq } : { seq, missingUnit };
  if (rest === '') return found;
  try {
    return { ...found, last: parseExpr(rest) };
  } catch (err) {
    if (err instanceof ClassAdParseError) return { seq, invalid: rest };
    throw err;
  }
}

export interface EvictCheckRequest {
  /** RequestMemory or RequestDisk. */
  attribute: 'RequestMemory' | 'RequestDisk';
  /** The submit command named in messages (HTCondor names request_disk for retry_request_disk too). */
  command: string;
  /** The values: `a, b, …, last` (last may be an expression); undefined for an increment without a maximum. */
  line: string | undefined;
  /** retry_request_memory_increase. */
  increment?: string;
  /** The job's request as set from the first value of request_memory (MB) or request_disk (KB). */
  current: number;
  /** ON_EVICT_CHECK_<attr>_REQUIREMENTS, when configured. */
  requirements?: string;
  /** SUBMIT_REQUEST_MISSING_UNITS, when set: a size without a unit is refused ('error') or warned of. */
  missingUnits?: string;
}

export interface EvictCheck {
  /** The job attributes to set, in condor_submit's order, each as expression text. */
  attributes: [name: string, exprText: string][];
  /** The transform body (TransformBody_<attr>), its statements separated by TRANSFORM_LINE_SEPARATOR. */
  body: string;
  /** condor_submit's warnings (without "WARNING: "). */
  warnings: string[];
}

/** SUBMIT_REQUEST_MISSING_UNITS: a size without a unit refused (its message thrown) or warned of (added to `warnings`). */
function missingUnits(setting: string | undefined, message: (verb: 'must' | 'should') => string, warnings: string[]): void {
  if (setting === undefined) return;
  if (setting.toLowerCase() === 'error') throw new EvictCheckError(message('must'));
  warnings.push(message('should'));
}

/** What condor_submit's unit messages say of a size without one: memory defaults to megabytes. */
function scaleLabel(attribute: EvictCheckRequest['attribute']): string {
  return attribute === 'RequestMemory' ? 'defaults to megabytes, but ' : '';
}

/** A value condor_submit refuses, in its words. */
export class EvictCheckError extends Error {}

/**
 * SetBuiltInOnEvictCheck: the attributes and transform of one request's eviction check, or undefined when there
 * are no values and no increment. Throws EvictCheckError with condor_submit's message for values it refuses.
 */
export function builtInEvictCheck(request: EvictCheckRequest): EvictCheck | undefined {
  const { attribute, command } = request;
  const base = attribute === 'RequestMemory' ? 1024 * 1024 : 1024;
  const attributes: [string, string][] = [];
  const warnings: string[] = [];
  const { seq, last, invalid, missingUnit } = request.line === undefined ? { seq: [] as number[] } : parseExprSequence(request.line, base);
  if (invalid !== undefined) throw new EvictCheckError(`${command}=${invalid} is invalid. must be an expression or number`);
  if (missingUnit !== undefined) {
    const from = request.line!.slice(missingUnit);
    missingUnits(request.missingUnits, (verb) => `${command}=${from} ${scaleLabel(attribute)}${verb} contain a units suffix (i.e K, M, G, or T)`, warnings);
  }
  if (seq.length > 1) {
    let previous = 0;
    for (const value of seq) {
      if (value <= previous) throw new EvictCheckError(`${command} must have an increasing sequence of values, but ${value} is not greater than ${previous}`);
      previous = value;
    }
  }
  // The maximum, or last value, is an expression or the sequence's last number.
  let max: string | undefined;
  let maxIsExpr = false;
  if (last !== undefined) {
    max = unparse(last);
    maxIsExpr = true;
  } else if (seq.length > 0) {
    max = String(seq.pop());
  } else if (request.increment === undefined) {
    return undefined;
  }
  let statements: string;
  if (seq.length > 0) {
    // Iterate over the values: each eviction takes the next one, the last one being kept.
    const retry = `Retry${attribute}`;
    const index = `${retry}Index`;
    attributes.push([retry, unparse(parseExpr(`{${seq.join(',')},${max}}`))]);
    statements = `EVALSET ${attribute} ${retry}[${index}?:0]${TRANSFORM_LINE_SEPARATOR}EVALSET ${index} MIN({size(${retry})-1, (${index}?:0)+1})`;
  } else if (request.increment !== undefined) {
    statements = incrementStatements(request, base, max, attributes, warnings);
  } else {
    statements = `${maxIsExpr ? 'EVALSET' : 'SET'} ${attribute} ${max}`;
  }
  const requirements = request.requirements ?? DEFAULT_EVICT_CHECK_REQUIREMENTS[attribute];
  return { attributes, body: `REQUIREMENTS ${requirements}${TRANSFORM_LINE_SEPARATOR}${statements}`, warnings };
}

/** The increment strategy: the request grows by a size, or becomes an expression of itself, up to the maximum. */
function incrementStatements(request: EvictCheckRequest, base: number, max: string | undefined, attributes: [string, string][], warnings: string[]): string {
  const { attribute } = request;
  const increment = request.increment!;
  const refused = `${attribute} retry increment must be a positive number or an expression that references ${attribute}`;
  let incrementExpr: string;
  const literal = parseInt64Bytes(increment, base);
  if (literal) {
    if (literal.unit === '') missingUnits(request.missingUnits, (verb) => `${attribute} retry increment ${increment} ${scaleLabel(attribute)}${verb} contain a units suffix (i.e K, M, G or T)`, warnings);
    if (literal.value <= 0) throw new EvictCheckError(refused);
    incrementExpr = `${attribute} + ${literal.value}`;
  } else {
    let expr: Expr;
    try {
      expr = parseExpr(increment);
    } catch (err) {
      if (err instanceof ClassAdParseError) throw new EvictCheckError(refused);
      throw err;
    }
    if (!ownReferences(expr).has(attribute.toLowerCase())) throw new EvictCheckError(refused);
    incrementExpr = unparse(expr);
  }
  if (max !== undefined) {
    attributes.push([`Max${attribute}`, max], [`Next${attribute}`, incrementExpr]);
    return `EVALSET ${attribute} MIN({Next${attribute}, Max${attribute}})`;
  }
  // No maximum: the increment is applied once, to the request as submitted.
  const scratch = new ClassAd();
  scratch.set(attribute, request.current);
  scratch.setExpr('Increment', incrementExpr);
  // LookupInteger (EvaluateAttrNumber): a real is truncated, a boolean is 0 or 1.
  const value = scratch.evaluate('Increment');
  let next: number;
  if (value.type === 'int' || value.type === 'real') next = Math.trunc(value.value);
  else if (value.type === 'bool') next = value.value ? 1 : 0;
  else throw new EvictCheckError(`${attribute} retry increment (${increment}) must evaluate to an integer at submit time`);
  return `SET ${attribute} ${next}`;
}
