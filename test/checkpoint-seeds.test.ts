// Every seed's self-checkpointing example, run as written (only paths and sleep lengths changed) on a
// real tinycondor pool, with what HTCondor does asserted: outputs, SPOOL, the event log, job attributes.
import fs from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import {
  COUNTING_OUTPUT,
  INPUT_PAIR,
  OUTPUT_PAIR,
  countingScript,
  hookRecords,
  jobAttrs,
  jobSpoolDir,
  listTree,
  makeHooks,
  pauseAt,
  pythonHooks,
  transferLines,
  waitForHook,
} from './helpers/checkpoint-jobs.js';
import { codes, eventually, startPool, waitForEvents, writeExecutable, type TestPool } from './helpers/pool.js';
import { seedSubmit, variantOf } from './helpers/seeds.js';

const COMPLETION_ATTRS = ['JobStatus', 'ExitCode', 'CheckpointNumber', 'NumCkpts', 'NumJobStarts', 'CommittedTime'];

async function submit(t: Test, pool: TestPool, file: string, cluster = 1, cwd = pool.dir): Promise<void> {
  const submitted = await pool.run('condor_submit', [file], { cwd });
  t.equal(submitted.stdout, `Submitting job(s).\n1 job(s) submitted to cluster ${cluster}.\n`, submitted.stderr);
}

/** Watches the SPOOL directory of job C.0 until it holds `file`, and returns its entries and `file`'s content. */
async function firstSpoolCheckpoint(pool: TestPool, cluster: number, file: string): Promise<{ entries: string[]; content: string }> {
  const dir = await jobSpoolDir(pool, cluster, 0);
  // A commit moves the entries of `.tmp` in one by one (as HTCondor's does), so a listing taken while `.tmp`
  // exists may see only some of them.
  const committing = () => fs.existsSync(`${dir}.tmp`);
  return eventually(`a checkpoint in ${dir}`, () => {
    try {
      if (committing()) return undefined;
      const entries = listTree(dir);
      if (committing()) return undefined;
      return entries.includes(file) ? { entries, content: fs.readFileSync(path.join(dir, file), 'utf8') } : undefined;
    } catch {
      return undefined; // the job finished and its SPOOL went away between the two reads
    }
  });
}

/** Jobs submitted concurrently take turns, so that their cluster ids are known. */
interface SubmitTurn {
  wait: Promise<void>;
  done: () => void;
}
const FIRST_TURN: SubmitTurn = { wait: Promise.resolve(), done: () => undefined };

/** One turn per job, in order. */
function submitTurns(count: number): SubmitTurn[] {
  const turns: SubmitTurn[] = [];
  let previous = Promise.resolve();
  for (let i = 0; i < count; i++) {
    let done = (): void => undefined;
    const next = new Promise<void>((resolve) => (done = resolve));
    turns.push({ wait: previous, done });
    previous = next;
  }
  return turns;
}

interface CountingExample {
  /** Names the variant in assertion messages, and its submit directory. */
  name: string;
  script: string;
  checkpointFile: string;
  checkpointExit: string;
  submitFile: string;
  submitText: string;
  out: string;
  err: string;
  log: string;
}

/**
 * The counting example (001 example.py / 002's 77.ckpt script) as job `cluster`.0, uninterrupted: three
 * checkpoints, each a 040 output pair with no new 001, then the final output pair and 005.
 */
