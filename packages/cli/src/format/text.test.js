process.env.TZ = 'UTC';
import t from 'tap';
import { compareAttrNames, formatDuration, formatShortDate, formatTitleTime, invalidField } from './text.js';
import { at } from './test-ads.js';
t.test('formatShortDate pads the month left and the day right', async (t) => {
    t.equal(formatShortDate(at('2026-11-23T09:59:30Z')), '11/23 09:59');
    t.equal(formatShortDate(at('2026-07-02T15:11:00Z')), ' 7/2  15:11');
    t.equal(formatShortDate(-1), '    ???    ');
});
t.test('formatDuration is %3d+HH:MM:SS', async (t) => {
    t.equal(formatDuration(0), '  0+00:00:00');
    t.equal(formatDuration(13), '  0+00:00:13');
    t.equal(formatDuration(14 * 86400 + 17 * 3600 + 40 * 60 + 1.9), ' 14+17:40:01');
    t.equal(formatDuration(-5), '[?????]');
});
t.test('formatTitleTime is mm/dd/yy HH:MM:SS', async (t) => {
    t.equal(formatTitleTime(new Date('2019-07-31T18:39:11Z')), '07/31/19 18:39:11');
});
t.test('invalidField fills the width with [??]', async (t) => {
    t.equal(invalidField(6), '[????]');
    t.equal(invalidField(2), '?');
    t.equal(invalidField(0), '');
});
t.test('compareAttrNames ignores case', async (t) => {
    t.same(['b', 'A', 'c'].sort(compareAttrNames), ['A', 'b', 'c']);
});
//# sourceMappingURL=text.test.js.map