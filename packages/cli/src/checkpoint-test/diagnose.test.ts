import t from 'tap';
import { compareOutputs, DEFAULT_PROGRESS, progressValues } from './compare.js';
import { diagnoseRun, missingFiles, type RunEvidence } from './diagnose.js';

const files = (entries: Record<string, string>) => new Map(Object.entries(entries).map(([k, v]) => [k, Buffer.from(v)]));

/** A run that matched: evicted after a checkpoint, restored, same outputs. */
const CLEAN: RunEvidence = {
  end: { kind: 'exit', exitCode: 0 },
  referenceExitCode: 0,
  comparison: { kind: 'files', files: [{ name: 'job.out', status: 'same' }] },
  checkpointFiles: ['state.txt'],
  stdoutName: 'job.out',
  stderrName: 'job.err',
  stderr: '',
  progress: [0, 0, 1, 2, 3, 3, 4, 5],
  referenceProgress: [0, 0, 1, 2, 3, 3, 4, 5],
  checkpointsBeforeTrouble: 1,
  restored: true,
  restoredFiles: ['state.txt'],
  unsavedFiles: [],
};

const codes = (evidence: Partial<RunEvidence>) => diagnoseRun({ ...CLEAN, ...evidence }).map((d) => d.code);

t.test('compareOutputs: same, differs (first line), lost leading lines, missing, extra', async (t) => {
  const result = compareOutputs(
    files({ 'a.txt': 'x\ny\n', 'b.txt': '1\n2\n3\n', 'c.txt': 'c', 'log.txt': 'one\ntwo\nthree\n' }),
    files({ 'a.txt': 'x\ny\n', 'b.txt': '1\nTWO\n3\n', 'd.txt': 'd', 'log.txt': 'three\n' }),
  );
  t.same(result, [
    { name: 'a.txt', status: 'same' },
    { name: 'b.txt', status: 'differs', line: 2, expected: '2', actual: 'TWO' },
    { name: 'c.txt', status: 'missing' },
    { name: 'd.txt', status: 'extra' },
    { name: 'log.txt', status: 'differs', line: 1, expected: 'one', actual: 'three', lostLines: 2 },
  ]);
  const sandbox = compareOutputs(files({ 'e.txt': '/x/execute/s1/dir_12_1/job.sh: oops\n' }), files({ 'e.txt': '/x/execute/s1/dir_12_7/job.sh: oops\n' }));
  t.same(sandbox, [{ name: 'e.txt', status: 'same' }], 'sandbox names in messages are not a difference');
});

t.test('progressValues with the default pattern', async (t) => {
  const stdout = 'Starting from 0\nstep 0\nnoise 77\nstep 1\nResuming at iteration 12\nepoch: 4\nprogress 50%\nComputation complete\n';
  t.same(progressValues(stdout, DEFAULT_PROGRESS), [0, 0, 1, 12, 4, 50]);
  t.same(progressValues('value=3\nvalue=x\nvalue=5', /value=(\S+)/), [3, 5], 'non-integers are skipped');
});

t.test('missingFiles finds the names in typical messages', async (t) => {
  t.same(missingFiles('cat: data.txt: No such file or directory'), ['data.txt']);
  t.same(missingFiles('cat: temp_dir/2.txt: No such file or directory'), ['temp_dir/2.txt'], 'a relative path is kept: its directory is what to list');
  t.same(missingFiles("FileNotFoundError: [Errno 2] No such file or directory: 'model.ckpt'"), ['model.ckpt']);
  t.same(missingFiles("Error: ENOENT: no such file or directory, open '/sandbox/out/weights.bin'"), ['weights.bin']);
  t.same(missingFiles('Transfer input files failure ... Details: cannot open /home/u/state.txt.'), ['state.txt']);
  t.same(missingFiles('Transfer input files failure at access point h while sending files to the execution point s. Details: reading from file /u/job/state.txt: (errno 2) No such file or directory'), ['state.txt']);
  t.same(missingFiles('all good'), []);
});

