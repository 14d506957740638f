import type { ClassAd } from './classad.js';
import type { ScalarValue, Value } from './value.js';

export type UnaryOp = '-' | '+' | '!' | '~';

export type BinaryOp =
  | '||' | '&&' | '|' | '^' | '&'
  | '==' | '!=' | '=?=' | '=!='
  | '<' | '<=' | '>' | '>='
  | '<<' | '>>' | '>>>'
  | '+' | '-' | '*' | '/' | '%';

/** Explicit scope prefix of an attribute reference. */
export type AttrScope = 'MY' | 'TARGET';

export interface RecordEntry {
  readonly name: string;
  readonly expr: Expr;
}

/** ClassAd expression tree. Nodes are immutable and may be shared between ads. */
export type Expr =
  | { readonly kind: 'literal'; readonly value: ScalarValue }
  | { readonly kind: 'attr'; readonly name: string; readonly scope?: AttrScope }
  | { readonly kind: 'select'; readonly base: Expr; readonly name: string }
  | { readonly kind: 'subscript'; readonly base: Expr; readonly index: Expr }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Expr[] }
  | { readonly kind: 'unary'; readonly op: UnaryOp; readonly operand: Expr }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'cond'; readonly test: Expr; readonly then: Expr; readonly otherwise: Expr }
  /** `left ?: right`: left unless it is undefined (ELVIS_OP). */
  | { readonly kind: 'elvis'; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'list'; readonly items: readonly Expr[] }
  | { readonly kind: 'record'; readonly entries: readonly RecordEntry[] }
  | { readonly kind: 'paren'; readonly inner: Expr };

/** An expression's direct subexpressions, in source order: what a walk over the tree descends into. */
export function childExprs(e: Expr): readonly Expr[] {
  switch (e.kind) {
    case 'literal':
    case 'attr':
      return [];
    case 'select':
      return [e.base];
    case 'subscript':
      return [e.base, e.index];
    case 'call':
      return e.args;
    case 'unary':
      return [e.operand];
    case 'binary':
      return [e.left, e.right];
    case 'cond':
      return [e.test, e.then, e.otherwise];
    case 'elvis':
      return [e.left, e.right];
    case 'list':
      return e.items;
    case 'record':
      return e.entries.map((entry) => entry.expr);
    case 'paren':
      return [e.inner];
  }
}

/** The names (lower-case) an expression refers to in its own ad, unscoped or MY.: GetExprReferences' internal references. */
export function ownReferences(expr: Expr): Set<string> {
  const found = new Set<string>();
  const walk = (e: Expr): void => {
    if (e.kind === 'attr') {
      if (e.scope !== 'TARGET') found.add(e.name.toLowerCase());
      return;
    }
    childExprs(e).forEach(walk);
  };
  walk(expr);
  return found;
}

/** Binding strength of binary operators (C rules); higher binds tighter. */
export const BINARY_PRECEDENCE: Readonly<Record<BinaryOp, number>> = {
  '||': 2,
  '&&': 3,
  '|': 4,
  '^': 5,
  '&': 6,
  '==': 7, '!=': 7, '=?=': 7, '=!=': 7,
  '<': 8, '<=': 8, '>': 8, '>=': 8,
  '<<': 9, '>>': 9, '>>>': 9,
  '+': 10, '-': 10,
  '*': 11, '/': 11, '%': 11,
};

export const CONDITIONAL_PRECEDENCE = 1;
export const UNARY_PRECEDENCE = 12;
/** `?:` is parsed among the postfix operators, its right operand a postfix expression (source.cpp): it binds tighter than a unary operator, looser than `[]` and `.`. */
export const ELVIS_PRECEDENCE = 12.5;
export const POSTFIX_PRECEDENCE = 13;

/** The expression that evaluates to exactly this value (lists and ads become constructors). */
export function valueToExpr(v: Value): Expr {
  switch (v.type) {
    case 'list':
      return { kind: 'list', items: v.items.map(valueToExpr) };
    case 'ad':
      return adToRecordExpr(v.ad);
    default:
      return { kind: 'literal', value: v };
  }
}

export function adToRecordExpr(ad: ClassAd): Expr {
  const entries: RecordEntry[] = [];
  for (const name of ad.names()) {
    const expr = ad.get(name);
    if (expr) entries.push({ name, expr });
  }
  return { kind: 'record', entries };
}
