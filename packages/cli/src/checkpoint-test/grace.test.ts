import t from 'tap';
import type { CommittedState } from './capture.js';
import { judgeGrace } from './grace.js';

const commit = (checkpoint: number | undefined, spool: Record<string, string>): CommittedState => ({ checkpoint, runId: 'AAAAAAAAAAAAAAAAAAAAAQ', spool, sandbox: undefined });

t.test('a job that saved its state in the grace of a vacate, with ON_EXIT_OR_EVICT', async (t) => {
  const report = judgeGrace([commit(0, { 'state.txt': 'a', 'out.txt': 'x' }), commit(undefined, { 'state.txt': 'b', 'out.txt': 'x' })], true);
  t.same([report.sentAtEviction, report.savedFiles], [true, ['state.txt']]);
  t.match(report.message, /^the job used its grace: .* saved new state in state\.txt$/);
  t.same(judgeGrace([commit(undefined, { 'state.txt': 'b' })], true).savedFiles, ['state.txt'], 'no checkpoint before: everything sent is new');
});

t.test('nothing new, nothing sent, or nothing to send', async (t) => {
  t.match(judgeGrace([commit(0, { s: 'a' }), commit(undefined, { s: 'a' })], true).message, /held nothing newer than the last checkpoint/);
  t.match(judgeGrace([commit(0, { s: 'a' })], true).message, /^nothing reached SPOOL at the eviction/);
  const onExit = judgeGrace([commit(0, { s: 'a' })], false);
  t.same([onExit.sentAtEviction, onExit.message], [false, 'when_to_transfer_output is ON_EXIT: nothing is sent at an eviction, so whatever the job saved in its grace was lost']);
});
