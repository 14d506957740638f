// `tinycondor test-checkpointing` on a correct job: every run passes, with vacates and with SIGKILLed
// startds, and the report's figures agree with each run's event log.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { parseEventLog, type ParsedEvent } from '@tinycondor/shared/eventlog/index';
import { testCheckpointing, type ReportRun } from './helpers/test-checkpointing.js';

const seconds = (ms: number) => Math.floor(ms / 1000);

/** The report's figures against the run's own event log (one-second resolution). */
function checkAgainstEventLog(t: Test, run: ReportRun): void {
  const events = parseEventLog(fs.readFileSync(path.join(run.directory, 'job.log'), 'utf8')).events;
  const at = (e: ParsedEvent) => e.time.getTime() / 1000;
  const executes = events.filter((e) => e.code === 1);
  const terminated = events.find((e) => e.code === 5);
  t.equal(run.figures.executions, executes.length, `${run.name}: executions = 001 events`);
  t.equal(run.figures.evictions.length, events.filter((e) => e.code === 4).length, `${run.name}: evictions = 004 events`);
  const start = run.figures.startedAt as number;
  t.equal(seconds(start), at(executes[0]), `${run.name}: the figures start at the first 001`);
  t.equal(seconds(start + run.figures.wallMs), terminated && at(terminated), `${run.name}: and end at the 005`);
  // After the input pair, each 040 output pair is a checkpoint, but for the last (the final output).
  const outputsFinished = events.filter((e) => e.code === 40 && e.lines[0] === 'Finished transferring output files');
  const checkpointEvents = outputsFinished.slice(0, -1);
  t.equal(run.figures.checkpoints.length, checkpointEvents.length, `${run.name}: checkpoints = 040 output pairs before the final one`);
  t.same(
    run.figures.checkpoints.map((c) => seconds(start + c.committedAtMs)),
    checkpointEvents.map(at),
    `${run.name}: each checkpoint at the second of its 040 "Finished transferring output files"`,
  );
}

t.test('a correct job passes every run; the figures agree with the event logs', async (t) => {
  const { result, report } = await testCheckpointing(t, 'correct', ['--evictions', '3', '--seed', '11', '--mtbf', '1h']);
  t.equal(result.code, 0, result.stdout);
  t.equal(report.pass, true);
  t.same(report.runs.map((r) => [r.name, r.eviction?.kind, r.pass]), [
    ['reference', undefined, true],
    ['run 1', 'running', true],
    ['run 2', 'after-checkpoint', true],
    ['run 3', 'during-upload', true],
  ]);
  t.same(report.runs[0].figures.checkpoints.map((c) => c.number), [0, 1], 'the reference checkpointed twice');
  t.ok(report.runs[0].figures.checkpoints.every((c) => c.bytes > 0 && c.files === 3), 'state.txt plus stdout and stderr');
  t.ok(
    report.runs[0].figures.checkpoints.every((c) => c.overheadMs !== undefined && c.overheadMs >= c.uploadMs),
    'a checkpoint costs the job at least its upload: from exit to restart',
  );
  for (const run of report.runs) checkAgainstEventLog(t, run);
  for (const run of report.runs.slice(1)) {
    t.equal(run.figures.evictions.length, 1, `${run.name}: evicted once`);
    const [eviction] = run.figures.evictions;
    t.ok(eviction.badputMs >= 0 && eviction.badputMs <= eviction.atMs, `${run.name}: badput ${eviction.badputMs} ms within the run so far`);
    t.ok((eviction.restartMs ?? -1) >= 0, `${run.name}: restart measured`);
  }
  t.equal(report.runs[2].figures.evictions[0].badputMs <= 50, true, 'evicted right after a checkpoint: (almost) nothing lost');
  const summary = report.summary;
  t.equal(summary.checkpoints, report.runs.reduce((n, r) => n + r.figures.checkpoints.length, 0));
  t.equal(summary.youngIntervalSeconds, Math.sqrt(2 * (Math.max(summary.medianCheckpointMs as number, 1) / 1000) * 3600), 'Young from the measured cost and --mtbf');
  t.match(result.stdout, /^PASS {2}run 2: vacate right after checkpoint \d/m);
  t.match(result.stdout, /^ {6}progress [▁▂▃▄▅▆▇█✕]{40}$/m);
  t.match(result.stdout, /the optimum is [\d.]+ s \(Daly; Young [\d.]+ s\)/);
  t.match(result.stdout, /all 4 runs match the reference\n/);

  const again = await testCheckpointing(t, 'correct', ['--evictions', '3', '--seed', '11', '--moments', 'after-checkpoint,during-upload']);
  t.same(again.report.runs.map((r) => r.eviction?.kind), [undefined, 'after-checkpoint', 'during-upload', 'after-checkpoint'], '--moments picks the moments');
});

