import type { Expr } from './ast.js';
import { ClassAd } from './classad.js';
import { callFunction, type CallSite } from './functions.js';
import { applyBinary, applyUnary, logicalAnd, logicalOr, truthValue } from './operators.js';
import { ERROR, UNDEFINED, boolValue, errorValue, type Value } from './value.js';

/**
 * Bound on nested evaluation steps (expression nodes plus attribute hops), so that long
 * reference chains yield ERROR instead of overflowing the stack.
 */
export const MAX_EVAL_DEPTH = 1000;

/**
 * Bound on the work of one top-level evaluation, as HTCondor's MAX_CLASSAD_EVAL_STEPS (exprTree.h):
 * every expression node evaluated is a step, never given back, and past the budget the whole
 * evaluation is ERROR. Here a string or list also costs a step per SIZE_UNITS_PER_STEP units of
 * its size (see valueSize) each time it is built, passed to a function or compared with =?=, and a
 * regular expression a step per character it scans, so that walking large values again and again
 * cannot do unbounded work in few steps. HTCondor allows 10 M steps; a step costs about a
 * microsecond here, ten times what it costs there, so the budget is 1 M: about a second at most, which
 * no expression of a real job comes near (a thousand steps is a large one).
 */
export const MAX_EVAL_STEPS = 1_000_000;
export const SIZE_UNITS_PER_STEP = 16;

/**
 * The largest value an evaluation may build (strcat, replace, a list of lists, ...): a bigger one is
 * ERROR. As long as the longest attribute text the schedd stores, so an expression cannot build what
 * no ad could hold. HTCondor has no such limit; it has no need of one to stay up, since its evaluation
 * runs in the process that asked for it and not in a shared daemon's event loop.
 */
export const MAX_VALUE_SIZE = 1_000_000;

/** Sizes of list values built, so that a list of lists is not walked again (lists share their items). */
const listSizes = new WeakMap<Value, number>();

/** A string's length; a list's own items plus the sizes of what it holds; 1 for anything else. */
function valueSize(v: Value): number {
  if (v.type === 'string') return v.value.length;
  if (v.type !== 'list') return 1;
  let size = listSizes.get(v);
  if (size === undefined) {
    size = 1;
    for (const item of v.items) size += valueSize(item);
    listSizes.set(v, size);
  }
  return size;
}

/**
 * What an evaluation may use besides the ads, given by the process that evaluates (the evaluator keeps no
 * state of its own): HTCondor's are per process, set by its configuration.
 */
export interface EvalContext {
  /**
   * userMap()'s maps (the process's `<SUBSYS>_CLASSAD_USER_MAP_NAMES`): the canonicalization `input` maps to in
   * map `mapName` (`name` or `name.method`), or undefined when there is no such map or no entry matches.
   */
  userMap?(mapName: string, input: string): string | undefined;
}

/** Where names are looked up: the ad being evaluated, its enclosing ads, then the match target. */
interface Scope {
  readonly ad: ClassAd;
  readonly parent: Scope | undefined;
  readonly target: ClassAd | undefined;
}

const IN_PROGRESS = Symbol('in progress');
type MemoEntry = Value | typeof IN_PROGRESS;

/** Per top-level evaluation: attribute results keyed by (ad, target, lower-cased name). */
class EvalState {
  depth = 0;
  private stepsLeft = MAX_EVAL_STEPS;
  /** Set once the budget is spent: from then on every node, and so the whole evaluation, is this ERROR. */
  exhausted: Value | undefined;

  constructor(readonly context: EvalContext) {}

  /** Takes `steps` from the budget; false once it is spent. */
  spend(steps: number): boolean {
    this.stepsLeft -= steps;
    if (this.stepsLeft < 0) this.exhausted ??= errorValue(`expression evaluation exceeded its budget of ${MAX_EVAL_STEPS} steps`);
    return this.exhausted === undefined;
  }

  /** A value built by a function or a list constructor, charged for its size; ERROR when it is too big. */
  admit(v: Value): Value {
    if (v.type !== 'string' && v.type !== 'list') return v;
    const size = valueSize(v);
    if (size > MAX_VALUE_SIZE) return errorValue(`a ${v.type} of size ${size} exceeds the limit of ${MAX_VALUE_SIZE}`);
    return this.charge(v);
  }

