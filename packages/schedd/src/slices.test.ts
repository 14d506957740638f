import t from 'tap';
import { arraySource, slices, type PagedSource } from './slices.js';

/** A sorted set of numbers read a page at a time, counting the reads and the items they returned. */
function numbers(values: number[]): PagedSource<number, number> & { reads: number; itemsRead: number; values: number[] } {
  const source = {
    values,
    reads: 0,
    itemsRead: 0,
    read(after: number | undefined, limit: number): number[] {
      source.reads++;
      const page = source.values.filter((v) => after === undefined || v > after).slice(0, limit);
      source.itemsRead += page.length;
      return page;
    },
    key: (v: number) => v,
  };
  return source;
}

t.test('every item is handed out once, in order, at most a page to a slice', async (t) => {
  for (const count of [0, 1, 9, 10, 11, 35]) {
    const source = numbers(Array.from({ length: count }, (_, i) => i * 2));
    const seen: number[][] = [];
    for await (const slice of slices(source, { pageSize: 10, sliceMs: Infinity })) seen.push([...slice]);
    t.same(seen.flat(), source.values, `${count} items`);
    t.ok(seen.every((slice) => slice.length <= 10), 'no slice is bigger than a page');
    t.ok(source.itemsRead <= count + 10, 'nothing is read twice but a last empty page');
  }
});

t.test('the event loop turns between slices', async (t) => {
  const source = numbers(Array.from({ length: 30 }, (_, i) => i));
  let turns = 0;
  const ticker = setInterval(() => turns++, 0);
  const turnsAtSlice: number[] = [];
  for await (const slice of slices(source, { pageSize: 10, sliceMs: Infinity })) {
    turnsAtSlice.push(turns);
    for (const _ of slice) {
      // handled synchronously, as a caller does
    }
    const until = Date.now() + 3;
    while (Date.now() < until) {
      // busy: a timer cannot fire inside a slice
    }
  }
  clearInterval(ticker);
  t.equal(turnsAtSlice.length, 3);
  t.ok(turnsAtSlice[1] > turnsAtSlice[0] && turnsAtSlice[2] > turnsAtSlice[1], `a timer ran between each two slices (${turnsAtSlice.join(', ')})`);
});

t.test('a slice ends once its time is up, and the next reads on from the last item taken', async (t) => {
  const source = numbers(Array.from({ length: 10 }, (_, i) => i));
  let now = 0;
  const seen: number[][] = [];
  for await (const slice of slices(source, { pageSize: 100, sliceMs: 5 }, () => now)) {
    const taken: number[] = [];
    for (const v of slice) {
      taken.push(v);
      now += 2; // each item takes 2 ms
    }
    seen.push(taken);
  }
  t.same(seen, [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
});

t.test('a slice holds the items as stored when it is read: a change between slices is seen', async (t) => {
  const source = numbers(Array.from({ length: 6 }, (_, i) => i));
  const seen: number[] = [];
  for await (const slice of slices(source, { pageSize: 2, sliceMs: Infinity })) {
    for (const v of slice) seen.push(v);
    // Another request removes 3 and adds 100 while the scan waits.
    if (seen.length === 2) source.values = [0, 1, 2, 4, 5, 100];
  }
  t.same(seen, [0, 1, 2, 4, 5, 100]);
});

t.test('an array in slices', async (t) => {
  const items = Array.from({ length: 25 }, (_, i) => `job ${i}`);
  const seen: string[] = [];
  for await (const slice of slices(arraySource(items), { pageSize: 10, sliceMs: Infinity })) for (const { item } of slice) seen.push(item);
  t.same(seen, items);
});