t.test('--kill-startd: the startd is SIGKILLed at each moment and the job still matches', async (t) => {
  const { result, report } = await testCheckpointing(t, 'correct', ['--evictions', '2', '--seed', '3', '--kill-startd', '--moments', 'after-checkpoint,during-upload']);
  t.equal(result.code, 0, result.stdout);
  t.same(report.runs.map((r) => [r.eviction?.method, r.pass]), [[undefined, true], ['kill-startd', true], ['kill-startd', true]]);
  for (const run of report.runs) checkAgainstEventLog(t, run);
  t.match(result.stdout, /SIGKILL of the startd during the upload of checkpoint \d/);
});

t.test('--lint alone: the static checks, each naming its submit line, and no run', async (t) => {
  const { runCommand } = await import('./helpers/pool.js');
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'checkpoint-defects', 'signal-never-comes');
  const lint = await runCommand('tinycondor', ['test-checkpointing', 'job.sub', '--lint'], process.env, dir);
  t.equal(lint.code, 1, 'an error-level finding');
  t.match(lint.stdout, /^static checks of job\.sub: 1 finding\(s\)\n {2}job\.sub:4: error signal-only-checkpoint: the executable exits 85 only from a signal handler, and when_to_transfer_output is ON_EXIT\n {4}-> HTCondor sends no signal before a checkpoint/);
  const clean = await runCommand('tinycondor', ['test-checkpointing', 'job.sub', '--lint'], process.env, path.join(dir, '..', 'restart-identical-output'));
  t.same([clean.code, clean.stdout], [0, 'static checks of job.sub: nothing found\n']);
  const broken = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tc-lint-')), 'bad.sub');
  t.teardown(() => fs.rmSync(path.dirname(broken), { recursive: true, force: true }));
  fs.writeFileSync(broken, 'executable = a.sh\nthis is not a command\nqueue\n');
  const bad = await runCommand('tinycondor', ['test-checkpointing', broken, '--lint'], process.env, process.cwd());
  t.equal(bad.code, 1);
  t.match(bad.stderr, /bad\.sub:2: syntax error/);
});

t.test('bad arguments get a usage error', async (t) => {
  const { runCommand } = await import('./helpers/pool.js');
  const bad = await runCommand('tinycondor', ['test-checkpointing', 'job.sub', '--evictions', 'many'], process.env, process.cwd());
  t.equal(bad.code, 2);
  t.match(bad.stderr, /^tinycondor test-checkpointing: --evictions must be an integer >= 0, got 'many'/);
  const moments = await runCommand('tinycondor', ['test-checkpointing', 'job.sub', '--moments', 'never'], process.env, process.cwd());
  t.match(moments.stderr, /--moments: 'never' is not one of running, after-checkpoint, during-upload/);
  const missing = await runCommand('tinycondor', ['test-checkpointing', '/nonexistent/job.sub'], process.env, process.cwd());
  t.equal(missing.code, 1);
  t.match(missing.stderr, /no submit file \/nonexistent\/job\.sub/);
});

t.test('run as people do, in the job directory with the report redirected into it: a correct job passes', async (t) => {
  const { result, report, submitDir } = await testCheckpointing(t, 'correct', ['--evictions', '2', '--seed', '5', '--moments', 'running,after-checkpoint', '--html', 'report.html'], {}, { reportInJobDir: true });
  t.equal(result.code, 0, result.stdout);
  t.same(report.runs.map((r) => [r.name, r.diagnoses]), [['reference', []], ['run 1', []], ['run 2', []]], 'report.txt, being written, is no output of the job');
  t.match(fs.readFileSync(path.join(submitDir, 'report.txt'), 'utf8'), /^test-checkpointing: reference run\n[^]*all 3 runs match the reference\n/);
  const html = fs.readFileSync(path.join(submitDir, 'report.html'), 'utf8');
  t.match(html, /^<!DOCTYPE html>[^]*all 3 runs match the reference/, '--html writes the report as a page, also into the job directory');
  t.equal(html.match(/<svg /g)?.length, 3, 'a timeline per run');
});
