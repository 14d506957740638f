import t from 'tap';
import { formatG, formatRealLiteral } from './format-number.js';
t.test('formatG follows printf %G', async (t) => {
    t.equal(formatG(1.5, 6), '1.5');
    t.equal(formatG(0.1, 6), '0.1');
    t.equal(formatG(1, 6), '1');
    t.equal(formatG(123456, 6), '123456');
    t.equal(formatG(1234567, 6), '1.23457E+06');
    t.equal(formatG(0.0001, 6), '0.0001');
    t.equal(formatG(0.00001234, 6), '1.234E-05');
    t.equal(formatG(-2.5e-300, 6), '-2.5E-300');
    t.equal(formatG(0, 6), '0');
    t.equal(formatG(999999.5, 6), '1E+06');
});
t.test('formatRealLiteral always reads as a real', async (t) => {
    t.equal(formatRealLiteral(1), '1.0');
    t.equal(formatRealLiteral(0), '0.0');
    t.equal(formatRealLiteral(-0), '-0.0');
    t.equal(formatRealLiteral(2.5), '2.5');
    t.equal(formatRealLiteral(0.1), '0.1');
    t.equal(formatRealLiteral(2.5e10), '25000000000.0');
    t.equal(formatRealLiteral(2.5e20), '2.5E+20');
    t.equal(formatRealLiteral(NaN), 'real("NaN")');
    t.equal(formatRealLiteral(-Infinity), 'real("-INF")');
});
//# sourceMappingURL=format-number.test.js.map