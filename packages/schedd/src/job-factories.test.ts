import t from 'tap';
import { ClusterAd } from '@tinycondor/shared/cluster-ad';
import { addClusterCounters, factoryState, procsToMaterialize, queriedClusterAd, type FactoryState } from './job-factories.js';

const state = (over: Partial<FactoryState>): FactoryState => ({ nextProcId: 0, totalProcs: 20, limit: 3, maxIdle: undefined, paused: 0, ...over });

t.test('procs in the queue stay under JobMaterializeLimit (MaterializeJobs)', async (t) => {
  t.equal(procsToMaterialize(state({}), { inQueue: 0, notRunning: 0 }), 3);
  t.equal(procsToMaterialize(state({ nextProcId: 3 }), { inQueue: 3, notRunning: 1 }), 0);
  t.equal(procsToMaterialize(state({ nextProcId: 3 }), { inQueue: 2, notRunning: 1 }), 1);
  t.equal(procsToMaterialize(state({ nextProcId: 19 }), { inQueue: 0, notRunning: 0 }), 1, 'never past the last proc');
  t.equal(procsToMaterialize(state({ nextProcId: 20 }), { inQueue: 0, notRunning: 0 }), 0);
  t.equal(procsToMaterialize(state({ limit: 3 }), { inQueue: 5, notRunning: 0 }), 0, 'a queue over the limit (an edit lowered it) makes none');
});

t.test('with JobMaterializeMaxIdle, procs idle or held stay under it too (CheckMaterializePolicyExpression)', async (t) => {
  t.equal(procsToMaterialize(state({ limit: 100, maxIdle: 2 }), { inQueue: 5, notRunning: 0 }), 2);
  t.equal(procsToMaterialize(state({ limit: 100, maxIdle: 2 }), { inQueue: 5, notRunning: 2 }), 0);
  t.equal(procsToMaterialize(state({ limit: 6, maxIdle: 2 }), { inQueue: 5, notRunning: 0 }), 1);
});

t.test('a paused factory makes nothing', async (t) => {
  t.equal(procsToMaterialize(state({ paused: 1 }), { inQueue: 0, notRunning: 0 }), 0);
});

t.test('the state is read from the cluster ad', async (t) => {
  const ad = new ClusterAd({ TotalSubmitProcs: '1000000', JobMaterializeLimit: '1000', JobMaterializeNextProcId: '1500', JobMaterializeMaxIdle: '4 * 10' });
  t.same(factoryState(ad), { nextProcId: 1500, totalProcs: 1_000_000, limit: 1000, maxIdle: 40, paused: 0 });
  const unlimited = factoryState(new ClusterAd({ TotalSubmitProcs: '5', JobMaterializeLimit: '0', JobMaterializeMaxIdle: '-1', JobMaterializePaused: '1' }));
  t.same(unlimited, { nextProcId: 0, totalProcs: 5, limit: Number.MAX_SAFE_INTEGER, maxIdle: undefined, paused: 1 });
});

t.test("a queried cluster ad: no ProcId, its procs' counters, and a factory's mode (PopulateInfoAd, PopulateFactoryInfoAd)", async (t) => {
  const tally = { cluster: 7, present: 5, idle: 2, running: 2, held: 1, factory: true };
  const factory = new ClusterAd({ ClusterId: '7', ProcId: '0', TotalSubmitProcs: '10', JobMaterializeLimit: '5', JobMaterializeNextProcId: '6' });
  const ad = queriedClusterAd(factory, 7);
  t.notOk(ad.has('ProcId'));
  addClusterCounters(ad, factory, tally);
  const ints = (names: string[]) => names.map((name) => ad.getInt(name));
  t.same(ints(['JobsPresent', 'JobsIdle', 'JobsRunning', 'JobsHeld', 'ClusterSize', 'JobFactoryId', 'JobFactoryPaused', 'JobFactoryTotalProcs']), [5, 2, 2, 1, 5, 7, 0, 10]);
  const paused = new ClusterAd({ ...factory.stored, JobMaterializePaused: '1' });
  t.equal(addClusterCounters(queriedClusterAd(paused, 7), paused, tally).getInt('JobFactoryPaused'), 1, 'paused by a proc it could not build');
  t.equal(addClusterCounters(queriedClusterAd(factory, 7), factory, { ...tally, factory: false }).getInt('JobFactoryPaused'), 3, 'gone before its last proc: removed');
  const done = new ClusterAd({ ...factory.stored, JobMaterializeNextProcId: '10' });
  t.equal(addClusterCounters(queriedClusterAd(done, 7), done, { ...tally, factory: false }).getInt('JobFactoryPaused'), 2, 'gone after its last proc: done');
  const plain = new ClusterAd({ Owner: '"alice"' });
  const plainAd = addClusterCounters(queriedClusterAd(plain, 8), plain, { ...tally, cluster: 8, factory: false });
  t.same([plainAd.getInt('ClusterId'), plainAd.getInt('JobsPresent'), plainAd.has('JobFactoryPaused')], [8, 5, false], 'a cluster without a factory: ClusterId and the counters only');
});
