// condor_vacate_job, condor_hold and condor_release around self-checkpointing jobs: the manual's
// debugging recipe verbatim, holds of running jobs, output rolled back to the checkpoint, and
// ON_EXIT_OR_EVICT transfers, with HTCondor's messages, events, SPOOL contents and attributes.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import t, { type Test } from 'tap';
import {
  COUNTING_OUTPUT,
  INPUT_PAIR,
  OUTPUT_PAIR,
  countingScript,
  hookRecords,
  jobAttr,
  jobAttrs,
  jobSpoolDir,
  listTree,
  makeHooks,
  pauseAt,
  processGone,
  transferLines,
  waitForHook,
  type Hooks,
} from './helpers/checkpoint-jobs.js';
import { codes, eventually, startPool, waitForEvents, writeExecutable, type TestPool } from './helpers/pool.js';
import { seedSubmit, variantOf } from './helpers/seeds.js';

const USER = os.userInfo().username;

/** 001's example.submit, verbatim. */
const EXAMPLE_SUBMIT = seedSubmit('example.submit');

/** What the example printed by the time it waits at "Computing timestamp 4" after its first checkpoint. */
const OUTPUT_AT_4 = 'Starting from 0\nComputing timestamp 0\nComputing timestamp 1\nComputing timestamp 2\nStarting from 3\nComputing timestamp 3\nComputing timestamp 4\n';
/** stdout as of the first checkpoint (value 3). */
const OUTPUT_AT_CHECKPOINT_3 = 'Starting from 0\nComputing timestamp 0\nComputing timestamp 1\nComputing timestamp 2\n';

interface Example {
  pool: TestPool;
  hooks: Hooks;
  logFile: string;
}

/** Submits 001's example as job 1.0, to wait at step 4 (after its first checkpoint) until the test lets it go. */
async function submitExample(t: Test, script = countingScript, submitText = EXAMPLE_SUBMIT): Promise<Example> {
  const pool = await startPool(t, { startds: 2, cpus: 1 });
  const hooks = makeHooks(pool);
  writeExecutable(path.join(pool.dir, 'example.py'), script(hooks, 'example.checkpoint', 'sys.exit(85)'));
  fs.writeFileSync(path.join(pool.dir, 'example.submit'), submitText);
  pauseAt(hooks, 4);
  const submitted = await pool.run('condor_submit', ['example.submit']);
  t.equal(submitted.stdout, 'Submitting job(s).\n1 job(s) submitted to cluster 1.\n', submitted.stderr);
  return { pool, hooks, logFile: path.join(pool.dir, 'example.log') };
}

async function expectCommand(t: Test, pool: TestPool, command: string, args: string[], expected: { stdout?: string; stderr?: string; code: number }): Promise<void> {
  const result = await pool.run(command, args);
  t.same({ stdout: result.stdout, stderr: result.stderr, code: result.code }, { stdout: '', stderr: '', ...expected }, `${command} ${args.join(' ')}`);
}

async function expectFinishedExample(t: Test, ex: Example, sequence: number[], history: Record<string, string>): Promise<void> {
  const events = await waitForEvents(ex.logFile, (ev) => ev.some((e) => e.code === 5));
  t.same(codes(events, 1, 0), sequence, 'event sequence');
  t.equal(events.find((e) => e.code === 5)?.lines[1], '\t(1) Normal termination (return value 0)');
  t.equal(fs.readFileSync(path.join(ex.pool.dir, 'example.out'), 'utf8'), COUNTING_OUTPUT, 'as if never interrupted');
  t.equal(fs.readFileSync(path.join(ex.pool.dir, 'example.checkpoint'), 'utf8'), '10');
  const attrs = await jobAttrs(ex.pool, 'condor_history', '1.0', [...Object.keys(history), 'CommittedTime']);
  t.same({ ...attrs, CommittedTime: undefined }, { ...history, CommittedTime: undefined }, 'history attributes');
  t.ok(Number(attrs.CommittedTime) > 0, `CommittedTime > 0 (${attrs.CommittedTime})`);
  t.same(listTree(path.dirname(path.dirname(await jobSpoolDir(ex.pool, 1, 0)))), [], 'the SPOOL directory of the finished job is removed');
}

