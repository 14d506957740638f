// "Attr = value" lines as HTCondor's sPrintAdAttrs / sPrintAd print them
// (old-ClassAd unparser: strings in double quotes with only the quote escaped).
/** printf("%.16G") then ".0" when that looks like an integer (ClassAdUnParser, oldClassAd). */
export function formatOldClassAdReal(value) {
    if (value === 0)
        return Object.is(value, -0) ? '-0.0' : '0.0';
    if (Number.isNaN(value))
        return 'real("NaN")';
    if (!Number.isFinite(value))
        return value > 0 ? 'real("INF")' : 'real("-INF")';
    const exponent = Math.floor(Math.log10(Math.abs(value)));
    let text;
    if (exponent < -4 || exponent >= 16) {
        const [mantissa = '', exp = '0'] = value.toExponential(15).split('e');
        const expNumber = Number(exp);
        text = `${trimZeros(mantissa)}E${expNumber < 0 ? '-' : '+'}${String(Math.abs(expNumber)).padStart(2, '0')}`;
    }
    else {
        text = trimZeros(value.toPrecision(16));
    }
    return /[.Ee]/.test(text) ? text : `${text}.0`;
}
function trimZeros(digits) {
    return digits.includes('.') ? digits.replace(/\.?0+$/, '') : digits;
}
export function formatOldClassAdValue(value) {
    if (typeof value === 'string')
        return `"${value.replace(/"/g, '\\"')}"`;
    if (typeof value === 'boolean')
        return value ? 'true' : 'false';
    return Number.isInteger(value) ? String(value) : formatOldClassAdReal(value);
}
/** classad::References order: case-insensitive by name. */
export function sortAttrNames(names) {
    return [...names].sort((a, b) => {
        const la = a.toLowerCase();
        const lb = b.toLowerCase();
        return la < lb ? -1 : la > lb ? 1 : 0;
    });
}
export function formatLongFormLine(name, value, indent = '') {
    return `${indent}${name} = ${formatOldClassAdValue(value)}\n`;
}
//# sourceMappingURL=long-form.js.map