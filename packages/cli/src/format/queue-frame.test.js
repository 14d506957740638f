process.env.TZ = 'UTC';
import t from 'tap';
import { countJobs } from './job-status.js';
import { formatTotals, summarizeSinful } from './queue-frame.js';
import { CTX, jobAd, TITLE } from './test-ads.js';
t.test('summarizeSinful cuts the address parameters', async (t) => {
    t.equal(summarizeSinful('<10.0.0.1:9618?addrs=10.0.0.1-9618&noUDP>'), '<10.0.0.1:9618?...');
    t.equal(summarizeSinful('<10.0.0.1:9618>'), '<10.0.0.1:9618>');
});
t.test('countJobs counts transferring output as running and leaves out scheduler universe', async (t) => {
    const jobs = [
        jobAd({ JobStatus: 6, JobUniverse: 5 }), jobAd({ JobStatus: 7, JobUniverse: 5 }),
        jobAd({ JobStatus: 4, JobUniverse: 5 }), jobAd({ JobStatus: 3, JobUniverse: 5 }),
        jobAd({ JobStatus: 2, JobUniverse: 7 }),
    ];
    t.same(countJobs(jobs), { jobs: 4, completed: 1, removed: 1, idle: 0, running: 1, held: 0, suspended: 1 });
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
//# sourceMappingURL=queue-frame.test.js.map