t.test("the manual's debugging recipe: vacate, wait for the eviction, hold, copy SPOOL, release", async (t) => {
  const ex = await submitExample(t);
  const { pool, hooks } = ex;
  await waitForHook(hooks, 'paused', 1);

  // A busy pool: a higher-priority job is waiting, so the vacated slot goes to it and 1.0 stays Idle.
  writeExecutable(path.join(pool.dir, 'busy.sh'), '#!/bin/bash\nexec sleep 300\n');
  fs.writeFileSync(path.join(pool.dir, 'busy.submit'), 'executable = busy.sh\npriority = 10\nlog = busy.log\nqueue 2\n');
  t.equal((await pool.run('condor_submit', ['busy.submit'])).code, 0);
  const busyLog = path.join(pool.dir, 'busy.log');
  await waitForEvents(busyLog, (ev) => ev.some((e) => e.code === 1));

  const running = await jobAttrs(pool, 'condor_q', '1.0', ['JobStatus', 'CheckpointNumber', 'NumCkpts', 'NumJobStarts', 'CommittedTime']);
  t.same({ ...running, CommittedTime: undefined }, { JobStatus: '2', CheckpointNumber: '0', NumCkpts: '1', NumJobStarts: '1', CommittedTime: undefined }, 'running after its first checkpoint');
  await expectCommand(t, pool, 'condor_vacate_job', ['1.0'], { stdout: 'Job 1.0 vacated\n', code: 0 });
  // "Wait for the job to finish being evicted; hit CTRL-C when you see 'Job was evicted.'"
  const evictedEvents = await waitForEvents(ex.logFile, (ev) => ev.some((e) => e.code === 4));
  const evicted = evictedEvents.find((e) => e.code === 4);
  t.equal(evicted?.lines[0], 'Job was evicted. Code 1022 Subcode 0');
  t.equal(evicted?.lines[1], '\t(0) CPU times');
  t.ok(evicted?.lines.includes('\tReason: Job vacated by schedd'), evicted?.text ?? 'no 004');
  await waitForEvents(busyLog, (ev) => codes(ev, 2, 1).includes(1));
  t.equal(await jobAttr(pool, 'condor_q', '1.0', 'JobStatus'), '1', 'evicted: Idle');
  await expectCommand(t, pool, 'condor_vacate_job', ['1.0'], { stderr: '\nJob 1.0 not running to be vacated\n', code: 1 });

  await expectCommand(t, pool, 'condor_hold', ['1.0'], { stdout: 'Job 1.0 held\n', code: 0 });
  const heldEvents = await waitForEvents(ex.logFile, (ev) => ev.some((e) => e.code === 12));
  t.same(heldEvents.find((e) => e.code === 12)?.lines, ['Job was held.', `\tvia condor_hold (by user ${USER})`, '\tCode 1 Subcode 0']);
  t.same(codes(heldEvents, 1, 0), [0, 40, 40, 1, 40, 40, 4, 12], 'no restart between the eviction and the hold');
  t.same(
    await jobAttrs(pool, 'condor_q', '1.0', ['JobStatus', 'HoldReasonCode', 'HoldReasonSubCode', 'CheckpointNumber', 'NumCkpts', 'NumJobStarts', 'CommittedTime', 'HoldReason']),
    {
      JobStatus: '5',
      HoldReasonCode: '1',
      HoldReasonSubCode: '0',
      CheckpointNumber: '0',
      NumCkpts: '1',
      NumJobStarts: '1',
      CommittedTime: running.CommittedTime, // the evicted run added nothing
      HoldReason: `via condor_hold (by user ${USER})`,
    },
  );
  const held = await pool.run('condor_q', ['-hold']);
  t.match(held.stdout, new RegExp(String.raw` ID +OWNER +HELD_SINCE  CODE/SUB HOLD_REASON\n +1\.0 +${USER} +\d+/\d+ +\d+:\d+    1/0   via condor_hold \(by user ${USER}\)\n`), 'condor_q -hold: when, the code and subcode, and why');
  t.equal((await pool.run('condor_q', ['-hold:13'])).stdout.includes('1.0'), false, 'a hold code the job does not have');

  // cp -a `condor_config_val SPOOL`/1/0/cluster1.proc0.subproc0 .
  const spool = (await pool.run('condor_config_val', ['SPOOL'])).stdout.trim();
  await promisify(execFile)('cp', ['-a', `${spool}/1/0/cluster1.proc0.subproc0`, '.'], { cwd: pool.dir });
  t.same(
    listTree(`${spool}/1`),
    ['0/', '0/cluster1.proc0.subproc0/', '0/cluster1.proc0.subproc0/_condor_stderr', '0/cluster1.proc0.subproc0/_condor_stdout', '0/cluster1.proc0.subproc0/example.checkpoint'],
    'no .tmp or .swap left beside the committed checkpoint',
  );
  const copy = path.join(pool.dir, 'cluster1.proc0.subproc0');
  t.same(listTree(copy), ['_condor_stderr', '_condor_stdout', 'example.checkpoint'], 'the checkpoint files, stdout and stderr under their _condor_ names');
  t.equal(fs.readFileSync(path.join(copy, 'example.checkpoint'), 'utf8'), '3', 'the last committed checkpoint, not the sandbox state (4)');
  t.equal(fs.readFileSync(path.join(copy, '_condor_stdout'), 'utf8'), OUTPUT_AT_CHECKPOINT_3);
  t.equal(fs.readFileSync(path.join(copy, '_condor_stderr'), 'utf8'), '');

  pauseAt(hooks, undefined);
  await expectCommand(t, pool, 'condor_rm', ['2'], { stdout: 'All jobs in cluster 2 have been marked for removal\n', code: 0 });
  await expectCommand(t, pool, 'condor_release', ['1.0'], { stdout: 'Job 1.0 released\n', code: 0 });
  const released = await waitForEvents(ex.logFile, (ev) => ev.some((e) => e.code === 13));
  t.same(released.find((e) => e.code === 13)?.lines, ['Job was released.', `\tvia condor_release (by user ${USER})`]);
  const restart = await waitForHook(hooks, 'start', 3);
  t.equal(restart.value, 3, 'the released job resumed from the checkpoint');

  await expectFinishedExample(t, ex, [0, 40, 40, 1, 40, 40, 4, 12, 13, 40, 40, 1, 40, 40, 40, 40, 40, 40, 5], {
    JobStatus: '4',
    ExitCode: '0',
    CheckpointNumber: '2',
    NumCkpts: '3',
    NumJobStarts: '2',
    NumHolds: '1',
  });
});

