process.env.TZ = 'UTC';
import t from 'tap';
import { formatQueueBatch } from './queue-batch.js';
import { at, CTX, jobAd, TITLE } from './test-ads.js';

const QDATE = at('2026-11-23T09:59:00Z');

function job(cluster: number, proc: number, status: number, extra: Record<string, string | number> = {}) {
  return jobAd({ ClusterId: cluster, ProcId: proc, Owner: 'alice', JobStatus: status, QDate: QDATE, JobUniverse: 5, ...extra });
}

const SUMMARY_3 = [
  'Total for query: 3 jobs; 0 completed, 0 removed, 2 idle, 1 running, 0 held, 0 suspended ',
  'Total for alice: 3 jobs; 0 completed, 0 removed, 2 idle, 1 running, 0 held, 0 suspended ',
  'Total for all users: 3 jobs; 0 completed, 0 removed, 2 idle, 1 running, 0 held, 0 suspended',
  '',
  '',
].join('\n');

t.test('one cluster becomes one batch line, DONE from TotalSubmitProcs', async (t) => {
  const jobs = [job(1, 2, 1, { TotalSubmitProcs: 4 }), job(1, 0, 2, { TotalSubmitProcs: 4 }), job(1, 1, 1, { TotalSubmitProcs: 4 })];
  t.equal(formatQueueBatch(jobs, CTX, { allUsers: false }), TITLE + [
    'OWNER BATCH_NAME    SUBMITTED   DONE   RUN    IDLE  TOTAL JOB_IDS',
    'alice ID: 1       11/23 09:59      1      1      2      4 1.0-2',
    '',
    SUMMARY_3,
  ].join('\n'));
});

t.test('a held job adds the HOLD column; -allusers drops the per-user line', async (t) => {
  const jobs = [job(1, 0, 5, { TotalSubmitProcs: 1 }), job(2, 0, 1, { TotalSubmitProcs: 1, Owner: 'bob' })];
  t.equal(formatQueueBatch(jobs, CTX, { allUsers: true }), TITLE + [
    'OWNER BATCH_NAME    SUBMITTED   DONE   RUN    IDLE   HOLD  TOTAL JOB_IDS',
    'alice ID: 1       11/23 09:59      _      _      _      1      1 1.0',
    'bob   ID: 2       11/23 09:59      _      _      1      _      1 2.0',
    '',
    'Total for query: 2 jobs; 0 completed, 0 removed, 1 idle, 0 running, 1 held, 0 suspended ',
    'Total for all users: 2 jobs; 0 completed, 0 removed, 1 idle, 0 running, 1 held, 0 suspended',
    '',
    '',
  ].join('\n'));
});

t.test('owners all shorter than OWNER get an 8-wide column; no TotalSubmitProcs leaves DONE and TOTAL blank', async (t) => {
  const jobs = [job(3, 0, 2, { Owner: 'bob' }), job(3, 1, 7, { Owner: 'bob' })];
  const out = formatQueueBatch(jobs, { ...CTX, currentUser: 'bob' }, { allUsers: false });
  t.equal(out.split('\n').slice(3, 5).join('\n'), [
    'OWNER    BATCH_NAME    SUBMITTED   DONE   RUN    IDLE  TOTAL JOB_IDS',
    'bob      ID: 3       11/23 09:59      _      1      1      _ 3.0-1',
  ].join('\n'));
  t.match(out, 'Total for bob: 2 jobs; 0 completed, 0 removed, 0 idle, 1 running, 0 held, 1 suspended \n');
});

t.test('clusters sharing a batch name and owner fold into one line; long names widen columns', async (t) => {
  const owner = 'a-very-long-owner-name';
  const jobs = [
    job(7, 0, 2, { JobBatchName: 'nightly-simulation-run', Owner: owner, TotalSubmitProcs: 2 }),
    job(9, 0, 1, { JobBatchName: 'nightly-simulation-run', Owner: owner, TotalSubmitProcs: 1 }),
    job(8, 0, 1, { Owner: owner }),
  ];
  t.equal(formatQueueBatch(jobs, { ...CTX, currentUser: owner }, { allUsers: false }), TITLE + [
    'a-very-long-owner-name BATCH_NAME                SUBMITTED   DONE   RUN    IDLE  TOTAL JOB_IDS'.replace('a-very-long-owner-name', 'OWNER                 '),
    'a-very-long-owner-name nightly-simulation-run  11/23 09:59      1      1      1      3 7.0 ... 9.0',
    'a-very-long-owner-name ID: 8                   11/23 09:59      _      _      1      _ 8.0',
    '',
    'Total for query: 3 jobs; 0 completed, 0 removed, 2 idle, 1 running, 0 held, 0 suspended ',
    'Total for a-very-long-owner-name: 3 jobs; 0 completed, 0 removed, 2 idle, 1 running, 0 held, 0 suspended ',
    'Total for all users: 3 jobs; 0 completed, 0 removed, 2 idle, 1 running, 0 held, 0 suspended',
    '',
    '',
  ].join('\n'));
});

