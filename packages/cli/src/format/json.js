// -json: a JSON array with one object per ad, laid out as HTCondor's ClassAdJsonUnParser and
// CondorClassAdListWriter write it: `[`, the ads separated by a `,` line, then `]`.
import { toHTCondorJson } from './classad.js';
import { compareAttrNames } from './text.js';
const INDENT = '  ';
function jsonText(value, indent) {
    if (Array.isArray(value)) {
        if (value.length === 0)
            return '[]';
        const inner = indent + INDENT;
        return `[\n${value.map((item) => inner + jsonText(item, inner)).join(',\n')}\n${indent}]`;
    }
    if (value !== null && typeof value === 'object')
        return objectText(value, indent);
    return JSON.stringify(value) ?? 'null';
}
function objectText(obj, indent) {
    const names = Object.keys(obj).sort(compareAttrNames);
    if (names.length === 0)
        return '{}';
    const inner = indent + INDENT;
    const members = names.map((name) => `${inner}${JSON.stringify(name)}: ${jsonText(obj[name], inner)}`);
    return `{\n${members.join(',\n')}\n${indent}}`;
}
/** Empty output for no ads, as condor_q -json prints nothing then. */
export function formatJson(ads) {
    if (ads.length === 0)
        return '';
    return '[\n' + ads.map((ad) => objectText(toHTCondorJson(ad), '') + '\n').join(',\n') + ']\n';
}
//# sourceMappingURL=json.js.map