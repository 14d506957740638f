// Runs `tinycondor test-checkpointing` as a real process (it starts its own private pool) on a job
// from checkpoint-defects.ts, and reads back its JSON report.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeCheckpointJob, type JobVariant } from './checkpoint-defects.js';
import { runCommand, type CommandResult, type Teardown } from './pool.js';

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

/** Writes the variant into a fresh directory and runs the command there with --keep and --json. */
export async function testCheckpointing(t: Teardown, variant: JobVariant, args: string[], job: { steps?: number; nap?: number } = {}): Promise<CheckpointTestRun> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), `tinycondor-tc-${variant}-`));
  const submitDir = path.join(base, 'job');
  writeCheckpointJob(submitDir, variant, job);
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: base };
  delete env.CONDOR_CONFIG;
  const result = await runCommand('tinycondor', ['test-checkpointing', 'job.sub', '--keep', '--json', path.join(base, 'report.json'), ...args], env, submitDir);
  if (!process.env.TINYCONDOR_KEEP_TEST_DIRS) t.teardown(() => fs.rmSync(base, { recursive: true, force: true }));
  if (!fs.existsSync(path.join(base, 'report.json'))) throw new Error(`no report (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  return { result, report: JSON.parse(fs.readFileSync(path.join(base, 'report.json'), 'utf8')) as Report, submitDir };
}

export function diagnosisCodes(run: ReportRun): string[] {
  return run.diagnoses.map((d) => d.code);
}
