process.env.TZ = 'UTC';
import t from 'tap';
import { fitRow, formatTotals, rowFit, summarizeSinful, WIDE } from './queue-frame.js';
import { CTX, jobAd, TITLE } from './test-ads.js';

t.test('summarizeSinful cuts the address parameters', async (t) => {
  t.equal(summarizeSinful('<10.0.0.1:9618?addrs=10.0.0.1-9618&noUDP>'), '<10.0.0.1:9618?...');
  t.equal(summarizeSinful('<10.0.0.1:9618>'), '<10.0.0.1:9618>');
});

t.test('formatTotals is the title and the summary lines, with no blank line between', async (t) => {
  const jobs = [jobAd({ Owner: 'alice', JobStatus: 1 }), jobAd({ Owner: 'bob', JobStatus: 5 })];
  t.equal(formatTotals(jobs, CTX, { allUsers: false }), TITLE + [
    'Total for query: 2 jobs; 0 completed, 0 removed, 1 idle, 0 running, 1 held, 0 suspended ',
    'Total for alice: 1 jobs; 0 completed, 0 removed, 1 idle, 0 running, 0 held, 0 suspended ',
    'Total for all users: 2 jobs; 0 completed, 0 removed, 1 idle, 0 running, 1 held, 0 suspended',
    '',
    '',
  ].join('\n'));
});

t.test("the summary lines show the schedd's counts: the jobs it sent, the user it chose (MyName), all jobs", async (t) => {
  const jobs = [jobAd({ Owner: 'alice', JobStatus: 1 })];
  const counts = (jobs: number, idle: number) => ({ jobs, completed: 0, removed: 0, idle, running: 0, held: 0, suspended: 0 });
  t.equal(formatTotals(jobs, CTX, { allUsers: false, queryTotals: counts(1, 1), myName: 'bob', myTotals: counts(3, 3), allUsersTotals: counts(7, 7) }), TITLE + [
    'Total for query: 1 jobs; 0 completed, 0 removed, 1 idle, 0 running, 0 held, 0 suspended ',
    'Total for bob: 3 jobs; 0 completed, 0 removed, 3 idle, 0 running, 0 held, 0 suspended ',
    'Total for all users: 7 jobs; 0 completed, 0 removed, 7 idle, 0 running, 0 held, 0 suspended',
    '',
    '',
  ].join('\n'));
});

t.test('rowFit: wide after -wide or off a terminal; else -wide:N, the console, or 80 columns', async (t) => {
  t.same(rowFit(true, undefined, 120), { wide: true });
  t.same(rowFit(false, undefined, undefined), { wide: true }, 'stdout is no terminal');
  t.same(rowFit(false, 60, undefined), { wide: false, width: 60 }, '-wide:N cuts even when piped');
  t.same(rowFit(false, undefined, 132), { wide: false, width: 132 });
  t.same(rowFit(false, 0, 100), { wide: false, width: 100 }, '-wide:0 is the console width');
  t.same(rowFit(false, undefined, 0), { wide: false, width: 80 }, 'a terminal that reports no width');
});

t.test('fitRow cuts to one less than the width, or trims trailing blanks in wide mode', async (t) => {
  t.equal(fitRow('abcdef   ', { wide: false, width: 5 }), 'abcd');
  t.equal(fitRow('ab   ', { wide: false, width: 80 }), 'ab   ', 'a console keeps the blanks');
  t.equal(fitRow('ab   ', WIDE), 'ab');
  t.equal(fitRow('ab   ', WIDE, { heading: true }), 'ab   ');
});

t.test('a file summary is the query line only, its empty columns left as blanks', async (t) => {
  const jobs = [jobAd({ Owner: 'alice', JobStatus: 1 })];
  t.equal(formatTotals(jobs, CTX, { allUsers: false, fromFile: true }), TITLE +
    'Total for query: 1 jobs; 0 completed, 0 removed, 1 idle, 0 running, 0 held, 0 suspended       \n\n');
});
