import t from 'tap';
import { formatJobId, parseJobSpec } from './job-id.js';

t.test('parseJobSpec accepts C and C.P', async (t) => {
  t.same(parseJobSpec('12'), { cluster: 12 });
  t.equal(parseJobSpec('12')?.proc, undefined);
  t.same(parseJobSpec('12.3'), { cluster: 12, proc: 3 });
  t.same(parseJobSpec(' 7.0 '), { cluster: 7, proc: 0 });
  t.same(parseJobSpec('999999999.999999999'), { cluster: 999999999, proc: 999999999 });
});

t.test('parseJobSpec rejects everything else', async (t) => {
  for (const bad of ['', '0', '0.1', '-1', '1.', '.1', '1.2.3', 'a', '1a', '1.b', '1234567890', '1. 2', '+1']) {
    t.equal(parseJobSpec(bad), undefined, JSON.stringify(bad));
  }
});

t.test('formatJobId', async (t) => {
  t.equal(formatJobId(12, 0), '12.0');
  t.equal(formatJobId(3, 14), '3.14');
});
