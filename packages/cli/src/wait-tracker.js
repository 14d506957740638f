export class WaitTracker {
    filter;
    minJobs;
    pending = new Set();
    submitted = 0;
    ended = 0;
    constructor(filter, minJobs) {
        this.filter = filter;
        this.minJobs = minJobs;
    }
    get mentionedAny() {
        return this.submitted > 0;
    }
    /** Feeds one event; returns whether waiting is over. */
    observe(event) {
        const f = this.filter;
        const matches = (f.cluster === undefined || f.cluster === event.cluster) &&
            (f.proc === undefined || f.proc === event.proc) &&
            (f.subproc === undefined || f.subproc === event.subproc);
        if (matches) {
            const key = `${event.cluster}.${event.proc}.${event.subproc}`;
            if (event.code === 0) {
                this.pending.add(key);
                this.submitted += 1;
            }
            else if (event.code === 5 || event.code === 9) {
                this.pending.delete(key);
                this.ended += 1;
            }
        }
        if (this.minJobs !== undefined && this.ended >= this.minJobs)
            return { done: true, message: `Specifed number of jobs (${this.minJobs}) done.` };
        if (this.minJobs === undefined && this.pending.size === 0 && this.submitted > 0)
            return { done: true, message: 'All jobs done.' };
        return { done: false };
    }
}
/** Parses condor_wait's job argument: `C`, `C.P` or `C.P.S`. */
export function parseJobFilter(text) {
    const m = /^(-?\d+)(?:\.(\d+)(?:\.(\d+))?)?$/.exec(text);
    if (!m)
        return undefined;
    const cluster = Number(m[1]);
    return {
        cluster: cluster < 0 ? undefined : cluster,
        proc: m[2] === undefined ? undefined : Number(m[2]),
        subproc: m[3] === undefined ? undefined : Number(m[3]),
    };
}
//# sourceMappingURL=wait-tracker.js.map