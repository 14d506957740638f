import type { CommittedState } from './capture.js';
import type { Diagnosis } from './diagnose.js';
import type { GraceReport } from './grace.js';
import { formatLint, type LintFinding } from './lint.js';
import { dalyInterval, youngInterval } from './interval.js';
import { median, type RunFigures } from './metrics.js';
import { describeEviction, type PlannedEviction } from './plan.js';

export interface RunReport {
  name: string;
  eviction: PlannedEviction | undefined;
  jobId: string;
  directory: string;
  pass: boolean;
  diagnoses: Diagnosis[];
  figures: RunFigures;
  /** The run's checkpoints as committed in SPOOL, in order (empty when the pool is not private). */
  committed: CommittedState[];
  /** For a vacated run: what the job did with the grace between KillSig and SIGKILL. */
  grace: GraceReport | undefined;
}

export interface CheckpointTestReport {
  submitFile: string;
  seed: number;
  mtbfSeconds: number;
  pass: boolean;
  /** The static checks of the submit file, made before any run. */
  lint: LintFinding[];
  runs: RunReport[];
  summary: {
    checkpoints: number;
    medianCheckpointBytes: number | undefined;
    /** Median time from upload start to commit, over every run's checkpoints. */
    medianUploadMs: number | undefined;
    /**
     * The checkpoint cost the intervals are computed from: the median time from checkpoint exit to the
     * restart in place where known, else the median upload time.
     */
    medianCheckpointMs: number | undefined;
    /** Median time the job computes between two checkpoints in the reference run. */
    observedIntervalSeconds: number | undefined;
    medianRestartMs: number | undefined;
    totalBadputMs: number;
    youngIntervalSeconds: number | undefined;
    dalyIntervalSeconds: number | undefined;
  };
}

/** The report's figures from the runs; checkpoint cost and interval come from every checkpoint seen. */
export function buildReport(opts: { submitFile: string; seed: number; mtbfSeconds: number; lint: LintFinding[]; runs: RunReport[] }): CheckpointTestReport {
  const { runs } = opts;
  const checkpoints = runs.flatMap((r) => r.figures.checkpoints);
  const evictions = runs.flatMap((r) => r.figures.evictions);
  const reference = runs[0]?.figures;
  const gaps = reference ? reference.checkpoints.map((c, i) => c.committedAtMs - (i === 0 ? 0 : reference.checkpoints[i - 1].committedAtMs)) : [];
  const uploadMs = median(checkpoints.map((c) => c.uploadMs));
  const overheads = checkpoints.map((c) => c.overheadMs).filter((v): v is number => v !== undefined);
  const costMs = overheads.length > 0 ? median(overheads) : uploadMs;
  const cost = costMs === undefined ? undefined : Math.max(costMs, 1) / 1000;
  const restartMs = median(evictions.map((e) => e.restartMs).filter((v): v is number => v !== undefined));
  return {
    submitFile: opts.submitFile,
    seed: opts.seed,
    mtbfSeconds: opts.mtbfSeconds,
    pass: runs.every((r) => r.pass),
    lint: opts.lint,
    runs,
    summary: {
      checkpoints: checkpoints.length,
      medianCheckpointBytes: median(checkpoints.map((c) => c.bytes)),
      medianUploadMs: uploadMs,
      medianCheckpointMs: costMs,
      observedIntervalSeconds: gaps.length > 0 ? (median(gaps) as number) / 1000 : undefined,
      medianRestartMs: restartMs,
      totalBadputMs: evictions.reduce((sum, e) => sum + e.badputMs, 0),
      youngIntervalSeconds: cost === undefined ? undefined : youngInterval(cost, opts.mtbfSeconds),
      dalyIntervalSeconds: cost === undefined ? undefined : dalyInterval(cost, opts.mtbfSeconds),
    },
  };
}

const SPARKS = '▁▂▃▄▅▆▇█';

/**
 * Progress over the run's wall time, one column per time slice: the height is how many checkpoints
 * are committed by then; an eviction's column shows '✕'.
 */
