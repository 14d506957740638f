import { formatG, formatInt } from './format-number.js';
import { unparseValue } from './unparse.js';
export const UNDEFINED = Object.freeze({ type: 'undefined' });
export const ERROR = Object.freeze({ type: 'error' });
export function errorValue(message) {
    return { type: 'error', message };
}
export function boolValue(value) {
    return { type: 'bool', value };
}
export function intValue(value) {
    return { type: 'int', value };
}
export function realValue(value) {
    return { type: 'real', value };
}
export function stringValue(value) {
    return { type: 'string', value };
}
/** HTCondor's EvalBool: true for bool true or a non-zero number. */
export function isTrue(v) {
    switch (v.type) {
        case 'bool':
            return v.value;
        case 'int':
        case 'real':
            return v.value !== 0 && !Number.isNaN(v.value);
        default:
            return false;
    }
}
export function valueToJs(v) {
    switch (v.type) {
        case 'undefined':
        case 'error':
            return null;
        case 'bool':
        case 'int':
        case 'real':
        case 'string':
            return v.value;
        case 'list':
            return v.items.map(valueToJs);
        case 'ad': {
            const out = {};
            for (const name of v.ad.names())
                out[name] = valueToJs(v.ad.evaluate(name));
            return out;
        }
    }
}
export function jsToValue(x) {
    if (x === null || x === undefined)
        return UNDEFINED;
    if (typeof x === 'boolean')
        return boolValue(x);
    if (typeof x === 'number')
        return Number.isInteger(x) ? intValue(x) : realValue(x);
    if (typeof x === 'bigint')
        return intValue(Number(x));
    if (typeof x === 'string')
        return stringValue(x);
    if (Array.isArray(x))
        return { type: 'list', items: x.map(jsToValue) };
    return errorValue(`cannot convert ${typeof x} to a ClassAd value`);
}
/** One value as `condor_q -af` prints it. */
export function formatValueForAf(v) {
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
            return formatRealForAf(v.value);
        case 'string':
            return v.value;
        case 'list':
        case 'ad':
            return unparseValue(v);
    }
}
function formatRealForAf(x) {
    if (Number.isNaN(x))
        return 'nan';
    if (!Number.isFinite(x))
        return x > 0 ? 'inf' : '-inf';
    return formatG(x, 6);
}
//# sourceMappingURL=value.js.map