process.env.TZ = 'UTC';
import t from 'tap';
import { WIDE, type RowFit } from './queue-frame.js';
import { formatQueueDag, formatQueueHeld, formatQueueNoBatch, formatQueueRun } from './queue-nobatch.js';
import { at, CTX, jobAd, TITLE } from './test-ads.js';

const QDATE = at('2026-11-23T09:59:00Z');
const NOW = at('2026-11-23T10:00:01Z');

function job(cluster: number, proc: number, attrs: Record<string, string | number | boolean>) {
  return jobAd({ ClusterId: cluster, ProcId: proc, Owner: 'alice', QDate: QDATE, JobPrio: 0, JobUniverse: 5, ...attrs });
}

t.test('one line per job with run time, state, priority, size and command', async (t) => {
  const jobs = [
    job(2, 0, { JobStatus: 1, Cmd: '/bin/true' }),
    job(1, 1, { JobStatus: 5, JobPrio: -5, ImageSize: 2500, LastRemoteWallClockTime: 30.0, Cmd: '/bin/echo' }),
    job(1, 0, { JobStatus: 2, JobCurrentStartDate: NOW - 73, RemoteWallClockTime: 500.0, MemoryUsage: 2, Cmd: '/usr/bin/sleep', Arguments: '60' }),
  ];
  t.equal(formatQueueNoBatch(jobs, CTX, { allUsers: false }), TITLE + [
    ' ID      OWNER            SUBMITTED     RUN_TIME ST PRI SIZE CMD',
    '   1.0   alice          11/23 09:59   0+00:01:13 R  0    2.0 sleep 60',
    '   1.1   alice          11/23 09:59   0+00:00:30 H  -5   2.4 echo',
    '   2.0   alice          11/23 09:59   0+00:00:00 I  0        true',
    '',
    'Total for query: 3 jobs; 0 completed, 0 removed, 1 idle, 1 running, 1 held, 0 suspended ',
    'Total for alice: 3 jobs; 0 completed, 0 removed, 1 idle, 1 running, 1 held, 0 suspended ',
    'Total for all users: 3 jobs; 0 completed, 0 removed, 1 idle, 1 running, 1 held, 0 suspended',
    '',
    '',
  ].join('\n'));
});

t.test('-cumulative-time adds earlier runs; ShadowBday wins over JobCurrentStartDate', async (t) => {
  const running = job(1, 0, { JobStatus: 2, ShadowBday: NOW - 10, JobCurrentStartDate: NOW - 99, RemoteWallClockTime: 3600.0, Cmd: '/x' });
  const line = (cumulativeTime: boolean) =>
    formatQueueNoBatch([running], CTX, { allUsers: true, cumulativeTime }).split('\n')[4];
  t.equal(line(false), '   1.0   alice          11/23 09:59   0+00:00:10 R  0        x');
  t.equal(line(true), '   1.0   alice          11/23 09:59   0+01:00:10 R  0        x');
});

t.test('big ids and long owners widen the id and SIZE columns; piped output cuts OWNER at 14', async (t) => {
  const jobs = [
    job(12345, 0, { Owner: 'averyveryverylongowner', JobStatus: 1, MemoryUsage: 12345, Cmd: '/bin/x', Args: '-v' }),
    job(12345, 1, { Owner: 'averyveryverylongowner', JobStatus: 2, TransferringOutput: true, Cmd: '/bin/x' }),
  ];
  const out = formatQueueNoBatch(jobs, { ...CTX, currentUser: 'bob' }, { allUsers: false });
  t.equal(out.split('\n').slice(3, 6).join('\n'), [
    ' ID       OWNER            SUBMITTED     RUN_TIME ST PRI SIZE    CMD',
    '12345.0   averyveryveryl 11/23 09:59   0+00:00:00 I  0   12345.0 x -v',
    '12345.1   averyveryveryl 11/23 09:59   0+00:00:00  > 0           x',
  ].join('\n'));
  t.match(out, 'Total for bob: 0 jobs;');
});

t.test('an empty queue prints the header and zero totals', async (t) => {
  t.equal(formatQueueNoBatch([], CTX, { allUsers: true }), TITLE + [
    ' ID      OWNER            SUBMITTED     RUN_TIME ST PRI SIZE CMD',
    '',
    'Total for query: 0 jobs; 0 completed, 0 removed, 0 idle, 0 running, 0 held, 0 suspended ',
    'Total for all users: 0 jobs; 0 completed, 0 removed, 0 idle, 0 running, 0 held, 0 suspended',
    '',
    '',
  ].join('\n'));
});

