/** Binding strength of binary operators (C rules); higher binds tighter. */
export const BINARY_PRECEDENCE = {
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
export const POSTFIX_PRECEDENCE = 13;
/** The expression that evaluates to exactly this value (lists and ads become constructors). */
export function valueToExpr(v) {
    switch (v.type) {
        case 'list':
            return { kind: 'list', items: v.items.map(valueToExpr) };
        case 'ad':
            return adToRecordExpr(v.ad);
        default:
            return { kind: 'literal', value: v };
    }
}
export function adToRecordExpr(ad) {
    const entries = [];
    for (const name of ad.names()) {
        const expr = ad.get(name);
        if (expr)
            entries.push({ name, expr });
    }
    return { kind: 'record', entries };
}
//# sourceMappingURL=ast.js.map