import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { ClassAd } from '@tinycondor/shared/classad/index';
import { ClusterAd } from '@tinycondor/shared/cluster-ad';
import type { JobEvent } from '@tinycondor/shared/eventlog/index';
import { compareJobPlaces, jobOrderKey } from '@tinycondor/shared/job-order';
import { ProcAdView } from '@tinycondor/shared/proc-ad-view';
import { editJob } from '@tinycondor/shared/job-state';
import { recordRunEdits } from '@tinycondor/shared/run-copy';
import { openDatabase } from './db.js';
import { filterClause, JobStore, procRow } from './job-store.js';

function store(t: Test, maxTimelineRows?: number): { store: JobStore; clusterIds: () => string | undefined; reopen: () => JobStore; exec: (sql: string) => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-store-'));
  let db = openDatabase(path.join(dir, 'job_queue.sqlite'));
  t.teardown(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const clusterIds = () => (db.prepare("SELECT value FROM meta WHERE key = 'last_cluster_id'").get() as { value: string } | undefined)?.value;
  const reopen = () => {
    db.close();
    db = openDatabase(path.join(dir, 'job_queue.sqlite'));
    return new JobStore(db);
  };
  return { store: new JobStore(db, maxTimelineRows), clusterIds, reopen, exec: (sql) => db.exec(sql) };
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
    return procRow(new ProcAdView(cluster, overlay), overlay);
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
      return procRow(new ProcAdView(cluster, overlay), overlay);
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

t.test('idle jobs come in matchmaking order, without those queued on a busy slot, across pages', async (t) => {
  const { store: s } = store(t);
  const cluster = new ClusterAd({ Cmd: '"/bin/true"', Iwd: '"/tmp"', Owner: '"alice"', JobStatus: '1' });
  const clusterId = s.reserveCluster(new Date());
  const rows = Array.from({ length: 40 }, (_, proc) => {
    const overlay = { ClusterId: String(clusterId), ProcId: String(proc), JobPrio: String(proc === 39 ? 5 : 0) };
    return procRow(new ProcAdView(cluster, overlay), overlay);
  });
  s.submitCluster(clusterId, undefined, cluster, rows, () => []);
  const ids = () => [...s.idleJobs()].map((job) => `${job.cluster}.${job.proc}`);
  t.same(ids(), [`${clusterId}.39`, ...Array.from({ length: 39 }, (_, proc) => `${clusterId}.${proc}`)], 'JobPrio first, then job id');
  for (const proc of [39, 0, 1, 2, 3, 4]) {
    s.recordQueuedStart({ jobId: `${clusterId}.${proc}`, runId: `r${proc}`, startdName: 'startd1', slotName: 'slot1', fetchInput: true });
  }
  t.same(ids(), Array.from({ length: 34 }, (_, i) => `${clusterId}.${i + 5}`), 'queued jobs are left out');
  s.forgetQueuedStart(`${clusterId}.0`);
  t.equal(ids()[0], `${clusterId}.0`, 'and come back when their start is no longer queued');
});

t.test("the queue's SQL orders idle jobs as compareJobPlaces does: every priority attribute, negative ones, then cluster and proc", async (t) => {
  const { store: s, reopen } = store(t);
  const cluster = new ClusterAd({ Cmd: '"/bin/true"', Iwd: '"/tmp"', Owner: '"alice"', JobStatus: '1' });
  const prios: Record<string, string>[] = [
    {},
    { JobPrio: '-1' },
    { JobPrio: '1' },
    { JobPrio: '2147483647' },
    { JobPrio: '-2147483648' },
    { PreJobPrio1: '1', JobPrio: '-5' },
    { PreJobPrio2: '-1', JobPrio: '9' },
    { PostJobPrio1: '3' },
    { PostJobPrio2: '-3' },
    { JobPrio: '1', PostJobPrio1: '-1' },
    { JobPrio: '2.9' },
    { JobPrio: 'true' },
    { JobPrio: '"7"' },
  ];
  for (const clusterPrios of [prios, [...prios].reverse()]) {
    const clusterId = s.reserveCluster(new Date());
    const rows = clusterPrios.map((attrs, proc) => {
      const overlay = { ClusterId: String(clusterId), ProcId: String(proc), ...attrs };
      return procRow(new ProcAdView(cluster, overlay), overlay);
    });
    s.submitCluster(clusterId, undefined, cluster, rows, () => []);
  }
  const idle = [...s.idleJobs()];
  t.equal(idle.length, prios.length * 2);
  t.same(
    idle.map((job) => job.place),
    [...idle].map((job) => job.place).sort(compareJobPlaces),
    'in compareJobPlaces order',
  );
  const first = idle.slice(0, 6).map((job) => `${job.cluster}.${job.proc}`);
  t.same(first, ['1.5', '2.7', '1.3', '2.9', '1.10', '2.2'], 'PreJobPrio1 first, then the highest JobPrio; equal places by cluster');
  t.same(idle.at(-1)?.place.key, jobOrderKey(ClassAd.fromJSON({ PreJobPrio2: '-1', JobPrio: '9' })), 'a negative PreJobPrio2 goes last, whatever its JobPrio');
  t.same([...reopen().idleJobs()].map((job) => job.place), idle.map((job) => job.place), 'the same after a restart');
});

t.test('the jobs of a queue written before order_key get theirs from their ads when it is opened', async (t) => {
  const { store: s, reopen, exec } = store(t);
  const cluster = new ClusterAd({ Cmd: '"/bin/true"', Iwd: '"/tmp"', Owner: '"alice"', JobStatus: '1', JobPrio: '2' });
  const clusterId = s.reserveCluster(new Date());
  const overlays: Record<string, string>[] = [{ ClusterId: String(clusterId), ProcId: '0' }, { ClusterId: String(clusterId), ProcId: '1', PreJobPrio1: '1' }];
  s.submitCluster(clusterId, undefined, cluster, overlays.map((overlay) => procRow(new ProcAdView(cluster, overlay), overlay)), () => []);
  const places = [...s.idleJobs()].map((job) => job.place);
  exec("UPDATE jobs SET order_key = ''");
  t.same([...reopen().idleJobs()].map((job) => job.place), places);
  t.same(places.map((place) => place.proc), [1, 0]);
});

t.test('idle jobs by submitter (AccountingGroup, else Owner): each one\'s in its order; older queues get theirs from their ads', async (t) => {
  const { store: s, reopen, exec } = store(t);
  const cluster = new ClusterAd({ Cmd: '"/bin/true"', Iwd: '"/tmp"', Owner: '"alice"', JobStatus: '1' });
  const clusterId = s.reserveCluster(new Date());
  const overlays: Record<string, string>[] = [
    { ClusterId: String(clusterId), ProcId: '0' },
    { ClusterId: String(clusterId), ProcId: '1', AccountingGroup: '"g.alice"' },
    { ClusterId: String(clusterId), ProcId: '2', AccountingGroup: '"g.alice"', JobPrio: '3' },
  ];
  s.submitCluster(clusterId, undefined, cluster, overlays.map((overlay) => procRow(new ProcAdView(cluster, overlay), overlay)), () => []);
  t.same(s.idleSubmitters(), ['alice', 'g.alice']);
  t.same([...s.idleJobs('g.alice')].map((job) => `${job.proc}:${job.submitter}`), ['2:g.alice', '1:g.alice']);
  t.same([...s.idleJobs('alice')].map((job) => job.proc), [0]);
  exec('UPDATE jobs SET submitter = NULL');
  t.same(reopen().idleSubmitters(), ['alice', 'g.alice'], 'computed again when the queue is opened');
});

t.test('the accountant is kept across a restart', async (t) => {
  const { store: s, reopen } = store(t);
  t.same(s.accountant(), { records: new Map(), lastUpdateTime: 0 });
  const record = { priority: 0.75, priorityFactor: 1000, resourcesUsed: 1, weightedResourcesUsed: 2, accumulatedUsage: 30, weightedAccumulatedUsage: 60, beginUsageTime: 100, lastUsageTime: 130 };
  s.saveAccountant(new Map([['a@d', record]]), 130.5);
  t.same(reopen().accountant(), { records: new Map([['a@d', record]]), lastUpdateTime: 130.5 });
});

t.test('queue filter SQL uses parameters only', async (t) => {
  t.same(filterClause({}), { where: '', params: [] });
  t.same(filterClause({ status: 5 }), { where: 'WHERE status = ?', params: [5] });
  t.same(filterClause({ status: 2, owner: "o'brien" }), { where: 'WHERE status = ? AND owner = ?', params: [2, "o'brien"] });
  t.same(filterClause({ owner: '' }), { where: '', params: [] }, 'empty owner means all');
});

t.test('a job\'s timeline is written with each change, in its transaction, kept after it leaves the queue and across a restart', async (t) => {
  const { store: s, reopen } = store(t);
  const cluster = new ClusterAd({ Cmd: '"/bin/true"', Iwd: '"/tmp"', Owner: '"alice"', JobStatus: '1' });
  const clusterId = s.reserveCluster(new Date());
  const overlay = { ClusterId: String(clusterId), ProcId: '0' };
  const time = new Date(1_800_000_000_123);
  s.submitCluster(clusterId, undefined, cluster, [procRow(new ProcAdView(cluster, overlay), overlay)], () => [{ code: 0, cluster: clusterId, proc: 0, time, submitHost: '<h>' }]);
  const job = s.getJob(clusterId, 0)!;
  const runId = 'R'.repeat(22);
  const running = ClassAd.fromJSON({ ...job.ad.toJSON(), JobStatus: '2' });
  s.apply(job, { ad: running, events: [{ code: 1, cluster: clusterId, proc: 0, time, executeHost: '<e>' } as JobEvent], leaveQueue: false, killRun: false }, { runId, startd: 's', slot: 'slot1' });
  const current = s.getJob(clusterId, 0)!;
  s.logEvents(current, [{ code: 40, cluster: clusterId, proc: 0, time, transferType: 6 }], { kind: 'checkpoint-committed', checkpoint: 0, bytes: 9 });
  s.recordTimeline(clusterId, 0, { time: 1_800_000_000_200, kind: 'checkpoint-exit', runId, checkpoint: 0 });
  t.throws(() =>
    s.transaction(() => {
      s.recordTimeline(clusterId, 0, { time: 1, kind: 'fault', detail: 'undone' });
      throw new Error('rolled back');
    }),
  );
  const done = ClassAd.fromJSON({ ...running.toJSON(), JobStatus: '4', CompletionDate: '1800000001' });
  s.apply(current, { ad: done, events: [{ code: 5, cluster: clusterId, proc: 0, time } as JobEvent], leaveQueue: true, killRun: false }, null);
  const expected = [
    { time: 1_800_000_000_123, kind: 'submitted', code: 0 },
    { time: 1_800_000_000_123, kind: 'executing', code: 1, runId },
    { time: 1_800_000_000_123, kind: 'checkpoint-committed', code: 40, runId, checkpoint: 0, bytes: 9 },
    { time: 1_800_000_000_200, kind: 'checkpoint-exit', runId, checkpoint: 0 },
    { time: 1_800_000_000_123, kind: 'terminated', code: 5, runId },
  ];
  t.same(s.timeline(clusterId, 0), expected, 'a rolled-back entry is not there; the job left the queue, its timeline stays');
  t.equal(s.timeline(clusterId, 1), undefined);
  t.same(reopen().timeline(clusterId, 0), expected, 'and survives a restart');
});

t.test('the timeline table keeps about its bound: the oldest jobs\' timelines go first, each whole', async (t) => {
  const { store: s } = store(t, 1500);
  s.transaction(() => {
    for (let i = 0; i < 2500; i++) s.recordTimeline(1 + Math.floor(i / 10), 0, { time: i, kind: 'fault' });
  });
  const kept = Array.from({ length: 250 }, (_, c) => s.timeline(c + 1, 0)?.length ?? 0);
  const firstKept = kept.findIndex((n) => n > 0);
  t.ok(firstKept > 0, `the oldest jobs' timelines went (from cluster ${firstKept + 1} on kept)`);
  t.ok(kept.slice(firstKept).every((n) => n === 10), 'every kept timeline is whole');
  const total = kept.reduce((a, b) => a + b, 0);
  t.ok(total >= 1500 && total <= 1500 + 1000, `about the bound, give or take a pruning interval (${total})`);
  t.same(s.timeline(250, 0)?.map((e) => e.time), Array.from({ length: 10 }, (_, i) => 2490 + i), 'the newest, in order');
});

t.test("a run's edits are kept with the run, across a restart, and go with it; its shadow's policy keeps the job checked", async (t) => {
  const { store: s, reopen } = store(t);
  const id = s.reserveCluster(new Date());
  const cluster = new ClusterAd({ ClusterId: String(id), JobStatus: '2', PeriodicRemove: 'true' });
  s.submitCluster(id, undefined, cluster, [procRow(new ProcAdView(cluster, { ProcId: '0' }), { ProcId: '0' })], () => []);
  const job = s.getJob(id, 0);
  if (!job) throw new Error('no job');
  const after = editJob(job.ad, [['PeriodicRemove', 'false']]).ad;
  const edits = recordRunEdits(undefined, job.ad, after, ['PeriodicRemove'], false);
  s.apply(job, { ad: after, events: [], leaveQueue: false, killRun: false }, { runId: 'r1', startd: 'startd1', slot: 'slot1', ...(edits ? { edits } : {}) });
  const stored = reopen().getJob(id, 0);
  t.same(stored?.runEdits, { periodicremove: { name: 'PeriodicRemove', started: 'true', shadow: 'true', set: 'false' } });
  t.equal(stored?.ad.getSource('PeriodicRemove'), 'false');
  const checked = (queue: JobStore) => queue.policySource().read(undefined, 10).map((j) => `${j.cluster}.${j.proc}`);
  const reopened = reopen();
  t.same(checked(reopened), [`${id}.0`], "the queue's ad has no policy left, its run's shadow has");
  const kept = reopened.getJob(id, 0);
  if (!kept) throw new Error('no job');
  reopened.apply(kept, { ad: kept.ad, events: [], leaveQueue: false, killRun: false }, null);
  t.equal(reopened.getJob(id, 0)?.runEdits, undefined, 'the run ended: the next one reads the queue');
  t.same(checked(reopened), []);
});