t.test('holding a running job kills it at once; release runs it again from the last checkpoint', async (t) => {
  const ex = await submitExample(t);
  const { pool, hooks } = ex;
  const paused = await waitForHook(hooks, 'paused', 1);
  await expectCommand(t, pool, 'condor_release', ['1.0'], { stderr: '\nJob 1.0 not held to be released\n', code: 1 });
  t.match((await pool.run('condor_q', ['-run'])).stdout, /HOST\(S\)\n +1\.0 +\S+ +\d+\/\d+ +\d+:\d+ +\d\+\d\d:\d\d:\d\d slot1_1@startd\d\n$/, 'condor_q -run: where it runs');

  await expectCommand(t, pool, 'condor_hold', ['1.0'], { stdout: 'Job 1.0 held\n', code: 0 });
  const held = await waitForEvents(ex.logFile, (ev) => ev.some((e) => e.code === 12));
  t.same(codes(held, 1, 0), [0, 40, 40, 1, 40, 40, 12], '012 right after the run, no 004');
  t.same(held.find((e) => e.code === 12)?.lines, ['Job was held.', `\tvia condor_hold (by user ${USER})`, '\tCode 1 Subcode 0']);
  t.equal(await processGone(paused.pid), true, 'the job process was killed');
  await eventually('the execute directory to be removed', () => (fs.existsSync(paused.cwd) ? undefined : true));
  t.same(await jobAttrs(pool, 'condor_q', '1.0', ['JobStatus', 'HoldReasonCode', 'HoldReasonSubCode', 'NumHolds', 'CheckpointNumber']), {
    JobStatus: '5',
    HoldReasonCode: '1',
    HoldReasonSubCode: '0',
    NumHolds: '1',
    CheckpointNumber: '0',
  });
  await expectCommand(t, pool, 'condor_vacate_job', ['1.0'], { stderr: '\nJob 1.0 not running to be vacated\n', code: 1 });
  await expectCommand(t, pool, 'condor_hold', ['1.0'], { stderr: '\nJob 1.0 already held\n', code: 1 });
  t.same(listTree(await jobSpoolDir(pool, 1, 0)), ['_condor_stderr', '_condor_stdout', 'example.checkpoint'], 'the checkpoint stays in SPOOL while held');

  pauseAt(hooks, undefined);
  await expectCommand(t, pool, 'condor_release', ['1.0'], { stdout: 'Job 1.0 released\n', code: 0 });
  const restart = await waitForHook(hooks, 'start', 3);
  t.equal(restart.value, 3, 'resumed from the last committed checkpoint');
  await expectFinishedExample(t, ex, [0, 40, 40, 1, 40, 40, 12, 13, 40, 40, 1, 40, 40, 40, 40, 40, 40, 5], {
    JobStatus: '4',
    ExitCode: '0',
    CheckpointNumber: '2',
    NumCkpts: '3',
    NumJobStarts: '2',
    NumHolds: '1',
    LastHoldReasonCode: '1',
    HoldReasonCode: 'undefined',
  });
});

