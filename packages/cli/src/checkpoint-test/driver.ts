import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { poolPaths, startSchedd, type RunningSchedd } from '@tinycondor/schedd';
import { checkpointPromise } from '@tinycondor/shared/checkpoint';
import { ClassAd } from '@tinycondor/shared/classad/index';
import type { TimelineEntry } from '@tinycondor/shared/job-timeline';
import { parseRemaps, splitFileList } from '@tinycondor/shared/transfer-files';
import { CliError, type CommandIo } from '../cli-error.js';
import { condorSubmit } from '../commands/condor-submit.js';
import { fileLogger } from '../file-logger.js';
import { loadPoolConfig } from '../pool-config.js';
import { ScheddRefused } from '@tinycondor/client/errors';
import type { ScheddClient } from '@tinycondor/client/schedd-client';
import { connectSchedd } from '../schedd-connection.js';
import { superviseStartd } from '../startd-supervisor.js';
import { CheckpointRecorder, type CommittedState } from './capture.js';
import { compareOutputs, progressValues } from './compare.js';
import { diagnoseRun, type RunEvidence } from './diagnose.js';
import { judgeGrace } from './grace.js';
import type { LintFinding } from './lint.js';
import { runFigures } from './metrics.js';
import { producedFiles, snapshotTree, type OutputSpec } from './outputs.js';
import { describeEviction, planEvictions, type EvictionKind, type EvictionMethod, type PlannedEviction } from './plan.js';
import { judgeProgress, unsavedFiles } from './progress.js';
import { buildReport, type CheckpointTestReport, type RunReport } from './report.js';

export interface CheckpointTestOptions {
  submitFile: string;
  evictions: number;
  method: EvictionMethod;
  /** The eviction moments to take in turn. */
  moments: EvictionKind[];
  seed: number;
  compare: string | undefined;
  mtbfSeconds: number;
  progress: RegExp;
  /** Use the pool CONDOR_CONFIG names instead of starting a private one. */
  existingPool: boolean;
  /** Deadline of the reference run, in seconds. */
  timeoutSeconds: number;
  /** The static checks' findings, the report's first section. */
  lint: LintFinding[];
}

interface Pool {
  env: NodeJS.ProcessEnv;
  api: ScheddClient;
  /** Every commit into SPOOL with its contents; only for the private pool, whose schedd runs in this process. */
  recorder: CheckpointRecorder | undefined;
  close(): Promise<void>;
}

const POLL_MS = 50;

