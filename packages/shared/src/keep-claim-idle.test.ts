import t from 'tap';
import { ClassAd } from './classad/index.js';
import { keepClaimIdleOf, keptClaimEnd, keptIdleSeconds, type RunEnd } from './keep-claim-idle.js';

t.test('keepClaimIdleOf: KeepClaimIdle evaluated in the job ad as GetAttributeInt reads it', async (t) => {
  const table: [string | undefined, number][] = [
    [undefined, 0],
    ['30', 30],
    ['3 * 60', 180],
    ['RequestCpus * 10', 20],
    ['12.7', 12],
    ['0', 0],
    ['-5', 0],
    ['"soon"', 0],
    ['undefined', 0],
  ];
  for (const [expr, expected] of table) {
    const ad = new ClassAd().set('RequestCpus', 2);
    if (expr !== undefined) ad.setExpr('KeepClaimIdle', expr);
    t.equal(keepClaimIdleOf(ad), expected, `KeepClaimIdle = ${expr ?? '(absent)'}`);
  }
});

t.test('keptIdleSeconds: child_exit keeps the claim for JOB_EXITED, JOB_SHOULD_REMOVE and JOB_KILLED only', async (t) => {
  const table: [number, RunEnd, boolean, boolean, number, string][] = [
    [30, 'exited', false, false, 30, 'the job completed: kept'],
    [30, 'removed', false, false, 30, 'condor_rm: kept'],
    [30, 'other', false, false, 0, 'held, requeued or evicted: released'],
    [0, 'exited', false, false, 0, 'no KeepClaimIdle: released'],
    [30, 'exited', true, false, 0, 'JOB_EXITED_AND_CLAIM_CLOSING (past CLAIM_WORKLIFE): released'],
    [30, 'exited', false, true, 0, 'a job queued on the slot goes on with the claim'],
  ];
  for (const [keepClaimIdle, end, claimClosing, nextJob, expected, what] of table) {
    t.equal(keptIdleSeconds({ keepClaimIdle, end, claimClosing, nextJob }), expected, what);
  }
});

t.test('keptClaimEnd: the KeepClaimIdle deadline, or the end of the claim\'s CLAIM_WORKLIFE if sooner', async (t) => {
  const now = 100_000;
  const table: [number, number | undefined, number, { at: number; by: string }, string][] = [
    [30, 90_000, 1200, { at: 130_000, by: 'KeepClaimIdle' }, 'worklife far off'],
    [30, 90_000, 20, { at: 110_000, by: 'CLAIM_WORKLIFE' }, 'the claim began 10 s ago, its worklife is 20 s'],
    [30, 90_000, -1, { at: 130_000, by: 'KeepClaimIdle' }, 'no worklife'],
    [30, undefined, 20, { at: 130_000, by: 'KeepClaimIdle' }, 'claim start unknown (the schedd restarted): the startd decides at the next job'],
    [30, 0, 20, { at: now, by: 'CLAIM_WORKLIFE' }, 'past it already'],
  ];
  for (const [keep, started, worklife, expected, what] of table) t.same(keptClaimEnd(now, keep, started, worklife), expected, what);
});
