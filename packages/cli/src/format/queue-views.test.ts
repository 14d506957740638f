process.env.TZ = 'UTC';
import t from 'tap';
import { factoryModeText, formatQueueFactory, formatQueueHoldCodes, formatQueueIdle, formatQueueIo, readableBytes } from './queue-views.js';
import { at, CTX, jobAd, TITLE } from './test-ads.js';

const QDATE = at('2026-11-23T09:59:00Z');

function job(cluster: number, proc: number, attrs: Record<string, string | number | boolean>) {
  return jobAd({ ClusterId: cluster, ProcId: proc, Owner: 'alice', QDate: QDATE, JobPrio: 0, JobUniverse: 5, ...attrs });
}

// Columns without a WIDTH are as wide as their label or widest value, values printf'd then left-aligned.
t.test('-idle: universe, requested CPUs and memory, starts and last host (undefined when it never ran); no summary', async (t) => {
  const jobs = [
    job(3, 0, { JobStatus: 1, RequestCpus: 1, RequestMemory: 128 }),
    job(2, 1, { JobStatus: 1, RequestCpus: 16, RequestMemory: 1048576, NumShadowStarts: 2, LastRemoteHost: 'slot1@node7' }),
    job(2, 0, { JobStatus: 1, JobUniverse: 7, RequestCpus: 1, RequestMemory: 1 }),
  ];
  t.equal(formatQueueIdle(jobs, CTX), TITLE + [
    ' ID      OWNER          UNIVERSE  CPUS MEMORY  STARTS LAST_HOST',
    '   2.0   alice          Scheduler    1      1       0 undefined',
    '   2.1   alice          Vanilla     16 1048576      2 slot1@node7',
    '   3.0   alice          Vanilla      1    128       0 undefined',
    '',
  ].join('\n'));
});

t.test('-idle on an 80-column console keeps trailing blanks and cuts at 79', async (t) => {
  const out = formatQueueIdle([job(1, 0, { JobStatus: 1, RequestCpus: 1, RequestMemory: 128, LastRemoteHost: 'x'.repeat(60) })], CTX, { wide: false, width: 80 });
  const row = out.split('\n')[4];
  t.equal(row.length, 79);
  t.equal(row.slice(0, 56), '   1.0   alice          Vanilla      1    128      0 xxx');
});

t.test('-hold-codes: one row per code/subcode, its oldest job and how many share it', async (t) => {
  const held = (cluster: number, proc: number, code: number | undefined, sub: number | undefined, reason: string, since: string) =>
    job(cluster, proc, {
      JobStatus: 5,
      ...(code === undefined ? {} : { HoldReasonCode: code }),
      ...(sub === undefined ? {} : { HoldReasonSubCode: sub }),
      HoldReason: reason,
      EnteredCurrentStatus: at(since),
    });
  const jobs = [
    held(7, 0, 3, 0, 'policy', '2026-11-23T09:40:00Z'),
    held(5, 1, 1, 0, 'via condor_hold (by user alice)', '2026-11-23T09:31:00Z'),
    held(5, 0, 1, 0, 'via condor_hold (by user alice)', '2026-11-23T09:30:00Z'),
    held(6, 0, 13, 2, 'Transfer input files failure', '2026-11-23T09:35:00Z'),
    held(8, 0, 13, 2, 'Transfer input files failure', '2026-11-23T09:36:00Z'),
    held(9, 0, 1, 0, 'via condor_hold (by user alice)', '2026-11-23T09:50:00Z'),
    job(4, 0, { JobStatus: 1 }),
  ];
  t.equal(formatQueueHoldCodes(jobs, CTX, { allUsers: true }), TITLE + [
    'OWNER          CODE/SUB    COUNT  OLDEST_JOB_ID HELD_SINCE  HOLD_REASON',
    'alice             1/0           3 5.0           11/23 09:30 via condor_hold (by user alice)',
    'alice            13/2           2 6.0           11/23 09:35 Transfer input files failure',
    'alice             3/0           1 7.0           11/23 09:40 policy',
    '',
  ].join('\n'));
});