export function progressChart(figures: RunFigures, width = 40): string {
  const total = Math.max(figures.wallMs, 1);
  const maxCheckpoints = Math.max(figures.checkpoints.length, 1);
  const columns: string[] = [];
  for (let col = 0; col < width; col++) {
    const from = (col * total) / width;
    const to = ((col + 1) * total) / width;
    if (figures.evictions.some((e) => e.atMs >= from && e.atMs < to)) {
      columns.push('✕');
      continue;
    }
    const saved = figures.checkpoints.filter((c) => c.committedAtMs < to).length;
    columns.push(SPARKS[Math.round((saved / maxCheckpoints) * (SPARKS.length - 1))]);
  }
  return columns.join('');
}

export function ms(value: number | undefined): string {
  return value === undefined ? '-' : value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;
}

export function seconds(value: number | undefined): string {
  if (value === undefined) return '-';
  if (value >= 3600) return `${(value / 3600).toFixed(1)} h`;
  if (value >= 60) return `${(value / 60).toFixed(1)} min`;
  return `${value.toFixed(1)} s`;
}

function bytes(value: number | undefined): string {
  if (value === undefined) return '-';
  if (value >= 1024 * 1024) return `${(value / 1024 / 1024).toFixed(1)} MiB`;
  if (value >= 1024) return `${(value / 1024).toFixed(1)} KiB`;
  return `${value} B`;
}

/** The report as a person reads it. */
export function formatReport(report: CheckpointTestReport): string {
  const out: string[] = [`tinycondor test-checkpointing ${report.submitFile} (seed ${report.seed})`, '', formatLint(report.submitFile, report.lint)];
  for (const run of report.runs) {
    const f = run.figures;
    const what = run.eviction ? describeEviction(run.eviction) : 'undisturbed (reference)';
    out.push(`${run.pass ? 'PASS' : 'FAIL'}  ${run.name}: ${what}  [job ${run.jobId}, ${ms(f.wallMs)}, ${f.executions} execution(s), ${f.checkpoints.length} checkpoint(s)]`);
    out.push(`      progress ${progressChart(f)}`);
    for (const c of f.checkpoints) {
      const overhead = c.overheadMs === undefined ? '' : `, exit to restart ${ms(c.overheadMs)}`;
      out.push(`      checkpoint ${c.number} at ${ms(c.committedAtMs)}: ${bytes(c.bytes)} in ${c.files} file(s), upload+commit ${ms(c.uploadMs)}${overhead}`);
    }
    for (const e of f.evictions) out.push(`      eviction at ${ms(e.atMs)}: work lost ${ms(e.badputMs)}, restart took ${ms(e.restartMs)}`);
    if (run.grace) out.push(`      grace: ${run.grace.message}`);
    for (const d of run.diagnoses) out.push(`      ${d.code}: ${d.message}`, `        -> ${d.advice}`);
    out.push('');
  }
  const s = report.summary;
  out.push(
    `checkpoints: ${s.checkpoints}, median size ${bytes(s.medianCheckpointBytes)}, median upload+commit ${ms(s.medianUploadMs)}, ` +
      `median cost (exit to restart) ${ms(s.medianCheckpointMs)}; ` +
      `restart after eviction: median ${ms(s.medianRestartMs)}; work lost over all evictions: ${ms(s.totalBadputMs)}`,
  );
  if (s.youngIntervalSeconds === undefined) {
    out.push('the job never checkpointed: every eviction loses all its work (see checkpoint_exit_code in the submit file)');
  } else {
    out.push(
      `checkpoint interval: the job checkpoints every ${seconds(s.observedIntervalSeconds)}; for an MTBF of ${seconds(report.mtbfSeconds)} ` +
        `the optimum is ${seconds(s.dalyIntervalSeconds)} (Daly; Young ${seconds(s.youngIntervalSeconds)})`,
    );
  }
  const failedRuns = report.runs.filter((r) => !r.pass).length;
  out.push(failedRuns === 0 ? `all ${report.runs.length} runs match the reference` : `${failedRuns} of ${report.runs.length} runs FAILED`);
  return `${out.join('\n')}\n`;
}