t.test('output printed after the last checkpoint is rolled back by an eviction', async (t) => {
  const ex = await submitExample(t);
  const { pool, hooks } = ex;
  const paused = await waitForHook(hooks, 'paused', 1);
  t.equal(fs.readFileSync(path.join(paused.cwd, '_condor_stdout'), 'utf8'), OUTPUT_AT_4, 'printed in the sandbox before the eviction');
  await expectCommand(t, pool, 'condor_vacate_job', ['1.0'], { stdout: 'Job 1.0 vacated\n', code: 0 });
  const again = await waitForHook(hooks, 'paused', 2); // the next run resumes at 3 and waits at 4 again
  t.not(again.cwd, paused.cwd, 'a new sandbox');
  t.equal(
    fs.readFileSync(path.join(again.cwd, '_condor_stdout'), 'utf8'),
    OUTPUT_AT_4,
    "stdout restarted from the checkpoint's copy: what was printed after the checkpoint appears once",
  );
  pauseAt(hooks, undefined);
  await expectFinishedExample(t, ex, [0, 40, 40, 1, 40, 40, 4, 40, 40, 1, 40, 40, 40, 40, 40, 40, 5], {
    JobStatus: '4',
    ExitCode: '0',
    CheckpointNumber: '2',
    NumCkpts: '3',
    NumJobStarts: '2',
  });
  const events = await waitForEvents(ex.logFile, () => true);
  t.same(transferLines(events, 1, 0), [...INPUT_PAIR, ...OUTPUT_PAIR, ...INPUT_PAIR, ...OUTPUT_PAIR, ...OUTPUT_PAIR, ...OUTPUT_PAIR]);
});

