// Helpers for the fault-injection tests: the correct checkpointing job submitted held (so that faults can
// be armed before it runs) and the job timeline as `tinycondor fault timeline` prints it.
import fs from 'node:fs';
import path from 'node:path';
import type { Test } from 'tap';
import type { TimelineEntry } from '@tinycondor/shared/job-timeline';
import { writeCheckpointJob } from './checkpoint-defects.js';
import type { TestPool } from './pool.js';

/** job.out of the correct job (9 steps), interrupted or not. */
export const EXPECTED_OUT = ['Starting from 0', 'step 0', 'step 1', 'step 2', 'Starting from 3', 'step 3', 'step 4', 'step 5', 'Starting from 6', 'step 6', 'step 7', 'step 8', 'Computation complete', ''].join('\n');

/** Submits the correct job held, so that faults can be armed before it runs; `release` starts it. */
export async function submitCorrectJob(t: Test, pool: TestPool, name: string, nap = 0.1): Promise<{ dir: string; release(): Promise<void> }> {
  const dir = path.join(pool.dir, name);
  writeCheckpointJob(dir, 'correct', { nap });
  const submitted = await pool.run('condor_submit', ['-terse', '-append', 'hold = true', 'job.sub'], { cwd: dir });
  t.equal(submitted.code, 0, submitted.stderr);
  const id = submitted.stdout.split(' ')[0];
  return {
    dir,
    release: async () => {
      const released = await pool.run('condor_release', [id]);
      t.equal(released.code, 0, released.stderr);
    },
  };
}

export async function timeline(pool: TestPool, id: string): Promise<TimelineEntry[]> {
  const result = await pool.run('tinycondor', ['fault', 'timeline', id]);
  if (result.code !== 0) throw new Error(result.stderr);
  return result.stdout.trim().split('\n').map((line) => JSON.parse(line) as TimelineEntry);
}


/** The pids of the startd `name` that this pool's process supervises (its --parent-pid), from /proc. */
export function startdPids(pool: TestPool, name: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue;
    let args: string[];
    try {
      args = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const after = (flag: string) => args[args.indexOf(flag) + 1];
    if (args.includes('startd') && after('--name') === name && after('--parent-pid') === String(pool.process.pid)) pids.push(Number(entry));
  }
  return pids;
}
