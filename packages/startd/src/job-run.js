import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jobArguments, jobEnvironment } from '@tinycondor/shared/job-command';
import { extractTarSafely, packEntries } from '@tinycondor/shared/tar/index';
import { STDERR_NAME, STDOUT_NAME } from '@tinycondor/shared/transfer-files';
import { OutputMissingError, selectOutputs, snapshotSandbox } from './output-selection.js';
const ZERO_USAGE = { userSeconds: 0, systemSeconds: 0 };
/** The environment HTCondor's starter gives a job, plus the job's own `environment`. */
function buildEnvironment(ctx, sandbox) {
    const cpus = String(ctx.machineAd.getInt('Cpus') ?? 1);
    return {
        _CONDOR_SCRATCH_DIR: sandbox,
        _CONDOR_SLOT: ctx.slotName,
        _CONDOR_JOB_AD: path.join(sandbox, '.job.ad'),
        _CONDOR_MACHINE_AD: path.join(sandbox, '.machine.ad'),
        _CONDOR_JOB_IWD: sandbox,
        _CONDOR_JOB_PIDS: '',
        TMPDIR: sandbox,
        TEMP: sandbox,
        TMP: sandbox,
        BATCH_SYSTEM: 'HTCondor',
        OMP_NUM_THREADS: cpus,
        ...jobEnvironment(ctx.jobAd),
    };
}
/**
 * One run of a job on a slot: a fresh sandbox, input transfer, the executable with stdout/stderr in
 * `_condor_stdout`/`_condor_stderr`, output transfer, and a report of how it ended.
 */
export class JobRun {
    ctx;
    child;
    killedBy;
    killTimer;
    sandbox;
    constructor(ctx) {
        this.ctx = ctx;
        this.sandbox = path.join(ctx.executeDir, `dir_${process.pid}_${ctx.runId}`);
    }
    /** Soft kill: the signal to the whole process group, SIGKILL after the grace period. */
    kill(signal, graceSeconds) {
        this.killedBy = signal;
        const child = this.child;
        if (!child || child.exitCode !== null || child.signalCode !== null || child.pid === undefined)
            return;
        const pid = child.pid;
        const send = (sig) => {
            try {
                process.kill(-pid, sig);
            }
            catch {
                // the group is already gone
            }
        };
        send(signal);
        this.killTimer = setTimeout(() => send('SIGKILL'), graceSeconds * 1000);
        this.killTimer.unref();
    }
    async run() {
        const { ctx } = this;
        const base = { jobId: ctx.jobId, runId: ctx.runId };
        try {
            fs.mkdirSync(this.sandbox, { recursive: true, mode: 0o700 });
            let received = 0;
            try {
                received = (await extractTarSafely(await ctx.client.fetchInput(ctx.jobId, ctx.runId), this.sandbox)).bytes;
            }
            catch (err) {
                ctx.report({ type: 'run-failed', ...base, stage: 'input', reason: err.message });
                return;
            }
            if (this.killedBy !== undefined) {
                ctx.report({ type: 'run-ended', ...base, usage: ZERO_USAGE });
                return;
            }
            fs.writeFileSync(path.join(this.sandbox, '.job.ad'), ctx.jobAd.toText());
            fs.writeFileSync(path.join(this.sandbox, '.machine.ad'), ctx.machineAd.toText());
            const before = snapshotSandbox(this.sandbox);
            const exit = await this.execute();
            if (exit === undefined)
                return;
            if (this.killedBy !== undefined) {
                ctx.report({ type: 'run-ended', ...base, usage: ZERO_USAGE });
                return;
            }
            let sent = 0;
            try {
                const { stream } = packEntries(selectOutputs(ctx.jobAd, this.sandbox, before));
                sent = (await ctx.client.sendOutput(ctx.jobId, ctx.runId, stream)).bytes;
            }
            catch (err) {
                const details = err instanceof OutputMissingError ? err.message : err.message;
                const reason = `Transfer output files failure at execution point ${ctx.slotName}@${ctx.startdName} while sending files to access point ${new URL(ctx.client.baseUrl).host}. Details: ${details}`;
                ctx.report({ type: 'run-failed', ...base, stage: 'output', reason });
                return;
            }
            ctx.report({ type: 'exited', ...base, exit, usage: ZERO_USAGE, bytesSent: sent, bytesReceived: received });
        }
        finally {
            if (this.killTimer)
                clearTimeout(this.killTimer);
            fs.rmSync(this.sandbox, { recursive: true, force: true });
        }
    }
    /** Starts the executable and resolves with how it ended (undefined when it could not start). */
    execute() {
        const { ctx } = this;
        const cmd = ctx.jobAd.getString('Cmd') ?? '';
        const transferred = ctx.jobAd.getBool('TransferExecutable') !== false;
        const executable = transferred ? path.join(this.sandbox, path.basename(cmd)) : cmd;
        if (transferred)
            fs.chmodSync(executable, fs.statSync(executable).mode | 0o700);
        const stdinName = ctx.jobAd.getString('In');
        const stdin = stdinName && stdinName !== '/dev/null' ? path.join(this.sandbox, path.basename(stdinName)) : '/dev/null';
        // Appending, as HTCondor does for self-checkpointing jobs, so restarts in place keep earlier output.
        const stdout = fs.openSync(path.join(this.sandbox, STDOUT_NAME), 'a');
        const stderr = fs.openSync(path.join(this.sandbox, STDERR_NAME), 'a');
        const stdinFd = fs.openSync(stdin, 'r');
        return new Promise((resolve) => {
            const child = spawn(executable, jobArguments(ctx.jobAd), {
                cwd: this.sandbox,
                env: buildEnvironment(ctx, this.sandbox),
                stdio: [stdinFd, stdout, stderr],
                detached: true,
            });
            this.child = child;
            let settled = false;
            const settle = (exit) => {
                if (settled)
                    return;
                settled = true;
                [stdout, stderr, stdinFd].forEach((fd) => fs.closeSync(fd));
                resolve(exit);
            };
            child.once('spawn', () => {
                ctx.report({ type: 'executing', jobId: ctx.jobId, runId: ctx.runId });
                if (this.killedBy !== undefined)
                    this.kill(this.killedBy, 0);
            });
            child.once('error', (err) => {
                const reason = `Error from ${ctx.slotName}@${ctx.startdName}: Failed to execute '${executable}': (errno=${err.errno ?? 0}: '${err.message}')`;
                if (!settled)
                    ctx.report({ type: 'run-failed', jobId: ctx.jobId, runId: ctx.runId, stage: 'execute', reason });
                settle(undefined);
            });
            child.once('exit', (code, signal) => {
                settle(signal !== null ? { bySignal: true, signal: signalToNumber(signal) } : { bySignal: false, exitCode: code ?? 0 });
            });
        });
    }
}
function signalToNumber(signal) {
    return os.constants.signals[signal] ?? 9;
}
//# sourceMappingURL=job-run.js.map