t.test('when_to_transfer_output = ON_EXIT_OR_EVICT: files sent at the vacate are in SPOOL and come back', async (t) => {
  // 001 "Delayed Transfers": the example never exits to checkpoint; its files go back only at eviction. Its
  // stdout keeps the first run's lines only with erase_output_and_error_on_restart = false (vanilla_proc.cpp).
  const delayed = variantOf(EXAMPLE_SUBMIT, 'checkpoint_exit_code        = 85\n', 'when_to_transfer_output     = ON_EXIT_OR_EVICT\nerase_output_and_error_on_restart = false\n');
  const ex = await submitExample(t, (hooks, file) => countingScript(hooks, file, 'pass'), delayed);
  const { pool, hooks } = ex;
  const paused = await waitForHook(hooks, 'paused', 1);
  t.equal(paused.value, 4);
  t.same(hookRecords(hooks).filter((r) => r.kind === 'start').map((r) => r.value), [0], 'no checkpoint exits');
  const spoolDir = await jobSpoolDir(pool, 1, 0);
  t.same(listTree(spoolDir), [], 'nothing in SPOOL before the eviction');

  await expectCommand(t, pool, 'condor_vacate_job', ['1.0'], { stdout: 'Job 1.0 vacated\n', code: 0 });
  const again = await waitForHook(hooks, 'paused', 2); // the next run starts at 4 and waits there again
  t.not(again.cwd, paused.cwd, 'a new sandbox');
  t.same(listTree(spoolDir), ['_condor_stderr', '_condor_stdout', 'example.checkpoint'], 'SPOOL holds what was sent at the vacate');
  t.equal(fs.readFileSync(path.join(spoolDir, 'example.checkpoint'), 'utf8'), '4');
  t.equal(fs.readFileSync(path.join(spoolDir, '_condor_stdout'), 'utf8'), 'Starting from 0\nComputing timestamp 0\nComputing timestamp 1\nComputing timestamp 2\nComputing timestamp 3\nComputing timestamp 4\n');
  const restart = hookRecords(hooks).filter((r) => r.kind === 'start')[1];
  t.equal(restart.value, 4, 'the next run resumed from the file sent at the vacate');
  t.same(restart.files, ['.chirp.config', '.job.ad', '.machine.ad', '_condor_stderr', '_condor_stdout', 'example.checkpoint', 'example.py'], 'restored into the new sandbox');
  const evicted = (await waitForEvents(ex.logFile, () => true)).find((e) => e.code === 4);
  t.equal(evicted?.lines[0], 'Job was evicted. Code 1022 Subcode 0');

  pauseAt(hooks, undefined);
  const events = await waitForEvents(ex.logFile, (ev) => ev.some((e) => e.code === 5));
  t.same(codes(events, 1, 0), [0, 40, 40, 1, 40, 40, 4, 40, 40, 1, 40, 40, 5], 'output sent at the vacate (040 pair), then 004');
  t.same(transferLines(events, 1, 0), [...INPUT_PAIR, ...OUTPUT_PAIR, ...INPUT_PAIR, ...OUTPUT_PAIR]);
  t.equal(
    fs.readFileSync(path.join(pool.dir, 'example.out'), 'utf8'),
    'Starting from 0\n' + [0, 1, 2, 3, 4].map((i) => `Computing timestamp ${i}\n`).join('') + 'Starting from 4\n' + [4, 5, 6, 7, 8, 9].map((i) => `Computing timestamp ${i}\n`).join('') + 'Computation complete\n',
  );
  t.equal(fs.readFileSync(path.join(pool.dir, 'example.checkpoint'), 'utf8'), '10');
  t.same(await jobAttrs(pool, 'condor_history', '1.0', ['JobStatus', 'ExitCode', 'NumJobStarts']), { JobStatus: '4', ExitCode: '0', NumJobStarts: '2' });
});

t.test('an executable left on the execute side (transfer_executable = false) still restarts from SPOOL after a vacate', async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 1 });
  const hookDir = path.join(path.dirname(pool.dir), 'hooks-untransferred');
  fs.mkdirSync(hookDir);
  // Each start records the progress it found: none on the first, 1 after the checkpoint, 1 again from SPOOL.
  writeExecutable(
    path.join(pool.dir, 'resume.sh'),
    `#!/bin/bash
echo "$(cat progress 2>/dev/null || echo none)" >> ${hookDir}/starts
if [ ! -e progress ]; then echo 1 > progress; exit 85; fi
if [ ! -e ${hookDir}/vacated ]; then echo "$PWD" > ${hookDir}/waiting; exec sleep 600; fi
echo "resumed from $(cat progress)"
`,
  );
  fs.writeFileSync(
    path.join(pool.dir, 'resume.sub'),
    `executable = ${path.join(pool.dir, 'resume.sh')}\ntransfer_executable = false\ncheckpoint_exit_code = 85\ntransfer_checkpoint_files = progress\noutput = resume.out\nlog = resume.log\nqueue\n`,
  );
  const submitted = await pool.run('condor_submit', ['resume.sub']);
  t.equal(submitted.code, 0, submitted.stderr);
  await eventually('the restarted job to wait', () => (fs.existsSync(path.join(hookDir, 'waiting')) ? true : undefined));
  fs.writeFileSync(path.join(hookDir, 'vacated'), '');
  await expectCommand(t, pool, 'condor_vacate_job', ['1.0'], { stdout: 'Job 1.0 vacated\n', code: 0 });
  const events = await waitForEvents(path.join(pool.dir, 'resume.log'), (ev) => ev.some((e) => e.code === 5));
  t.same(codes(events, 1, 0), [0, 40, 40, 1, 40, 40, 4, 40, 40, 1, 40, 40, 5], 'the checkpoint, the vacate, the second run');
  t.equal(fs.readFileSync(path.join(hookDir, 'starts'), 'utf8'), 'none\n1\n1\n', 'the run after the vacate found the checkpoint');
  t.equal(fs.readFileSync(path.join(pool.dir, 'resume.out'), 'utf8'), 'resumed from 1\n');
});
