export type { AttrScope, BinaryOp, Expr, RecordEntry, UnaryOp } from './ast.js';
export { childExprs, ownReferences, valueToExpr } from './ast.js';
export { ClassAd, matches, toHTCondorJson } from './classad.js';
export { ClassAdParseError, MAX_NESTING_DEPTH, MAX_TREE_DEPTH, oldSyntaxToStorage, parseExpr, parseOldExpr } from './parser.js';
export { MAX_EVAL_DEPTH, MAX_EVAL_STEPS, MAX_VALUE_SIZE, type EvalContext } from './evaluate.js';
export { plainLiteral } from './plain-literal.js';
export { formatAttributeName, quoteString, unparse, unparseNewSyntax, unparseOldSyntax, unparseValue } from './unparse.js';
export {
  ERROR,
  UNDEFINED,
  boolOf,
  intOf,
  numberOf,
  stringOf,
  formatValueForAf,
  isTrue,
  jsToValue,
  valueToJs,
  type ScalarValue,
  type Value,
} from './value.js';