async function runCountingExample(t: Test, pool: TestPool, cluster: number, ex: CountingExample, turn: SubmitTurn = FIRST_TURN): Promise<void> {
  const dir = path.join(pool.dir, ex.name);
  const hooks = makeHooks(pool, `hooks-${ex.name}`);
  fs.mkdirSync(dir);
  writeExecutable(path.join(dir, ex.script), countingScript(hooks, ex.checkpointFile, ex.checkpointExit));
  fs.writeFileSync(path.join(dir, ex.submitFile), ex.submitText);
  await turn.wait;
  try {
    await submit(t, pool, ex.submitFile, cluster, dir);
  } finally {
    turn.done();
  }
  const id = `${cluster}.0`;

  const spooled = await firstSpoolCheckpoint(pool, cluster, ex.checkpointFile);
  t.same(spooled.entries, ['_condor_stderr', '_condor_stdout', ex.checkpointFile].sort(), `${ex.name}: SPOOL holds the checkpoint and stdout/stderr, nothing else`);
  t.match(spooled.content, /^[369]$/, `${ex.name}: the spooled checkpoint is one taken at a checkpoint exit`);

  const events = await waitForEvents(path.join(dir, ex.log), (ev) => ev.some((e) => e.code === 5));
  t.same(codes(events, cluster, 0), [0, 40, 40, 1, 40, 40, 40, 40, 40, 40, 40, 40, 5], `${ex.name}: one 001; a 040 pair per checkpoint; 005`);
  t.same(transferLines(events, cluster, 0), [...INPUT_PAIR, ...OUTPUT_PAIR, ...OUTPUT_PAIR, ...OUTPUT_PAIR, ...OUTPUT_PAIR], `${ex.name}: 040 texts`);
  t.equal(events.find((e) => e.code === 5)?.lines[1], '\t(1) Normal termination (return value 0)', `${ex.name}: 005`);

  t.equal(fs.readFileSync(path.join(dir, ex.out), 'utf8'), COUNTING_OUTPUT, `${ex.name}: stdout accumulates over the in-place restarts`);
  t.equal(fs.readFileSync(path.join(dir, ex.err), 'utf8'), '', `${ex.name}: empty stderr`);
  t.equal(fs.readFileSync(path.join(dir, ex.checkpointFile), 'utf8'), '10', `${ex.name}: final checkpoint file`);
  t.same(fs.readdirSync(dir).sort(), [ex.checkpointFile, ex.err, ex.log, ex.out, ex.script, ex.submitFile].sort(), `${ex.name}: submit dir`);

  const starts = hookRecords(hooks).filter((r) => r.kind === 'start');
  t.same(starts.map((r) => r.value), [0, 3, 6, 9], `${ex.name}: the executable started four times`);
  t.equal(new Set(starts.map((r) => r.cwd)).size, 1, `${ex.name}: restarted in place, in the same sandbox`);

  const attrs = await jobAttrs(pool, 'condor_history', id, COMPLETION_ATTRS);
  t.same(
    { ...attrs, CommittedTime: undefined },
    { JobStatus: '4', ExitCode: '0', CheckpointNumber: '2', NumCkpts: '3', NumJobStarts: '1', CommittedTime: undefined },
    `${ex.name}: history attributes`,
  );
  t.ok(Number(attrs.CommittedTime) > 0, `${ex.name}: CommittedTime > 0 (${attrs.CommittedTime})`);
  t.same(listTree(await jobSpoolDir(pool, cluster, 0)), [], `${ex.name}: SPOOL of the finished job is gone`);
}

t.test('001: example.py with checkpoint_exit_code = 85, uninterrupted', async (t) => {
  const pool = await startPool(t, { startds: 2, cpus: 1 });
  await runCountingExample(t, pool, 1, {
    name: 'manual',
    script: 'example.py',
    checkpointFile: 'example.checkpoint',
    checkpointExit: 'sys.exit(85)',
    submitFile: 'example.submit',
    out: 'example.out',
    err: 'example.err',
    log: 'example.log',
    submitText: seedSubmit('example.submit'),
  });
});

const wikiExample = (name: string, promise: string, checkpointExit: string): CountingExample => ({
  name,
  script: '77.py',
  checkpointFile: '77.ckpt',
  checkpointExit,
  submitFile: '77.submit',
  out: '77-ckpt.out',
  err: '77-ckpt.err',
  log: '77-ckpt.log',
  // The wiki's submit file with the checkpoint promise in the attribute names of one version.
  submitText: variantOf(seedSubmit('77-ckpt.submit'), '+WantFTOnCheckpoint         = TRUE\n+SuccessCheckpointExitCode  = 77', promise),
});

