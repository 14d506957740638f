import { ClassAd, isTrue } from '@tinycondor/shared/classad/index';
import { formatJobId } from '@tinycondor/shared/job-id';
import { beginExecution, isRefusal, jobExited, removeJob, runEvicted, runFailed, startRun, } from '@tinycondor/shared/job-state';
import { JobStatus } from '@tinycondor/shared/job-status';
import { jobFitsSlot } from '@tinycondor/shared/machine-ad';
import { signalNumber } from '@tinycondor/shared/signals';
import { EventLogWriter } from './event-log-writer.js';
import { JobStore, SubmitRejected } from './job-store.js';
import { StartdRegistry } from './startd-registry.js';
const SIGTERM = 15;
/**
 * The schedd's core: the job queue, the startds and their slots, matchmaking on every state change.
 * REST routes and the startd channel both call into this class; it changes jobs only through the
 * shared state machine and the job store.
 */
export class Schedd {
    spool;
    settings;
    log;
    store;
    registry = new StartdRegistry();
    events;
    matchScheduled = false;
    leaseTimers = new Map();
    constructor(db, spool, settings, log) {
        this.spool = spool;
        this.settings = settings;
        this.log = log;
        this.store = new JobStore(db);
        this.events = new EventLogWriter(db, log);
    }
    /** Recovery at start: flush events a crash left in the outbox, give running jobs a lease to reconnect. */
    start() {
        this.events.flush();
        const startds = new Set(this.store.allJobs().filter((j) => j.startd !== null).map((j) => j.startd));
        for (const startd of startds)
            this.startLease(startd);
        this.scheduleMatchmaking();
    }
    stop() {
        for (const timer of this.leaseTimers.values())
            clearTimeout(timer);
        this.leaseTimers.clear();
        this.registry.closeAll('schedd shutting down');
        this.events.flush();
    }
    now() {
        return new Date();
    }
    commit(job, transition, run) {
        this.store.apply(job, transition, run);
        if (transition.leaveQueue)
            this.spool.removeJobDir(job.cluster, job.proc);
        this.events.schedule();
        this.scheduleMatchmaking();
    }
    // ---- submission -------------------------------------------------------------------------------
    reserveCluster() {
        return this.store.reserveCluster(this.now());
    }
    /** Validates and stores the procs of a reserved cluster, then logs their submit events. */
    submitCluster(clusterId, storedAds) {
        if (storedAds.length === 0)
            throw new SubmitRejected('a cluster needs at least one proc');
        const now = this.now();
        const seen = new Set();
        const ads = storedAds.map((stored, index) => {
            let ad;
            try {
                ad = ClassAd.fromJSON(stored);
            }
            catch (err) {
                throw new SubmitRejected(`proc ${index}: ${err.message}`);
            }
            const cluster = ad.getInt('ClusterId');
            const proc = ad.getInt('ProcId');
            if (cluster !== clusterId)
                throw new SubmitRejected(`proc ${index}: ClusterId ${String(cluster)} does not match cluster ${clusterId}`);
            if (proc === undefined || proc < 0 || seen.has(proc))
                throw new SubmitRejected(`proc ${index}: ProcId missing, negative or repeated`);
            seen.add(proc);
            const status = ad.getInt('JobStatus');
            if (status !== JobStatus.Idle && status !== JobStatus.Held)
                throw new SubmitRejected(`proc ${index}: JobStatus must be 1 (idle) or 5 (held)`);
            for (const required of ['Cmd', 'Iwd', 'Owner']) {
                if (ad.getString(required) === undefined)
                    throw new SubmitRejected(`proc ${index}: attribute ${required} is missing or not a string`);
            }
            ad.set('TotalSubmitProcs', storedAds.length);
            ad.set('GlobalJobId', `${this.settings.name}#${clusterId}.${proc}#${ad.getInt('QDate') ?? Math.floor(now.getTime() / 1000)}`);
            return ad;
        });
        this.store.submitCluster(clusterId, ads, (ad) => {
            const events = [
                { code: 0, cluster: clusterId, proc: ad.getInt('ProcId') ?? 0, time: now, submitHost: this.settings.sinfulAddress },
            ];
            if (ad.getInt('JobStatus') === JobStatus.Held) {
                events.push({
                    code: 12,
                    cluster: clusterId,
                    proc: ad.getInt('ProcId') ?? 0,
                    time: now,
                    reason: ad.getString('HoldReason'),
                    reasonCode: ad.getInt('HoldReasonCode') ?? 0,
                    reasonSubCode: ad.getInt('HoldReasonSubCode') ?? 0,
                });
            }
            return events;
        });
        this.events.schedule();
        this.scheduleMatchmaking();
        return ads.length;
    }
    // ---- user actions -----------------------------------------------------------------------------
    /** Jobs named by ids/clusters, or all jobs matching a constraint, for an action. */
    selectJobs(specs, constraint, all) {
        const missing = [];
        if (all || constraint) {
            const jobs = this.store.allJobs().filter((job) => all || (constraint && constraintHolds(constraint, job.ad)));
            return { jobs, missing };
        }
        const jobs = [];
        for (const spec of specs) {
            if (spec.proc === undefined) {
                const found = this.store.clusterJobs(spec.cluster);
                if (found.length === 0)
                    missing.push(String(spec.cluster));
                jobs.push(...found);
            }
            else {
                const found = this.store.getJob(spec.cluster, spec.proc);
                if (found)
                    jobs.push(found);
                else
                    missing.push(formatJobId(spec.cluster, spec.proc));
            }
        }
        return { jobs, missing };
    }
    removeJobs(jobs, reason) {
        const now = this.now();
        return jobs.map((job) => {
            const jobId = formatJobId(job.cluster, job.proc);
            const outcome = removeJob(job.ad, { now, reason });
            if (isRefusal(outcome))
                return { jobId, ok: false, message: outcome.message };
            if (outcome.killRun)
                this.killRun(job, 'RemoveKillSig');
            this.commit(job, outcome, null);
            return { jobId, ok: true, message: `Job ${jobId} marked for removal` };
        });
    }
    killRun(job, signalAttribute) {
        if (!job.startd || !job.runId)
            return;
        const startd = this.registry.get(job.startd);
        if (!startd)
            return;
        const signal = signalNumber(job.ad.getString(signalAttribute) ?? job.ad.getString('KillSig') ?? job.ad.getInt(signalAttribute), SIGTERM);
        const grace = job.ad.getNumber('JobMaxVacateTime') ?? this.settings.killGraceSeconds;
        startd.send({ type: 'kill', jobId: formatJobId(job.cluster, job.proc), runId: job.runId, signal, graceSeconds: grace });
    }
    // ---- matchmaking ------------------------------------------------------------------------------
    /** Matchmaking runs after every state change, batched per tick: no negotiation cycle to wait for. */
    scheduleMatchmaking() {
        if (this.matchScheduled)
            return;
        this.matchScheduled = true;
        setImmediate(() => {
            this.matchScheduled = false;
            try {
                this.matchmake();
            }
            catch (err) {
                this.log.error({ err }, 'matchmaking failed');
            }
        });
    }
    matchmake() {
        if (!this.registry.hasFreeSlot())
            return;
        const now = this.now();
        const free = [...this.registry.freeSlots()].map((slot) => ({ slot, ad: this.registry.slotAd(slot, now) }));
        for (const job of this.store.idleJobs()) {
            const index = free.findIndex((candidate) => jobFitsSlot(job.ad, candidate.ad));
            if (index < 0)
                continue;
            const [{ slot }] = free.splice(index, 1);
            this.startJobOnSlot(job, slot, now);
            if (free.length === 0)
                return;
        }
    }
    startJobOnSlot(job, slot, now) {
        const startd = this.registry.get(slot.startdName);
        if (!startd)
            return;
        const runId = this.store.newRunId();
        const transition = startRun(job.ad, { now, remoteHost: `${slot.description.name}@${slot.startdName}` });
        this.commit(job, transition, { runId, startd: slot.startdName, slot: slot.description.name });
        slot.run = { cluster: job.cluster, proc: job.proc, runId };
        startd.send({ type: 'start', jobId: formatJobId(job.cluster, job.proc), runId, slotName: slot.description.name, jobAd: transition.ad.toJSON() });
        this.log.info({ jobId: formatJobId(job.cluster, job.proc), runId, slot: transition.ad.getString('RemoteHost') }, 'job matched');
    }
    // ---- the startd channel -----------------------------------------------------------------------
    /** A startd said hello: register its slots and reconcile the runs it reports with the queue. */
    startdConnected(connection, reportedRuns) {
        const name = connection.identity.startdName;
        const previous = this.registry.add(connection);
        if (previous)
            previous.close('replaced by a new connection');
        this.cancelLease(name);
        const reported = new Map(reportedRuns.map((r) => [r.runId, r]));
        for (const job of this.store.jobsOnStartd(name)) {
            const run = reported.get(job.runId);
            const slot = run && connection.slots.get(run.slotName);
            if (run && slot && run.jobId === formatJobId(job.cluster, job.proc)) {
                slot.run = { cluster: job.cluster, proc: job.proc, runId: job.runId };
                reported.delete(job.runId);
            }
            else {
                this.evict(job, 'The startd no longer had the job running', 1005);
            }
        }
        // Runs the queue no longer knows (removed or given away meanwhile) are killed; their slots stay busy until they end.
        for (const stale of reported.values()) {
            const slot = connection.slots.get(stale.slotName);
            const [cluster, proc] = stale.jobId.split('.').map(Number);
            if (slot)
                slot.run = { cluster, proc, runId: stale.runId };
            connection.send({ type: 'kill', jobId: stale.jobId, runId: stale.runId, signal: 9, graceSeconds: 0 });
        }
        this.log.info({ startd: name, slots: connection.slots.size }, 'startd connected');
        this.scheduleMatchmaking();
    }
    startdDisconnected(connection) {
        if (!this.registry.remove(connection))
            return;
        this.log.warn({ startd: connection.identity.startdName }, 'startd disconnected; its jobs keep their lease');
        this.startLease(connection.identity.startdName);
    }
    startLease(startdName) {
        this.cancelLease(startdName);
        const timer = setTimeout(() => {
            this.leaseTimers.delete(startdName);
            if (this.registry.get(startdName))
                return;
            for (const job of this.store.jobsOnStartd(startdName))
                this.evict(job, 'Job lease expired: the execute node stopped answering', 1005);
        }, this.settings.leaseSeconds * 1000);
        timer.unref();
        this.leaseTimers.set(startdName, timer);
    }
    cancelLease(startdName) {
        const timer = this.leaseTimers.get(startdName);
        if (timer)
            clearTimeout(timer);
        this.leaseTimers.delete(startdName);
    }
    evict(job, reason, reasonCode) {
        if (job.status !== JobStatus.Running) {
            this.store.apply(job, { ad: job.ad, events: [], leaveQueue: false, killRun: false }, null);
            return;
        }
        this.commit(job, runEvicted(job.ad, { now: this.now(), reason, reasonCode }), null);
    }
    /** The job's current run, if `runId` is it and it runs on `startdName`; late or duplicate messages get undefined. */
    currentRun(jobId, runId, startdName) {
        const [cluster, proc] = jobId.split('.').map(Number);
        const job = this.store.getJob(cluster, proc);
        if (!job || job.runId !== runId || job.startd !== startdName)
            return undefined;
        return job;
    }
    freeSlot(connection, jobId, runId) {
        for (const slot of connection.slots.values()) {
            if (slot.run?.runId === runId && `${slot.run.cluster}.${slot.run.proc}` === jobId)
                slot.run = undefined;
        }
        this.scheduleMatchmaking();
    }
    startdMessage(connection, message) {
        const startdName = connection.identity.startdName;
        const job = this.currentRun(message.jobId, message.runId, startdName);
        const now = this.now();
        switch (message.type) {
            case 'executing': {
                if (!job)
                    break;
                const slotName = job.slot ?? '';
                this.commit(job, beginExecution(job.ad, { now, executeHost: `<${connection.identity.machine}>`, slotName: `${slotName}@${startdName}` }), {
                    runId: job.runId,
                    startd: startdName,
                    slot: slotName,
                });
                return;
            }
            case 'exited':
                this.freeSlot(connection, message.jobId, message.runId);
                if (job) {
                    this.commit(job, jobExited(job.ad, { now, exit: message.exit, usage: message.usage, bytesSent: message.bytesSent, bytesReceived: message.bytesReceived }), null);
                }
                return;
            case 'run-failed':
                this.freeSlot(connection, message.jobId, message.runId);
                if (job)
                    this.commit(job, runFailed(job.ad, { now, stage: message.stage, reason: message.reason }), null);
                return;
            case 'run-ended':
                this.freeSlot(connection, message.jobId, message.runId);
                if (job)
                    this.commit(job, runEvicted(job.ad, { now, reason: 'Job was killed on the execute node', reasonCode: 1005, usage: message.usage }), null);
                return;
        }
        this.log.debug({ startd: startdName, message: message.type, jobId: message.jobId, runId: message.runId }, 'ignored message for a run that is not current');
    }
    /** Logs file-transfer events of a run (040) without changing the job. */
    logTransfer(job, events) {
        this.store.logEvents(job.ad, events);
        this.events.schedule();
    }
}
/** condor_q -constraint semantics: the job is selected when the expression is true. */
export function constraintHolds(constraint, jobAd) {
    return isTrue(jobAd.evaluateExpr(constraint));
}
//# sourceMappingURL=schedd.js.map