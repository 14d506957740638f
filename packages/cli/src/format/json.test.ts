import t from 'tap';
import { formatJson, formatJsonLines } from './json.js';
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
  const parsed = JSON.parse(formatJson([ad])) as Array<Record<string, unknown>>;
  t.equal(parsed.length, 1);
  t.same(parsed[0].Tags, ['a', 2]);
  t.equal(parsed[0].Requirements, '/Expr(Memory > 10)/');
});

t.test('no ads, no output', async (t) => {
  t.equal(formatJson([]), '');
});

t.test('an ad with no attributes is left out (appendAd writes nothing for it); -long:nosort keeps the ad\'s order', async (t) => {
  t.equal(formatJson([jobAd({})]), '');
  t.equal(formatJson([jobAd({ b: 1, A: 2 })], false), '[\n{\n  "b": 1,\n  "A": 2\n}\n]\n');
  t.equal(formatJsonLines([jobAd({}), jobAd({ b: 1, A: 2 })]), '{"A": 2,"b": 1}\n');
  t.equal(formatJsonLines([jobAd({ b: 1, A: 2 })], false), '{"b": 1,"A": 2}\n');
});