t.test('an empty queue prints the unadjusted header, HOLD included, and zero totals', async (t) => {
  t.equal(formatQueueBatch([], CTX, { allUsers: false }), TITLE + [
    'OWNER BATCH_NAME      SUBMITTED   DONE   RUN    IDLE   HOLD  TOTAL JOB_IDS',
    '',
    'Total for query: 0 jobs; 0 completed, 0 removed, 0 idle, 0 running, 0 held, 0 suspended ',
    'Total for alice: 0 jobs; 0 completed, 0 removed, 0 idle, 0 running, 0 held, 0 suspended ',
    'Total for all users: 0 jobs; 0 completed, 0 removed, 0 idle, 0 running, 0 held, 0 suspended',
    '',
    '',
  ].join('\n'));
});

t.test('totals for the user and all users can come from the whole queue', async (t) => {
  const totals = { jobs: 10, completed: 1, removed: 2, idle: 3, running: 4, held: 0, suspended: 0 };
  const out = formatQueueBatch([], CTX, { allUsers: false, myTotals: totals, allUsersTotals: { ...totals, jobs: 20 } });
  t.match(out, 'Total for alice: 10 jobs; 1 completed, 2 removed, 3 idle, 4 running, 0 held, 0 suspended \n');
  t.match(out, 'Total for all users: 20 jobs; 1 completed, 2 removed, 3 idle, 4 running, 0 held, 0 suspended\n\n');
});

t.test('a console too narrow for OWNER, BATCH_NAME and JOB_IDS shares out what the fixed columns leave', async (t) => {
  const owner = 'a-very-long-owner-name';
  const jobs = [
    job(7, 0, 2, { JobBatchName: 'nightly-simulation-run', Owner: owner, TotalSubmitProcs: 2 }),
    job(9, 0, 1, { JobBatchName: 'nightly-simulation-run', Owner: owner, TotalSubmitProcs: 1 }),
  ];
  const out = formatQueueBatch(jobs, { ...CTX, currentUser: owner }, { allUsers: false, fit: { wide: false, width: 80 } });
  t.same(out.split('\n').slice(3, 5), [
    'OWNER       BATCH_NAME        SUBMITTED   DONE   RUN    IDLE  TOTAL JOB_IDS',
    'a-very-long nightly-simula  11/23 09:59      1      1      1      3 7.0 ... 9.0',
  ]);
  const narrow = formatQueueBatch(jobs, { ...CTX, currentUser: owner }, { allUsers: false, fit: { wide: false, width: 60 } });
  t.same(narrow.split('\n').slice(3, 5), [
    'OWNER    BATCH_NAME    SUBMITTED   DONE   RUN    IDLE  TOTA',
    'a-very-l nightly-si  11/23 09:59      1      1      1      ',
  ], 'cut at 59 columns');
});

t.test('DAG node jobs fold into their DAGMan job\'s line; with -dag a line of nodes alone shows the node name', async (t) => {
  const dagman = job(10, 0, 2, { JobUniverse: 7, JobBatchName: 'diamond.dag+10', DAG_NodesTotal: 4, DAG_NodesDone: 1 });
  const node = (cluster: number, status: number, name: string, dag: number) =>
    job(cluster, 0, status, { DAGManJobId: dag, DAGNodeName: name, JobBatchName: 'diamond.dag+10' });
  const orphan = job(20, 0, 1, { DAGManJobId: 19, DAGNodeName: 'orphan' });
  const jobs = [dagman, node(11, 2, 'B', 10), node(12, 5, 'C', 10), orphan, job(21, 0, 2, { JobUniverse: 7 })];
  const lines = (dag: boolean) => formatQueueBatch(jobs, CTX, { allUsers: true, dag }).split('\n').slice(3, 7);
  t.same(lines(false), [
    'OWNER BATCH_NAME        SUBMITTED   DONE   RUN    IDLE   HOLD  TOTAL JOB_IDS',
    'alice diamond.dag+10  11/23 09:59      1      1      _      1      4 11.0 ... 12.0',
    'alice NODE: orphan    11/23 09:59      _      _      1      _      _ 20.0',
    'alice DAG: 21         11/23 09:59      _      _      _      _      _ 0.0',
  ], 'a DAGMan job with no node jobs queued shows JOB_IDS 0.0, as condor_q does');
  t.same(lines(true).slice(2, 3), ['orphan NODE: orphan    11/23 09:59      _      _      1      _      _ 20.0']);
});

t.test('-batch:C: zero counts show as C (b: blank, z: 0)', async (t) => {
  const jobs = [job(1, 0, 5, { TotalSubmitProcs: 1 })];
  const line = (zeroChar: string) => formatQueueBatch(jobs, CTX, { allUsers: true, zeroChar }).split('\n')[4];
  t.equal(line('-'), 'alice ID: 1       11/23 09:59      -      -      -      1      1 1.0');
  t.equal(line(''), 'alice ID: 1       11/23 09:59                           1      1 1.0');
  t.equal(line('0'), 'alice ID: 1       11/23 09:59      0      0      0      1      1 1.0');
});
