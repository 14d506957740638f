import t from 'tap';
import { ctime, longListingOutput, parseStatLine, printStat } from './chirp-listing.js';

process.env.TZ = 'UTC';

t.test('ctime: the C library layout, the day padded with a space', async (t) => {
  t.equal(ctime(0), 'Thu Jan  1 00:00:00 1970\n');
  t.equal(ctime(1_700_000_000), 'Tue Nov 14 22:13:20 2023\n');
});

t.test('get_stat needs thirteen numbers', async (t) => {
  t.same(parseStatLine('1 2 3 4 5 6 7 8 9 10 11 12 13'), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  t.equal(parseStatLine('1 2 3'), undefined);
  t.equal(parseStatLine('a.txt'), undefined);
});

t.test("getdir -l's output: each name, its stat fields led by a tab; a line that is no stat line ends it", async (t) => {
  const stat = '66 77 33188 1 0 0 0 2 4096 8 0 0 0';
  const fields = printStat([66, 77, 33188, 1, 0, 0, 0, 2, 4096, 8, 0, 0, 0], '\t');
  t.match(fields, /^\tdevice: 66\n\tinode: 77\n\tmode: 33188\n\tnlink: 1\n\tuid: 0\n\tgid: 0\n\trdevice: 0\n\tsize: 2\n\tblksize: 4096\n\tblocks: 8\n\tatime: Thu Jan  1 00:00:00 1970\n/);
  t.equal(longListingOutput(`a\n${stat}\nb\n${stat}\n\n`), `a\n${fields}b\n${fields}`);
  t.equal(longListingOutput(`a\nnot a stat\nb\n${stat}\n\n`), 'a\n', 'get_stat failing breaks the loop');
  t.equal(longListingOutput('\n'), '', 'an empty directory prints nothing');
});
