import t from 'tap';
import { formatLong } from './long.js';
import { jobAd } from './test-ads.js';
t.test('attributes sorted without regard to case, each ad followed by a blank line', async (t) => {
    const first = jobAd({ b: 'x', A: 1, c: true });
    first.setExpr('Requirements', 'TARGET.Memory >= RequestMemory');
    const second = jobAd({ ClusterId: 2 });
    t.equal(formatLong([first, second]), [
        'A = 1',
        'b = "x"',
        'c = true',
        'Requirements = TARGET.Memory >= RequestMemory',
        '',
        'ClusterId = 2',
        '',
        '',
    ].join('\n'));
});
t.test('no ads, no output', async (t) => {
    t.equal(formatLong([]), '');
});
//# sourceMappingURL=long.test.js.map