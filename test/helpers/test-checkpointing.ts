// Runs `tinycondor test-checkpointing` as a real process (it starts its own private pool) on a job
// from checkpoint-defects.ts or a fixture directory, and reads back its JSON report.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeCheckpointJob, type JobVariant } from './checkpoint-defects.js';
import { binCommand, runCommand, type CommandResult, type Teardown } from './pool.js';

export interface ReportRun {
  name: string;
  jobId: string;
  directory: string;
  pass: boolean;
  eviction?: { kind: string; method: string; afterMs?: number; checkpoint?: number };
  diagnoses: { code: string; message: string; advice: string }[];
  figures: {
    wallMs: number;
    executions: number;
    startedAt?: number;
    checkpoints: { number: number; bytes: number; files: number; uploadMs: number; overheadMs?: number; committedAtMs: number }[];
    evictions: { atMs: number; badputMs: number; restartMs?: number }[];
  };
}

export interface Report {
  pass: boolean;
  seed: number;
  runs: ReportRun[];
  summary: Record<string, number | undefined>;
}

export interface CheckpointTestRun {
  result: CommandResult;
  report: Report;
  submitDir: string;
}

export interface RunOptions {
  /**
   * Run it as people do, from a shell in the job's own directory with the report redirected into it
   * (`tinycondor test-checkpointing job.sub > report.txt 2>&1`); result.stdout is then report.txt.
   */
  reportInJobDir?: boolean;
}

/** The command through /bin/sh, its stdout and stderr sent to report.txt in `cwd`. */
function runRedirected(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<CommandResult> {
  const [command, commandArgs] = binCommand('tinycondor.js', args);
  return new Promise((resolve) => {
    execFile('/bin/sh', ['-c', 'exec "$@" > report.txt 2>&1', 'sh', command, ...commandArgs], { env, cwd, timeout: 600_000 }, (err) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout: fs.readFileSync(path.join(cwd, 'report.txt'), 'utf8'), stderr: '' });
    });
  });
}

/** Runs the command in `submitDir` (inside `base`, which receives the JSON report) with --keep and --json. */
export async function testCheckpointingIn(t: Teardown, base: string, submitFile: string, args: string[], opts: RunOptions = {}): Promise<CheckpointTestRun> {
  const submitDir = path.join(base, 'job');
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: base };
  delete env.CONDOR_CONFIG;
  const reportJson = path.join(base, 'report.json');
  const fullArgs = ['test-checkpointing', submitFile, '--keep', '--json', reportJson, ...args];
  const result = opts.reportInJobDir ? await runRedirected(fullArgs, env, submitDir) : await runCommand('tinycondor', fullArgs, env, submitDir);
  if (!process.env.TINYCONDOR_KEEP_TEST_DIRS) t.teardown(() => fs.rmSync(base, { recursive: true, force: true }));
  if (!fs.existsSync(reportJson)) throw new Error(`no report (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  return { result, report: JSON.parse(fs.readFileSync(reportJson, 'utf8')) as Report, submitDir };
}

/** Writes the variant into a fresh directory and runs the command there. */
export async function testCheckpointing(t: Teardown, variant: JobVariant, args: string[], job: { steps?: number; nap?: number } = {}, opts: RunOptions = {}): Promise<CheckpointTestRun> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), `tinycondor-tc-${variant}-`));
  writeCheckpointJob(path.join(base, 'job'), variant, job);
  return testCheckpointingIn(t, base, 'job.sub', args, opts);
}

export function diagnosisCodes(run: ReportRun): string[] {
  return run.diagnoses.map((d) => d.code);
}
