// The "Partitionable Resources" table of evicted/terminated events
// (formatUsageAd in condor_event.cpp), and the usage ad attributes behind it.
/** Usage-ad resource names in the case-insensitive order HTCondor's map iterates them. */
const RESOURCES = [
    ['Cpus', 'cpus'],
    ['Disk', 'disk'],
    ['Memory', 'memory'],
];
const LABEL_SUFFIX = { Memory: ' (MB)', Disk: ' (KB)' };
/** Reals print "%.2f" only when they have a fractional part, otherwise as integers. */
function cell(value) {
    if (value === null)
        return { text: '', fractional: false };
    if (Number.isInteger(value))
        return { text: String(value), fractional: false };
    const fractional = value - Math.trunc(value) > 0;
    return { text: fractional ? value.toFixed(2) : String(Math.trunc(value)), fractional };
}
const right = (text, width) => text.padStart(width, ' ');
export function formatUsageTable(usage) {
    const rows = RESOURCES.flatMap(([name, key]) => {
        const row = usage[key];
        return row ? [{ name, use: cell(row[0]), req: cell(row[1]), alloc: cell(row[2]) }] : [];
    });
    if (rows.length === 0)
        return '';
    // Integers in a column that also holds "%.2f" values are padded to line up on the dot.
    const useHFP = rows.some((r) => r.use.fractional);
    const reqHFP = rows.some((r) => r.req.fractional);
    const allocHFP = rows.some((r) => r.alloc.fractional);
    const aligned = (c, hfp) => (hfp && /^\d+$/.test(c.text) ? `${c.text}   ` : c.text);
    const table = rows.map((r) => ({
        label: r.name + (LABEL_SUFFIX[r.name] ?? ''),
        use: aligned(r.use, useHFP),
        req: aligned(r.req, reqHFP),
        alloc: aligned(r.alloc, allocHFP),
    }));
    const cchRes = Math.max('Memory (MB)'.length + 1, ...rows.map((r) => r.name.length));
    const cchUse = Math.max(8, ...table.map((r) => r.use.length));
    const cchReq = Math.max(8, ...table.map((r) => r.req.length));
    const cchAlloc = Math.max(0, ...table.map((r) => r.alloc.length));
    const allocWidth = Math.max(cchAlloc, 9);
    // The trailing " %s" is the (here always empty) Assigned column.
    let out = `\tPartitionable Resources : ${right('Usage', cchUse)} ${right('Request', cchReq)} ${right(cchAlloc ? 'Allocated' : '', allocWidth)} \n`;
    for (const r of table) {
        out += `\t   ${r.label.padEnd(cchRes + 8, ' ')} : ${right(r.use, cchUse)} ${right(r.req, cchReq)} ${right(r.alloc, allocWidth)} \n`;
    }
    return out;
}
/** The usage ad that JobTerminatedEvent::toClassAd merges into the event ad, in table order. */
export function usageAdAttributes(usage) {
    const attrs = [];
    for (const [name, key] of RESOURCES) {
        const row = usage[key];
        if (!row)
            continue;
        const [use, request, allocated] = row;
        attrs.push([name, allocated], [`Request${name}`, request]);
        if (use !== null)
            attrs.push([`${name}Usage`, use]);
    }
    return attrs;
}
//# sourceMappingURL=usage-table.js.map