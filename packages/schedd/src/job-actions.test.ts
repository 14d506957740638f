import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { ClassAd, parseExpr } from '@tinycondor/shared/classad/index';
import { ClusterAd } from '@tinycondor/shared/cluster-ad';
import { isRefusal } from '@tinycondor/shared/job-state';
import { ProcAdView } from '@tinycondor/shared/proc-ad-view';
import { openDatabase } from './db.js';
import { actionTransition, actOnSelection, MAX_LISTED_REFUSALS, type ActionResult } from './job-actions.js';
import { JobStore, procRow, type StoredJob } from './job-store.js';

/** A queue of `clusters` clusters of `procs` idle jobs each, owned by alice but proc 1 of each, bob's. */
function queue(t: Test, clusters: number, procs: number): JobStore {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-actions-'));
  const db = openDatabase(path.join(dir, 'job_queue.sqlite'));
  t.teardown(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const store = new JobStore(db);
  const cluster = new ClusterAd({ Cmd: '"/bin/true"', Iwd: '"/tmp"', Owner: '"alice"', JobStatus: '1' });
  for (let c = 0; c < clusters; c++) {
    const clusterId = store.reserveCluster(new Date());
    const rows = Array.from({ length: procs }, (_, proc) => {
      const overlay: Record<string, string> = { ClusterId: String(clusterId), ProcId: String(proc), ...(proc === 1 ? { Owner: '"bob"' } : {}) };
      return procRow(new ProcAdView(cluster, overlay), overlay);
    });
    store.submitCluster(clusterId, undefined, cluster, rows, () => []);
  }
  return store;
}

/** Acts as alice would be let: her jobs done, bob's refused. */
const asAlice = (job: StoredJob): ActionResult => {
  const jobId = `${job.cluster}.${job.proc}`;
  return job.ad.getString('Owner') === 'alice' ? { jobId, ok: true, code: 'success', message: `Job ${jobId} held` } : { jobId, ok: false, code: 'permission-denied', message: `Job ${jobId}: permission denied` };
};

t.test('jobs named by id and cluster: each result listed, unknown ids named', async (t) => {
  const store = queue(t, 2, 3);
  const summary = await actOnSelection(store, { specs: [{ cluster: 1, proc: 0 }, { cluster: 1, proc: 1 }, { cluster: 2 }, { cluster: 9 }, { cluster: 1, proc: 7 }], constraint: undefined, all: false }, asAlice, () => false);
  t.same(summary.results.map((r) => `${r.jobId}:${r.ok}`), ['1.0:true', '1.1:false', '2.1:false'], 'named jobs, and the refusals within a named cluster');
  t.same(summary.notFound, ['9', '1.7']);
  t.equal(summary.done, 3);
  t.equal(summary.refused, 2);
});

t.test('a constraint acts on the jobs it holds for; -all on every job; stopping ends the walk', async (t) => {
  const store = queue(t, 3, 2);
  const byConstraint = await actOnSelection(store, { specs: [], constraint: parseExpr('ClusterId == 2 || Owner == "bob"'), all: false }, asAlice, () => false);
  t.same([byConstraint.done, byConstraint.refused], [1, 3], '2.0 done; 1.1, 2.1, 3.1 refused');
  const everything = await actOnSelection(store, { specs: [], constraint: undefined, all: true }, asAlice, () => false);
  t.same([everything.done, everything.refused], [3, 3]);
  const stopped = await actOnSelection(store, { specs: [], constraint: undefined, all: true }, asAlice, () => true);
  t.same([stopped.done, stopped.refused], [0, 0]);
});

t.test('refusals of jobs not named by id are listed up to MAX_LISTED_REFUSALS, and all counted', async (t) => {
  const store = queue(t, 1, MAX_LISTED_REFUSALS + 5);
  const refuseAll = (job: StoredJob): ActionResult => ({ jobId: `${job.cluster}.${job.proc}`, ok: false, code: 'bad-status', message: 'no' });
  const summary = await actOnSelection(store, { specs: [{ cluster: 1 }], constraint: undefined, all: false }, refuseAll, () => false);
  t.equal(summary.refused, MAX_LISTED_REFUSALS + 5);
  t.equal(summary.results.length, MAX_LISTED_REFUSALS);
});

t.test('each action asks the state machine', async (t) => {
  const idle = ClassAd.fromJSON({ ClusterId: '1', ProcId: '0', JobStatus: '1' });
  const now = new Date(1_700_000_000_000);
  const hold = { code: 1, subCode: 0 };
  const held = actionTransition('hold', idle, 'by test', hold, now);
  t.notOk(isRefusal(held));
  if (!isRefusal(held)) t.equal(held.ad.getInt('JobStatus'), 5);
  t.ok(isRefusal(actionTransition('release', idle, 'by test', hold, now)), 'an idle job is not released');
  t.ok(isRefusal(actionTransition('vacate', idle, 'by test', hold, now)), 'nor vacated');
  const removed = actionTransition('remove', idle, 'by test', hold, now);
  t.ok(!isRefusal(removed) && removed.ad.getInt('JobStatus') === 3);
});
