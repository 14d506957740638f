import { ClassAd } from '@tinycondor/shared/classad/index';
import { formatEventText, formatEventXml } from '@tinycondor/shared/eventlog/index';
const IDLE_PAGE_SIZE = 500;
function toStoredJob(row) {
    return {
        cluster: row.cluster_id,
        proc: row.proc_id,
        status: row.status,
        ad: ClassAd.fromJSON(JSON.parse(row.ad)),
        runId: row.run_id,
        startd: row.startd,
        slot: row.slot,
    };
}
export class SubmitRejected extends Error {
    constructor(message) {
        super(message);
        this.name = 'SubmitRejected';
    }
}
/**
 * The job queue in SQLite. Every change of a job is one transaction that also queues the events it
 * logs (the event outbox), so a crash never leaves a job changed without its event or the reverse.
 */
export class JobStore {
    db;
    statements;
    constructor(db) {
        this.db = db;
        this.statements = {
            getMeta: db.prepare('SELECT value FROM meta WHERE key = ?'),
            setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
            maxCluster: db.prepare('SELECT max(cluster_id) AS m FROM clusters'),
            insertCluster: db.prepare('INSERT INTO clusters (cluster_id, created) VALUES (?, ?)'),
            getCluster: db.prepare('SELECT submitted FROM clusters WHERE cluster_id = ?'),
            markSubmitted: db.prepare('UPDATE clusters SET submitted = 1 WHERE cluster_id = ?'),
            insertJob: db.prepare('INSERT INTO jobs (cluster_id, proc_id, status, prio, ad) VALUES (?, ?, ?, ?, ?)'),
            getJob: db.prepare('SELECT * FROM jobs WHERE cluster_id = ? AND proc_id = ?'),
            clusterJobs: db.prepare('SELECT * FROM jobs WHERE cluster_id = ? ORDER BY proc_id'),
            allJobs: db.prepare('SELECT * FROM jobs ORDER BY cluster_id, proc_id'),
            idlePage: db.prepare(`SELECT * FROM jobs WHERE status = 1 AND (prio < ? OR (prio = ? AND (cluster_id > ? OR (cluster_id = ? AND proc_id > ?))))
         ORDER BY prio DESC, cluster_id, proc_id LIMIT ?`),
            jobsOnStartd: db.prepare('SELECT * FROM jobs WHERE startd = ? AND run_id > 0'),
            updateJob: db.prepare('UPDATE jobs SET status = ?, prio = ?, ad = ?, run_id = ?, startd = ?, slot = ? WHERE cluster_id = ? AND proc_id = ?'),
            deleteJob: db.prepare('DELETE FROM jobs WHERE cluster_id = ? AND proc_id = ?'),
            insertHistory: db.prepare('INSERT INTO history (cluster_id, proc_id, completion_date, ad) VALUES (?, ?, ?, ?)'),
            history: db.prepare('SELECT ad FROM history ORDER BY seq DESC LIMIT ?'),
            insertEvent: db.prepare('INSERT INTO event_outbox (log_path, text) VALUES (?, ?)'),
            countsByStatus: db.prepare('SELECT status, count(*) AS n FROM jobs GROUP BY status'),
        };
    }
    nextCounter(key, floor) {
        const current = Number(this.statements.getMeta.get(key)?.value ?? '0');
        const next = Math.max(current, floor) + 1;
        this.statements.setMeta.run(key, String(next));
        return next;
    }
    /** A new cluster id, reserved until its procs are submitted (condor_submit's NewCluster). */
    reserveCluster(now) {
        return this.db.transaction(() => {
            const id = this.nextCounter('last_cluster_id', this.statements.maxCluster.get()?.m ?? 0);
            this.statements.insertCluster.run(id, Math.floor(now.getTime() / 1000));
            return id;
        })();
    }
    /** Stores all procs of a cluster at once with their submit events: all or nothing. */
    submitCluster(clusterId, procs, eventsFor) {
        this.db.transaction(() => {
            const cluster = this.statements.getCluster.get(clusterId);
            if (!cluster)
                throw new SubmitRejected(`cluster ${clusterId} was not reserved`);
            if (cluster.submitted)
                throw new SubmitRejected(`cluster ${clusterId} was already submitted`);
            for (const ad of procs) {
                const proc = ad.getInt('ProcId') ?? 0;
                this.statements.insertJob.run(clusterId, proc, ad.getInt('JobStatus') ?? 1, ad.getInt('JobPrio') ?? 0, JSON.stringify(ad.toJSON()));
                this.queueEvents(ad, eventsFor(ad));
            }
            this.statements.markSubmitted.run(clusterId);
        })();
    }
    getJob(cluster, proc) {
        const row = this.statements.getJob.get(cluster, proc);
        return row && toStoredJob(row);
    }
    clusterJobs(cluster) {
        return this.statements.clusterJobs.all(cluster).map(toStoredJob);
    }
    allJobs() {
        return this.statements.allJobs.all().map(toStoredJob);
    }
    /** Idle jobs in matchmaking order, read a page at a time so the caller may write between pages. */
    *idleJobs() {
        let after = { prio: Number.MAX_SAFE_INTEGER, cluster: 0, proc: -1 };
        for (;;) {
            const page = this.statements.idlePage.all(after.prio, after.prio, after.cluster, after.cluster, after.proc, IDLE_PAGE_SIZE);
            for (const row of page)
                yield toStoredJob(row);
            if (page.length < IDLE_PAGE_SIZE)
                return;
            const last = page[page.length - 1];
            after = { prio: last.prio, cluster: last.cluster_id, proc: last.proc_id };
        }
    }
    jobsOnStartd(startd) {
        return this.statements.jobsOnStartd.all(startd).map(toStoredJob);
    }
    history(limit) {
        return this.statements.history.all(limit).map((r) => ClassAd.fromJSON(JSON.parse(r.ad)));
    }
    countsByStatus() {
        return new Map(this.statements.countsByStatus.all().map((r) => [r.status, r.n]));
    }
    newRunId() {
        return this.nextCounter('last_run_id', 0);
    }
    /**
     * Applies a state-machine transition: the new ad, the run it belongs to (null: no run), its events,
     * and the move to history when the job leaves the queue. One transaction.
     */
    apply(job, transition, run) {
        this.db.transaction(() => {
            const { ad } = transition;
            if (transition.leaveQueue) {
                this.statements.deleteJob.run(job.cluster, job.proc);
                this.statements.insertHistory.run(job.cluster, job.proc, ad.getInt('CompletionDate') ?? 0, JSON.stringify(ad.toJSON()));
            }
            else {
                this.statements.updateJob.run(ad.getInt('JobStatus') ?? job.status, ad.getInt('JobPrio') ?? 0, JSON.stringify(ad.toJSON()), run?.runId ?? 0, run?.startd ?? null, run?.slot ?? null, job.cluster, job.proc);
            }
            this.queueEvents(ad, transition.events);
        })();
    }
    /** Logs events of a job that do not change its state (file transfers). */
    logEvents(ad, events) {
        this.db.transaction(() => this.queueEvents(ad, events))();
    }
    queueEvents(ad, events) {
        const logPath = ad.getString('UserLog');
        if (logPath === undefined || logPath === '')
            return;
        const xml = ad.getBool('ULogUseXML') ?? false;
        for (const event of events)
            this.statements.insertEvent.run(logPath, xml ? formatEventXml(event) : formatEventText(event));
    }
}
//# sourceMappingURL=job-store.js.map