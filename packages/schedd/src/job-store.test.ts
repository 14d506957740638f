import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { ClusterAd } from '@tinycondor/shared/cluster-ad';
import { ProcAdView } from '@tinycondor/shared/proc-ad-view';
import { openDatabase } from './db.js';
import { filterClause, JobStore } from './job-store.js';

function store(t: Test): { store: JobStore; clusterIds: () => string | undefined } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-store-'));
  const db = openDatabase(path.join(dir, 'job_queue.sqlite'));
  t.teardown(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const clusterIds = () => (db.prepare("SELECT value FROM meta WHERE key = 'last_cluster_id'").get() as { value: string } | undefined)?.value;
  return { store: new JobStore(db), clusterIds };
}

t.test('afterCommit waits for the outermost commit, and is dropped when the transaction is undone', async (t) => {
  const { store: s } = store(t);
  const done: string[] = [];
  s.afterCommit(() => done.push('outside'));
  t.same(done, ['outside'], 'outside a transaction it runs at once');
  s.transaction(() => {
    s.transaction(() => s.afterCommit(() => done.push('inner')));
    t.same(done, ['outside'], 'an inner transaction only joins: nothing ran yet');
  });
  t.same(done, ['outside', 'inner']);
  t.throws(() =>
    s.transaction(() => {
      s.afterCommit(() => done.push('undone'));
      throw new Error('boom');
    }),
  );
  t.same(done, ['outside', 'inner'], 'a rolled-back transaction runs none of its steps');
  s.transaction(() => undefined);
  t.same(done, ['outside', 'inner'], 'nor does the next one');
});

t.test('a savepoint that throws is undone alone: its writes and its after-commit steps', async (t) => {
  const { store: s, clusterIds } = store(t);
  const done: string[] = [];
  s.transaction(() => {
    s.reserveCluster(new Date());
    s.afterCommit(() => done.push('kept'));
    t.throws(() =>
      s.savepoint(() => {
        s.reserveCluster(new Date());
        s.afterCommit(() => done.push('undone'));
        throw new Error('this start fails');
      }),
    );
    s.savepoint(() => {
      s.reserveCluster(new Date());
      s.afterCommit(() => done.push('second'));
    });
  });
  t.equal(clusterIds(), '2', 'the failed savepoint took its cluster id back; the others stayed');
  t.same(done, ['kept', 'second']);
});

t.test('a step that throws after the commit does not keep the later ones from running', async (t) => {
  const { store: s, clusterIds } = store(t);
  const done: string[] = [];
  t.throws(
    () =>
      s.transaction(() => {
        s.reserveCluster(new Date());
        s.afterCommit(() => {
          throw new Error('first start failed to send');
        });
        s.afterCommit(() => done.push('second'));
      }),
    { message: 'first start failed to send' },
  );
  t.same(done, ['second']);
  t.equal(clusterIds(), '1', 'the transaction itself committed');
});

t.test('a submission is stored once under its id; settling one not stored gives its reservation up', async (t) => {
  const { store: s } = store(t);
  const now = new Date();
  const cluster = new ClusterAd({ Cmd: '"/bin/true"', Iwd: '"/tmp"', Owner: '"alice"', JobStatus: '1', TotalSubmitProcs: '2' });
  const rows = (clusterId: number) => [0, 1].map((proc) => {
    const overlay = { ClusterId: String(clusterId), ProcId: String(proc) };
    return { ad: new ProcAdView(cluster, overlay), overlay };
  });
  const stored = s.reserveCluster(now);
  t.same(s.submission(stored), { stored: false, submissionId: null, procs: 0 }, 'reserved, not yet stored');
  s.submitCluster(stored, 'first-try', cluster, rows(stored), () => []);
  t.same(s.submission(stored), { stored: true, submissionId: 'first-try', procs: 2 });
  t.same(s.settleSubmission(stored), { stored: true, submissionId: 'first-try', procs: 2 }, 'settling a stored submission changes nothing');
  t.throws(() => s.submitCluster(stored, 'first-try', cluster, rows(stored), () => []), /already submitted/, 'the store itself never stores twice');

  const lost = s.reserveCluster(now);
  t.same(s.settleSubmission(lost), { stored: false, submissionId: null, procs: 0 });
  t.throws(() => s.submitCluster(lost, 'late', cluster, rows(lost), () => []), /was given up by its submitter/, 'a copy arriving after the settle is refused');
  t.equal(s.countJobs(), 2);
  t.equal(s.submission(999), undefined, 'a cluster never reserved');
});

t.test('the jobs named by clusters and ids are read in job-id order, each once, a page at a time', async (t) => {
  const { store: s } = store(t);
  const cluster = new ClusterAd({ Cmd: '"/bin/true"', Iwd: '"/tmp"', Owner: '"alice"', JobStatus: '1' });
  for (let c = 0; c < 3; c++) {
    const clusterId = s.reserveCluster(new Date());
    const rows = Array.from({ length: 4 }, (_, proc) => {
      const overlay = { ClusterId: String(clusterId), ProcId: String(proc) };
      return { ad: new ProcAdView(cluster, overlay), overlay };
    });
    s.submitCluster(clusterId, undefined, cluster, rows, () => []);
  }
  const source = s.namedJobsSource([{ cluster: 3, proc: 1 }, { cluster: 2 }, { cluster: 2, proc: 3 }, { cluster: 3, proc: 1 }, { cluster: 9 }, { cluster: 1, proc: 7 }, { cluster: 1, proc: 0 }]);
  for (const pageSize of [1, 2, 3, 100]) {
    const ids: string[] = [];
    let after: { cluster: number; proc: number } | undefined;
    for (;;) {
      const page = source.read(after, pageSize);
      ids.push(...page.map((job) => `${job.cluster}.${job.proc}`));
      if (page.length < pageSize) break;
      after = source.key(page[page.length - 1]);
    }
    t.same(ids, ['1.0', '2.0', '2.1', '2.2', '2.3', '3.1'], `pages of ${pageSize}`);
  }
});

t.test('queue filter SQL uses parameters only', async (t) => {
  t.same(filterClause({}), { where: '', params: [] });
  t.same(filterClause({ status: 5 }), { where: 'WHERE status = ?', params: [5] });
  t.same(filterClause({ status: 2, owner: "o'brien" }), { where: 'WHERE status = ? AND owner = ?', params: [2, "o'brien"] });
  t.same(filterClause({ owner: '' }), { where: '', params: [] }, 'empty owner means all');
});