/** A schedd and one single-slot startd in `home`, as `tinycondor pool` runs them; a killed startd is restarted. */
async function privatePool(home: string, io: CommandIo): Promise<Pool> {
  const recorder = new CheckpointRecorder(path.join(home, 'execute'));
  const env = { ...io.env, CONDOR_CONFIG: poolPaths(home).configFile };
  // Started first, as `tinycondor pool` starts its startds: it reads the configuration once told the schedd is up.
  const startd = superviseStartd('startd1', ['--cpus', '1'], env, fileLogger(path.join(home, 'log', 'MasterLog')));
  let schedd: RunningSchedd;
  try {
    schedd = await startSchedd({ home, port: 0, leaseSeconds: 10, periodicSeconds: 1, onSpoolCommit: recorder.observe });
  } catch (err) {
    await startd.stop();
    throw err;
  }
  startd.scheddReady();
  await startd.ready;
  return {
    env,
    api: connectSchedd(loadPoolConfig(env)),
    recorder,
    close: async () => {
      await startd.stop();
      await schedd.close();
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface JobFacts {
  jobId: string;
  checkpointFiles: string[];
  stdout: string | undefined;
  stderr: string | undefined;
  outputs: OutputSpec;
  /** What a checkpoint carries: transfer_checkpoint_files, else transfer_output_files (undefined: what changed). */
  checkpointSet: string[] | undefined;
  promisesCheckpoints: boolean;
  /** Top-level names the input sandbox receives (executable, input, transfer_input_files). */
  inputs: Set<string>;
  onExitOrEvict: boolean;
}

/** Submits the job held into `dir` (its own copy of the submit directory) and reads back what the schedd stored. */
async function submitHeld(pool: Pool, dir: string, submitName: string, io: CommandIo): Promise<JobFacts> {
  let printed = '';
  const submitIo: CommandIo = { ...io, cwd: dir, env: pool.env, stdout: (text) => (printed += text) };
  await condorSubmit(['-terse', '-append', 'hold = true', submitName], submitIo);
  const match = /^(\d+)\.0 - \1\.(\d+)$/.exec(printed.trim());
  if (!match) throw new CliError(`tinycondor test-checkpointing: unexpected condor_submit output '${printed.trim()}'`);
  const jobId = `${match[1]}.0`;
  if (match[2] !== '0') {
    await pool.api.actOnCluster(Number(match[1]), 'remove');
    throw new CliError(`tinycondor test-checkpointing: ${submitName} queues ${Number(match[2]) + 1} jobs; it tests one job at a time`);
  }
  const { ad } = await pool.api.job(jobId);
  const job = ClassAd.fromJSON(ad);
  const relative = (name: string | undefined) => (name === undefined || name === '/dev/null' ? undefined : path.relative(dir, path.resolve(dir, name)));
  return {
    jobId,
    checkpointFiles: splitFileList(job.getString('TransferCheckpoint')),
    stdout: relative(job.getString('Out')),
    stderr: relative(job.getString('Err')),
    outputs: {
      iwd: job.getString('Iwd') ?? dir,
      out: job.getString('Out'),
      err: job.getString('Err'),
      listed: job.has('TransferOutput') ? splitFileList(job.getString('TransferOutput')) : undefined,
      remaps: parseRemaps(job.getString('TransferOutputRemaps')),
      userLog: job.getString('UserLog'),
    },
    checkpointSet: job.has('TransferCheckpoint') ? splitFileList(job.getString('TransferCheckpoint')) : job.has('TransferOutput') ? splitFileList(job.getString('TransferOutput')) : undefined,
    promisesCheckpoints: checkpointPromise(job) !== undefined,
    inputs: new Set([job.getString('Cmd'), job.getString('In'), ...splitFileList(job.getString('TransferInput'))].filter((n): n is string => n !== undefined && n !== '').map((n) => path.basename(n.replace(/\/+$/, '')))),
    onExitOrEvict: (job.getString('WhenToTransferOutput') ?? '').toUpperCase() === 'ON_EXIT_OR_EVICT',
  };
}

async function timelineOf(pool: Pool, jobId: string): Promise<TimelineEntry[]> {
  // The schema leaves `kind` a string; its values are job-timeline.ts's kinds, which the schedd writes.
  return (await pool.api.timeline(jobId)).entries as TimelineEntry[];
}

/** The job's ad, from the queue or, once it left, from the history. */
async function finalAd(pool: Pool, jobId: string): Promise<ClassAd | undefined> {
  try {
    return ClassAd.fromJSON((await pool.api.job(jobId)).ad);
  } catch (err) {
    if (!(err instanceof ScheddRefused && err.status === 404)) throw err;
  }
  const [cluster, proc] = jobId.split('.');
  const { ads } = await pool.api.history({ constraint: `ClusterId == ${cluster} && ProcId == ${proc}` });
  return ads[0] ? ClassAd.fromJSON(ads[0]) : undefined;
}

interface RunOutcome {
  facts: JobFacts;
  timeline: TimelineEntry[];
  end: RunEvidence['end'];
  evictionMissed: string | undefined;
}

/** One run of the job in `dir`: submit held, arm the eviction, release, evict if planned, wait for the end. */
async function runOnce(pool: Pool, dir: string, submitName: string, eviction: PlannedEviction | undefined, deadlineMs: number, io: CommandIo): Promise<RunOutcome> {
  const facts = await submitHeld(pool, dir, submitName, io);
  const { jobId } = facts;
  if (eviction && eviction.kind !== 'running') {
    await pool.api.evict(jobId, { moment: eviction.kind, checkpoint: eviction.checkpoint, method: eviction.method });
  }
  await pool.api.actOnJob(jobId, 'release');
  const deadline = Date.now() + deadlineMs;
  let evictionMissed: string | undefined;
  let evictAt: number | undefined;
  // The run proper: what follows the release (the submission and its hold come before).
  let timeline: TimelineEntry[] = [];
  let finished: TimelineEntry | undefined;
  for (;;) {
    const whole = await timelineOf(pool, jobId);
    timeline = whole.slice(whole.findIndex((e) => e.kind === 'released') + 1);
    const executing = timeline.find((e) => e.kind === 'executing');
    if (eviction?.kind === 'running' && executing && evictAt === undefined) evictAt = executing.time + (eviction.afterMs ?? 0);
    if (evictAt !== undefined && Date.now() >= evictAt) {
      evictAt = Number.POSITIVE_INFINITY;
      try {
        await pool.api.evict(jobId, { moment: 'now', method: eviction?.method });
      } catch (err) {
        if (!(err instanceof ScheddRefused)) throw err;
        evictionMissed = `the eviction ${describeEviction(eviction as PlannedEviction)} found the job not running (${err.message})`;
      }
    }
    finished = timeline.find((e) => e.kind === 'terminated' || e.kind === 'aborted' || e.kind === 'held');
    if (finished || Date.now() > deadline) break;
    await sleep(POLL_MS);
  }
  const ad = await finalAd(pool, jobId);
  let end: RunEvidence['end'];
  if (finished?.kind === 'held') {
    end = { kind: 'held', reason: ad?.getString('HoldReason') ?? '', code: ad?.getInt('HoldReasonCode') ?? 0 };
  } else if (finished?.kind === 'terminated') {
    end = ad?.getBool('ExitBySignal') ? { kind: 'signal', signal: ad.getInt('ExitSignal') ?? 0 } : { kind: 'exit', exitCode: ad?.getInt('ExitCode') ?? 0 };
  } else end = { kind: 'unfinished' };
  if (end.kind === 'held' || end.kind === 'unfinished') await pool.api.actOnJob(jobId, 'remove').catch(() => undefined);
  if (eviction && eviction.kind !== 'running' && !timeline.some((e) => e.kind === 'fault' && e.detail?.startsWith('evict'))) {
    evictionMissed ??= `the job never reached the moment of the eviction (${describeEviction(eviction)})`;
  }
  return { facts, timeline, end, evictionMissed };
}

function readText(dir: string, name: string | undefined): string {
  if (name === undefined) return '';
  try {
    return fs.readFileSync(path.join(dir, name), 'utf8');
  } catch {
    return '';
  }
}

/** Did the run start again from what SPOOL held after an eviction? */
function wasRestored(timeline: TimelineEntry[], onExitOrEvict: boolean): boolean {
  const evicted = timeline.findIndex((e) => e.kind === 'evicted');
  if (evicted < 0 || !timeline.slice(evicted).some((e) => e.kind === 'executing' || e.kind === 'input-started')) return false;
  return onExitOrEvict || timeline.slice(0, evicted).some((e) => e.kind === 'checkpoint-committed');
}

/** Checkpoints committed before the first eviction. */
function checkpointsBeforeEviction(timeline: TimelineEntry[]): number {
  const evicted = timeline.findIndex((e) => e.kind === 'evicted');
  return (evicted < 0 ? timeline : timeline.slice(0, evicted)).filter((e) => e.kind === 'checkpoint-committed').length;
}

function checkpointsBeforeTrouble(timeline: TimelineEntry[]): number {
  const trouble = timeline.findIndex((e) => e.kind === 'evicted' || e.kind === 'held' || e.kind === 'checkpoint-failed');
  return (trouble < 0 ? timeline : timeline.slice(0, trouble)).filter((e) => e.kind === 'checkpoint-committed').length;
}

function runCompareCommand(command: string, referenceDir: string, runDir: string): { matched: boolean; output: string } {
  const result = spawnSync('/bin/sh', ['-c', `${command} "$1" "$2"`, 'compare', referenceDir, runDir], { encoding: 'utf8', timeout: 300_000 });
  return { matched: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() || `exit ${String(result.status)}` };
}

/**
 * `tinycondor test-checkpointing`: a reference run of the job, then one run per planned eviction, each
 * in its own copy of the submit directory; outputs compared, runs diagnosed, figures from the timelines.
 */
export async function testCheckpointing(opts: CheckpointTestOptions, io: CommandIo): Promise<{ report: CheckpointTestReport; workDir: string }> {
  const submitPath = path.resolve(io.cwd, opts.submitFile);
  if (!fs.existsSync(submitPath)) throw new CliError(`tinycondor test-checkpointing: no submit file ${submitPath}`);
  const submitDir = path.dirname(submitPath);
  const submitName = path.basename(submitPath);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-test-checkpointing-'));
  let pool: Pool | undefined;
  let completed = false;
  try {
    pool = opts.existingPool
      ? { env: io.env, api: connectSchedd(loadPoolConfig(io.env, io.stderr)), recorder: undefined, close: async () => undefined }
      : await privatePool(path.join(workDir, 'pool'), io);
    const active = pool;
    const runs: RunReport[] = [];
    // Each run starts from a copy taken now: whatever is written in the submit directory during the test
    // (the report redirected there, say) is in no run, and no output of any.
    const pristine = path.join(workDir, 'submit');
    fs.cpSync(submitDir, pristine, { recursive: true, preserveTimestamps: true, filter: (source) => source !== workDir });
    const original = snapshotTree(pristine);
    const outcomes: { dir: string; outcome: RunOutcome; produced: Map<string, Buffer>; checkpoints: CommittedState[] }[] = [];
    const runJob = async (index: number, eviction: PlannedEviction | undefined, deadlineMs: number) => {
      const dir = path.join(workDir, index === 0 ? 'reference' : `run-${index}`);
      io.stderr(`test-checkpointing: ${index === 0 ? 'reference run' : `run ${index}: ${describeEviction(eviction as PlannedEviction)}`}\n`);
      fs.cpSync(pristine, dir, { recursive: true, preserveTimestamps: true });
      const outcome = await runOnce(active, dir, submitName, eviction, deadlineMs, io);
      const produced = producedFiles(outcome.facts.outputs, original);
      const commits = active.recorder?.committed(outcome.facts.jobId) ?? [];
      const checkpoints = commits.filter((c) => c.checkpoint !== undefined);
      outcomes.push({ dir, outcome, produced, checkpoints });
      const reference = outcomes[0];
      const figures = runFigures(outcome.timeline);
      const restored = wasRestored(outcome.timeline, outcome.facts.onExitOrEvict);
      const beforeEviction = restored ? checkpointsBeforeEviction(outcome.timeline) : undefined;
      const referenceFigures = index === 0 ? undefined : runs[0].figures;
      const evicted = figures.evictions[0];
      const lastSaved = beforeEviction === undefined || beforeEviction === 0 ? undefined : checkpoints[beforeEviction - 1];
      const progressFinding = judgeProgress({
        reference: reference.checkpoints.map((c) => c.spool),
        run: checkpoints.map((c) => c.spool),
        referenceSandboxes: reference.checkpoints.map((c) => c.sandbox),
        runSandboxes: checkpoints.map((c) => c.sandbox),
        referenceCount: reference.outcome.timeline.filter((e) => e.kind === 'checkpoint-committed').length,
        runCount: outcome.timeline.filter((e) => e.kind === 'checkpoint-committed').length,
        committedBeforeEviction: index === 0 ? undefined : beforeEviction,
        extraWallMs: referenceFigures && evicted ? figures.wallMs - referenceFigures.wallMs - (evicted.restartMs ?? 0) : undefined,
        lostSinceCheckpointMs: evicted?.badputMs,
        committedWorkMs: beforeEviction ? figures.checkpoints[beforeEviction - 1]?.committedAtMs : undefined,
      });
      const referenceEnd = reference.outcome.end;
      const stdout = readText(dir, outcome.facts.stdout);
      const comparison: RunEvidence['comparison'] =
        index === 0
          ? { kind: 'none' }
          : opts.compare
            ? { kind: 'command', command: opts.compare, ...runCompareCommand(opts.compare, reference.dir, dir) }
            : { kind: 'files', files: compareOutputs(reference.produced, produced) };
      const grace = eviction?.method === 'vacate' && active.recorder && figures.evictions.length > 0 ? judgeGrace(commits, outcome.facts.onExitOrEvict) : undefined;
      const diagnoses = diagnoseRun({
        end: outcome.end,
        referenceExitCode: index === 0 || referenceEnd.kind !== 'exit' ? undefined : referenceEnd.exitCode,
        comparison,
        checkpointFiles: outcome.facts.checkpointFiles,
        checkpointSet: outcome.facts.checkpointSet,
        promisesCheckpoints: outcome.facts.promisesCheckpoints,
        checkpointsCommitted: figures.checkpoints.length,
        graceLost: grace !== undefined && !outcome.facts.onExitOrEvict && opts.lint.some((f) => f.code === 'state-on-signal-not-sent'),
        stdoutName: outcome.facts.stdout,
        stderrName: outcome.facts.stderr,
        stderr: readText(dir, outcome.facts.stderr),
        progress: progressValues(stdout, opts.progress),
        referenceProgress: progressValues(readText(reference.dir, reference.outcome.facts.stdout), opts.progress),
        checkpointsBeforeTrouble: checkpointsBeforeTrouble(outcome.timeline),
        restored,
        progressFinding,
        unsavedFiles: lastSaved ? unsavedFiles(lastSaved.sandbox, lastSaved.spool, outcome.facts.inputs) : [],
        restoredFiles: [...new Set(outcome.timeline.flatMap((e) => e.names ?? []))].filter((name) => !name.startsWith('_condor_')),
        evictionMissed: outcome.evictionMissed,
      });
      runs.push({
        name: index === 0 ? 'reference' : `run ${index}`,
        eviction,
        jobId: outcome.facts.jobId,
        directory: dir,
        pass: diagnoses.every((d) => d.code === 'eviction-missed'),
        diagnoses,
        figures,
        committed: checkpoints,
        grace,
      });
    };
    await runJob(0, undefined, opts.timeoutSeconds * 1000);
    const reference = runs[0];
    if (reference.pass) {
      const plan = planEvictions({
        evictions: opts.evictions,
        seed: opts.seed,
        method: opts.method,
        moments: opts.moments,
        referenceExecutingMs: reference.figures.wallMs,
        referenceCheckpoints: reference.figures.checkpoints.length,
      });
      // A run may take longer than the reference by its restart; more than that means it does not get further.
      const deadlineMs = Math.max(30_000, 5 * reference.figures.wallMs + 20_000);
      for (const [i, eviction] of plan.entries()) await runJob(i + 1, eviction, deadlineMs);
    }
    completed = true;
    return { report: buildReport({ submitFile: opts.submitFile, seed: opts.seed, mtbfSeconds: opts.mtbfSeconds, lint: opts.lint, runs }), workDir };
  } finally {
    await pool?.close();
    // A test that could not be carried out (a bad submit file, no pool) leaves nothing behind.
    if (!completed) fs.rmSync(workDir, { recursive: true, force: true });
  }
}
