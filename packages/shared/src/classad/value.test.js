import t from 'tap';
import { ClassAd } from './classad.js';
import { ERROR, UNDEFINED, formatValueForAf, isTrue, jsToValue, valueToJs } from './value.js';
t.test('isTrue is HTCondor EvalBool', async (t) => {
    t.equal(isTrue({ type: 'bool', value: true }), true);
    t.equal(isTrue({ type: 'bool', value: false }), false);
    t.equal(isTrue({ type: 'int', value: 3 }), true);
    t.equal(isTrue({ type: 'real', value: 0 }), false);
    t.equal(isTrue({ type: 'string', value: 'true' }), false);
    t.equal(isTrue(UNDEFINED), false);
    t.equal(isTrue(ERROR), false);
});
t.test('jsToValue and valueToJs', async (t) => {
    t.same(jsToValue(null), { type: 'undefined' });
    t.same(jsToValue(undefined), { type: 'undefined' });
    t.same(jsToValue(3), { type: 'int', value: 3 });
    t.same(jsToValue(3.5), { type: 'real', value: 3.5 });
    t.same(jsToValue('s'), { type: 'string', value: 's' });
    t.same(jsToValue([1, 'a', [true]]), {
        type: 'list',
        items: [{ type: 'int', value: 1 }, { type: 'string', value: 'a' }, { type: 'list', items: [{ type: 'bool', value: true }] }],
    });
    t.equal(jsToValue({}).type, 'error');
    const ad = ClassAd.parseText('A = 1\nB = A + 1.5\nC = {"x", undefined}');
    const asAd = { type: 'ad', ad };
    t.same(valueToJs(asAd), { A: 1, B: 2.5, C: ['x', null] });
    t.equal(valueToJs(ERROR), null);
});
t.test('formatValueForAf prints like condor_q -af', async (t) => {
    t.equal(formatValueForAf({ type: 'string', value: 'a "quoted" word' }), 'a "quoted" word');
    t.equal(formatValueForAf({ type: 'bool', value: true }), 'true');
    t.equal(formatValueForAf({ type: 'int', value: -12 }), '-12');
    t.equal(formatValueForAf({ type: 'real', value: 1.5 }), '1.5');
    t.equal(formatValueForAf({ type: 'real', value: 0.1 }), '0.1');
    t.equal(formatValueForAf({ type: 'real', value: 1234567.0 }), '1.23457E+06');
    t.equal(formatValueForAf(UNDEFINED), 'undefined');
    t.equal(formatValueForAf(ERROR), 'error');
    t.equal(formatValueForAf(jsToValue(['a', 1, 2.5])), '{ "a",1,2.5 }');
    const ad = ClassAd.parseText('X = 1\nY = "s"');
    t.equal(formatValueForAf({ type: 'ad', ad }), '[ X = 1; Y = "s" ]');
});
//# sourceMappingURL=value.test.js.map