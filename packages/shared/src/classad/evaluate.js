import { ClassAd } from './classad.js';
import { callFunction } from './functions.js';
import { applyBinary, applyUnary, logicalAnd, logicalOr, truthValue } from './operators.js';
import { ERROR, UNDEFINED, boolValue, errorValue } from './value.js';
/**
 * Bound on nested evaluation steps (expression nodes plus attribute hops), so that long
 * reference chains yield ERROR instead of overflowing the stack.
 */
export const MAX_EVAL_DEPTH = 1000;
const IN_PROGRESS = Symbol('in progress');
/** Per top-level evaluation: attribute results keyed by (ad, target, lower-cased name). */
class EvalState {
    depth = 0;
    memo = new Map();
    entriesFor(scope) {
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
const enclosingScopes = new WeakMap();
/** Evaluates `expr` with MY = `my` and TARGET = `target`. */
export function evaluateExpr(expr, my, target) {
    return guardStack(() => evaluateNode(expr, scopeOf(my, target), new EvalState()));
}
/** Evaluates attribute `name` of `my`; a missing attribute is UNDEFINED. */
export function evaluateAttribute(my, name, target) {
    const expr = my.get(name);
    if (expr === undefined)
        return UNDEFINED;
    return guardStack(() => evaluateAttributeIn(scopeOf(my, target), name, expr, new EvalState()));
}
/** Last line of defence when the caller's own stack is already deep: overflow becomes ERROR. */
function guardStack(run) {
    try {
        return run();
    }
    catch (err) {
        if (err instanceof RangeError)
            return errorValue('expression evaluation exhausted the stack');
        throw err;
    }
}
function scopeOf(ad, target) {
    const enclosing = enclosingScopes.get(ad);
    return { ad, parent: enclosing, target: target ?? enclosing?.target };
}
function evaluateAttributeIn(scope, name, expr, state) {
    const entries = state.entriesFor(scope);
    const key = name.toLowerCase();
    const cached = entries.get(key);
    if (cached === IN_PROGRESS)
        return errorValue(`circular reference to attribute ${name}`);
    if (cached !== undefined)
        return cached;
    entries.set(key, IN_PROGRESS);
    const value = evaluateNode(expr, scope, state);
    entries.set(key, value);
    return value;
}
function outermost(scope) {
    let s = scope;
    while (s.parent !== undefined)
        s = s.parent;
    return s;
}
/** TARGET's attributes are evaluated from the other side: MY = target, TARGET = our outermost ad. */
function targetScope(scope) {
    if (scope.target === undefined)
        return undefined;
    return { ad: scope.target, parent: undefined, target: outermost(scope).ad };
}
function lookupUnscoped(name, scope, state) {
    for (let s = scope; s !== undefined; s = s.parent) {
        const expr = s.ad.get(name);
        if (expr !== undefined)
            return evaluateAttributeIn(s, name, expr, state);
    }
    return lookupIn(targetScope(scope), name, state);
}
function lookupIn(scope, name, state) {
    const expr = scope?.ad.get(name);
    if (scope === undefined || expr === undefined)
        return UNDEFINED;
    return evaluateAttributeIn(scope, name, expr, state);
}
function evaluateNode(expr, scope, state) {
    if (state.depth >= MAX_EVAL_DEPTH)
        return errorValue('expression evaluation nested too deeply');
    state.depth++;
    try {
        return evaluateKind(expr, scope, state);
    }
    finally {
        state.depth--;
    }
}
function evaluateKind(expr, scope, state) {
    const evaluate = (e) => evaluateNode(e, scope, state);
    switch (expr.kind) {
        case 'literal':
            return expr.value;
        case 'paren':
            return evaluate(expr.inner);
        case 'attr':
            if (expr.scope === 'MY')
                return lookupIn(scope, expr.name, state);
            if (expr.scope === 'TARGET')
                return lookupIn(targetScope(scope), expr.name, state);
            return lookupUnscoped(expr.name, scope, state);
        case 'select':
            return selectAttribute(evaluate(expr.base), expr.name, state);
        case 'subscript':
            return subscript(evaluate(expr.base), evaluate(expr.index), state);
        case 'call':
            return callFunction(expr.name, expr.args, evaluate);
        case 'unary':
            return applyUnary(expr.op, evaluate(expr.operand));
        case 'binary':
            return evaluateBinary(expr, evaluate);
        case 'cond': {
            const test = evaluate(expr.test);
            if (test.type === 'undefined' || test.type === 'error')
                return test;
            const truth = truthValue(test);
            if (truth === undefined)
                return ERROR;
            return evaluate(truth ? expr.then : expr.otherwise);
        }
        case 'list':
            return { type: 'list', items: expr.items.map(evaluate) };
        case 'record': {
            const ad = new ClassAd();
            for (const entry of expr.entries)
                ad.insert(entry.name, entry.expr);
            enclosingScopes.set(ad, scope);
            return { type: 'ad', ad };
        }
    }
}
function evaluateBinary(expr, evaluate) {
    const left = evaluate(expr.left);
    if (expr.op !== '&&' && expr.op !== '||')
        return applyBinary(expr.op, left, evaluate(expr.right));
    // Short-circuit when the left operand alone decides: false for &&, true for ||, or a non-logical value.
    const dominant = expr.op === '||';
    const truth = truthValue(left);
    if (truth === dominant)
        return boolValue(dominant);
    if (truth === undefined && left.type !== 'undefined')
        return ERROR;
    const right = evaluate(expr.right);
    return dominant ? logicalOr(left, right) : logicalAnd(left, right);
}
function selectAttribute(base, name, state) {
    if (base.type === 'undefined')
        return UNDEFINED;
    if (base.type !== 'ad')
        return ERROR;
    return lookupIn(scopeOf(base.ad, undefined), name, state);
}
function subscript(base, index, state) {
    if (base.type === 'error' || index.type === 'error')
        return ERROR;
    if (base.type === 'undefined' || index.type === 'undefined')
        return UNDEFINED;
    if (base.type === 'list' && index.type === 'int') {
        return index.value >= 0 && index.value < base.items.length ? base.items[index.value] : ERROR;
    }
    if (base.type === 'ad' && index.type === 'string')
        return selectAttribute(base, index.value, state);
    return ERROR;
}
//# sourceMappingURL=evaluate.js.map