import t from 'tap';
import { ClassAd } from './classad/index.js';
import { compareJobPlaces, jobOrderKey, orderKey, type JobPlace } from './job-order.js';

const place = (attrs: Record<string, string>, cluster = 1, proc = 0): JobPlace => ({ key: jobOrderKey(ClassAd.fromJSON(attrs)), cluster, proc });

t.test("jobs compare as qmgmt.cpp's prio_compar: PreJobPrio1, PreJobPrio2, JobPrio, PostJobPrio1, PostJobPrio2 (higher first), ClusterId, ProcId", async (t) => {
  const ordered: [string, JobPlace][] = [
    ['PreJobPrio1 above all', place({ PreJobPrio1: '1', JobPrio: '-100' }, 9, 9)],
    ['then PreJobPrio2', place({ PreJobPrio2: '1', JobPrio: '-100' }, 9, 9)],
    ['then the highest JobPrio', place({ JobPrio: '2147483647' }, 9, 9)],
    ['then JobPrio 1', place({ JobPrio: '1' }, 9, 9)],
    ['JobPrio 0 with a PostJobPrio1', place({ PostJobPrio1: '5' }, 9, 9)],
    ['then a PostJobPrio2', place({ PostJobPrio2: '5' }, 9, 9)],
    ['then none: by cluster', place({}, 2, 5)],
    ['then by proc', place({}, 3, 0)],
    ['proc 10 after proc 9', place({}, 3, 9)],
    ['', place({}, 3, 10)],
    ['a negative PostJobPrio2', place({ PostJobPrio2: '-1' }, 1, 0)],
    ['a negative JobPrio', place({ JobPrio: '-1' }, 1, 0)],
    ['the lowest JobPrio', place({ JobPrio: '-2147483648' }, 1, 0)],
    ['a negative PreJobPrio2 below any JobPrio', place({ PreJobPrio2: '-1', JobPrio: '100' }, 1, 0)],
    ['a negative PreJobPrio1 last', place({ PreJobPrio1: '-1', PreJobPrio2: '100' }, 1, 0)],
  ];
  const places = ordered.map(([, p]) => p);
  t.same([...places].reverse().sort(compareJobPlaces), places, 'sorted back into order');
  for (let i = 1; i < places.length; i++) {
    t.ok(compareJobPlaces(places[i - 1], places[i]) < 0, `${ordered[i - 1][0]} before ${ordered[i][0] || 'the next'}`);
    t.ok(places[i - 1].key <= places[i].key, 'and so does the key alone, byte by byte (the queue sorts by it in SQL)');
  }
  t.equal(compareJobPlaces(place({}, 4, 1), place({}, 4, 1)), 0);
});

t.test('each attribute read as the schedd\'s LookupInteger reads it', async (t) => {
  const zero = orderKey([0, 0, 0, 0, 0]);
  t.equal(jobOrderKey(ClassAd.fromJSON({})), zero, 'unset: 0');
  t.equal(jobOrderKey(ClassAd.fromJSON({ JobPrio: '"5"' })), zero, 'a string: 0');
  t.equal(jobOrderKey(ClassAd.fromJSON({ JobPrio: 'undefined' })), zero, 'undefined: 0');
  t.equal(jobOrderKey(ClassAd.fromJSON({ JobPrio: '2.9' })), orderKey([0, 0, 2, 0, 0]), 'a real truncated');
  t.equal(jobOrderKey(ClassAd.fromJSON({ JobPrio: '-2.9' })), orderKey([0, 0, -2, 0, 0]), 'towards 0');
  t.equal(jobOrderKey(ClassAd.fromJSON({ JobPrio: 'true' })), orderKey([0, 0, 1, 0, 0]), 'a boolean as 1 or 0');
  t.equal(jobOrderKey(ClassAd.fromJSON({ JobPrio: 'false' })), zero);
  t.equal(jobOrderKey(ClassAd.fromJSON({ JobPrio: '4294967297' })), orderKey([0, 0, 1, 0, 0]), 'past 32 bits: truncated to an int, as (int) casts it');
  t.equal(jobOrderKey(ClassAd.fromJSON({ JobPrio: 'PostJobPrio1 + 1', PostJobPrio1: '2' })), orderKey([0, 0, 3, 2, 0]), 'an expression evaluated');
  t.equal(jobOrderKey(ClassAd.fromJSON({ prejobprio1: '1' })), orderKey([1, 0, 0, 0, 0]), 'names in any case');
  t.equal(orderKey([0, 0, 0, 0, 0]).length, 40);
  t.throws(() => orderKey([1]), /orderKey: 1 values, not 5/);
});
