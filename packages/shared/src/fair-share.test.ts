import t from 'tap';
import { ClassAd } from './classad/index.js';
import { limitPermits, spinPie, submitterName, submitterOf, type ShareSubmitter } from './fair-share.js';

/**
 * A pool of `free` one-cpu slots; each submitter has `idle` jobs that fit any slot. Returns the turns that
 * matched something, in order: `name:count`.
 */
function share(free: number, total: number, submitters: (ShareSubmitter & { idle: number })[]): string[] {
  const idle = new Map(submitters.map((s) => [s.name, s.idle]));
  const turns: string[] = [];
  let left = free;
  spinPie(submitters.filter((s) => s.idle > 0), total, 1, (name, limit) => {
    let matched = 0;
    let stopped = false;
    while ((idle.get(name) ?? 0) > 0 && left > 0) {
      if (!limitPermits(matched, 1, limit)) {
        stopped = true;
        break;
      }
      matched++;
      left--;
      idle.set(name, (idle.get(name) ?? 0) - 1);
    }
    if (matched > 0) turns.push(`${name}:${matched}`);
    return { matched, done: !stopped };
  });
  return turns;
}

const s = (name: string, priority: number, used: number, idle: number): ShareSubmitter & { idle: number } => ({ name, priority, used, idle });

t.test('slots shared as the negotiator spins the pie', async (t) => {
  const table: [string, number, number, (ShareSubmitter & { idle: number })[], string[]][] = [
    ['one submitter takes every free slot', 4, 4, [s('a', 500, 0, 10)], ['a:4']],
    ['one submitter holding some takes the rest', 2, 4, [s('a', 500, 2, 10)], ['a:2']],
    ['the better (lower) priority goes first: a freed slot', 1, 1, [s('a', 500.02, 0, 5), s('b', 500, 0, 3)], ['b:1']],
    ['equal priorities: half each, by name', 4, 4, [s('b', 500, 0, 10), s('a', 500, 0, 10)], ['a:2', 'b:2']],
    ['shares go as the inverse of priority', 4, 4, [s('a', 1500, 0, 10), s('b', 500, 0, 10)], ['b:3', 'a:1']],
    ['what a submitter holds counts against its share', 2, 4, [s('a', 500, 2, 10), s('b', 500, 0, 10)], ['b:2']],
    ['a share not taken goes round again', 4, 4, [s('a', 500, 0, 10), s('b', 500, 0, 1)], ['a:2', 'b:1', 'a:1']],
    ['one slot among three: the first rounds up, the pie is then gone', 1, 3, [s('c', 500, 0, 1), s('b', 500, 0, 1), s('a', 500, 0, 1)], ['a:1']],
    ['equal priority: the one furthest below its share first', 1, 3, [s('a', 500, 1, 5), s('b', 500, 0, 5)], ['b:1']],
    ['a nice user takes what others leave', 3, 3, [s('nice-user.a', 0.5e10, 0, 5), s('b', 500, 0, 1)], ['b:1', 'nice-user.a:1', 'nice-user.a:1']],
    ['no free slot: nothing', 0, 2, [s('a', 500, 2, 5), s('b', 500, 0, 5)], []],
  ];
  for (const [what, free, total, submitters, expected] of table) t.same(share(free, total, submitters), expected, what);
});

t.test('limitPermits: within the limit, or the first match of a spin while some limit is left', async (t) => {
  t.ok(limitPermits(1, 1, 2));
  t.notOk(limitPermits(2, 1, 2));
  t.ok(limitPermits(0, 4, 0.5), 'rounds up once');
  t.notOk(limitPermits(0, 1, 0), 'no limit left');
});

t.test('the submitter: AccountingGroup, else Owner; @ the accounting domain', async (t) => {
  t.equal(submitterOf(ClassAd.fromJSON({ Owner: '"alice"' })), 'alice');
  t.equal(submitterOf(ClassAd.fromJSON({ Owner: '"alice"', AccountingGroup: '"group_a.alice"' })), 'group_a.alice');
  t.equal(submitterName('alice', 'example.org'), 'alice@example.org');
});
