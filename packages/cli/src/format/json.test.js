import t from 'tap';
import { formatJson } from './json.js';
import { jobAd } from './test-ads.js';
t.test('a JSON array, ads separated by a comma line, attributes sorted', async (t) => {
    const first = jobAd({ Owner: 'alice', ClusterId: 1, Done: true });
    const second = jobAd({ ClusterId: 2 });
    const text = formatJson([first, second]);
    t.equal(text, [
        '[',
        '{',
        '  "ClusterId": 1,',
        '  "Done": true,',
        '  "Owner": "alice"',
        '}',
        ',',
        '{',
        '  "ClusterId": 2',
        '}',
        ']',
        '',
    ].join('\n'));
    t.same(JSON.parse(text), [{ ClusterId: 1, Done: true, Owner: 'alice' }, { ClusterId: 2 }]);
});
t.test('lists and expressions stay valid JSON', async (t) => {
    const ad = jobAd({ ClusterId: 3 });
    ad.setExpr('Requirements', 'Memory > 10');
    ad.setExpr('Tags', '{ "a", 2 }');
    const parsed = JSON.parse(formatJson([ad]));
    t.equal(parsed.length, 1);
    t.same(parsed[0].Tags, ['a', 2]);
    t.equal(parsed[0].Requirements, '/Expr(Memory > 10)/');
});
t.test('no ads, no output', async (t) => {
    t.equal(formatJson([]), '');
});
//# sourceMappingURL=json.test.js.map