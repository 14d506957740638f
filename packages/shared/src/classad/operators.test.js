import t from 'tap';
import { parseExpr } from './parser.js';
import { ClassAd } from './classad.js';
import { unparseValue } from './unparse.js';
/** Evaluates in an empty ad and renders the value as ClassAd text, so failures are readable. */
const ev = (source) => unparseValue(new ClassAd().evaluateExpr(parseExpr(source)));
t.test('three-valued && and ||', async (t) => {
    const values = ['true', 'false', 'undefined', 'error'];
    const and = {
        true: ['true', 'false', 'undefined', 'error'],
        false: ['false', 'false', 'false', 'false'],
        undefined: ['undefined', 'false', 'undefined', 'error'],
        error: ['error', 'error', 'error', 'error'],
    };
    const or = {
        true: ['true', 'true', 'true', 'true'],
        false: ['true', 'false', 'undefined', 'error'],
        undefined: ['true', 'undefined', 'undefined', 'error'],
        error: ['error', 'error', 'error', 'error'],
    };
    for (const left of values) {
        values.forEach((right, i) => {
            t.equal(ev(`${left} && ${right}`), and[left][i], `${left} && ${right}`);
            t.equal(ev(`${left} || ${right}`), or[left][i], `${left} || ${right}`);
        });
    }
    t.equal(ev('!undefined'), 'undefined');
    t.equal(ev('!error'), 'error');
    t.equal(ev('!0'), 'true');
    t.equal(ev('1 && 2.5'), 'true', 'numbers are boolean-equivalent');
    t.equal(ev('"x" && true'), 'error');
    t.equal(ev('true && "x"'), 'error');
    t.equal(ev('false && "x"'), 'false');
});
t.test('comparison and identity', async (t) => {
    t.equal(ev('"ABC" == "abc"'), 'true', '== ignores case');
    t.equal(ev('"ABC" != "abc"'), 'false');
    t.equal(ev('"ABC" =?= "abc"'), 'false', '=?= is case-sensitive');
    t.equal(ev('"abc" =?= "abc"'), 'true');
    t.equal(ev('"ABC" =!= "abc"'), 'true');
    t.equal(ev('"a" < "B"'), 'true', '< ignores case');
    t.equal(ev('undefined == 1'), 'undefined');
    t.equal(ev('undefined =?= undefined'), 'true');
    t.equal(ev('undefined =?= 1'), 'false');
    t.equal(ev('error =?= error'), 'true');
    t.equal(ev('1 =?= 1.0'), 'false', 'int and real differ in type');
    t.equal(ev('1 == 1.0'), 'true');
    t.equal(ev('true == 1'), 'true', 'booleans compare as 0/1');
    t.equal(ev('"1" == 1'), 'error');
    t.equal(ev('{1} == {1}'), 'error');
    t.equal(ev('{1, "a"} =?= {1, "a"}'), 'true');
    t.equal(ev('error == undefined'), 'error', 'error wins over undefined');
    t.equal(ev('3 >= 2 && 2 <= 2 && 1 < 2 && 2 > 1'), 'true');
});
t.test('arithmetic', async (t) => {
    t.equal(ev('7 / 2'), '3', 'int division truncates');
    t.equal(ev('-7 / 2'), '-3');
    t.equal(ev('-7 % 3'), '-1');
    t.equal(ev('7 / 2.0'), '3.5');
    t.equal(ev('1 + 1.0'), '2.0', 'int op real is real');
    t.equal(ev('1 / 0'), 'error');
    t.equal(ev('1.0 / 0'), 'error');
    t.equal(ev('5 % 0'), 'error');
    t.equal(ev('2 * undefined'), 'undefined');
    t.equal(ev('"a" + 1'), 'error');
    t.equal(ev('true + 1'), '2');
    t.equal(ev('-"a"'), 'error');
    t.equal(ev('-2.5'), '-2.5');
    t.equal(ev('+undefined'), 'undefined');
    t.equal(ev('9223372036854775807 + 1'), '-9223372036854775808', '64-bit wraparound');
});
t.test('bitwise and shifts', async (t) => {
    t.equal(ev('6 & 3'), '2');
    t.equal(ev('6 | 3'), '7');
    t.equal(ev('6 ^ 3'), '5');
    t.equal(ev('~0'), '-1');
    t.equal(ev('1 << 40'), '1099511627776');
    t.equal(ev('-16 >> 2'), '-4');
    t.equal(ev('-1 >>> 60'), '15');
    t.equal(ev('1.5 & 1'), 'error');
});
//# sourceMappingURL=operators.test.js.map