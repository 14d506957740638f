process.env.TZ = 'UTC';
import t from 'tap';
import { formatHistoryPrintFormat, formatPrintFormat, parsePrintFormat } from './print-format.js';
import { formatHistory } from './history.js';
import { formatQueueIdle } from './queue-views.js';
import { at, CTX, jobAd } from './test-ads.js';

const QDATE = at('2026-11-23T09:59:00Z');

function job(cluster: number, proc: number, attrs: Record<string, string | number | boolean>) {
  return jobAd({ ClusterId: cluster, ProcId: proc, Owner: 'alice', QDate: QDATE, JobPrio: 0, JobUniverse: 5, JobStatus: 1, ...attrs });
}

// queue.cpp's jobIdle_PrintFormat, as condor_q compiles it in.
const JOB_IDLE = `SELECT
   ClusterId     AS ' ID'  NOSUFFIX WIDTH 5 PRINTF '%4d.'
   ProcId        AS ' '    NOPREFIX WIDTH 3 PRINTF '%-3d'
   Owner         AS  OWNER          WIDTH -14 PRINTAS OWNER OR ??
   JobUniverse   AS 'UNIVERSE '  PRINTAS JOB_UNIVERSE
   RequestCpus   AS CPUS         PRINTF '%4d'
   RequestMemory AS MEMORY       PRINTF '%6d'
   NumShadowStarts?:0 AS STARTS  PRINTF '%6d'
   LastRemoteHost AS LAST_HOST WIDTH 0
SUMMARY NONE
`;

t.test("HTCondor's own -idle format, read as a print-format file, prints what -idle prints", async (t) => {
  const { format, messages } = parsePrintFormat(JOB_IDLE);
  t.same(messages, []);
  const jobs = [
    job(2, 1, { RequestCpus: 16, RequestMemory: 1048576, NumShadowStarts: 2, LastRemoteHost: 'slot1@node7' }),
    job(2, 0, { JobUniverse: 7, RequestCpus: 1, RequestMemory: 1 }),
  ];
  t.equal(formatPrintFormat(format, jobs, CTX, { allUsers: true }), formatQueueIdle(jobs, CTX));
});

t.test('WHERE, GROUP BY order, OR, WIDTH AUTO, NOTITLE and the standard summary', async (t) => {
  const { format, messages } = parsePrintFormat([
    '# my view',
    'SELECT NOTITLE',
    '  Owner AS WHO WIDTH AUTO',
    '  RequestMemory AS MEM WIDTH 6 PRINTF %6d OR ??',
    '  Cmd AS CMD PRINTAS JOB_DESCRIPTION',
    '  Foo PRINTAS NO_SUCH_THING',
    'WHERE RequestMemory > 10',
    'GROUP BY',
    '  Owner DESCENDING',
    'SUMMARY STANDARD',
  ].join('\n'));
  t.same(messages, ['Unknown argument NO_SUCH_THING for PRINTAS']);
  t.equal(format.where, 'RequestMemory > 10');
  t.same(format.groupBy, ['Owner']);
  const jobs = [
    job(1, 0, { Owner: 'zed', RequestMemory: 64, Cmd: '/bin/sleep', Arguments: '5' }),
    job(2, 0, { Owner: 'bob', Cmd: '/bin/true', Foo: 'x' }),
  ];
  t.equal(formatPrintFormat(format, jobs, CTX, { allUsers: true }), [
    'WHO MEM    CMD     Foo      ',
    'bob [????] true    x',
    'zed     64 sleep 5 undefined',
    '',
    'Total for query: 2 jobs; 0 completed, 0 removed, 2 idle, 0 running, 0 held, 0 suspended ',
    'Total for all users: 2 jobs; 0 completed, 0 removed, 2 idle, 0 running, 0 held, 0 suspended',
    '',
    '',
  ].join('\n'));
});

t.test('a fixed WIDTH cuts, a negative one left-aligns; BARE prints rows only', async (t) => {
  const { format } = parsePrintFormat("SELECT BARE\n  Owner WIDTH 3\n  Cmd WIDTH -12\n  \"x\" AS X\n  'y' AS Y\n");
  t.equal(formatPrintFormat(format, [job(1, 0, { Owner: 'alice', Cmd: '/bin/sleep' })], CTX, { allUsers: true }), 'ali /bin/sleep   x undefined\n', "'y' is the attribute y");
});

