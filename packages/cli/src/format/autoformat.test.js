import t from 'tap';
import { formatAutoFormat } from './autoformat.js';
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
    t.equal(formatAutoFormat(ADS, ATTRS, { headings: true }), [
        'ClusterId Owner RequestMemory*2 NoSuchAttr',
        '1         alice 256             undefined ',
        '22        bob   4096            undefined ',
        '',
    ].join('\n'));
});
t.test('no ads, no output', async (t) => {
    t.equal(formatAutoFormat([], ['ClusterId']), '');
});
//# sourceMappingURL=autoformat.test.js.map