import t from 'tap';
import { maxOf, minOf } from './extremes.js';

const self = (n: number) => n;

t.test('the largest and smallest item, or the floor and ceiling', async (t) => {
  t.equal(maxOf([3, 9, -2], self), 9);
  t.equal(minOf([3, 9, -2], self), -2);
  t.equal(maxOf([], self), -Infinity, 'Math.max() of nothing');
  t.equal(minOf([], self), Infinity, 'Math.min() of nothing');
  t.equal(maxOf(['ab', 'abcd'], (s) => s.length, 5), 5, 'the floor when every item is smaller');
  t.equal(minOf(new Set([4, 2]), self, 3), 2, 'any iterable');
  t.ok(Number.isNaN(maxOf([1, NaN], self)), 'NaN as Math.max');
});

t.test('a list far beyond what Math.max(...list) can take', async (t) => {
  const rows = Array.from({ length: 1_000_000 }, (_, i) => ({ id: i, name: 'x'.repeat(i % 17) }));
  t.throws(() => Math.max(...rows.map((r) => r.id)), RangeError, 'the spread fails at this size');
  t.equal(maxOf(rows, (r) => r.id), 999_999);
  t.equal(minOf(rows, (r) => r.id), 0);
  t.equal(maxOf(rows, (r) => r.name.length, 0), 16);
});
