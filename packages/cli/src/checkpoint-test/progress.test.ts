import t from 'tap';
import type { FileHashes } from './capture.js';
import { judgeProgress, reproducibleFiles, unsavedFiles, type CheckpointHistory } from './progress.js';

/** Checkpoint i of a counting job: out.txt grows by a line per checkpoint; `stamp` is a file that embeds the time. */
const ckpt = (i: number, stamp = `t${i}`): FileHashes => ({ 'out.txt': `lines-0-to-${i}`, 'stamp.txt': stamp });
const sandbox = (state: number): FileHashes => ({ 'job.sh': 'exe', state: `n=${state}` });
const REFERENCE = [ckpt(0), ckpt(1), ckpt(2)];

const history = (extra: Partial<CheckpointHistory>): CheckpointHistory => ({
  reference: REFERENCE,
  run: REFERENCE,
  referenceSandboxes: [sandbox(3), sandbox(6), sandbox(9)],
  runSandboxes: [sandbox(3), sandbox(6), sandbox(9)],
  referenceCount: 3,
  runCount: 3,
  committedBeforeEviction: 1,
  extraWallMs: 100,
  lostSinceCheckpointMs: 80,
  committedWorkMs: 3000,
  ...extra,
});

t.test('a run that resumed from its checkpoint is judged fine', async (t) => {
  t.equal(judgeProgress(history({})), undefined);
  t.equal(judgeProgress(history({ run: [ckpt(0, 'x'), ckpt(1, 'y'), ckpt(2, 'z')] })), undefined, 'a file embedding times never counts');
  t.equal(judgeProgress(history({ committedBeforeEviction: 0, runCount: 4 })), undefined, 'evicted before any checkpoint: nothing to lose');
  t.equal(judgeProgress(history({ committedBeforeEviction: undefined, runCount: 5 })), undefined, 'not evicted: nothing to judge');
});

t.test('restarted from scratch: checkpoints redone, contents back to the first, far more time redone', async (t) => {
  // Evicted after checkpoint 0; the restart committed all three again.
  const redone = history({ run: [ckpt(0, 'a'), ckpt(0, 'b'), ckpt(1, 'c'), ckpt(2, 'd')], runSandboxes: [sandbox(3), sandbox(3), sandbox(6), sandbox(9)], runCount: 4 });
  const finding = judgeProgress(redone);
  t.equal(finding?.kind, 'restarted-from-scratch');
  t.match(finding?.kind === 'restarted-from-scratch' ? finding.evidence : [], [
    /^it committed 4 checkpoints where the reference committed 3: all 3 again after the restore at checkpoint 0$/,
    /^its first checkpoint after the restore \(number 1\) holds what the reference's checkpoint 0 held \(out\.txt\)$/,
    /^at its checkpoint 1, state held what it held at the reference's checkpoint 0$/,
  ]);
  t.same(finding?.kind === 'restarted-from-scratch' ? finding.wentBack : [], ['state']);

  const afterLast = judgeProgress(
    history({ committedBeforeEviction: 3, runCount: 6, run: [...REFERENCE, ckpt(0, 'e'), ckpt(1, 'f'), ckpt(2, 'g')], runSandboxes: [sandbox(3), sandbox(6), sandbox(9), sandbox(3)] }),
  );
  t.same(afterLast?.kind === 'restarted-from-scratch' ? afterLast.wentBack : [], ['state'], 'evicted after the last checkpoint: the executable, never changed, is not named');

  const byContents = judgeProgress(history({ run: [ckpt(0), ckpt(0)], runCount: 2 }));
  t.equal(byContents?.kind, 'restarted-from-scratch', 'the first checkpoint after the restore equal to the first, though fewer checkpoints were seen');

  const slow = judgeProgress(history({ reference: [], run: [], referenceSandboxes: [], runSandboxes: [], extraWallMs: 3100, lostSinceCheckpointMs: 200 }));
  t.match(slow?.kind === 'restarted-from-scratch' ? slow.evidence : [], [/^it ran 3\.10 s longer than the reference, though only 0\.20 s had passed since its last checkpoint$/]);
  t.equal(judgeProgress(history({ reference: [], run: [], extraWallMs: 1900, lostSinceCheckpointMs: 200, committedWorkMs: 1900 })), undefined, 'too little work to tell from noise');
});

t.test('a checkpoint after the restore that differs from the reference, in a file that was reproducible before', async (t) => {
  const wrong = history({ run: [ckpt(0, 'other'), { 'out.txt': 'garbage', 'stamp.txt': 'q' }, ckpt(2)] });
  t.same(judgeProgress(wrong), { kind: 'checkpoint-differs', checkpoint: 1, files: ['out.txt'] });
  t.same(reproducibleFiles(REFERENCE, [ckpt(0), ckpt(1, 'other')], 2), ['out.txt']);
  t.same(reproducibleFiles(REFERENCE, [ckpt(0)], 2), [], 'too few checkpoints to know');
});

t.test('unsavedFiles: what the sandbox held that SPOOL did not, inputs aside', async (t) => {
  t.same(unsavedFiles({ 'job.sh': 'e', state: 's', 'data/in.csv': 'i', 'out.txt': 'o' }, { 'out.txt': 'o' }, new Set(['job.sh', 'data'])), ['state']);
  t.same(unsavedFiles(undefined, {}, new Set()), []);
});