t.test('-hold-codes: a job with no code is a row of its own, its COUNT its JobStatus', async (t) => {
  const out = formatQueueHoldCodes([job(1, 0, { JobStatus: 5, HoldReason: 'old' })], CTX, { allUsers: true });
  t.equal(out.split('\n')[4], 'alice          ?                5 1.0           [?????????] old');
});

t.test('-io: runs, state, bytes in and out and their sum, what is transferring, then the summary', async (t) => {
  const jobs = [
    job(1, 0, { JobStatus: 2, NumJobStarts: 1, BytesRecvd: 2048.0, BytesSent: 0.0, TransferringInput: true }),
    job(2, 0, { JobStatus: 2, NumJobStarts: 2, BytesRecvd: 5242880.0, BytesSent: 1536.0, TransferringOutput: true, TransferQueued: true }),
    job(3, 0, { JobStatus: 1, TransferQueued: true }),
  ];
  t.equal(formatQueueIo(jobs, CTX, { allUsers: true }), TITLE + [
    ' ID      OWNER          RUNS ST  INPUT    OUTPUT   RATE      MISC                ',
    '   1.0   alice             1 <  2.0 KB   0.0 B        2.0 KB  transfer=in',
    '   2.0   alice             2 q> 5.0 MB   1.5 KB       5.0 MB  transfer=out,queued',
    '   3.0   alice          ?    I                                transfer=queued',
    '',
    'Total for query: 3 jobs; 0 completed, 0 removed, 1 idle, 2 running, 0 held, 0 suspended ',
    'Total for all users: 3 jobs; 0 completed, 0 removed, 1 idle, 2 running, 0 held, 0 suspended',
    '',
    '',
  ].join('\n'));
});

t.test('readable bytes as metric_units prints them', async (t) => {
  t.equal(readableBytes(0), '0.0 B ');
  t.equal(readableBytes(1024), '1024.0 B ');
  t.equal(readableBytes(1025), '1.0 KB');
  t.equal(readableBytes(3 * 1024 ** 5), '3072.0 TB');
  t.equal(readableBytes(undefined), '        ');
});

t.test('-factory: each factory cluster ad (no ProcId) with its limit, counters, next proc, mode and digest; no summary', async (t) => {
  const factory = (cluster: number, attrs: Record<string, string | number | boolean>) =>
    jobAd({ ClusterId: cluster, Owner: 'alice', QDate: QDATE, JobMaterializeLimit: 4, JobsPresent: 4, JobsRunning: 1, JobsIdle: 2, JobsHeld: 1, JobMaterializeNextProcId: 7, JobFactoryPaused: 0, JobMaterializeDigestFile: `/spool/${cluster}/condor_submit.${cluster}.digest`, ...attrs });
  const clusters = [factory(12, { JobMaterializePaused: 1, JobFactoryPaused: 1 }), factory(3, {})];
  t.equal(formatQueueFactory(clusters, CTX), TITLE + [
    ' ID      OWNER            SUBMITTED  LIMIT PRESNT   RUN    IDLE   HOLD NEXTID MODE DIGEST                           ',
    '   3.    alice          11/23 09:59      4      4      1      2      1      7 Norm /spool/3/condor_submit.3.digest',
    '  12.    alice          11/23 09:59      4      4      1      2      1      7 Held /spool/12/condor_submit.12.digest',
    '',
  ].join('\n'));
});

t.test('-factory MODE: the pause the cluster ad records, else the factory\'s (format_job_factory_mode)', async (t) => {
  const mode = (attrs: Record<string, string | number | boolean>) => factoryModeText(jobAd(attrs));
  t.same([-1, 0, 1, 2, 3, 7].map((paused) => mode({ JobFactoryPaused: paused })), ['Errs', 'Norm', 'Held', 'Done', 'Gone', 'Unk']);
  t.equal(mode({ JobMaterializePaused: 1, JobFactoryPaused: 0 }), 'Held');
  t.equal(mode({}), '', 'undefined');
  t.equal(mode({ JobFactoryPaused: 'x' }), '????', 'no number');
});
