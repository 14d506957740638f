const JOB_ID = /^(\d{1,9})(?:\.(\d{1,9}))?$/;
/** Parses `12`, `12.3`; returns undefined for anything else (callers word the error). */
export function parseJobSpec(text) {
    const m = JOB_ID.exec(text.trim());
    if (!m)
        return undefined;
    const cluster = Number(m[1]);
    if (cluster < 1)
        return undefined;
    return m[2] === undefined ? { cluster } : { cluster, proc: Number(m[2]) };
}
export function formatJobId(cluster, proc) {
    return `${cluster}.${proc}`;
}
//# sourceMappingURL=job-id.js.map