  /** A value about to be walked (a function's argument, an operand of =?=), charged for its size. */
  charge(v: Value): Value {
    if (v.type !== 'string' && v.type !== 'list') return v;
    return this.spend(Math.floor(valueSize(v) / SIZE_UNITS_PER_STEP)) ? v : (this.exhausted as Value);
  }
  private readonly memo = new Map<ClassAd, Map<ClassAd | undefined, Map<string, MemoEntry>>>();

  entriesFor(scope: Scope): Map<string, MemoEntry> {
    let byTarget = this.memo.get(scope.ad);
    if (byTarget === undefined) {
      byTarget = new Map();
      this.memo.set(scope.ad, byTarget);
    }
    let entries = byTarget.get(scope.target);
    if (entries === undefined) {
      entries = new Map();
      byTarget.set(scope.target, entries);
    }
    return entries;
  }
}

/** Ads created by evaluating `[ ... ]` remember the scope they were written in. */
const enclosingScopes = new WeakMap<ClassAd, Scope>();

/** Evaluates `expr` with MY = `my` and TARGET = `target`. */
export function evaluateExpr(expr: Expr, my: ClassAd, target?: ClassAd, context: EvalContext = {}): Value {
  const state = new EvalState(context);
  return guardStack(() => withinBudget(evaluateNode(expr, scopeOf(my, target), state), state));
}

/** Evaluates attribute `name` of `my`; a missing attribute is UNDEFINED. */
export function evaluateAttribute(my: ClassAd, name: string, target?: ClassAd, context: EvalContext = {}): Value {
  const expr = my.get(name);
  if (expr === undefined) return UNDEFINED;
  const state = new EvalState(context);
  return guardStack(() => withinBudget(evaluateAttributeIn(scopeOf(my, target), name, expr, state), state));
}

/** An evaluation that spent its budget is ERROR, whatever its parts made of the ERROR they saw. */
function withinBudget(result: Value, state: EvalState): Value {
  return state.exhausted ?? result;
}

/** Last line of defence when the caller's own stack is already deep: overflow becomes ERROR. */
function guardStack(run: () => Value): Value {
  try {
    return run();
  } catch (err) {
    if (err instanceof RangeError) return errorValue('expression evaluation exhausted the stack');
    throw err;
  }
}

function scopeOf(ad: ClassAd, target: ClassAd | undefined): Scope {
  const enclosing = enclosingScopes.get(ad);
  return { ad, parent: enclosing, target: target ?? enclosing?.target };
}

function evaluateAttributeIn(scope: Scope, name: string, expr: Expr, state: EvalState): Value {
  const entries = state.entriesFor(scope);
  const key = name.toLowerCase();
  const cached = entries.get(key);
  if (cached === IN_PROGRESS) return errorValue(`circular reference to attribute ${name}`);
  if (cached !== undefined) return cached;
  entries.set(key, IN_PROGRESS);
  const value = evaluateNode(expr, scope, state);
  entries.set(key, value);
  return value;
}

function outermost(scope: Scope): Scope {
  let s = scope;
  while (s.parent !== undefined) s = s.parent;
  return s;
}

/** TARGET's attributes are evaluated from the other side: MY = target, TARGET = our outermost ad. */
function targetScope(scope: Scope): Scope | undefined {
  if (scope.target === undefined) return undefined;
  return { ad: scope.target, parent: undefined, target: outermost(scope).ad };
}

function lookupUnscoped(name: string, scope: Scope, state: EvalState): Value {
  for (let s: Scope | undefined = scope; s !== undefined; s = s.parent) {
    const expr = s.ad.get(name);
    if (expr !== undefined) return evaluateAttributeIn(s, name, expr, state);
  }
  return lookupIn(targetScope(scope), name, state);
}

function lookupIn(scope: Scope | undefined, name: string, state: EvalState): Value {
  const expr = scope?.ad.get(name);
  if (scope === undefined || expr === undefined) return UNDEFINED;
  return evaluateAttributeIn(scope, name, expr, state);
}

function evaluateNode(expr: Expr, scope: Scope, state: EvalState): Value {
  if (!state.spend(1)) return state.exhausted as Value;
  if (state.depth >= MAX_EVAL_DEPTH) return errorValue('expression evaluation nested too deeply');
  state.depth++;
  try {
    return evaluateKind(expr, scope, state);
  } finally {
    state.depth--;
  }
}

