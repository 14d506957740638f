import t from 'tap';
import { matchesWithWildcard } from './wildcard.js';

t.test('matches_withwildcard: the first * stands for any text', async (t) => {
  t.ok(matchesWithWildcard('*.dat', 'x.dat'));
  t.notOk(matchesWithWildcard('*.dat', 'x.DAT'), 'case counts');
  t.ok(matchesWithWildcard('out*', 'output'));
  t.ok(matchesWithWildcard('a*z', 'abcz'));
  t.notOk(matchesWithWildcard('a*z', 'abc'));
  t.notOk(matchesWithWildcard('a*z', 'azb'), 'the text after the * ends the name');
  t.ok(matchesWithWildcard('*mid*', 'a-mid-b'), 'a second * at the end: found anywhere after the start');
  t.ok(matchesWithWildcard('exact', 'exact'));
  t.notOk(matchesWithWildcard('exact', 'exactly'));
  t.ok(matchesWithWildcard('*', 'anything'));
});

t.test('matches_prefix_withwildcard: a * at the end is implied', async (t) => {
  t.ok(matchesWithWildcard('/data/', '/data/in/x', true));
  t.notOk(matchesWithWildcard('/data/', '/data', true), 'the directory itself, without its slash, does not match');
  t.notOk(matchesWithWildcard('/data/', '/database/x', true));
  t.ok(matchesWithWildcard('/home/*/data/', '/home/u/data/f', true));
  t.ok(matchesWithWildcard('/home/*/data/', '/home/u/data-not/x/data/f', true), 'the rest may be found anywhere after the star');
  t.notOk(matchesWithWildcard('/home/*/data/', '/srv/u/data/f', true));
});
