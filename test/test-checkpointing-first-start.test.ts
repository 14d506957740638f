// `tinycondor test-checkpointing` on jobs whose first start fails and on a job whose output differs from
// run to run: each diagnosed, and a --compare command that knows better passes the latter.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { diagnosisCodes, testCheckpointing } from './helpers/test-checkpointing.js';

const AFTER_CHECKPOINT = ['--evictions', '1', '--seed', '5', '--moments', 'after-checkpoint'];

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
