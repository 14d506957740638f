import os from 'node:os';
const SIGNALS = os.constants.signals;
/** A signal given as a name (`SIGTERM`, `TERM`) or a number, as submit files write them. */
export function signalNumber(value, fallback) {
    if (value === undefined)
        return fallback;
    if (typeof value === 'number')
        return Number.isInteger(value) && value > 0 && value < 65 ? value : fallback;
    const text = value.trim().toUpperCase();
    if (/^\d+$/.test(text))
        return signalNumber(Number(text), fallback);
    return SIGNALS[text.startsWith('SIG') ? text : `SIG${text}`] ?? fallback;
}
export function signalName(signal) {
    return Object.keys(SIGNALS).find((name) => SIGNALS[name] === signal) ?? String(signal);
}
//# sourceMappingURL=signals.js.map