import { isTrue } from './classad/index.js';
import { HoldCode, JobStatus } from './job-status.js';
export function isRefusal(x) {
    return 'refused' in x;
}
const epoch = (now) => Math.floor(now.getTime() / 1000);
function ids(ad) {
    return { cluster: ad.getInt('ClusterId') ?? 0, proc: ad.getInt('ProcId') ?? 0 };
}
function jobName(ad) {
    const { cluster, proc } = ids(ad);
    return `${cluster}.${proc}`;
}
function setStatus(ad, status, now) {
    const previous = ad.getInt('JobStatus');
    if (previous !== undefined)
        ad.set('LastJobStatus', previous);
    ad.set('JobStatus', status);
    ad.set('EnteredCurrentStatus', epoch(now));
}
function toRusage(userSeconds, systemSeconds) {
    return { userSeconds, systemSeconds };
}
/** Closes the accounting of the current run: wall clock, CPU usage, last remote host. */
function endRun(ad, now, usage) {
    const start = ad.getInt('JobCurrentStartDate');
    if (start !== undefined) {
        const wall = Math.max(0, epoch(now) - start);
        ad.setReal('RemoteWallClockTime', (ad.getNumber('RemoteWallClockTime') ?? 0) + wall);
        ad.set('CumulativeSlotTime', (ad.getNumber('CumulativeSlotTime') ?? 0) + wall);
        ad.set('LastJobLeaseRenewal', epoch(now));
    }
    if (usage) {
        ad.setReal('RemoteUserCpu', (ad.getNumber('RemoteUserCpu') ?? 0) + usage.userSeconds);
        ad.setReal('RemoteSysCpu', (ad.getNumber('RemoteSysCpu') ?? 0) + usage.systemSeconds);
    }
    const remoteHost = ad.getString('RemoteHost');
    if (remoteHost !== undefined)
        ad.set('LastRemoteHost', remoteHost);
    ad.delete('RemoteHost');
    ad.delete('ShadowBday');
    ad.delete('JobCurrentStartExecutingDate');
}
/** Idle → Running: the matchmaker gave the job a slot and the run begins with input transfer. */
export function startRun(adIn, opts) {
    const ad = adIn.clone();
    setStatus(ad, JobStatus.Running, opts.now);
    ad.set('RemoteHost', opts.remoteHost);
    ad.set('JobCurrentStartDate', epoch(opts.now));
    ad.set('ShadowBday', epoch(opts.now));
    ad.set('NumShadowStarts', (ad.getInt('NumShadowStarts') ?? 0) + 1);
    if (ad.getInt('JobStartDate') === undefined)
        ad.set('JobStartDate', epoch(opts.now));
    return { ad, events: [], leaveQueue: false, killRun: false };
}
/** The executable started: event 001. */
export function beginExecution(adIn, opts) {
    const ad = adIn.clone();
    ad.set('NumJobStarts', (ad.getInt('NumJobStarts') ?? 0) + 1);
    ad.set('JobCurrentStartExecutingDate', epoch(opts.now));
    ad.set('JobRunCount', (ad.getInt('JobRunCount') ?? 0) + 1);
    const props = {};
    for (const name of ['RequestCpus', 'RequestMemory', 'RequestDisk']) {
        const v = ad.getNumber(name);
        if (v !== undefined)
            props[name.replace('Request', '')] = v;
    }
    return {
        ad,
        events: [{ code: 1, ...ids(ad), time: opts.now, executeHost: opts.executeHost, slotName: opts.slotName, props }],
        leaveQueue: false,
        killRun: false,
    };
}
function holdInPlace(ad, now, reason, code, subCode) {
    setStatus(ad, JobStatus.Held, now);
    ad.set('HoldReason', reason);
    ad.set('HoldReasonCode', code);
    ad.set('HoldReasonSubCode', subCode);
    ad.set('NumHolds', (ad.getInt('NumHolds') ?? 0) + 1);
    return { code: 12, ...ids(ad), time: now, reason, reasonCode: code, reasonSubCode: subCode };
}
function eventExit(exit) {
    return exit.bySignal ? { bySignal: true, signal: exit.signal } : { bySignal: false, returnValue: exit.exitCode };
}
function exitAttributes(ad, now, exit) {
    ad.set('ExitBySignal', exit.bySignal);
    if (exit.bySignal) {
        ad.set('ExitSignal', exit.signal);
        ad.delete('ExitCode');
    }
    else {
        ad.set('ExitCode', exit.exitCode);
        ad.delete('ExitSignal');
    }
    ad.set('ExitStatus', exit.bySignal ? 0 : exit.exitCode);
    ad.set('CompletionDate', epoch(now));
}
const policyText = (ad, name) => ad.getSource(name) ?? '';
function evaluatePolicy(ad, name) {
    return ad.has(name) ? ad.evaluate(name) : { type: 'undefined' };
}
/**
 * The executable exited for good (not a checkpoint exit): OnExitHold, then OnExitRemove decide whether
 * the job is held, requeued or completed (src/condor_utils/user_job_policy.cpp).
 */
