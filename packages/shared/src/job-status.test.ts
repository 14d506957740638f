import t from 'tap';
import { ClassAd } from './classad/index.js';
import { countJobs } from './job-status.js';

t.test('countJobs counts as IncrementLiveJobCounter: transferring output is running, failed completed, scheduler universe left out', async (t) => {
  const job = (JobStatus: number, JobUniverse = 5) => ClassAd.fromJSON({ JobStatus: String(JobStatus), JobUniverse: String(JobUniverse) });
  const jobs = [job(6), job(7), job(4), job(3), job(8), job(9), job(2, 7)];
  t.same(countJobs(jobs), { jobs: 5, completed: 2, removed: 1, idle: 0, running: 1, held: 0, suspended: 1 }, 'a blocked job is in no count');
});
