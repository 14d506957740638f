// condor_watch_q as HTCondor's (src/condor_scripts/condor_watch_q.in): follows the event logs of the
// user's jobs, found from their UserLog in the schedd, and prints its table without a terminal (no
// refresh: each frame appended, ending "...") until an -exit condition holds, exiting with its status.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { binCommand, startPool, waitForEvents, type TestPool } from './helpers/pool.js';

/** Starts condor_watch_q (stdout a pipe, not a terminal); `seen` resolves once its output matches. */
function watchQ(pool: TestPool, args: string[]) {
  const [command, commandArgs] = binCommand('condor_watch_q.js', args);
  const child = spawn(command, commandArgs, { cwd: pool.dir, env: pool.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    for (const w of waiters.filter((w) => w.pattern.test(stdout))) w.resolve();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  void exited.then(() => clearTimeout(timer));
  const seen = (pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      if (pattern.test(stdout)) return resolve();
      waiters.push({ pattern, resolve });
      void exited.then(() => reject(new Error(`condor_watch_q exited before printing ${pattern}:\n${stdout}\n${stderr}`)));
    });
  return { child, exited, seen };
}

/** The last frame printed: from the last header line to the end. */
function lastFrame(stdout: string, key = 'BATCH'): string {
  return stdout.slice(stdout.lastIndexOf(`${key} `));
}

t.test('-exit all,done: the user\'s jobs, from their log, until all are done; exit 0', async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 2 });
  fs.writeFileSync(path.join(pool.dir, 'job.sub'), 'executable = /bin/true\nlog = watch.log\nbatch_name = nightly\nhold = true\nqueue 3\n');
  t.equal((await pool.run('condor_submit', ['job.sub'])).code, 0);
  const watch = watchQ(pool, ['-exit', 'all,done']);
  // The jobs wait on hold until condor_watch_q has found them in the queue and drawn them.
  await watch.seen(/^nightly .*1\.0 \.\.\. 1\.2/m);
  t.equal((await pool.run('condor_release', ['1'])).code, 0);
  const result = await watch.exited;
  t.equal(result.code, 0, result.stderr);
  const frame = lastFrame(result.stdout);
  const lines = frame.split('\n');
  t.match(lines[0], /^BATCH\s+IDLE\s+RUN\s+DONE\s+TOTAL\s+JOB_IDS$/, 'the columns (no OWNER: the original has none)');
  t.match(lines[1], /^nightly\s+-\s+-\s+3\s+3\s+\[#+\]$/, 'all three done, no active job ids, a full row bar');
  t.match(frame, /\nTotal Progress: \[#{62}\]\n\nTotal: 3 jobs; 3 completed\n\nUpdated at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\n\.\.\.\nExiting with code 0 because of condition "all done" at /);
  t.notMatch(result.stdout, /\x1b/, 'no colour and no cursor movement without a terminal');
  t.match(result.stdout, /\n\.\.\.\n/, 'frames appended, each ending "..."');
});

t.test('-exit any,held with a status; -clusters; -groupby cluster; no jobs; refused options', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  fs.writeFileSync(path.join(pool.dir, 'done.sub'), 'executable = /bin/true\nlog = done.log\nqueue\n');
  fs.writeFileSync(path.join(pool.dir, 'sleep.sub'), 'executable = /bin/sleep\narguments = 300\nlog = sleep.log\nqueue\n');
  t.equal((await pool.run('condor_submit', ['done.sub'])).code, 0);
  await waitForEvents(path.join(pool.dir, 'done.log'), (ev) => ev.some((e) => e.code === 5));
  t.equal((await pool.run('condor_submit', ['sleep.sub'])).code, 0);
  t.equal((await pool.run('condor_hold', ['2'])).code, 0);
  await waitForEvents(path.join(pool.dir, 'sleep.log'), (ev) => ev.some((e) => e.code === 12));

  const held = watchQ(pool, ['-clusters', '2', '-exit', 'any,held,3', '-groupby', 'cluster', '-no-progress']);
  const result = await held.exited;
  t.equal(result.code, 3, result.stderr);
  const frame = lastFrame(result.stdout, 'CLUSTER');
  t.match(frame.split('\n')[0], /^CLUSTER\s+HELD\s+IDLE\s+RUN\s+DONE\s+TOTAL\s+JOB_IDS$/);
  t.match(frame.split('\n')[1], /^2\s+1\s+-\s+-\s+-\s+1\s+2\.0\s+\[!+\]$/);
  t.notMatch(frame, /Total Progress/, '-no-progress');
  t.match(frame, /Exiting with code 3 because of condition "any held" at /);

  // -files: the log of a job that has left the queue, read as it stands.
  const files = watchQ(pool, ['-files', 'done.log', '-exit', 'all,done', '-no-table', '-no-updated-at']);
  const fromFile = await files.exited;
  t.equal(fromFile.code, 0);
  t.match(fromFile.stdout, /^Total Progress: \[#+\]\n\nTotal: 1 jobs; 1 completed\n\.\.\.\nExiting with code 0 because of condition "all done"/);

  const nothing = watchQ(pool, ['-batches', 'no-such-batch']);
  const none = await nothing.exited;
  t.same([none.code, none.stdout, none.stderr], [0, '', 'WARNING: No jobs found, exiting...\n']);

  const refused = await pool.run('condor_watch_q', ['-schedd', 'other']);
  t.same([refused.code, refused.stderr], [1, 'condor_watch_q: -schedd is not supported by tinycondor: it has one schedd, the one CONDOR_CONFIG names\n']);
  const hint = await pool.run('condor_watch_q', ['12']);
  t.equal(hint.code, 1);
  t.match(hint.stderr, /condor_watch_q: error: argument 12: to track specific cluster IDs, try -clusters 12/);
  t.equal((await pool.run('condor_rm', ['2'])).code, 0);
});
