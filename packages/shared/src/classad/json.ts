import type { Expr } from './ast.js';
import type { ClassAd } from './classad.js';
import { unparseNewSyntax } from './unparse.js';

/** The object `condor_q -json` prints for one ad; keys sorted case-insensitively like HTCondor, or in the ad's own order. */
export function toHTCondorJson(ad: ClassAd, sorted = true): Record<string, unknown> {
  const names = sorted ? [...ad.names()].sort((a, b) => compareCaseInsensitive(a, b)) : ad.names();
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const expr = ad.get(name);
    if (expr !== undefined) out[name] = exprToJson(expr);
  }
  return out;
}

function compareCaseInsensitive(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Literals become JSON values; anything needing evaluation is written as `/Expr(...)/`. */
function exprToJson(expr: Expr): unknown {
  switch (expr.kind) {
    case 'literal': {
      const v = expr.value;
      switch (v.type) {
        case 'undefined':
          return null;
        case 'bool':
        case 'string':
          return v.value;
        case 'int':
        case 'real':
          return Number.isFinite(v.value) ? v.value : asExpr(expr);
        case 'error':
          return asExpr(expr);
      }
      break;
    }
    case 'list':
      return expr.items.map(exprToJson);
    case 'record': {
      const out: Record<string, unknown> = {};
      for (const entry of expr.entries) out[entry.name] = exprToJson(entry.expr);
      return out;
    }
  }
  return asExpr(expr);
}

function asExpr(expr: Expr): string {
  // ClassAdJsonUnParser::UnparseAuxQuoteExpr: a plain ClassAdUnParser, new ClassAd syntax.
  return `/Expr(${unparseNewSyntax(expr)})/`;
}
