process.env.TZ = 'UTC';
import t from 'tap';
import { formatHistory } from './history.js';
import { at, CTX, jobAd } from './test-ads.js';
const HEADER = ' ID     OWNER          SUBMITTED   RUN_TIME     ST COMPLETED   CMD            ';
t.test('default view: full command, blank run time for jobs that never ran, widening columns', async (t) => {
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
    ];
    t.equal(formatHistory(jobs, CTX), [
        HEADER,
        '5.0     alice          11/23 09:00   0+00:01:05 C  11/23 09:05 /bin/sleep 60  ',
        '6.0     a-long-owner-name-here  7/2  15:11              X              /bin/true      ',
        '7.12    bob                    11/23 09:00   0+00:00:03     1/1  00:00 /opt/analysis/bin/run-the-whole-pipeline a b',
        '',
    ].join('\n'));
});
t.test('no jobs: the heading only', async (t) => {
    t.equal(formatHistory([], CTX), HEADER + '\n');
});
//# sourceMappingURL=history.test.js.map