t.test('a matching run has no diagnosis', async (t) => {
  t.same(diagnoseRun(CLEAN), []);
  t.same(codes({ comparison: { kind: 'files', files: [{ name: 'state.txt', status: 'missing' }] } }), [], 'a restored, unchanged checkpoint file is not sent back at the end');
  t.same(codes({ comparison: { kind: 'command', command: 'cmp', matched: true, output: '' } }), []);
});

t.test('restarted from scratch: progress back to the start after a restore', async (t) => {
  const evidence = { progress: [0, 0, 1, 2, 0, 0, 1, 2, 3], comparison: { kind: 'files' as const, files: [{ name: 'job.out', status: 'differs' as const, line: 5, expected: 'Starting from 3', actual: 'Starting from 0' }] } };
  const found = diagnoseRun({ ...CLEAN, ...evidence });
  t.same(found.map((d) => d.code), ['restarted-from-scratch'], 'the differing output is explained by the reset');
  t.match(found[0].message, /progress went from 2 back to 0/);
  t.same(codes({ ...evidence, restored: false }), ['output-differs'], 'without a restore it is no restart from scratch');
});

t.test('a file the restart needs is not in transfer_checkpoint_files', async (t) => {
  const found = diagnoseRun({ ...CLEAN, end: { kind: 'exit', exitCode: 2 }, stderr: 'cat: data.txt: No such file or directory\n' });
  t.same(found.map((d) => d.code), ['missing-checkpoint-file']);
  t.match(found[0].advice, /add data\.txt to transfer_checkpoint_files/);
});

t.test('a restart that crashes on what it restored: non-atomic checkpoint', async (t) => {
  const found = diagnoseRun({ ...CLEAN, end: { kind: 'exit', exitCode: 3 }, stderr: 'state.txt: corrupt checkpoint\n', checkpointFiles: [] });
  t.same(found.map((d) => d.code), ['non-atomic-checkpoint']);
  t.match(found[0].message, /exit code 3.*state\.txt: corrupt checkpoint/);
  t.same(codes({ end: { kind: 'signal', signal: 11 }, stderr: '' }), ['non-atomic-checkpoint'], 'a crash by signal too');
});

t.test('output lost at a restart, and stdout named as such', async (t) => {
  const found = diagnoseRun({ ...CLEAN, comparison: { kind: 'files', files: [{ name: 'results.log', status: 'differs', line: 1, expected: 'a', actual: 'c', lostLines: 2 }, { name: 'job.out', status: 'missing' }] } });
  t.same(found.map((d) => [d.code, d.message]), [
    ['output-lost', 'results.log lost its first 2 line(s) at the restart'],
    ['output-lost', 'stdout (job.out) is missing'],
  ]);
});

t.test('held, and the first start failing for want of a checkpoint', async (t) => {
  const held = diagnoseRun({ ...CLEAN, end: { kind: 'held', code: 13, reason: 'Transfer input files failure at access point x: cannot open /home/u/state.txt' }, restored: false, checkpointsBeforeTrouble: 0 });
  t.same(held.map((d) => d.code), ['held', 'first-start-needs-checkpoint']);
  t.match(held[0].message, /^the job was held \(code 13\): Transfer input files failure/);
  const crashed = diagnoseRun({ ...CLEAN, end: { kind: 'exit', exitCode: 1 }, referenceExitCode: undefined, stderr: 'cat: state.txt: No such file or directory', restored: false, checkpointsBeforeTrouble: 0, checkpointFiles: [] });
  t.same(crashed.map((d) => d.code), ['first-start-needs-checkpoint']);
  t.same(codes({ end: { kind: 'exit', exitCode: 1 }, referenceExitCode: undefined, stderr: 'segfault', restored: false, checkpointsBeforeTrouble: 0 }), ['exit-differs'], 'no file named: just the exit');
});

