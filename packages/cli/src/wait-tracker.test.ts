import t from 'tap';
import { WaitTracker, parseJobFilter } from './wait-tracker.js';

const ev = (code: number, cluster: number, proc = 0, subproc = 0) => ({ code, cluster, proc, subproc });

t.test('without a filter or -num: done when every submitted job has ended', async (t) => {
  const w = new WaitTracker({}, undefined);
  t.equal(w.mentionedAny, false);
  t.same(w.observe(ev(1, 5)), { done: false }, 'an execute event of an unsubmitted job');
  t.same(w.observe(ev(0, 5, 0)), { done: false });
  t.equal(w.mentionedAny, true);
  t.same(w.observe(ev(0, 5, 1)), { done: false });
  t.same(w.observe(ev(1, 5, 0)), { done: false });
  t.same(w.observe(ev(5, 5, 0)), { done: false }, 'one of two jobs terminated');
  t.same(w.observe(ev(4, 5, 1)), { done: false }, 'an eviction does not end a job');
  t.same(w.observe(ev(12, 5, 1)), { done: false }, 'a hold does not end a job');
  t.same(w.observe(ev(46, 5, 1)), { done: false }, 'a skipped dataflow job ends with the 005 after its 046');
  t.same(w.observe(ev(9, 5, 1)), { done: true, message: 'All jobs done.' }, 'an abort ends it');
});

t.test('a terminate event before any submit does not finish the wait', async (t) => {
  const w = new WaitTracker({}, undefined);
  t.same(w.observe(ev(5, 3)), { done: false });
  t.equal(w.mentionedAny, false);
});

t.test('a cluster filter ignores other clusters', async (t) => {
  const w = new WaitTracker({ cluster: 7 }, undefined);
  t.same(w.observe(ev(0, 6)), { done: false });
  t.equal(w.mentionedAny, false);
  t.same(w.observe(ev(0, 7, 0)), { done: false });
  t.same(w.observe(ev(0, 6, 1)), { done: false });
  t.same(w.observe(ev(5, 7, 0)), { done: true, message: 'All jobs done.' }, 'cluster 6 is still pending but not watched');
});

t.test('a C.P filter watches one job', async (t) => {
  const w = new WaitTracker({ cluster: 7, proc: 1 }, undefined);
  w.observe(ev(0, 7, 0));
  w.observe(ev(0, 7, 1));
  t.same(w.observe(ev(5, 7, 0)), { done: false });
  t.same(w.observe(ev(5, 7, 1)), { done: true, message: 'All jobs done.' });
});

t.test('a C.P.S filter matches the subproc too', async (t) => {
  const w = new WaitTracker({ cluster: 7, proc: 0, subproc: 1 }, undefined);
  t.same(w.observe(ev(0, 7, 0, 0)), { done: false });
  t.equal(w.mentionedAny, false);
  w.observe(ev(0, 7, 0, 1));
  t.same(w.observe(ev(5, 7, 0, 1)), { done: true, message: 'All jobs done.' });
});

t.test('-num counts ended jobs, with HTCondor’s spelling of the message', async (t) => {
  const w = new WaitTracker({}, 2);
  w.observe(ev(0, 1, 0));
  w.observe(ev(0, 1, 1));
  w.observe(ev(0, 1, 2));
  t.same(w.observe(ev(5, 1, 0)), { done: false });
  t.same(w.observe(ev(9, 1, 2)), { done: true, message: 'Specifed number of jobs (2) done.' });
});

t.test('-num does not stop at "all jobs done" before the number is reached', async (t) => {
  const w = new WaitTracker({}, 2);
  w.observe(ev(0, 1, 0));
  t.same(w.observe(ev(5, 1, 0)), { done: false });
  w.observe(ev(0, 2, 0));
  t.same(w.observe(ev(5, 2, 0)), { done: true, message: 'Specifed number of jobs (2) done.' });
});

t.test('parseJobFilter', async (t) => {
  t.same(parseJobFilter('12'), { cluster: 12, proc: undefined, subproc: undefined });
  t.same(parseJobFilter('12.3'), { cluster: 12, proc: 3, subproc: undefined });
  t.same(parseJobFilter('12.3.0'), { cluster: 12, proc: 3, subproc: 0 });
  t.same(parseJobFilter('-1'), { cluster: undefined, proc: undefined, subproc: undefined }, '-1 means any cluster');
  for (const bad of ['', 'x', '12.', '12.x', '1.2.3.4', '.5', '12 ']) t.equal(parseJobFilter(bad), undefined, JSON.stringify(bad));
});
