import t from 'tap';
import { formatAge, formatBytes, formatDuration, pagesFor, runSeconds, statusName, visibleRange } from './format.js';

t.test('formats', async (t) => {
  t.equal(formatDuration(0), '0+00:00:00');
  t.equal(formatDuration(90061.7), '1+01:01:01');
  t.equal(formatBytes(null), '');
  t.equal(formatBytes(512), '512 B');
  t.equal(formatBytes(20000), '20 KiB');
  t.equal(formatBytes(1536), '1.5 KiB');
  t.equal(formatAge(0, 100), '');
  t.equal(formatAge(95, 100), '5s ago');
  t.equal(formatAge(1_000_000 - 7200, 1_000_000), '2h ago');
  t.equal(statusName(5), 'Held');
  t.equal(statusName(42), 'status 42');
  t.equal(runSeconds({ priorRunSeconds: 10, runStart: 0 }, 500), 10);
  t.equal(runSeconds({ priorRunSeconds: 10, runStart: 490 }, 500), 20);
});

t.test('virtualised list ranges', async (t) => {
  t.same(visibleRange(0, 280, 28, 10_000, 5), { first: 0, last: 15 });
  t.same(visibleRange(28 * 9990, 280, 28, 10_000, 5), { first: 9985, last: 10_000 });
  t.same(visibleRange(0, 280, 28, 0, 5), { first: 0, last: 0 });
  t.same(pagesFor(190, 215, 200), [0, 1]);
  t.same(pagesFor(0, 0, 200), []);
});
