// `tinycondor test-checkpointing` on jobs that each carry one defect real users get burned by at a
// restore: each is caught, with the right diagnosis, and the command exits 1.
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