t.test('002: the 8.8 wiki example with 8.8 and 8.6 attribute names and the signal variant', async (t) => {
  const pool = await startPool(t, { startds: 2, cpus: 1 });
  const examples = [
    wikiExample('8.8', '+WantFTOnCheckpoint         = TRUE\n+SuccessCheckpointExitCode  = 77', 'sys.exit(77)'),
    wikiExample('8.6', '+WantFTOnCheckpoint         = TRUE\n+CheckpointExitCode         = 77', 'sys.exit(77)'),
    wikiExample(
      'signal',
      '+WantFTOnCheckpoint             = TRUE\n+SuccessCheckpointExitBySignal  = TRUE\n+SuccessCheckpointExitSignal    = "SIGUSR1"',
      'os.kill(os.getpid(), signal.SIGUSR1)',
    ),
  ];
  // Submitted one after the other as clusters 1, 2 and 3; two run at once, the third when a slot frees.
  const turns = submitTurns(examples.length);
  await Promise.all(examples.map((ex, i) => runCountingExample(t, pool, i + 1, ex, turns[i])));
});

t.test('000: the campus wrapper, timeout → exit 85, science resumes from its own progress file', async (t) => {
  const pool = await startPool(t, { startds: 2, cpus: 1 });
  const hooks = makeHooks(pool);
  writeExecutable(
    path.join(pool.dir, 'exit-driven.sh'),
    `#!/bin/bash

timeout 1s ./do_science argument1 argument2

timeout_exit_status=$?

if [ $timeout_exit_status -eq 124 ]; then
    exit 85
fi

exit $timeout_exit_status
`,
  );
  writeExecutable(
    path.join(pool.dir, 'do_science'),
    `#!/usr/bin/python3 -u
import os, sys, time
${pythonHooks(hooks)}
step = int(open('progress.txt').read()) if os.path.exists('progress.txt') else 0
report('start', step)
print('science %s from step %d' % (' '.join(sys.argv[1:]), step))
while step < 8:
    nap(step)
    step += 1
    with open('progress.txt.new', 'w') as f:
        f.write('%d' % step)
    os.replace('progress.txt.new', 'progress.txt')
    print('step %d done' % step)
print('science complete')
`,
  );
  fs.writeFileSync(
    path.join(pool.dir, 'exit-driven-example.submit'),
    `# exit-driven-example.submit

executable                  = exit-driven.sh
arguments                   = argument1 argument2
transfer_input_files        = do_science

checkpoint_exit_code        = 85
should_transfer_files       = yes
when_to_transfer_output     = ON_EXIT

output                      = example.out
error                       = example.err
log                         = example.log

cpu                         = 1
request_disk                = 2 GB
request_memory              = 2 GB 

queue 1
`,
  );
  await submit(t, pool, 'exit-driven-example.submit');
  const events = await waitForEvents(path.join(pool.dir, 'example.log'), (ev) => ev.some((e) => e.code === 5 || e.code === 12));

  const sequence = codes(events, 1, 0);
  const checkpoints = (sequence.length - 7) / 2;
  t.ok(checkpoints >= 1, `at least one timeout checkpoint (${checkpoints})`);
  t.same(sequence, [0, 40, 40, 1, ...Array<number>(checkpoints * 2).fill(40), 40, 40, 5], 'no new 001 for the timeout restarts');
  const out = fs.readFileSync(path.join(pool.dir, 'example.out'), 'utf8').split('\n');
  const resumedFrom = out.filter((l) => l.startsWith('science argument')).map((l) => /from step (\d+)$/.exec(l)?.[1]);
  t.equal(resumedFrom.length, checkpoints + 1, 'science started once per checkpoint, plus the first time');
  t.equal(resumedFrom[0], '0');
  t.ok(resumedFrom.slice(1).every((s, i) => Number(s) > Number(resumedFrom[i])), `each restart resumes further on (${resumedFrom.join(', ')})`);
  t.ok(out.every((l) => l === '' || l.startsWith('science argument1 argument2 from step') || /^step \d done$/.test(l) || l === 'science complete'), out.join('|'));
  t.same(out.filter((l) => l.startsWith('step ')), ['1', '2', '3', '4', '5', '6', '7', '8'].map((s) => `step ${s} done`), 'each step computed once');
  t.equal(out.at(-2), 'science complete');
  t.equal(fs.readFileSync(path.join(pool.dir, 'progress.txt'), 'utf8'), '8', 'the progress file came back at exit');
  t.equal(fs.readFileSync(path.join(pool.dir, 'example.err'), 'utf8'), '');
  t.equal(new Set(hookRecords(hooks).map((r) => r.cwd)).size, 1, 'every restart was in the same sandbox');

  const attrs = await jobAttrs(pool, 'condor_history', '1.0', COMPLETION_ATTRS);
  t.same(
    { ...attrs, CommittedTime: undefined },
    { JobStatus: '4', ExitCode: '0', CheckpointNumber: String(checkpoints - 1), NumCkpts: String(checkpoints), NumJobStarts: '1', CommittedTime: undefined },
  );
  t.ok(Number(attrs.CommittedTime) > 0, `CommittedTime > 0 (${attrs.CommittedTime})`);
});

