import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { appendedLogLines, binDir, startPool, until, wallMs } from './pool.js';

/**
 * `npm run stress [-- N]` (or STRESS_JOBS=N): N trivial jobs (default 100 000) whose executable, a copy
 * of /bin/true, is transferred into each sandbox, on 2 startds × 2 slots. Every slot writes an
 * executable while the others start theirs, so a descriptor of a file being written that reached another
 * slot's child makes an exec fail with ETXTBSY and holds the job (issue 18, item 1). Prints the holds
 * (there must be none) and the rate; exits 1 when a job was held.
 */
const DEFAULT_JOBS = 100_000;

function jobCount(args: string[]): number {
  const text = args[0] ?? process.env.STRESS_JOBS ?? String(DEFAULT_JOBS);
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`stress: the number of jobs must be a positive integer, got '${text}'`);
  return n;
}

interface LogTally {
  terminated: number;
  held: number;
  holdReasons: string[];
}

/** Counts terminated (005) and held (012, with the reason on its next line) events as the log grows. */
function logTally(logFile: string): () => LogTally {
  const tally: LogTally = { terminated: 0, held: 0, holdReasons: [] };
  const appended = appendedLogLines(logFile);
  let afterHold = false;
  return () => {
    for (const line of appended()) {
      if (afterHold) tally.holdReasons.push(line.trim());
      afterHold = line.startsWith('012 (');
      if (line.startsWith('005 (')) tally.terminated += 1;
      if (afterHold) tally.held += 1;
    }
    return tally;
  };
}

async function main(args: string[]): Promise<number> {
  const jobs = jobCount(args);
  const pool = await startPool({ startds: 2, cpus: 2 });
  try {
    fs.copyFileSync('/bin/true', path.join(pool.dir, 'true'));
    fs.chmodSync(path.join(pool.dir, 'true'), 0o755);
    const logFile = path.join(pool.dir, 'stress.log');
    fs.writeFileSync(
      path.join(pool.dir, 'stress.sub'),
      `executable = true\ntransfer_executable = true\nshould_transfer_files = YES\nwhen_to_transfer_output = ON_EXIT\nlog = stress.log\nqueue ${jobs}\n`,
    );
    const tally = logTally(logFile);
    process.stdout.write(`stress: ${jobs} jobs with a transferred copy of /bin/true on 2 startds × 2 slots\n`);
    const t0 = wallMs();
    const submit = spawn(path.join(binDir, 'condor_submit.js'), ['stress.sub'], { stdio: ['ignore', 'ignore', 'inherit'], env: pool.env, cwd: pool.dir });
    let reported = 0;
    await until(
      'every job to terminate or be held',
      () => {
        const now = tally();
        const done = now.terminated + now.held;
        if (done - reported >= 10_000) {
          reported = done;
          process.stdout.write(`  ${done} done (${now.held} held), ${(done / ((wallMs() - t0) / 1000)).toFixed(0)} jobs/s\n`);
        }
        return done >= jobs ? true : undefined;
      },
      Math.max(600_000, jobs * 100),
      200,
    );
    const seconds = (wallMs() - t0) / 1000;
    if (submit.exitCode === null) await new Promise((resolve) => submit.once('exit', resolve));
    const { terminated, held, holdReasons } = tally();
    process.stdout.write(`  terminated: ${terminated}\n  held:       ${held}\n  rate:       ${(jobs / seconds).toFixed(1)} jobs/s (${seconds.toFixed(1)} s, submit included)\n`);
    for (const reason of [...new Set(holdReasons)].slice(0, 10)) process.stdout.write(`  hold reason: ${reason}\n`);
    return held === 0 && submit.exitCode === 0 ? 0 : 1;
  } finally {
    await pool.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(2);
  },
);
