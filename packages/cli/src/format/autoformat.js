// -af / -autoformat: attribute values (or expressions) separated by spaces, one ad per line.
import { formatValueForAf } from './classad.js';
import { alignLeft } from './text.js';
/** The value of one -af argument: an attribute of the ad, or else an expression evaluated against it. */
function valueText(ad, attrOrExpr) {
    const value = ad.has(attrOrExpr) ? ad.evaluate(attrOrExpr) : ad.evaluateExpr(attrOrExpr);
    return formatValueForAf(value);
}
/**
 * condor_q/condor_history/condor_status -af. With `headings` (-af:h) each column is left-aligned to its
 * widest value or heading, the last one included, under a heading line of the arguments.
 */
export function formatAutoFormat(ads, attrs, opts = {}) {
    const rows = ads.map((ad) => attrs.map((attr) => valueText(ad, attr)));
    if (!opts.headings)
        return rows.map((cells) => cells.join(' ') + '\n').join('');
    const widths = attrs.map((attr, i) => Math.max(attr.length, ...rows.map((cells) => cells[i].length)));
    const line = (cells) => cells.map((cell, i) => alignLeft(cell, widths[i])).join(' ') + '\n';
    return line(attrs) + rows.map(line).join('');
}
//# sourceMappingURL=autoformat.js.map