t.test('004: files and a directory as checkpoint, vacated, resumed in a fresh execute dir', async (t) => {
  const pool = await startPool(t, { startds: 2, cpus: 1 });
  const hooks = makeHooks(pool);
  writeExecutable(
    path.join(pool.dir, 'my_software'),
    `#!/usr/bin/python3 -u
import os, sys, time
${pythonHooks(hooks)}
def save_checkpoint(iteration):
    cp_file = open('temp_file.txt', 'w')
    cp_file.write('%d\\n' % (iteration))
    cp_file.close()
    sys.exit(85)

start, end = 0, int(open('my_input.txt').read())
if os.path.exists('temp_file.txt'):
    start = int(open('temp_file.txt').read().strip())
report('start', start)
print('Starting from %d' % start)
if not os.path.isdir('temp_dir'):
    os.mkdir('temp_dir')
for iteration in range(start, end):
    nap(iteration)
    with open('my_output.txt', 'a') as f:
        f.write('result %d\\n' % iteration)
    with open('temp_dir/%d.txt' % iteration, 'w') as f:
        f.write('state %d\\n' % iteration)
    if os.path.exists('temp_dir/%d.txt' % (iteration - 2)):
        os.remove('temp_dir/%d.txt' % (iteration - 2))
    with open('trash.txt', 'a') as f:
        f.write('trash %d\\n' % iteration)
    if (iteration + 1) % 3 == 0 and iteration + 1 < end:
        save_checkpoint(iteration + 1)
print('done')
sys.exit(0)
`,
  );
  fs.writeFileSync(path.join(pool.dir, 'my_input.txt'), '9\n');
  fs.writeFileSync(
    path.join(pool.dir, 'my_submit.sub'),
    `executable = my_software
transfer_input_files = my_input.txt
transfer_checkpoint_files = my_output.txt, temp_dir, temp_file.txt
transfer_output_files = my_output.txt

request_cpus = 1
request_memory = 1GB
request_disk = 1GB

log = zzz.log
output = zzz.out
error = zzz.err

checkpoint_exit_code = 85

queue
`,
  );
  const logFile = path.join(pool.dir, 'zzz.log');
  pauseAt(hooks, 4); // mid-way between the first and the second checkpoint
  await submit(t, pool, 'my_submit.sub');

  const paused = await waitForHook(hooks, 'paused', 1);
  const firstStart = hookRecords(hooks)[0];
  t.same(firstStart.files, ['.chirp.config', '.job.ad', '.machine.ad', '_condor_stderr', '_condor_stdout', 'my_input.txt', 'my_software'], 'step 2: executable and inputs');
  t.equal(paused.cwd, firstStart.cwd, 'restarted in place after the checkpoint');
  t.ok(paused.files.includes('trash.txt') && paused.files.includes('temp_dir/3.txt'), 'work since the checkpoint is in the sandbox');
  const spoolDir = await jobSpoolDir(pool, 1, 0);
  const checkpoint = ['_condor_stderr', '_condor_stdout', 'my_output.txt', 'temp_dir/', 'temp_dir/1.txt', 'temp_dir/2.txt', 'temp_file.txt'];
  t.same(listTree(spoolDir), checkpoint, 'step 5: SPOOL holds the checkpoint files, the directory and stdout/stderr; no trash.txt');
  t.equal(fs.readFileSync(path.join(spoolDir, 'temp_file.txt'), 'utf8'), '3\n');
  t.equal(fs.readFileSync(path.join(spoolDir, 'my_output.txt'), 'utf8'), 'result 0\nresult 1\nresult 2\n');
  t.equal(fs.readFileSync(path.join(spoolDir, '_condor_stdout'), 'utf8'), 'Starting from 0\n');
  t.same(codes(await waitForEvents(logFile, () => true), 1, 0), [0, 40, 40, 1, 40, 40]);

  const vacated = await pool.run('condor_vacate_job', ['1.0']);
  t.equal(vacated.stdout, 'Job 1.0 vacated\n', vacated.stderr);
  t.equal(vacated.code, 0);
  const evictedEvents = await waitForEvents(logFile, (ev) => ev.some((e) => e.code === 4));
  const evicted = evictedEvents.find((e) => e.code === 4);
  t.equal(evicted?.lines[0], 'Job was evicted. Code 1022 Subcode 0');
  t.equal(evicted?.lines[1], '\t(0) CPU times');
  t.ok(evicted?.lines.includes('\tReason: Job vacated by schedd'), evicted?.text ?? 'no 004');
  pauseAt(hooks, 7); // the next run waits after its own checkpoint at 6

  const secondStart = await waitForHook(hooks, 'start', 3);
  t.equal(secondStart.value, 3, 'step 7: resumed from the checkpoint, not from scratch');
  t.not(secondStart.cwd, firstStart.cwd, 'in a new execute directory');
  t.same(secondStart.files, [...new Set([...firstStart.files, ...checkpoint])].sort(), 'executable + inputs + checkpoint files and directory');
  const pausedAgain = await eventually('the job to wait at step 7', () => hookRecords(hooks).find((r) => r.kind === 'paused' && r.value === 7));
  t.equal(pausedAgain.cwd, secondStart.cwd);
  t.same(
    listTree(spoolDir),
    ['_condor_stderr', '_condor_stdout', 'my_output.txt', 'temp_dir/', 'temp_dir/4.txt', 'temp_dir/5.txt', 'temp_file.txt'],
    'the second checkpoint replaced the directory: files gone from temp_dir are gone from SPOOL',
  );
  t.equal(fs.readFileSync(path.join(spoolDir, 'temp_file.txt'), 'utf8'), '6\n');
  t.equal(fs.readFileSync(path.join(spoolDir, '_condor_stdout'), 'utf8'), 'Starting from 0\nStarting from 3\n');
  pauseAt(hooks, undefined);

  const events = await waitForEvents(logFile, (ev) => ev.some((e) => e.code === 5));
  t.same(codes(events, 1, 0), [0, 40, 40, 1, 40, 40, 4, 40, 40, 1, 40, 40, 40, 40, 5]);
  t.same(transferLines(events, 1, 0), [...INPUT_PAIR, ...OUTPUT_PAIR, ...INPUT_PAIR, ...OUTPUT_PAIR, ...OUTPUT_PAIR]);
  t.equal(events.find((e) => e.code === 5)?.lines[1], '\t(1) Normal termination (return value 0)');
  const inputStarts = events.filter((e) => e.code === 40 && e.lines[0] === INPUT_PAIR[0]);
  t.match(
    inputStarts.map((e) => e.lines[1]),
    [/^\tTransferring to host: <\d+\.\d+\.\d+\.\d+:\d+\?addrs=/, /^\tTransferring to host: <\d+\.\d+\.\d+\.\d+:\d+\?addrs=/],
    'input transfers name the execute host by its sinful string, as 001 does',
  );

  t.equal(
    fs.readFileSync(path.join(pool.dir, 'my_output.txt'), 'utf8'),
    Array.from({ length: 9 }, (_, i) => `result ${i}\n`).join(''),
    'step 8: every iteration once: the work lost at the eviction was redone, none twice',
  );
  t.equal(fs.readFileSync(path.join(pool.dir, 'zzz.out'), 'utf8'), 'Starting from 0\nStarting from 3\nStarting from 6\ndone\n');
  t.equal(fs.readFileSync(path.join(pool.dir, 'zzz.err'), 'utf8'), '');
  t.same(fs.readdirSync(pool.dir).sort(), ['my_input.txt', 'my_output.txt', 'my_software', 'my_submit.sub', 'zzz.err', 'zzz.log', 'zzz.out']);

  const attrs = await jobAttrs(pool, 'condor_history', '1.0', COMPLETION_ATTRS);
  t.same({ ...attrs, CommittedTime: undefined }, { JobStatus: '4', ExitCode: '0', CheckpointNumber: '1', NumCkpts: '2', NumJobStarts: '2', CommittedTime: undefined });
  t.ok(Number(attrs.CommittedTime) > 0, `CommittedTime > 0 (${attrs.CommittedTime})`);
});
