import t from 'tap';
import { ClusterAd } from '@tinycondor/shared/cluster-ad';
import { factoryState, procsToMaterialize, type FactoryState } from './job-factories.js';

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
