import t from 'tap';
import { ClassAdParseError } from './classad/index.js';
import { ClusterAd } from './cluster-ad.js';

const common = { ClusterId: '7', ProcId: '0', Cmd: '"/bin/true"', Out: '"out.0"', HoldReason: '"submitted on hold"' };

t.test('a proc stores only what differs from its cluster, and comes back whole', async (t) => {
  const cluster = new ClusterAd(common);
  const proc3 = { ClusterId: '7', ProcId: '3', Cmd: '"/bin/true"', Out: '"out.3"', Extra: 'ProcId * 2' };
  const overlay = cluster.overlayOf(proc3);
  t.same(overlay, { ProcId: '3', Out: '"out.3"', Extra: 'ProcId * 2', HoldReason: null });
  t.same(cluster.procJSON(overlay), proc3);
  const ad = cluster.procAd(overlay);
  t.same(ad.toJSON(), proc3);
  t.same(ad.names(), ['ClusterId', 'ProcId', 'Cmd', 'Out', 'Extra'], "the cluster ad's order, then the proc's own");
  t.equal(ad.getInt('Extra'), 6);
  t.same(cluster.overlayOf(common), {}, 'proc 0 is the cluster ad itself');
});

t.test('a proc whose attributes come in another order gives the same overlay', async (t) => {
  const cluster = new ClusterAd(common);
  t.same(cluster.overlayOf({ ClusterId: '7', Out: '"out.1"', ProcId: '1', Cmd: '"/bin/true"' }), { Out: '"out.1"', ProcId: '1', HoldReason: null });
  t.same(cluster.overlayOf({ ClusterId: '7', ProcId: '0' }), { Cmd: null, Out: null, HoldReason: null }, 'a proc with fewer attributes');
});

t.test('attribute names are case-insensitive on both sides', async (t) => {
  const cluster = new ClusterAd(common);
  t.same(cluster.overlayOf({ ...common, out: '"out.0"', procid: '1' }), { procid: '1' });
  t.same(cluster.procJSON({ OUT: '"x"', holdreason: null }), { ClusterId: '7', ProcId: '0', Cmd: '"/bin/true"', Out: '"x"' });
  t.equal(cluster.procAd({ OUT: '"x"' }).getString('Out'), 'x');
});

t.test('without a cluster ad the overlay is the whole ad', async (t) => {
  t.same(ClusterAd.EMPTY.overlayOf(common), common);
  t.same(ClusterAd.EMPTY.procAd(common).toJSON(), common);
  t.same(ClusterAd.EMPTY.procJSON({ A: '1', B: null }), { A: '1' }, 'a null for an attribute the cluster lacks changes nothing');
});

t.test('a cluster ad that does not parse is refused with the attribute named', async (t) => {
  t.throws(() => new ClusterAd({ Requirements: '(((' }), ClassAdParseError);
  t.throws(() => new ClusterAd({ Requirements: '(((' }), /Requirements/);
  t.throws(() => new ClusterAd(common).procAd({ Rank: '1 +' }), /Rank/);
});
