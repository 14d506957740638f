import t from 'tap';
import { parseExpr } from '@tinycondor/shared/classad/index';
import { namedJobs } from './constraint-jobs.js';

const named = (source: string) => namedJobs(parseExpr(source));

t.test("condor_q's and condor_rm's job-id constraints name their jobs", async (t) => {
  t.same(named('ClusterId == 5'), [{ cluster: 5 }]);
  t.same(named('(ClusterId == 5 && ProcId == 2)'), [{ cluster: 5, proc: 2 }]);
  t.same(named('(ClusterId == 5 || (ClusterId == 6 && ProcId == 0))'), [{ cluster: 5 }, { cluster: 6, proc: 0 }]);
  t.same(named('(JobStatus == 1) && (ClusterId == 5 || ClusterId == 7)'), [{ cluster: 5 }, { cluster: 7 }], 'a clause of a conjunction');
  t.same(named('5 == clusterid'), [{ cluster: 5 }], 'either way round, any case');
  t.same(named('MY.ClusterId == 5'), [{ cluster: 5 }]);
});

t.test('anything else may select any job', async (t) => {
  for (const source of [
    'JobStatus == 1',
    'ClusterId == 5 || Owner == "alice"',
    'ClusterId >= 5',
    'ClusterId == 5.0',
    'ClusterId == "5"',
    'TARGET.ClusterId == 5',
    '!(ClusterId == 5)',
    'ClusterId =?= 5',
    'ClusterId == 5 ? true : true',
  ]) {
    t.equal(named(source), undefined, source);
  }
});
