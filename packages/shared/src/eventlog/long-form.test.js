import t from 'tap';
import { formatLongFormLine, formatOldClassAdReal, sortAttrNames } from './long-form.js';
t.test('values unparse as old ClassAds', async (t) => {
    t.equal(formatLongFormLine('Name', 'say "hi"', '\t'), '\tName = "say \\"hi\\""\n');
    t.equal(formatLongFormLine('Cpus', 4), 'Cpus = 4\n');
    t.equal(formatLongFormLine('Ok', true), 'Ok = true\n');
});
t.test('reals are %.16G with .0 for integral-looking text', async (t) => {
    t.equal(formatOldClassAdReal(0.5), '0.5');
    t.equal(formatOldClassAdReal(0.1), '0.1');
    t.equal(formatOldClassAdReal(1e20), '1E+20');
    t.equal(formatOldClassAdReal(2.5e-7), '2.5E-07');
    t.equal(formatOldClassAdReal(0), '0.0');
});
t.test('attribute names sort case-insensitively', async (t) => {
    t.same(sortAttrNames(['memory', 'Cpus', 'CondorScratchDir', 'Disk']), ['CondorScratchDir', 'Cpus', 'Disk', 'memory']);
});
//# sourceMappingURL=long-form.test.js.map