t.test('condor_q -hold lists held jobs with when, the hold code and subcode, and why', async (t) => {
  const jobs = [
    jobAd({ ClusterId: 3, ProcId: 0, Owner: 'alice', JobStatus: 5, QDate: at('2026-11-23T09:00:00Z'), EnteredCurrentStatus: at('2026-11-23T09:30:00Z'), HoldReason: 'via condor_hold (by user alice)', HoldReasonCode: 1, HoldReasonSubCode: 0 }),
    jobAd({ ClusterId: 3, ProcId: 1, Owner: 'alice', JobStatus: 1, QDate: at('2026-11-23T09:00:00Z') }),
  ];
  t.equal(
    formatQueueHeld(jobs, CTX, { allUsers: true }),
    TITLE +
      ' ID      OWNER          HELD_SINCE  CODE/SUB HOLD_REASON\n' +
      '   3.0   alice          11/23 09:30    1/0   via condor_hold (by user alice)\n' +
      '\n' +
      'Total for query: 2 jobs; 0 completed, 0 removed, 1 idle, 0 running, 1 held, 0 suspended \n' +
      'Total for all users: 2 jobs; 0 completed, 0 removed, 1 idle, 0 running, 1 held, 0 suspended\n\n',
  );
});

t.test('-run: where each running job runs (REMOTE_HOST, ?? when unknown), no summary', async (t) => {
  const jobs = [
    job(1, 1, { JobStatus: 7, JobCurrentStartDate: NOW - 5, Cmd: '/x' }),
    job(1, 0, { JobStatus: 2, JobCurrentStartDate: NOW - 73, RemoteHost: 'slot1@startd1', Cmd: '/x' }),
  ];
  t.equal(formatQueueRun(jobs, CTX), TITLE + [
    ' ID      OWNER            SUBMITTED     RUN_TIME HOST(S)',
    '   1.0   alice          11/23 09:59   0+00:01:13 slot1@startd1',
    '   1.1   alice          11/23 09:59   0+00:00:05 ??',
    '',
  ].join('\n'));
});

t.test('on a console rows are cut to its width less one and keep their blanks; OWNER grows into a wide one', async (t) => {
  const jobs = [
    job(1, 0, { JobStatus: 1, Cmd: '/bin/sleep', Arguments: '600 and a long argument list' }),
    job(1, 1, { JobStatus: 1, Cmd: '/x', Owner: 'a-rather-long-owner-name' }),
  ];
  const lines = (fit: RowFit) => formatQueueNoBatch(jobs, CTX, { allUsers: true, fit }).split('\n').slice(3, 6);
  t.same(lines({ wide: false, width: 70 }), [
    ' ID      OWNER            SUBMITTED     RUN_TIME ST PRI SIZE CMD',
    '   1.0   alice          11/23 09:59   0+00:00:00 I  0        sleep 60',
    '   1.1   a-rather-long- 11/23 09:59   0+00:00:00 I  0        x',
  ], 'an 80-column console or less leaves OWNER at 14');
  t.same(lines({ wide: false, width: 85 })[2], '   1.1   a-rather-long-owner 11/23 09:59   0+00:00:00 I  0        x', '14 + (85 - 80) columns');
  t.same(lines({ wide: false, width: 200 })[2], '   1.1   a-rather-long-owner-name 11/23 09:59   0+00:00:00 I  0        x');
  t.same(lines(WIDE)[1], '   1.0   alice          11/23 09:59   0+00:00:00 I  0        sleep 600 and a long argument list');
  const blank = formatQueueNoBatch([job(2, 0, { JobStatus: 1 })], CTX, { allUsers: true, fit: { wide: false, width: 80 } }).split('\n')[4];
  t.equal(blank, '   2.0   alice          11/23 09:59   0+00:00:00 I  0        ', 'no CMD: the blanks stay');
  t.equal(formatQueueRun(jobs, CTX, { wide: false, width: 50 }).split('\n')[3], ' ID      OWNER            SUBMITTED     RUN_TIME ');
});

t.test('-hold is never cut to the console', async (t) => {
  const held = [jobAd({ ClusterId: 3, ProcId: 0, Owner: 'alice', JobStatus: 5, EnteredCurrentStatus: at('2026-11-23T09:30:00Z'), HoldReason: 'x'.repeat(100) })];
  t.equal(formatQueueHeld(held, CTX, { allUsers: true, fit: { wide: false, width: 40 } }).split('\n')[4].length, 36 + 9 + 100);
});

t.test('-hold: `?` for a missing code, blanks for a missing subcode, CODE and /SUB grow to their values', async (t) => {
  const held = (proc: number, extra = {}) => jobAd({ ClusterId: 3, ProcId: proc, Owner: 'alice', JobStatus: 5, EnteredCurrentStatus: at('2026-11-23T09:30:00Z'), HoldReason: 'r', ...extra });
  const lines = (jobs: ReturnType<typeof held>[]) => formatQueueHeld(jobs, CTX, { allUsers: true }).split('\n').slice(3, 3 + 1 + jobs.length);
  t.same(lines([held(0), held(1, { HoldReasonCode: 26 })]), [
    ' ID      OWNER          HELD_SINCE  CODE/SUB HOLD_REASON',
    '   3.0   alice          11/23 09:30 ?        r',
    '   3.1   alice          11/23 09:30   26     r',
  ]);
  t.same(lines([held(0, { HoldReasonCode: 12, HoldReasonSubCode: 2 }), held(1, { HoldReasonCode: 21, HoldReasonSubCode: 123456 }), held(2, { HoldReasonCode: 123456 })]), [
    ' ID      OWNER          HELD_SINCE  CODE  /SUB    HOLD_REASON',
    '   3.0   alice          11/23 09:30     12/2      r',
    '   3.1   alice          11/23 09:30     21/123456 r',
    '   3.2   alice          11/23 09:30 123456        r',
  ]);
});

