import t from 'tap';
import { clusterConstraint, isJobSubdir, jobOfSpoolName, matchesWellKnown, staleFiles, SYSTEM_VALID_SPOOL_FILES, type JobKey } from './preen.js';

t.test('well-known SPOOL names, with wildcards (contains_withwildcard)', async (t) => {
  t.ok(matchesWellKnown(SYSTEM_VALID_SPOOL_FILES, 'job_queue.sqlite'));
  t.ok(matchesWellKnown(SYSTEM_VALID_SPOOL_FILES, 'checkpoint-cleanup'));
  t.ok(matchesWellKnown(SYSTEM_VALID_SPOOL_FILES, 'x.OfflineLog.1'));
  t.notOk(matchesWellKnown(SYSTEM_VALID_SPOOL_FILES, 'core.1234'));
  t.ok(matchesWellKnown(['keep.*'], 'keep.me'));
  t.notOk(matchesWellKnown(['keep.*'], 'nokeep.me'));
});

t.test('the job a SPOOL name belongs to (is_ckpt_file_or_submit_digest)', async (t) => {
  t.same(jobOfSpoolName('cluster12.proc3.subproc0'), { cluster: 12, proc: 3 });
  t.same(jobOfSpoolName('cluster12.proc3.subproc0.tmp'), { cluster: 12, proc: 3 });
  t.same(jobOfSpoolName('cluster12.ickpt.subproc0'), { cluster: 12, proc: -1 });
  t.same(jobOfSpoolName('condor_submit.7.digest'), { cluster: 7, proc: -1 });
  t.same(jobOfSpoolName('job4.ckpt.2'), { cluster: 4, proc: 2 });
  t.same(jobOfSpoolName('_condor_creds.cluster5.proc1'), { cluster: 5, proc: 1 });
  t.equal(jobOfSpoolName('cluster.proc1'), undefined, 'cluster 0 is no job');
  t.equal(jobOfSpoolName('notes.txt'), undefined);
  t.ok(isJobSubdir('12'));
  t.notOk(isJobSubdir('12a'));
});

t.test('stale files: those of jobs the schedd no longer has; a cluster file lives while any proc does', async (t) => {
  const files = new Map<string, JobKey>([
    ['1/0/cluster1.proc0.subproc0', { cluster: 1, proc: 0 }],
    ['1/1/cluster1.proc1.subproc0', { cluster: 1, proc: 1 }],
    ['1/cluster1.ickpt.subproc0', { cluster: 1, proc: -1 }],
    ['3/0/cluster3.proc0.subproc0', { cluster: 3, proc: 0 }],
    ['3/cluster3.ickpt.subproc0', { cluster: 3, proc: -1 }],
  ]);
  t.same(staleFiles(files, [{ cluster: 1, proc: 1 }]), ['1/0/cluster1.proc0.subproc0', '3/0/cluster3.proc0.subproc0', '3/cluster3.ickpt.subproc0']);
  t.equal(clusterConstraint(files), 'ClusterId>=1 && ClusterId<=3');
  t.equal(clusterConstraint(new Map([['x', { cluster: 2, proc: 0 }]])), 'ClusterId==2');
  t.equal(clusterConstraint(new Map()), undefined);
  const many = new Map(Array.from({ length: 200_000 }, (_, i): [string, JobKey] => [`cluster${i + 5}.proc0.subproc0`, { cluster: i + 5, proc: 0 }]));
  t.equal(clusterConstraint(many), 'ClusterId>=5 && ClusterId<=200004', 'more clusters than Math.min(...clusters) takes');
});
