import t from 'tap';
import { RecentClusters } from './recent-clusters.js';

t.test('the least recently used cluster is dropped beyond the limit', async (t) => {
  const recent = new RecentClusters<string>(2);
  recent.add(1, 'a');
  recent.add(2, 'b');
  t.equal(recent.use(1), 'a', 'using 1 makes 2 the least recent');
  recent.add(3, 'c');
  t.equal(recent.size, 2);
  t.equal(recent.use(2), undefined, '2 was dropped');
  t.equal(recent.use(1), 'a');
  t.equal(recent.use(3), 'c');
  recent.add(3, 'c2');
  t.equal(recent.use(3), 'c2', 'adding again replaces');
  t.equal(recent.size, 2);
});

t.test('two lists fed the same sequence agree at every step (the schedd and the startd of one channel)', async (t) => {
  const schedd = new RecentClusters<true>(3);
  const startd = new RecentClusters<number>(3);
  let seed = 7;
  for (let i = 0; i < 2000; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const cluster = 1 + (seed % 6);
    const sendsAd = schedd.use(cluster) === undefined;
    if (sendsAd) schedd.add(cluster, true);
    const held = startd.use(cluster);
    if (sendsAd) startd.add(cluster, cluster);
    else if (held !== cluster) {
      t.fail(`start ${i}: the schedd sent no ad for cluster ${cluster}, which the startd does not hold`);
      return;
    }
  }
  t.pass('the startd always held the ads the schedd did not send');
});
