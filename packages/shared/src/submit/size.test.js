import t from 'tap';
import { parseSize } from './size.js';
t.test('memory (MB) and disk (KB)', async (t) => {
    t.equal(parseSize('2 GB', 'M'), 2048);
    t.equal(parseSize('2 GB', 'K'), 2097152);
    t.equal(parseSize('1GB', 'M'), 1024);
    t.equal(parseSize('1g', 'M'), 1024);
    t.equal(parseSize('512', 'M'), 512);
    t.equal(parseSize('512', 'K'), 512);
    t.equal(parseSize('100 KB', 'M'), 1, 'rounds up like parse_int64_bytes');
    t.equal(parseSize('1.5 GB', 'M'), 1536);
    t.equal(parseSize('1 T', 'M'), 1048576);
    t.equal(parseSize('1 tb', 'K'), 1073741824);
    t.equal(parseSize('3m', 'K'), 3072);
    t.equal(parseSize(' 2 GB ', 'M'), 2048);
});
t.test('bad sizes', async (t) => {
    t.throws(() => parseSize('2 XB', 'M'), {
        name: 'RangeError',
        message: 'invalid size unit "XB" in "2 XB" (use K, KB, M, MB, G, GB, T or TB)',
    });
    t.throws(() => parseSize('lots', 'M'), { message: 'invalid size "lots"' });
    t.throws(() => parseSize('', 'M'), { message: 'invalid size ""' });
    t.throws(() => parseSize('1 G B', 'M'), { message: 'invalid size "1 G B"' });
});
//# sourceMappingURL=size.test.js.map