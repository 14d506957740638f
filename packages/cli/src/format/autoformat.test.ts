import t from 'tap';
import { DEFAULT_AUTOFORMAT, formatAutoFormat, parseAutoFormatLetters } from './autoformat.js';
import { jobAd } from './test-ads.js';

const ADS = [
  jobAd({ ClusterId: 1, Owner: 'alice', RequestMemory: 128 }),
  jobAd({ ClusterId: 22, Owner: 'bob', RequestMemory: 2048 }),
];
const ATTRS = ['ClusterId', 'Owner', 'RequestMemory*2', 'NoSuchAttr'];

t.test('values separated by spaces, expressions evaluated, missing attributes undefined', async (t) => {
  t.equal(formatAutoFormat(ADS, ATTRS), '1 alice 256 undefined\n22 bob 4096 undefined\n');
});

t.test('-af:h aligns every column, the last one too, under the arguments as headings', async (t) => {
  t.equal(formatAutoFormat(ADS, ATTRS, parseAutoFormatLetters('h')), [
    'ClusterId Owner RequestMemory*2 NoSuchAttr',
    '1         alice 256             undefined ',
    '22        bob   4096            undefined ',
    '',
  ].join('\n'));
});

t.test('no ads, no output', async (t) => {
  t.equal(formatAutoFormat([], ['ClusterId']), '');
});

const TWO = [jobAd({ ClusterId: 3, ProcId: 1, Owner: 'alice', Cmd: '/bin/sh', RequestMemory: 128 }), jobAd({ ClusterId: 4, ProcId: 0, Owner: 'bob', Cmd: '/x', RequestMemory: 64 })];
const af = (letters: string, attrs: string[]) => formatAutoFormat(TWO, attrs, parseAutoFormatLetters(letters));

t.test('the letters after -af: as parse_autoformat_args reads them', async (t) => {
  t.equal(af('', ['Owner', 'RequestMemory']), 'alice 128\nbob 64\n');
  t.equal(af(',', ['Owner', 'RequestMemory']), 'alice, 128\nbob, 64\n', ', ends each column but the last');
  t.equal(af('t', ['Owner', 'RequestMemory']), 'alice\t128\nbob\t64\n', 't separates with a tab');
  t.equal(af('n', ['Owner', 'RequestMemory']), 'alice\n 128\nbob\n 64\n', 'n ends each column but the last with a newline; the next keeps its space');
  t.equal(af('gn', ['Owner', 'RequestMemory']), '\nalice\n128\n\nbob\n64\n', 'g: a newline before each ad, nothing between columns');
  t.equal(af('l', ['Owner', 'RequestMemory*2']), 'Owner = alice RequestMemory*2 = 256\nOwner = bob RequestMemory*2 = 128\n', 'l labels each value');
  t.equal(af('V', ['Owner', 'RequestMemory']), '"alice" 128\n"bob" 64\n', 'V: strings quoted');
  t.equal(af('r', ['RequestMemory', 'Owner']), '128 "alice"\n64 "bob"\n', 'r: the expression as written');
  t.equal(af('j', ['Owner']), '3.1 alice\n4.0 bob\n', 'j: the job id first');
  t.equal(af('jh', ['Owner']), [' ID Owner', '3.1 alice', '4.0 bob  ', ''].join('\n'), 'jh: the job id under ID');
  t.equal(af('q', ['Owner']), 'alice\nbob\n', 'other letters are ignored, as HTCondor ignores them');
  t.same(parseAutoFormatLetters(''), DEFAULT_AUTOFORMAT);
  t.throws(() => parseAutoFormatLetters('Y'), { message: '-af:Y (values as dates) is not implemented by tinycondor yet' });
});

t.test('-af:h over more rows than Math.max(...rows) takes', async (t) => {
  const ads = Array.from({ length: 150_000 }, (_, i) => jobAd({ ClusterId: i }));
  const lines = formatAutoFormat(ads, ['ClusterId'], parseAutoFormatLetters('h')).split('\n');
  t.equal(lines.length, 150_002, 'a heading, every row and the final newline');
  t.equal(lines[1], '0        ', 'aligned to the widest cell, ClusterId');
  t.equal(lines[150_000], '149999   ');
});
