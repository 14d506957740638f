import t from 'tap';
import { orderKey } from '@tinycondor/shared/job-order';
import { launched, mayTakeBack, queuedStart, takeBack, type QueuedStart } from './queued-start.js';

const fresh = (): QueuedStart => queuedStart({ jobId: '3.1', runId: 'r'.repeat(22), startdName: 's1', slotName: 'slot1', fetchInput: true }, { key: orderKey([0, 0, 0, 0, 0]), cluster: 3, proc: 1 }, 'alice');

t.test('a new or restored queued start waits and may be taken back', async (t) => {
  const queued = fresh();
  t.match(queued, { cluster: 3, proc: 1, waiting: true, cancel: undefined });
  t.ok(mayTakeBack(queued));
});

t.test('taking back: the startd is told once, while the start still waits; hard overrides soft, never the reverse', async (t) => {
  // [steps, tellStartd of each step, final cancel]
  const cases: ['soft' | 'hard' | 'launch', boolean | string][][] = [
    [['soft', true], ['soft', false]],
    [['soft', true], ['hard', false]],
    [['hard', true], ['soft', false]],
    [['launch', 'start-run'], ['hard', false]],
  ];
  const finals = ['soft', 'hard', 'hard', 'hard'];
  cases.forEach((steps, i) => {
    const queued = fresh();
    for (const [step, expected] of steps) {
      if (step === 'launch') t.equal(launched(queued, true), expected, `case ${i}: launched`);
      else t.equal(takeBack(queued, step).tellStartd, expected, `case ${i}: ${step}`);
    }
    t.equal(queued.cancel, finals[i], `case ${i}: ends ${finals[i]}`);
    t.notOk(mayTakeBack(queued), `case ${i}: no longer taken back`);
  });
});

t.test('launched: its run starts, unless taken back hard or the job is no longer idle', async (t) => {
  const table: [cancel: 'soft' | 'hard' | undefined, jobIdle: boolean, verdict: 'start-run' | 'kill'][] = [
    [undefined, true, 'start-run'],
    ['soft', true, 'start-run'],
    ['hard', true, 'kill'],
    [undefined, false, 'kill'],
    ['soft', false, 'kill'],
  ];
  for (const [cancel, jobIdle, verdict] of table) {
    const queued = fresh();
    if (cancel) takeBack(queued, cancel);
    t.equal(launched(queued, jobIdle), verdict, `cancel ${String(cancel)}, job ${jobIdle ? 'idle' : 'changed'}`);
    t.equal(queued.waiting, false);
  }
});