export function jobExited(adIn, opts) {
    const ad = adIn.clone();
    const runUsage = toRusage(opts.usage.userSeconds, opts.usage.systemSeconds);
    endRun(ad, opts.now, opts.usage);
    exitAttributes(ad, opts.now, opts.exit);
    ad.set('NumJobCompletions', (ad.getInt('NumJobCompletions') ?? 0) + 1);
    ad.set('BytesSent', (ad.getNumber('BytesSent') ?? 0) + opts.bytesSent);
    ad.set('BytesRecvd', (ad.getNumber('BytesRecvd') ?? 0) + opts.bytesReceived);
    if (isTrue(evaluatePolicy(ad, 'OnExitHold'))) {
        const reason = ad.getString('OnExitHoldReason') ?? `The on_exit_hold expression (${policyText(ad, 'OnExitHold')}) evaluated to TRUE.`;
        const subCode = ad.getInt('OnExitHoldSubCode') ?? 0;
        const event = holdInPlace(ad, opts.now, reason, HoldCode.JobPolicy, subCode);
        return { ad, events: [event], leaveQueue: false, killRun: false };
    }
    const remove = evaluatePolicy(ad, 'OnExitRemove');
    if (remove.type === 'bool' && !remove.value) {
        setStatus(ad, JobStatus.Idle, opts.now);
        return {
            ad,
            events: [
                {
                    code: 4,
                    ...ids(ad),
                    time: opts.now,
                    checkpointed: false,
                    terminatedAndRequeued: true,
                    exit: eventExit(opts.exit),
                    reason: `The job attribute OnExitRemove expression '${policyText(ad, 'OnExitRemove')}' evaluated to FALSE`,
                    runRemoteUsage: runUsage,
                    runLocalUsage: toRusage(0, 0),
                    sentBytes: opts.bytesSent,
                    receivedBytes: opts.bytesReceived,
                },
            ],
            leaveQueue: false,
            killRun: false,
        };
    }
    setStatus(ad, JobStatus.Completed, opts.now);
    const total = toRusage(ad.getNumber('RemoteUserCpu') ?? 0, ad.getNumber('RemoteSysCpu') ?? 0);
    return {
        ad,
        events: [
            {
                code: 5,
                ...ids(ad),
                time: opts.now,
                exit: eventExit(opts.exit),
                runRemoteUsage: runUsage,
                runLocalUsage: toRusage(0, 0),
                totalRemoteUsage: total,
                totalLocalUsage: toRusage(0, 0),
                sentBytes: opts.bytesSent,
                receivedBytes: opts.bytesReceived,
                totalSentBytes: ad.getNumber('BytesSent') ?? 0,
                totalReceivedBytes: ad.getNumber('BytesRecvd') ?? 0,
                resources: {
                    cpus: [null, ad.getNumber('RequestCpus') ?? 1, ad.getNumber('RequestCpus') ?? 1],
                    disk: [ad.getNumber('DiskUsage') ?? null, ad.getNumber('RequestDisk') ?? 0, ad.getNumber('RequestDisk') ?? 0],
                    memory: [ad.getNumber('MemoryUsage') ?? null, ad.getNumber('RequestMemory') ?? 0, ad.getNumber('RequestMemory') ?? 0],
                },
            },
        ],
        leaveQueue: !(ad.getBool('LeaveJobInQueue') ?? false),
        killRun: false,
    };
}
/** A run could not transfer its input or output, or could not start the executable: the job is held. */
export function runFailed(adIn, opts) {
    const ad = adIn.clone();
    endRun(ad, opts.now, undefined);
    const code = opts.stage === 'output' ? HoldCode.TransferOutputError : HoldCode.TransferInputError;
    const event = holdInPlace(ad, opts.now, opts.reason, code, 0);
    return { ad, events: [event], leaveQueue: false, killRun: false };
}
/** The run ended without the job exiting (vacated, or its startd went away): back to Idle, event 004. */
export function runEvicted(adIn, opts) {
    const ad = adIn.clone();
    endRun(ad, opts.now, opts.usage);
    setStatus(ad, JobStatus.Idle, opts.now);
    ad.set('VacateReason', opts.reason);
    ad.set('VacateReasonCode', opts.reasonCode);
    const usage = toRusage(opts.usage?.userSeconds ?? 0, opts.usage?.systemSeconds ?? 0);
    return {
        ad,
        events: [
            {
                code: 4,
                ...ids(ad),
                time: opts.now,
                checkpointed: false,
                reason: opts.reason,
                reasonCode: opts.reasonCode,
                reasonSubCode: 0,
                runRemoteUsage: usage,
                runLocalUsage: toRusage(0, 0),
                sentBytes: 0,
                receivedBytes: 0,
            },
        ],
        leaveQueue: false,
        killRun: false,
    };
}
/** condor_rm: any job not already being removed (schedd.cpp actOnJobs, JA_REMOVE_JOBS). */
export function removeJob(adIn, opts) {
    const status = adIn.getInt('JobStatus');
    if (status === JobStatus.Removed)
        return { refused: 'already-done', message: `Job ${jobName(adIn)} already marked for removal` };
    const ad = adIn.clone();
    const wasRunning = status === JobStatus.Running;
    if (wasRunning)
        endRun(ad, opts.now, undefined);
    setStatus(ad, JobStatus.Removed, opts.now);
    ad.set('RemoveReason', opts.reason);
    ad.set('CompletionDate', epoch(opts.now));
    return {
        ad,
        events: [{ code: 9, ...ids(ad), time: opts.now, reason: opts.reason }],
        leaveQueue: !(ad.getBool('LeaveJobInQueue') ?? false),
        killRun: wasRunning,
    };
}
//# sourceMappingURL=job-state.js.map