import t from 'tap';
import { parseAutoFormatLetters } from './autoformat.js';
import { commonView } from './query-view.js';
import { jobAd } from './test-ads.js';

const job = (cluster: number, extra: Record<string, string | number> = {}) => jobAd({ ClusterId: cluster, ProcId: 0, Owner: 'alice', JobStatus: 1, ...extra });
// DAGMan job 10 runs nodes 11 and 14; 14 is itself a DAGMan job running 15; 20's DAGMan job is not shown.
const JOBS = [
  job(20, { DAGManJobId: 19 }),
  job(15, { DAGManJobId: 14 }),
  job(14, { DAGManJobId: 10 }),
  job(12),
  job(11, { DAGManJobId: 10, Owner: 'a-very-long-owner-name' }),
  job(10),
];
const af = (letters: string, attrs: string[], dag = true) => commonView({ view: 'af', attrs, af: parseAutoFormatLetters(letters), formats: [] }, JOBS, undefined, dag) ?? '';
const format = (formats: [string, string][]) => commonView({ view: 'format', attrs: [], af: parseAutoFormatLetters(''), formats: formats.map(([f, attr]) => ({ format: f, attr })) }, JOBS, undefined, true) ?? '';

t.test('-dag -af: node jobs under their DAGMan job, the third column of a node one blank per generation, `|-` and its value, cut to 14', async (t) => {
  t.equal(af('', ['ClusterId', 'ProcId', 'Owner']), [
    '10 0 alice',
    '11 0  |-a-very-long',
    '14 0  |-alice',
    '15 0   |-alice',
    '12 0 alice',
    '20 0 |-alice',
    '',
  ].join('\n'));
  t.equal(af('', ['ClusterId', 'ProcId', 'Owner'], false).split('\n')[4], '11 0 a-very-long-owner-name', 'without -dag: in the order given, values as they are');
  t.equal(af('', ['Owner', 'ProcId', 'ClusterId']).split('\n')[1], 'a-very-long-owner-name 0 11', 'a third column that is no string stays');
  t.equal(af('', ['ClusterId', 'Owner']).split('\n')[1], '11 a-very-long-owner-name', 'no third column, nothing rewritten');
  t.equal(af('j', ['ClusterId', 'Owner']).split('\n')[2], '14.0 14  |-alice', 'the job id is the first column');
  t.equal(af('V', ['ClusterId', 'ProcId', 'Owner']).split('\n')[2], '14 0 " |-alice"', '%V quotes the rewritten string');
  t.equal(af('r', ['ClusterId', 'ProcId', 'Owner']).split('\n')[2], '14 0  |-"alice"', '%r: the unparsed text is the string');
  t.equal(af('l', ['ClusterId', 'ProcId', 'Owner']).split('\n')[2], 'ClusterId = 14 ProcId = 0 Owner =  |-alice');
});

t.test('-dag -af:h: widths taken before the rewrite; a longer cell widens its column from its row on', async (t) => {
  const expr = 'JobStatus > 0 ? "x" : "y"';
  t.equal(af('h', ['ClusterId', 'ProcId', expr]), [
    `ClusterId ProcId ${expr}`,
    ...[['10', 'x'], ['11', ' |-x'], ['14', ' |-x'], ['15', '  |-x'], ['12', 'x'], ['20', '|-x']].map(([id, cell]) => `${id}        0      ${cell.padEnd(expr.length)}`),
    '',
  ].join('\n'), 'an expression as its own heading');
  t.equal(af('h', ['ClusterId', 'ProcId', 'Owner']), [
    'ClusterId ProcId Owner                 ',
    '10        0      alice                 ',
    '11        0       |-a-very-long        ',
    '14        0       |-alice              ',
    '15        0        |-alice             ',
    '12        0      alice                 ',
    '20        0      |-alice               ',
    '',
  ].join('\n'), 'the rendered width (the long owner) holds');
  const short = commonView({ view: 'af', attrs: ['ClusterId', 'ProcId', 'Owner'], af: parseAutoFormatLetters('h'), formats: [] }, [job(10), job(11, { DAGManJobId: 10 }), job(12)], undefined, true);
  t.equal(short, ['ClusterId ProcId Owner', '10        0      alice', '11        0       |-alice', '12        0      alice   ', ''].join('\n'));
});

t.test('-dag -format: the third -format column where it writes a string', async (t) => {
  t.equal(format([['%d ', 'ClusterId'], ['%d ', 'ProcId'], ['%-9s|\n', 'Owner']]).split('\n').slice(0, 4).join('\n'), ['10 0 alice    |', '11 0  |-a-very-long|', '14 0  |-alice |', '15 0   |-alice|'].join('\n'));
  t.equal(format([['%d ', 'ClusterId'], ['%d ', 'ProcId'], ['%d\n', 'ClusterId']]).split('\n')[2], '14 0 14', '%d writes no string');
  t.equal(format([['%d ', 'ClusterId'], ['%d ', 'ProcId'], ['%s\n', 'ProcId']]).split('\n')[2], '14 0  |-0', '%s of a number writes its expression, a string');
  t.equal(format([['%d ', 'ClusterId'], ['%v ', 'Owner'], ['%v\n', 'Owner']]).split('\n')[2], '14 alice  |-alice', 'only the third column');
});
