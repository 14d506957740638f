// `tinycondor test-checkpointing` on jobs that each carry one defect real users get burned by: each is
// caught, with the right diagnosis, and the command exits 1.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { diagnosisCodes, testCheckpointing } from './helpers/test-checkpointing.js';

const AFTER_CHECKPOINT = ['--evictions', '1', '--seed', '5', '--moments', 'after-checkpoint'];

t.test('restarted from scratch: progress reset after the restore', async (t) => {
  const { result, report } = await testCheckpointing(t, 'restarts-from-scratch', AFTER_CHECKPOINT);
  t.equal(result.code, 1);
  t.equal(report.runs[0].pass, true, 'undisturbed, the job looks fine');
  t.same(diagnosisCodes(report.runs[1]), ['restarted-from-scratch']);
  t.match(report.runs[1].diagnoses[0].message, /progress went from \d back to 0/);
  t.match(result.stdout, /^ {6}restarted-from-scratch: /m);
  t.match(result.stdout, /1 of 2 runs FAILED/);
});

t.test('a file the restart needs is not in transfer_checkpoint_files', async (t) => {
  const { result, report } = await testCheckpointing(t, 'missing-checkpoint-file', AFTER_CHECKPOINT);
  t.equal(result.code, 1);
  t.equal(diagnosisCodes(report.runs[1])[0], 'missing-checkpoint-file');
  t.match(report.runs[1].diagnoses[0].advice, /add data\.txt to transfer_checkpoint_files/);
});

t.test('a checkpoint written in place: the restart reads half a file and crashes', async (t) => {
  const { result, report } = await testCheckpointing(t, 'non-atomic-checkpoint', ['--evictions', '2', '--seed', '9', '--moments', 'running'], { nap: 0.2 });
  t.equal(result.code, 1, result.stdout);
  // An eviction lands mid-write unless it falls in the few milliseconds of a checkpoint exit.
  const caught = report.runs.slice(1).filter((r) => diagnosisCodes(r)[0] === 'non-atomic-checkpoint');
  t.ok(caught.length >= 1, `a run diagnosed non-atomic: ${JSON.stringify(report.runs.map((r) => r.diagnoses))}`);
  t.match(caught[0].diagnoses[0].message, /exit code 3.*state\.txt: corrupt checkpoint/);
});

t.test('output lost at the restart (a file not listed in transfer_checkpoint_files)', async (t) => {
  const { report } = await testCheckpointing(t, 'output-lost', AFTER_CHECKPOINT);
  t.same(diagnosisCodes(report.runs[1]), ['output-lost']);
  t.match(report.runs[1].diagnoses[0].message, /^results\.log lost its first [36] line\(s\) at the restart$/);
});

t.test('the first start fails because the checkpoint file does not exist yet', async (t) => {
  const { result, report } = await testCheckpointing(t, 'first-start-needs-checkpoint', AFTER_CHECKPOINT);
  t.equal(result.code, 1);
  t.equal(report.runs.length, 1, 'no eviction runs after a failed reference');
  t.same(diagnosisCodes(report.runs[0]), ['first-start-needs-checkpoint']);
  t.match(report.runs[0].diagnoses[0].message, /state\.txt does not exist yet \(cat: state\.txt: No such file or directory\)/);
});

t.test('the checkpoint file listed as an input: the job is held at its first start', async (t) => {
  const { report } = await testCheckpointing(t, 'checkpoint-file-as-input', AFTER_CHECKPOINT);
  t.same(diagnosisCodes(report.runs[0]), ['held', 'first-start-needs-checkpoint']);
  t.match(report.runs[0].diagnoses[0].message, /^the job was held \(code 13\): Transfer input files failure/);
});

t.test('output that differs from run to run; a --compare command that knows better passes it', async (t) => {
  const { result, report, submitDir } = await testCheckpointing(t, 'nondeterministic-output', AFTER_CHECKPOINT);
  t.equal(result.code, 1);
  t.same(diagnosisCodes(report.runs[1]), ['output-differs']);
  t.match(report.runs[1].diagnoses[0].message, /^stdout \(job\.out\) differs from line 2: expected 'step 0 at \d+', got 'step 0 at \d+'$/);

  const compare = path.join(path.dirname(submitDir), 'same-steps.sh');
  fs.writeFileSync(compare, '#!/bin/sh\n[ "$(sed "s/ at [0-9]*$//" "$1/job.out")" = "$(sed "s/ at [0-9]*$//" "$2/job.out")" ]\n', { mode: 0o755 });
  const judged = await testCheckpointing(t, 'nondeterministic-output', [...AFTER_CHECKPOINT, '--compare', compare]);
  t.equal(judged.result.code, 0, judged.result.stdout);
  t.equal(judged.report.pass, true);
});