function evaluateKind(expr: Expr, scope: Scope, state: EvalState): Value {
  const evaluate = (e: Expr): Value => evaluateNode(e, scope, state);
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'paren':
      return evaluate(expr.inner);
    case 'attr':
      if (expr.scope === 'MY') return lookupIn(scope, expr.name, state);
      if (expr.scope === 'TARGET') return lookupIn(targetScope(scope), expr.name, state);
      return lookupUnscoped(expr.name, scope, state);
    case 'select':
      return selectAttribute(evaluate(expr.base), expr.name, state);
    case 'subscript':
      return subscript(evaluate(expr.base), evaluate(expr.index), state);
    case 'call':
      return state.admit(callFunction(expr.name, expr.args, (arg) => state.charge(evaluate(arg)), (steps) => state.spend(steps), state.context, callSite(scope, state)));
    case 'unary':
      return applyUnary(expr.op, evaluate(expr.operand));
    case 'binary':
      return evaluateBinary(expr, expr.op === '=?=' || expr.op === '=!=' ? (e) => state.charge(evaluate(e)) : evaluate);
    case 'cond': {
      const test = evaluate(expr.test);
      if (test.type === 'undefined' || test.type === 'error') return test;
      const truth = truthValue(test);
      if (truth === undefined) return ERROR;
      return evaluate(truth ? expr.then : expr.otherwise);
    }
    case 'elvis': {
      const left = evaluate(expr.left);
      return left.type === 'undefined' ? evaluate(expr.right) : left;
    }
    case 'list':
      return state.admit({ type: 'list', items: expr.items.map(evaluate) });
    case 'record': {
      const ad = new ClassAd();
      for (const entry of expr.entries) ad.insert(entry.name, entry.expr);
      enclosingScopes.set(ad, scope);
      return { type: 'ad', ad };
    }
  }
}

/** What functions that look past their arguments' values (unparse, eval, evalInEachContext) see of the call's scope. */
function callSite(scope: Scope, state: EvalState): CallSite {
  return {
    ownExpr: (name) => scope.ad.get(name),
    deref: (ref) => {
      if (ref.scope === 'MY') return scope.ad.get(ref.name);
      if (ref.scope === 'TARGET') return targetScope(scope)?.ad.get(ref.name);
      for (let s: Scope | undefined = scope; s !== undefined; s = s.parent) {
        const expr = s.ad.get(ref.name);
        if (expr !== undefined) return expr;
      }
      return targetScope(scope)?.ad.get(ref.name);
    },
    evaluateHere: (expr) => evaluateNode(expr, scope, state),
    // A nested ad keeps the scope it was written in: its parents, and their TARGET (evaluateInContext).
    evaluateInAd: (expr, ad) => evaluateNode(expr, scopeOf(ad, undefined), state),
  };
}

function evaluateBinary(expr: Extract<Expr, { kind: 'binary' }>, evaluate: (e: Expr) => Value): Value {
  const left = evaluate(expr.left);
  if (expr.op !== '&&' && expr.op !== '||') return applyBinary(expr.op, left, evaluate(expr.right));
  // Short-circuit when the left operand alone decides: false for &&, true for ||, or a non-logical value.
  const dominant = expr.op === '||';
  const truth = truthValue(left);
  if (truth === dominant) return boolValue(dominant);
  if (truth === undefined && left.type !== 'undefined') return ERROR;
  const right = evaluate(expr.right);
  return dominant ? logicalOr(left, right) : logicalAnd(left, right);
}

function selectAttribute(base: Value, name: string, state: EvalState): Value {
  if (base.type === 'undefined') return UNDEFINED;
  if (base.type !== 'ad') return ERROR;
  return lookupIn(scopeOf(base.ad, undefined), name, state);
}

function subscript(base: Value, index: Value, state: EvalState): Value {
  if (base.type === 'error' || index.type === 'error') return ERROR;
  if (base.type === 'undefined' || index.type === 'undefined') return UNDEFINED;
  if (base.type === 'list' && index.type === 'int') {
    return index.value >= 0 && index.value < base.items.length ? base.items[index.value] : ERROR;
  }
  if (base.type === 'ad' && index.type === 'string') return selectAttribute(base, index.value, state);
  return ERROR;
}
