import t from 'tap';
import { directoryLimitEntries, directoryLimitPattern } from './directory-limits.js';

t.test("allow_shadow_access's list: the configuration's, else the job's, then the job's SPOOL directory", async (t) => {
  t.same(directoryLimitEntries(undefined, undefined, '/spool/1/0/cluster1.proc0.subproc0'), [], 'nothing named: no limit (not even SPOOL)');
  t.same(directoryLimitEntries(undefined, ' /data , /scratch/*', '/sp'), ['/data', '/scratch/*', '/sp', '/sp.tmp'], "the job's, split on commas");
  t.same(directoryLimitEntries('/a /b,/c', '/data', '/sp'), ['/a', '/b', '/c', '/sp', '/sp.tmp'], "the configuration's wins, split on commas and spaces");
  t.same(directoryLimitEntries(' , ', '/data', '/sp'), ['/data', '/sp', '/sp.tmp'], 'an empty configuration list leaves it to the job');
  t.same(directoryLimitEntries(undefined, '/data /other', '/sp'), ['/data /other', '/sp', '/sp.tmp'], "the job's list is split on commas only");
});

t.test('a directory matches what is inside it: a trailing slash, unless it ends in one or a *', async (t) => {
  t.equal(directoryLimitPattern('/data'), '/data/');
  t.equal(directoryLimitPattern('/data/'), '/data/');
  t.equal(directoryLimitPattern('/home/*'), '/home/*');
});
