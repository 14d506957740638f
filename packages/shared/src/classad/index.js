export { valueToExpr } from './ast.js';
export { ClassAd, matches, toHTCondorJson } from './classad.js';
export { ClassAdParseError, MAX_NESTING_DEPTH, MAX_TREE_DEPTH, parseExpr } from './parser.js';
export { MAX_EVAL_DEPTH } from './evaluate.js';
export { formatAttributeName, quoteString, unparse, unparseValue } from './unparse.js';
export { ERROR, UNDEFINED, formatValueForAf, isTrue, jsToValue, valueToJs, } from './value.js';
//# sourceMappingURL=index.js.map