import type { BinaryOp, UnaryOp } from './ast.js';
import { ERROR, UNDEFINED, boolValue, intValue, realValue, type Value } from './value.js';

export type StrictBinaryOp = Exclude<BinaryOp, '&&' | '||'>;

/** HTCondor's IsBooleanValueEquiv: bools, and numbers as non-zero; anything else has no truth value. */
export function truthValue(v: Value): boolean | undefined {
  if (v.type === 'bool') return v.value;
  if (v.type === 'int' || v.type === 'real') return v.value !== 0;
  return undefined;
}

/** `&&` once both operands are known (the caller short-circuits on a false left operand). */
export function logicalAnd(left: Value, right: Value): Value {
  return combineLogical(left, right, false);
}

/** `||` once both operands are known (the caller short-circuits on a true left operand). */
export function logicalOr(left: Value, right: Value): Value {
  return combineLogical(left, right, true);
}

/** Three-valued logic where `dominant` (false for &&, true for ||) decides the result alone. */
function combineLogical(left: Value, right: Value, dominant: boolean): Value {
  const a = logicalOperand(left);
  const b = logicalOperand(right);
  if (a === 'error' || (typeof a === 'boolean' && a === dominant)) return a === 'error' ? ERROR : boolValue(dominant);
  if (b === 'error') return ERROR;
  if (typeof a === 'boolean') return b === 'undefined' ? UNDEFINED : boolValue(b);
  // Left is undefined: only the dominant value on the right can decide.
  return b === dominant ? boolValue(dominant) : UNDEFINED;
}

function logicalOperand(v: Value): boolean | 'undefined' | 'error' {
  if (v.type === 'undefined') return 'undefined';
  return truthValue(v) ?? 'error';
}

export function applyUnary(op: UnaryOp, v: Value): Value {
  if (v.type === 'error' || v.type === 'undefined') return v.type === 'error' ? ERROR : UNDEFINED;
  switch (op) {
    case '!': {
      const truth = truthValue(v);
      return truth === undefined ? ERROR : boolValue(!truth);
    }
    case '-':
      if (v.type === 'int') return intValue(wrapInt(-v.value, () => -BigInt(v.value)));
      if (v.type === 'real') return realValue(-v.value);
      return ERROR;
    case '+':
      return v.type === 'int' || v.type === 'real' ? v : ERROR;
    case '~':
      return v.type === 'int' ? intValue(Number(BigInt.asIntN(64, ~BigInt(v.value)))) : ERROR;
  }
}

export function applyBinary(op: StrictBinaryOp, left: Value, right: Value): Value {
  if (op === '=?=') return boolValue(isIdentical(left, right));
  if (op === '=!=') return boolValue(!isIdentical(left, right));
  if (left.type === 'error' || right.type === 'error') return ERROR;
  if (left.type === 'undefined' || right.type === 'undefined') return UNDEFINED;
  switch (op) {
    case '==': case '!=': case '<': case '<=': case '>': case '>=':
      return compare(op, left, right);
    case '+': case '-': case '*': case '/': case '%':
      return arithmetic(op, left, right);
    case '&': case '|': case '^': case '<<': case '>>': case '>>>':
      return bitwise(op, left, right);
  }
}

/** `=?=`: same type and same value; strings compare case-sensitively, int 1 is not real 1.0. */
export function isIdentical(a: Value, b: Value): boolean {
  switch (a.type) {
    case 'undefined':
    case 'error':
      return b.type === a.type;
    case 'bool':
    case 'int':
    case 'real':
    case 'string':
      return b.type === a.type && b.value === a.value;
    case 'list':
      return b.type === 'list' && b.items.length === a.items.length
        && a.items.every((item, i) => isIdentical(item, b.items[i]));
    case 'ad':
      return b.type === 'ad' && b.ad === a.ad;
  }
}

type Comparison = '==' | '!=' | '<' | '<=' | '>' | '>=';

function compare(op: Comparison, left: Value, right: Value): Value {
  if (left.type === 'string' || right.type === 'string') {
    if (left.type !== 'string' || right.type !== 'string') return ERROR;
    // HTCondor compares strings with strcasecmp for ==, <, etc.
    const a = left.value.toLowerCase();
    const b = right.value.toLowerCase();
    return boolValue(applyComparison(op, a < b ? -1 : a > b ? 1 : 0));
  }
  const a = numericOperand(left);
  const b = numericOperand(right);
  if (a === undefined || b === undefined) return ERROR;
  if (Number.isNaN(a) || Number.isNaN(b)) return boolValue(op === '!=');
  return boolValue(applyComparison(op, a < b ? -1 : a > b ? 1 : 0));
}

function applyComparison(op: Comparison, order: number): boolean {
  switch (op) {
    case '==': return order === 0;
    case '!=': return order !== 0;
    case '<': return order < 0;
    case '<=': return order <= 0;
    case '>': return order > 0;
    case '>=': return order >= 0;
  }
}

/** Numbers as they take part in arithmetic and comparison: booleans count as 0/1. */
function numericOperand(v: Value): number | undefined {
  if (v.type === 'int' || v.type === 'real') return v.value;
  if (v.type === 'bool') return v.value ? 1 : 0;
  return undefined;
}

function arithmetic(op: '+' | '-' | '*' | '/' | '%', left: Value, right: Value): Value {
  const a = numericOperand(left);
  const b = numericOperand(right);
  if (a === undefined || b === undefined) return ERROR;
  if (left.type === 'real' || right.type === 'real') {
    if ((op === '/' || op === '%') && b === 0) return ERROR;
    switch (op) {
      case '+': return realValue(a + b);
      case '-': return realValue(a - b);
      case '*': return realValue(a * b);
      case '/': return realValue(a / b);
      case '%': return realValue(a % b);
    }
  }
  switch (op) {
    case '+': return intValue(wrapInt(a + b, () => BigInt(a) + BigInt(b)));
    case '-': return intValue(wrapInt(a - b, () => BigInt(a) - BigInt(b)));
    case '*': return intValue(wrapInt(a * b, () => BigInt(a) * BigInt(b)));
    case '/': return b === 0 ? ERROR : intValue(wrapInt(Math.trunc(a / b), () => BigInt(a) / BigInt(b)));
    case '%': return b === 0 ? ERROR : intValue(a % b);
  }
}

function bitwise(op: '&' | '|' | '^' | '<<' | '>>' | '>>>', left: Value, right: Value): Value {
  if (left.type !== 'int' || right.type !== 'int') return ERROR;
  const a = BigInt(left.value);
  const b = BigInt(right.value);
  const shift = b & 63n;
  let result: bigint;
  switch (op) {
    case '&': result = a & b; break;
    case '|': result = a | b; break;
    case '^': result = a ^ b; break;
    case '<<': result = a << shift; break;
    case '>>': result = a >> shift; break;
    case '>>>': result = BigInt.asUintN(64, a) >> shift; break;
  }
  return intValue(Number(BigInt.asIntN(64, result)));
}

/** 64-bit two's-complement integer results, computed exactly only when doubles lose precision. */
function wrapInt(approx: number, exact: () => bigint): number {
  if (Number.isSafeInteger(approx)) return approx;
  return Number(BigInt.asIntN(64, exact()));
}