t.test('output differs, compare command, unfinished, missed eviction', async (t) => {
  t.same(codes({ comparison: { kind: 'files', files: [{ name: 'job.out', status: 'differs', line: 2, expected: 'step 0 at 1', actual: 'step 0 at 2' }] } }), ['output-differs']);
  t.same(codes({ comparison: { kind: 'command', command: 'diff -r', matched: false, output: 'Only in b: x' } }), ['output-differs']);
  t.same(codes({ end: { kind: 'unfinished' } }), ['did-not-finish']);
  t.same(codes({ evictionMissed: 'the job was not running' }), ['eviction-missed']);
});

t.test('a restart from scratch seen in the checkpoints fails the run even when the outputs agree, naming the unsaved file', async (t) => {
  const [diagnosis, ...rest] = diagnoseRun({
    ...CLEAN,
    progressFinding: { kind: 'restarted-from-scratch', evidence: ['it committed 4 checkpoints where the reference committed 2'], wentBack: ['state'] },
    unsavedFiles: ['state', 'scratch.tmp'],
  });
  t.same(rest, []);
  t.equal(diagnosis.code, 'restarted-from-scratch');
  t.equal(diagnosis.message, 'the job restarted from scratch after the restore: it committed 4 checkpoints where the reference committed 2; the sandbox held state at the last checkpoint, SPOOL did not');
  t.match(diagnosis.advice, /^add state to transfer_checkpoint_files/);
  t.same(codes({ progressFinding: { kind: 'checkpoint-differs', checkpoint: 2, files: ['out.txt'] }, comparison: { kind: 'files', files: [{ name: 'job.out', status: 'differs', line: 2, expected: 'a', actual: 'b' }] } }), ['checkpoint-differs'], 'the output difference follows from it');
  t.same(codes({ progressFinding: { kind: 'checkpoint-differs', checkpoint: 2, files: ['out.txt'] } }), [], 'checkpoints that differ while the outputs agree (a time in a file) are no defect');
});

t.test('a checkpointing job that never checkpointed undisturbed; a checkpoint naming a file not created yet', async (t) => {
  const reference = { referenceExitCode: undefined, comparison: { kind: 'none' as const }, restored: false, promisesCheckpoints: true };
  t.same(codes({ ...reference, checkpointsCommitted: 0 }), ['never-checkpointed']);
  t.same(codes({ ...reference, checkpointsCommitted: 2 }), []);
  t.same(codes({ ...reference, checkpointsCommitted: 0, promisesCheckpoints: false }), [], 'a job that does not checkpoint is not asked to');
  const held = diagnoseRun({
    ...CLEAN,
    ...reference,
    end: { kind: 'held', reason: 'Starter failed to upload checkpoint', code: 36 },
    checkpointsBeforeTrouble: 0,
    checkpointFiles: [],
    checkpointSet: ['state.txt', 'results.txt'],
  });
  t.same(held.map((d) => d.code), ['held', 'checkpoint-file-not-created']);
  t.equal(held[1].message, 'the first checkpoint could not be sent: the checkpoint is state.txt, results.txt (transfer_output_files, as transfer_checkpoint_files is not given), and at the checkpoint exit one of them did not exist yet');
});

t.test('a file missing inside a directory that is not listed: list the directory', async (t) => {
  const [diagnosis] = diagnoseRun({ ...CLEAN, end: { kind: 'exit', exitCode: 2 }, stderr: 'cat: temp_dir/2.txt: No such file or directory\n', checkpointFiles: ['my_output.txt', 'temp-file.txt'] });
  t.equal(diagnosis.code, 'missing-checkpoint-file');
  t.match(diagnosis.advice, /^add temp_dir to transfer_checkpoint_files/);
  t.same(codes({ end: { kind: 'exit', exitCode: 2 }, stderr: 'cat: temp_dir/2.txt: No such file or directory\n', checkpointFiles: ['temp_dir/'] }), ['non-atomic-checkpoint'], 'listed: not the cause');
});

t.test('a job that saves its state in the grace of a vacate, with nothing sent at eviction', async (t) => {
  t.same(codes({ graceLost: true, restored: false }), ['state-lost-at-eviction']);
  t.same(codes({ graceLost: false }), []);
});
