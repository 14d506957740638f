process.env.TZ = 'UTC';
import t from 'tap';
import { formatHistory, historyFit } from './history.js';
import { at, CTX, jobAd } from './test-ads.js';

// defaultJob_PrintFormat's labels: ' ID         ' (WIDTH AUTO from its 12), OWNER in 14, CMD (WIDTH 0) unpadded.
const HEADER = ' ID          OWNER            SUBMITTED   RUN_TIME   ST   COMPLETED CMD';

t.test('default view (history.cpp defaultJob_PrintFormat): cut owner, %T run time, JOB_DESCRIPTION, widening ID', async (t) => {
  const jobs = [
    jobAd({
      ClusterId: 5, ProcId: 0, Owner: 'alice', QDate: at('2026-11-23T09:00:00Z'), RemoteWallClockTime: 65.0,
      JobStatus: 4, CompletionDate: at('2026-11-23T09:05:00Z'), Cmd: '/bin/sleep', Args: '60',
    }),
    jobAd({
      ClusterId: 6, ProcId: 0, Owner: 'a-long-owner-name-here', QDate: at('2026-07-02T15:11:00Z'),
      RemoteWallClockTime: 0.0, JobStatus: 3, Cmd: '/bin/true',
    }),
    jobAd({
      ClusterId: 7, ProcId: 12, Owner: 'bob', QDate: at('2026-11-23T09:00:00Z'), RemoteUserCpu: 3.0,
      JobStatus: 5, CompletionDate: 0, Cmd: '/opt/analysis/bin/run-the-whole-pipeline', Arguments: 'a b',
    }),
    jobAd({ ClusterId: 123456789, ProcId: 55555, Owner: 'carol', CompletionDate: at('2026-11-23T09:05:00Z'), Cmd: '/bin/x', JobDescription: 'nightly' }),
    jobAd({ ClusterId: 8, ProcId: 0, QDate: at('2026-11-23T09:00:00Z'), JobStatus: 2 }),
  ];
  t.equal(formatHistory(jobs, CTX), [
    HEADER,
    '5.0          alice          11/23 09:00   0+00:01:05 C  11/23 09:05 sleep 60',
    '6.0          a-long-owner-n  7/2  15:11   0+00:00:00 X              true',
    '7.12         bob            11/23 09:00   0+00:00:03 H   1/1  00:00 run-the-whole-pipeline a b',
    '123456789.55555 carol          [?????????]   0+00:00:00    11/23 09:05 (nightly)',
    `8.0             [????????????] 11/23 09:00   0+00:00:00 R${' '.repeat(14)}`,
    '',
  ].join('\n'), 'a longer id widens ID from its row on; OR ?? fills a missing owner or QDate');
});

t.test('no jobs: the heading only', async (t) => {
  t.equal(formatHistory([], CTX), HEADER + '\n');
});

t.test('historyFit: printHeader\'s choice from -wide[:N] and the console', async (t) => {
  const fit = (wide: boolean, wideWidth: number | undefined, columns: number | undefined) => historyFit(wide, wideWidth, columns);
  t.same(fit(false, undefined, undefined), { legacy: false, overallWidth: 1024 }, 'no terminal: 1024');
  t.same(fit(false, undefined, 120), { legacy: false, overallWidth: 119 }, 'the console width - 1');
  t.same(fit(false, undefined, 0), { legacy: false, overallWidth: 1024 });
  t.same(fit(true, undefined, 120), { legacy: false, overallWidth: 0 }, '-wide: not cut');
  t.same(fit(false, 100, 120), { legacy: false, overallWidth: 100 }, '-wide:100: 100, not 99');
  t.same(fit(false, 50, undefined), { legacy: false, overallWidth: 50 }, '-wide:50 (not wide, but its width)');
  t.same(fit(false, 80, 200), { legacy: true }, '-wide:80: the legacy table');
  t.same(fit(true, 80, 200), { legacy: false, overallWidth: 80 }, '-wide:80 -wide: wide_format with width 80');
  t.same(fit(false, 0, 90), { legacy: false, overallWidth: 89 }, '-wide:x: atoi 0, the console');
  t.same(fit(false, -3, undefined), { legacy: false, overallWidth: 1024 });
});

const LONG = jobAd({
  ClusterId: 5, ProcId: 0, Owner: 'alice', QDate: at('2026-11-23T09:00:00Z'), RemoteWallClockTime: 65.0,
  JobStatus: 4, CompletionDate: at('2026-11-23T09:05:00Z'), Cmd: '/opt/analysis/bin/run-the-whole-pipeline', Arguments: 'a b',
});

t.test('the default table cut at the overall width, heading and rows alike; -wide cuts nothing', async (t) => {
  const row = '5.0          alice          11/23 09:00   0+00:01:05 C  11/23 09:05 run-the-whole-pipeline a b';
  t.equal(formatHistory([LONG], CTX, { legacy: false, overallWidth: 79 }), `${HEADER.slice(0, 79)}\n${row.slice(0, 79)}\n`);
  t.equal(formatHistory([LONG], CTX, { legacy: false, overallWidth: 0 }), `${HEADER}\n${row}\n`);
  t.equal(formatHistory([LONG], CTX, { legacy: false, overallWidth: 50 }), `${HEADER.slice(0, 50)}\n${row.slice(0, 50)}\n`);
});

t.test('-wide:80: the legacy table (short_header, displayJobShort)', async (t) => {
  const oldArgs = jobAd({
    ClusterId: 12345, ProcId: 7, Owner: 'a-very-long-owner-name', QDate: at('2026-07-02T15:11:00Z'), RemoteUserCpu: 3.7,
    JobStatus: 3, CompletionDate: 0, Cmd: '/bin/echo', Args: 'hello world', JobPrio: 0, ImageSize: 10,
  });
  const held = jobAd({ ClusterId: 5, ProcId: 0, Owner: 'alice', QDate: at('2026-11-23T09:00:00Z'), RemoteWallClockTime: 65.0, JobStatus: 5, CompletionDate: at('2026-11-23T09:05:00Z'), Cmd: '/opt/analysis/bin/run-the-whole-pipeline', JobPrio: 0, ImageSize: 1 });
  t.equal(formatHistory([oldArgs, held, LONG], CTX, { legacy: true }), [
    ' ID      OWNER            SUBMITTED     RUN_TIME ST   COMPLETED CMD            ',
    '12345.7   a-very-long-ow  7/2  15:11   0+00:00:03 X   ???        /bin/echo hello',
    '   5.0   alice          11/23 09:00   0+00:01:05 H  11/23 09:05 /opt/analysis/b',
    ' --- ???? --- ',
    '',
  ].join('\n'), 'owner and command cut; Args appended; a job without JobPrio or ImageSize is ???');
});