t.test('PRINTAS CPU_TIME follows -cputime and -cumulative-time; QDATE, JOB_ID, OR ? and an empty cell', async (t) => {
  const NOW = at('2026-11-23T10:00:01Z');
  const { format } = parsePrintFormat("SELECT BARE\n  RemoteUserCpu AS T WIDTH 12 PRINTAS CPU_TIME OR ??\n  QDate PRINTAS QDATE\n  ClusterId PRINTAS JOB_ID\n  HoldReasonCode PRINTF %4d OR ?\n");
  const running = job(3, 1, { JobStatus: 2, JobCurrentStartDate: NOW - 10, RemoteWallClockTime: 3600.0, RemoteUserCpu: 5.0 });
  const row = (opts: { cpuTime?: boolean; cumulativeTime?: boolean }) => formatPrintFormat(format, [running], CTX, { allUsers: true, ...opts });
  t.equal(row({}), '  0+00:00:10 11/23 09:59 3.1       ?\n');
  t.equal(row({ cumulativeTime: true }), '  0+01:00:10 11/23 09:59 3.1       ?\n');
  t.equal(row({ cpuTime: true }), '  0+00:00:05 11/23 09:59 3.1       ?\n');
  t.equal(formatPrintFormat(format, [job(4, 0, {})], CTX, { allUsers: true }), '[??????????] 11/23 09:59 4.0       ?\n');
});

// history.cpp's defaultJob_PrintFormat, the table condor_history prints when no view is asked for.
const HISTORY_DEFAULT = `SELECT
ClusterId         AS ' ID         '  WIDTH AUTO PRINTAS JOB_ID
Owner             AS OWNER           WIDTH  -14 PRINTAS OWNER OR ??
QDate             AS '  SUBMITTED'   WIDTH   11 PRINTAS QDATE OR ??
RemoteWallClockTime ?:(RemoteUserCpu?:0) AS '  RUN_TIME  ' WIDTH 12 PRINTF %T
JobStatus         AS ST                         PRINTAS JOB_STATUS
CompletionDate    AS '  COMPLETED'   WIDTH   11 PRINTAS QDATE
Cmd               AS CMD             WIDTH    0 PRINTAS JOB_DESCRIPTION
SUMMARY NONE
`;

t.test("condor_history -print-format with history.cpp's own default format prints condor_history's default table", async (t) => {
  const { format, messages } = parsePrintFormat(HISTORY_DEFAULT);
  t.same(messages, []);
  const done = at('2026-11-23T10:30:00Z');
  const ads = [
    job(7, 0, { JobStatus: 4, Cmd: '/bin/sleep', RemoteWallClockTime: 65, CompletionDate: done }),
    job(1234567, 10, { JobStatus: 3, Cmd: 'a.out', RemoteUserCpu: 3, CompletionDate: 0 }),
  ];
  const opts = { now: CTX.now, overallWidth: 1024 };
  t.equal(formatHistoryPrintFormat(format, ads, opts), formatHistory(ads, CTX), 'the same headings and rows, ID widening from the longer id on');
});

t.test('condor_history -print-format: no title or summary, rows in the order read, cut at the overall width', async (t) => {
  const { format } = parsePrintFormat(['SELECT', '  Owner AS WHO', '  ProcId AS P PRINTF %3d', 'GROUP BY', '  ProcId', 'SUMMARY STANDARD'].join('\n'));
  const ads = [job(5, 2, { Owner: 'bob' }), job(5, 0, { Owner: 'alexandra' })];
  t.equal(formatHistoryPrintFormat(format, ads, { now: CTX.now, overallWidth: 0 }), 'WHO P\nbob   2\nalexandra   0\n', 'WHO widens as rows print; GROUP BY and SUMMARY do nothing');
  t.equal(formatHistoryPrintFormat(format, ads, { now: CTX.now, overallWidth: 6 }), 'WHO P\nbob   \nalexan\n');
  const bare = parsePrintFormat('SELECT NOHEADER\n  Owner\n').format;
  t.equal(formatHistoryPrintFormat(bare, ads, { now: CTX.now, overallWidth: 0 }), 'bob  \nalexandra\n', 'a row is padded to the width the column has so far');
  t.equal(parsePrintFormat('SELECT UNIQUE\n  Owner\n').format.unique, true);
});
