import type { ClassAd } from './classad.js';
import { formatG, formatInt } from './format-number.js';
import { unparseValue } from './unparse.js';

/** The result of evaluating a ClassAd expression. */
export type Value =
  | { type: 'undefined' }
  | { type: 'error'; message?: string }
  | { type: 'bool'; value: boolean }
  | { type: 'int'; value: number }
  | { type: 'real'; value: number }
  | { type: 'string'; value: string }
  | { type: 'list'; items: Value[] }
  | { type: 'ad'; ad: ClassAd };

/** Values that can be written as a single literal token. */
export type ScalarValue = Exclude<Value, { type: 'list' } | { type: 'ad' }>;

export const UNDEFINED: Value = Object.freeze({ type: 'undefined' });
export const ERROR: Value = Object.freeze({ type: 'error' });

export function errorValue(message: string): Value {
  return { type: 'error', message };
}

export function boolValue(value: boolean): Value {
  return { type: 'bool', value };
}

export function intValue(value: number): Value {
  return { type: 'int', value };
}

export function realValue(value: number): Value {
  return { type: 'real', value };
}

export function stringValue(value: string): Value {
  return { type: 'string', value };
}

/** HTCondor's EvalBool: true for bool true or a non-zero number. */
export function isTrue(v: Value): boolean {
  switch (v.type) {
    case 'bool':
      return v.value;
    case 'int':
    case 'real':
      return v.value !== 0 && !Number.isNaN(v.value);
    default:
      return false;
  }
}

export function valueToJs(v: Value): unknown {
  switch (v.type) {
    case 'undefined':
    case 'error':
      return null;
    case 'bool':
    case 'int':
    case 'real':
    case 'string':
      return v.value;
    case 'list':
      return v.items.map(valueToJs);
    case 'ad': {
      const out: Record<string, unknown> = {};
      for (const name of v.ad.names()) out[name] = valueToJs(v.ad.evaluate(name));
      return out;
    }
  }
}

export function jsToValue(x: unknown): Value {
  if (x === null || x === undefined) return UNDEFINED;
  if (typeof x === 'boolean') return boolValue(x);
  if (typeof x === 'number') return Number.isInteger(x) ? intValue(x) : realValue(x);
  if (typeof x === 'bigint') return intValue(Number(x));
  if (typeof x === 'string') return stringValue(x);
  if (Array.isArray(x)) return { type: 'list', items: x.map(jsToValue) };
  return errorValue(`cannot convert ${typeof x} to a ClassAd value`);
}

/** One value as `condor_q -af` prints it. */
export function formatValueForAf(v: Value): string {
  switch (v.type) {
    case 'undefined':
      return 'undefined';
    case 'error':
      return 'error';
    case 'bool':
      return v.value ? 'true' : 'false';
    case 'int':
      return formatInt(v.value);
    case 'real':
      return formatRealForAf(v.value);
    case 'string':
      return v.value;
    case 'list':
    case 'ad':
      // AttrListPrintMask::display: ClassAdUnParser with SetOldClassAd(true, true).
      return unparseValue(v, 'old');
  }
}

function formatRealForAf(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  return formatG(x, 6);
}

/** ClassAd.getInt's reading of a value: ints, reals truncated; undefined for anything else. */
export function intOf(v: Value): number | undefined {
  if (v.type === 'int') return v.value;
  if (v.type === 'real' && Number.isFinite(v.value)) return Math.trunc(v.value);
  return undefined;
}

export function numberOf(v: Value): number | undefined {
  return v.type === 'int' || v.type === 'real' ? v.value : undefined;
}

export function stringOf(v: Value): string | undefined {
  return v.type === 'string' ? v.value : undefined;
}

/** HTCondor EvalBool: numbers count as true when non-zero. */
export function boolOf(v: Value): boolean | undefined {
  if (v.type === 'bool' || v.type === 'int' || v.type === 'real') return isTrue(v);
  return undefined;
}
