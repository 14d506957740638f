import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '@tinycondor/transfer/atomic-write';
import { CliError, type Command } from '../cli-error.js';
import { DEFAULT_PROGRESS } from '../checkpoint-test/compare.js';
import type { CheckpointTestOptions } from '../checkpoint-test/driver.js';
import { parseDuration } from '../checkpoint-test/interval.js';
import { EVICTION_KINDS, type EvictionKind } from '../checkpoint-test/plan.js';
import { formatHtml } from '../checkpoint-test/html.js';
import { formatLint, lintSubmit, type LintFinding } from '../checkpoint-test/lint.js';
import { formatReport } from '../checkpoint-test/report.js';

export const TEST_CHECKPOINTING_USAGE = `  tinycondor test-checkpointing job.sub [--evictions N] [--kill-startd] [--seed S] [--compare CMD]
                    [--mtbf 4h] [--json report.json] [--html report.html] [--moments running,after-checkpoint,during-upload]
                    [--progress REGEX] [--pool] [--timeout SECONDS] [--keep]
  tinycondor test-checkpointing job.sub --lint`;

function usage(message: string): CliError {
  return new CliError(`tinycondor test-checkpointing: ${message}\nUsage:\n${TEST_CHECKPOINTING_USAGE}`, 2);
}

function integer(name: string, text: string, min: number): number {
  if (!/^[0-9]{1,9}$/.test(text) || Number(text) < min) throw usage(`--${name} must be an integer >= ${min}, got '${text}'`);
  return Number(text);
}

interface ParsedArgs {
  options: CheckpointTestOptions;
  json: string | undefined;
  html: string | undefined;
  keep: boolean;
  /** Only the static checks, no runs. */
  lintOnly: boolean;
}

export function parseTestCheckpointingArgs(args: string[], defaultSeed: number): ParsedArgs {
  const options: CheckpointTestOptions = {
    submitFile: '',
    evictions: 3,
    method: 'vacate',
    moments: [...EVICTION_KINDS],
    seed: defaultSeed,
    compare: undefined,
    mtbfSeconds: 4 * 3600,
    progress: DEFAULT_PROGRESS,
    existingPool: false,
    timeoutSeconds: 600,
    lint: [],
  };
  let json: string | undefined;
  let html: string | undefined;
  let keep = false;
  let lintOnly = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = (): string => {
      const next = args[++i];
      if (next === undefined) throw usage(`${arg} needs a value`);
      return next;
    };
    switch (arg) {
      case '--evictions':
        options.evictions = integer('evictions', value(), 0);
        break;
      case '--kill-startd':
        options.method = 'kill-startd';
        break;
      case '--seed':
        options.seed = integer('seed', value(), 0);
        break;
      case '--compare':
        options.compare = value();
        break;
      case '--mtbf': {
        const text = value();
        const seconds = parseDuration(text);
        if (seconds === undefined) throw usage(`--mtbf must be a duration such as 4h, 30m or 90s, got '${text}'`);
        options.mtbfSeconds = seconds;
        break;
      }
      case '--moments': {
        const moments = value().split(',');
        const unknown = moments.find((m) => !EVICTION_KINDS.includes(m as EvictionKind));
        if (unknown !== undefined) throw usage(`--moments: '${unknown}' is not one of ${EVICTION_KINDS.join(', ')}`);
        options.moments = moments as EvictionKind[];
        break;
      }
      case '--json':
        json = value();
        break;
      case '--html':
        html = value();
        break;
      case '--progress': {
        const text = value();
        try {
          options.progress = new RegExp(text);
        } catch (err) {
          throw usage(`--progress: ${(err as Error).message}`);
        }
        break;
      }
      case '--pool':
        options.existingPool = true;
        break;
      case '--timeout':
        options.timeoutSeconds = integer('timeout', value(), 1);
        break;
      case '--keep':
        keep = true;
        break;
      case '--lint':
        lintOnly = true;
        break;
      default:
        if (arg.startsWith('-') || options.submitFile !== '') throw usage(`unexpected argument '${arg}'`);
        options.submitFile = arg;
    }
  }
  if (options.submitFile === '') throw usage('a submit file is needed');
  return { options, json, html, keep, lintOnly };
}

/** `tinycondor test-checkpointing`: exit 0 when every run matches the reference, 1 when one does not. */
/** Scripts larger than this are not read for the static checks (a binary executable, say). */
const MAX_SCRIPT_BYTES = 1024 * 1024;

/** The executable's text when it is a script in reach, for the static checks. */
function readScript(submitDir: string, executable: string | undefined): string | undefined {
  if (executable === undefined || executable.includes('$(')) return undefined;
  try {
    const file = path.resolve(submitDir, executable);
    if (fs.statSync(file).size > MAX_SCRIPT_BYTES) return undefined;
    const text = fs.readFileSync(file);
    return text.includes(0) ? undefined : text.toString('utf8');
  } catch {
    return undefined;
  }
}

/** The static checks of the submit file (and its script), or a clear error naming the file and line. */
function lintFile(cwd: string, submitFile: string): LintFinding[] {
  const submitPath = path.resolve(cwd, submitFile);
  if (!fs.existsSync(submitPath)) throw new CliError(`tinycondor test-checkpointing: no submit file ${submitPath}`);
  let text: string;
  try {
    text = fs.readFileSync(submitPath, 'utf8');
  } catch (err) {
    throw new CliError(`tinycondor test-checkpointing: cannot read submit file ${submitPath}: ${(err as Error).message}`);
  }
  const executable = /^\s*executable\s*=\s*(.*?)\s*$/im.exec(text)?.[1];
  try {
    return lintSubmit(text, submitFile, readScript(path.dirname(submitPath), executable));
  } catch (err) {
    throw new CliError(`tinycondor test-checkpointing: ${(err as Error).message}`);
  }
}

export const testCheckpointingCommand: Command = async (args, io) => {
  const { options, json, html, keep, lintOnly } = parseTestCheckpointingArgs(args, Date.now() % 1_000_000);
  options.lint = lintFile(io.cwd, options.submitFile);
  if (lintOnly) {
    io.stdout(formatLint(options.submitFile, options.lint));
    return options.lint.some((f) => f.severity === 'error') ? 1 : 0;
  }
  // The driver brings the whole schedd; loaded only here, so that other tinycondor commands start fast.
  const { testCheckpointing } = await import('../checkpoint-test/driver.js');
  const { report, workDir } = await testCheckpointing(options, io);
  io.stdout(formatReport(report));
  if (json) writeFileAtomic(path.resolve(io.cwd, json), `${JSON.stringify(report, null, 2)}\n`, 0o644);
  if (html) writeFileAtomic(path.resolve(io.cwd, html), formatHtml(report), 0o644);
  if (keep || !report.pass) io.stdout(`runs kept in ${workDir}\n`);
  else fs.rmSync(workDir, { recursive: true, force: true });
  return report.pass ? 0 : 1;
};