t.test('-dag -nobatch: node jobs under their DAGMan job, by node name', async (t) => {
  const dagman = job(10, 0, { JobStatus: 2, JobUniverse: 7, Cmd: '/usr/bin/condor_dagman' });
  const node = (cluster: number, name: string, dag: number | string, extra = {}) =>
    job(cluster, 0, { JobStatus: 1, Cmd: '/bin/true', DAGManJobId: dag, DAGNodeName: name, ...extra });
  const jobs = [
    node(13, 'C', 10), dagman, node(11, 'A', 10), job(12, 0, { JobStatus: 1, Cmd: '/bin/other' }),
    job(14, 0, { JobStatus: 2, JobUniverse: 7, Cmd: '/usr/bin/condor_dagman', DAGManJobId: '10.0', DAGNodeName: 'SUB' }),
    node(15, 'SUB_A', 14), node(20, 'orphan', 19),
  ];
  const warnings: string[] = [];
  const out = formatQueueDag(jobs, CTX, { allUsers: true }, (m) => warnings.push(m));
  t.equal(out.split('\n').slice(3, 11).join('\n'), [
    ' ID      OWNER/NODENAME      SUBMITTED     RUN_TIME ST PRI SIZE CMD',
    '  10.0   alice             11/23 09:59   0+00:00:00 R  0        condor_dagman',
    '  11.0    |-A              11/23 09:59   0+00:00:00 I  0        true',
    '  13.0    |-C              11/23 09:59   0+00:00:00 I  0        true',
    '  14.0    |-SUB            11/23 09:59   0+00:00:00 R  0        condor_dagman',
    '  15.0     |-SUB_A         11/23 09:59   0+00:00:00 I  0        true',
    '  12.0   alice             11/23 09:59   0+00:00:00 I  0        other',
    '  20.0   |-orphan          11/23 09:59   0+00:00:00 I  0        true',
  ].join('\n'));
  t.same(warnings, []);
  const long = formatQueueDag([dagman, node(11, 'a-very-long-node-name', 10)], CTX, { allUsers: true }, () => {});
  t.equal(long.split('\n')[5], '  11.0    |-a-very-long-no 11/23 09:59   0+00:00:00 I  0        true', 'cut to the 17-wide column');
  formatQueueDag([job(30, 0, { JobStatus: 1, DAGManJobId: 10 })], CTX, { allUsers: true }, (m) => warnings.push(m));
  t.same(warnings, ['DAG node job with no DAGNodeName attribute!\n']);
});

t.test('-hold -dag: held node jobs under their DAGMan job, `|-` before their owner', async (t) => {
  const held = (cluster: number, extra = {}) => jobAd({ ClusterId: cluster, ProcId: 0, Owner: 'alice', JobStatus: 5, EnteredCurrentStatus: at('2026-11-23T09:30:00Z'), HoldReason: 'r', HoldReasonCode: 1, HoldReasonSubCode: 0, ...extra });
  const jobs = [held(12, { DAGManJobId: 10, DAGNodeName: 'B' }), held(11), held(10)];
  const lines = (dag: boolean) => formatQueueHeld(jobs, CTX, { allUsers: true, dag }).split('\n').slice(4, 7);
  t.same(lines(true), [
    '  10.0   alice          11/23 09:30    1/0   r',
    '  12.0    |-alice       11/23 09:30    1/0   r',
    '  11.0   alice          11/23 09:30    1/0   r',
  ]);
  t.same(lines(false).map((l) => l.slice(0, 6)), ['  10.0', '  11.0', '  12.0']);
});

t.test('-cputime: CPU_TIME is RemoteUserCpu, blank without one (-run: [??????????])', async (t) => {
  const jobs = [
    job(1, 0, { JobStatus: 2, JobCurrentStartDate: NOW - 73, RemoteUserCpu: 3725.0, Cmd: '/x', RemoteHost: 'slot1@node' }),
    job(2, 0, { JobStatus: 2, JobCurrentStartDate: NOW - 73, Cmd: '/y', RemoteHost: 'slot2@node' }),
  ];
  t.equal(formatQueueNoBatch(jobs, CTX, { allUsers: true, cpuTime: true }).split('\n').slice(3, 6).join('\n'), [
    ' ID      OWNER            SUBMITTED     CPU_TIME ST PRI SIZE CMD',
    '   1.0   alice          11/23 09:59   0+01:02:05 R  0        x',
    '   2.0   alice          11/23 09:59              R  0        y',
  ].join('\n'));
  t.equal(formatQueueRun(jobs, CTX, WIDE, { cpuTime: true }).split('\n').slice(3, 6).join('\n'), [
    ' ID      OWNER            SUBMITTED     CPU_TIME HOST(S)',
    '   1.0   alice          11/23 09:59   0+01:02:05 slot1@node',
    '   2.0   alice          11/23 09:59 [??????????] slot2@node',
  ].join('\n'));
});
