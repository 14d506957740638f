import {
  BINARY_PRECEDENCE,
  CONDITIONAL_PRECEDENCE,
  ELVIS_PRECEDENCE,
  POSTFIX_PRECEDENCE,
  UNARY_PRECEDENCE,
  valueToExpr,
  type Expr,
} from './ast.js';
import { formatInt, formatRealLiteral, formatRealNewSyntax } from './format-number.js';
import type { Value } from './value.js';

const ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"', '\\': '\\\\', '\n': '\\n', '\t': '\\t', '\r': '\\r',
  '\b': '\\b', '\f': '\\f', '\v': '\\v', '\x07': '\\a',
};

const RESERVED_NAMES = new Set(['true', 'false', 'undefined', 'error', 'is', 'isnt']);

/** ClassAd string literal for `s`, e.g. `"a\"b\\c\n"`. */
export function quoteString(s: string): string {
  return `"${escapeChars(s, '"')}"`;
}

/** Characters escapeChars may rewrite (either quote); most strings have none and are returned as they are. */
const NEEDS_ESCAPE = /["'\\\x00-\x1f\x7f]/;

function escapeChars(s: string, quote: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  let out = '';
  for (const c of s) {
    if (c === quote) out += '\\' + c;
    else if (ESCAPES[c] !== undefined && c !== '"') out += ESCAPES[c];
    else if (c < ' ' || c === '\x7f') out += '\\' + c.charCodeAt(0).toString(8).padStart(3, '0');
    else out += c;
  }
  return out;
}

/** An attribute name as it must be written in an expression (single-quoted when not an identifier). */
export function formatAttributeName(name: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !RESERVED_NAMES.has(name.toLowerCase())) return name;
  return `'${escapeChars(name, "'")}'`;
}

/** Canonical ClassAd text for an expression; parses back to an equivalent tree. */
export function unparse(expr: Expr): string {
  return unparseIn(expr, false);
}

/**
 * The expression as HTCondor's ClassAdUnParser writes it in new ClassAd syntax (-long:new): reals as
 * %1.15E, =?= and =!= as is and isnt; otherwise as unparse.
 */
export function unparseNewSyntax(expr: Expr): string {
  return unparseIn(expr, true);
}

function unparseIn(expr: Expr, newSyntax: boolean): string {
  const unparse = (e: Expr): string => unparseIn(e, newSyntax);
  const unparseOperand = (e: Expr, minPrecedence: number): string => operandIn(e, minPrecedence, newSyntax);
  switch (expr.kind) {
    case 'literal':
      return unparseScalar(expr.value, newSyntax);
    case 'attr': {
      const name = formatAttributeName(expr.name);
      return expr.scope === undefined ? name : `${expr.scope}.${name}`;
    }
    case 'select':
      return `${unparseOperand(expr.base, POSTFIX_PRECEDENCE)}.${formatAttributeName(expr.name)}`;
    case 'subscript':
      return `${unparseOperand(expr.base, POSTFIX_PRECEDENCE)}[${unparse(expr.index)}]`;
    case 'call':
      return `${expr.name}(${expr.args.map(unparse).join(',')})`;
    case 'unary':
      return expr.op + unparseOperand(expr.operand, UNARY_PRECEDENCE);
    case 'binary': {
      const precedence = BINARY_PRECEDENCE[expr.op];
      // Left-associative: only the right operand needs parentheses at equal precedence.
      const left = unparseOperand(expr.left, precedence);
      const right = unparseOperand(expr.right, precedence + 1);
      const op = newSyntax && expr.op === '=?=' ? 'is' : newSyntax && expr.op === '=!=' ? 'isnt' : expr.op;
      return `${left} ${op} ${right}`;
    }
    case 'cond': {
      const test = unparseOperand(expr.test, CONDITIONAL_PRECEDENCE + 1);
      return `${test} ? ${unparse(expr.then)} : ${unparse(expr.otherwise)}`;
    }
    case 'elvis':
      // Right-associative: a ?: b ?: c is a ?: (b ?: c).
      return `${unparseOperand(expr.left, POSTFIX_PRECEDENCE)} ?: ${unparseOperand(expr.right, ELVIS_PRECEDENCE)}`;
    case 'list':
      return `{ ${expr.items.map(unparse).join(',')} }`;
    case 'record':
      return `[ ${expr.entries.map((e) => `${formatAttributeName(e.name)} = ${unparse(e.expr)}`).join('; ')} ]`;
    case 'paren':
      return `(${unparse(expr.inner)})`;
  }
}

/** ClassAd text for a value (lists and ads in constructor syntax). */
export function unparseValue(v: Value): string {
  return unparse(valueToExpr(v));
}

function unparseScalar(v: Value, newSyntax: boolean): string {
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
      return newSyntax ? formatRealNewSyntax(v.value) : formatRealLiteral(v.value);
    case 'string':
      return quoteString(v.value);
    default:
      return unparseValue(v);
  }
}

/** Parenthesizes a child that binds more loosely than its context (only for trees not built by the parser). */
function operandIn(expr: Expr, minPrecedence: number, newSyntax: boolean): string {
  const text = unparseIn(expr, newSyntax);
  return precedenceOf(expr) < minPrecedence ? `(${text})` : text;
}

function precedenceOf(expr: Expr): number {
  switch (expr.kind) {
    case 'binary':
      return BINARY_PRECEDENCE[expr.op];
    case 'cond':
      return CONDITIONAL_PRECEDENCE;
    case 'elvis':
      return ELVIS_PRECEDENCE;
    case 'unary':
      return UNARY_PRECEDENCE;
    case 'literal':
      // A negative number literal reads like a unary minus.
      return (expr.value.type === 'int' || expr.value.type === 'real') && isNegative(expr.value.value)
        ? UNARY_PRECEDENCE
        : POSTFIX_PRECEDENCE;
    default:
      return POSTFIX_PRECEDENCE;
  }
}

function isNegative(x: number): boolean {
  return x < 0 || Object.is(x, -0);
}
