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

/**
 * How an expression is written. 'storage': what tinycondor keeps and sends (new-syntax escapes, so every
 * string reads back unchanged; old-syntax reals and =?=). 'old': HTCondor's ClassAdUnParser with
 * SetOldClassAd(true, true), as in -long output and ad files: only the quote is escaped, other characters
 * are written as they are. 'new': ClassAdUnParser in new syntax (-long:new).
 */
export type Syntax = 'storage' | 'old' | 'new';

/** ClassAd string literal for `s`, e.g. `"a\"b\\c\n"`. */
export function quoteString(s: string): string {
  return `"${escapeChars(s, '"', 'storage')}"`;
}

/** Characters escapeChars may rewrite (either quote); most strings have none and are returned as they are. */
const NEEDS_ESCAPE = /["'\\\x00-\x1f\x7f]/;
/** In new syntax, also every non-ASCII character: ClassAdUnParser::UnparseString octal-escapes each byte that isprint() rejects. */
const NEEDS_ESCAPE_NEW = /["'\\\x00-\x1f\x7f-\uffff]/;

const utf8 = new TextEncoder();

function escapeChars(s: string, quote: string, syntax: Syntax): string {
  if (syntax === 'old') return s.includes(quote) ? s.replaceAll(quote, '\\' + quote) : s;
  if (!(syntax === 'new' ? NEEDS_ESCAPE_NEW : NEEDS_ESCAPE).test(s)) return s;
  let out = '';
  for (const c of s) {
    if (c === quote) out += '\\' + c;
    else if (ESCAPES[c] !== undefined && c !== '"') out += ESCAPES[c];
    else if (c < ' ' || c === '\x7f') out += octal(c.charCodeAt(0));
    else if (syntax === 'new' && c > '\x7f') for (const byte of utf8.encode(c)) out += octal(byte);
    else out += c;
  }
  return out;
}

function octal(byte: number): string {
  return '\\' + byte.toString(8).padStart(3, '0');
}

/** An attribute name as it must be written in an expression (single-quoted when not an identifier). */
export function formatAttributeName(name: string, syntax: Syntax = 'storage'): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !RESERVED_NAMES.has(name.toLowerCase())) return name;
  return `'${escapeChars(name, "'", syntax)}'`;
}

/** Canonical ClassAd text for an expression; parses back to an equivalent tree. */
export function unparse(expr: Expr): string {
  return unparseIn(expr, 'storage');
}

/**
 * The expression as HTCondor's ClassAdUnParser writes it in new ClassAd syntax (-long:new): reals as
 * %1.15E, =?= and =!= as is and isnt, non-ASCII bytes as octal escapes; otherwise as unparse.
 */
export function unparseNewSyntax(expr: Expr): string {
  return unparseIn(expr, 'new');
}

/**
 * The expression in old ClassAd syntax, as HTCondor prints ads (sPrintAd, fPrintAd: ClassAdUnParser with
 * SetOldClassAd(true, true)): strings with only `"` escaped, backslashes, tabs and newlines written raw.
 * Reads back with parseOldExpr.
 */
export function unparseOldSyntax(expr: Expr): string {
  return unparseIn(expr, 'old');
}

function unparseIn(expr: Expr, syntax: Syntax): string {
  const unparse = (e: Expr): string => unparseIn(e, syntax);
  const unparseOperand = (e: Expr, minPrecedence: number): string => operandIn(e, minPrecedence, syntax);
  const name = (n: string): string => formatAttributeName(n, syntax);
  switch (expr.kind) {
    case 'literal':
      return unparseScalar(expr.value, syntax);
    case 'attr':
      return expr.scope === undefined ? name(expr.name) : `${expr.scope}.${name(expr.name)}`;
    case 'select':
      return `${unparseOperand(expr.base, POSTFIX_PRECEDENCE)}.${name(expr.name)}`;
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
      const newSyntax = syntax === 'new';
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
      return `[ ${expr.entries.map((e) => `${name(e.name)} = ${unparse(e.expr)}`).join('; ')} ]`;
    case 'paren':
      return `(${unparse(expr.inner)})`;
  }
}

/** ClassAd text for a value (lists and ads in constructor syntax). */
export function unparseValue(v: Value, syntax: Syntax = 'storage'): string {
  return unparseIn(valueToExpr(v), syntax);
}

function unparseScalar(v: Value, syntax: Syntax): string {
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
      return syntax === 'new' ? formatRealNewSyntax(v.value) : formatRealLiteral(v.value);
    case 'string':
      return `"${escapeChars(v.value, '"', syntax)}"`;
    default:
      return unparseIn(valueToExpr(v), syntax);
  }
}

/** Parenthesizes a child that binds more loosely than its context (only for trees not built by the parser). */
function operandIn(expr: Expr, minPrecedence: number, syntax: Syntax): string {
  const text = unparseIn(expr, syntax);
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
