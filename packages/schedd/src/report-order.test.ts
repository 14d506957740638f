import t from 'tap';
import { ReportOrder } from './report-order.js';

t.test('a transfer after reports already handled goes on at once', async (t) => {
  const order = new ReportOrder();
  t.equal(await order.whenHandled('a', 0, 1_000), true, 'nothing pending');
  order.handledThrough('a', 5);
  t.equal(await order.whenHandled('a', 3, 1_000), true);
  t.equal(await order.whenHandled('a', 5, 1_000), true);
});

t.test('a transfer waits for the report it follows, and only for that startd', async (t) => {
  const order = new ReportOrder();
  const settled: string[] = [];
  const first = order.whenHandled('a', 2, 60_000).then((handled) => settled.push(`2:${handled}`));
  const second = order.whenHandled('a', 4, 60_000).then((handled) => settled.push(`4:${handled}`));
  order.handledThrough('b', 10);
  order.handledThrough('a', 1);
  await Promise.resolve();
  t.same(settled, [], "another startd's reports and earlier ones settle nothing");
  order.handledThrough('a', 3);
  await first;
  t.same(settled, ['2:true']);
  order.handledThrough('a', 4);
  await second;
  t.same(settled, ['2:true', '4:true']);
});

t.test('reports handled again after a reconnect do not move the count back', async (t) => {
  const order = new ReportOrder();
  order.handledThrough('a', 7);
  order.handledThrough('a', 4);
  t.equal(await order.whenHandled('a', 7, 1_000), true);
});

t.test('a new key starts the count again, and what waited under the old one is refused', async (t) => {
  const order = new ReportOrder();
  order.handledThrough('a', 9);
  const waiting = order.whenHandled('a', 12, 60_000);
  order.restart('a');
  t.equal(await waiting, false);
  const fresh = order.whenHandled('a', 2, 60_000);
  order.handledThrough('a', 2);
  t.equal(await fresh, true, 'the new process numbers from 1');
});

t.test('a report that never arrives lets the transfer go with false at its deadline', async (t) => {
  const order = new ReportOrder();
  t.equal(await order.whenHandled('a', 1, 20), false);
  order.handledThrough('a', 1);
  t.equal(await order.whenHandled('a', 1, 20), true, 'a later wait is not disturbed by the one that timed out');
});
