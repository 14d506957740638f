import t from 'tap';
import { formatEventTime, formatHeaderDate, parseLogDate } from './dates.js';
const time = new Date(2024, 0, 2, 3, 4, 5, 6);
t.test('header date: ISO local, optional .mmm and Z', async (t) => {
    t.equal(formatHeaderDate(time), '2024-01-02 03:04:05');
    t.equal(formatHeaderDate(time, { subSecond: true }), '2024-01-02 03:04:05.006');
    t.equal(formatHeaderDate(new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), { utc: true }), '2024-01-02 03:04:05Z');
});
t.test('EventTime: ISO 8601 with T, fraction only when non-zero', async (t) => {
    t.equal(formatEventTime(time), '2024-01-02T03:04:05.006');
    t.equal(formatEventTime(new Date(2024, 0, 2, 3, 4, 5)), '2024-01-02T03:04:05');
    t.equal(formatEventTime(new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), true), '2024-01-02T03:04:05Z');
});
t.test('parseLogDate reports how much it read and rejects nonsense', async (t) => {
    t.same(parseLogDate('2024-01-02 03:04:05 rest', 2000), { time: new Date(2024, 0, 2, 3, 4, 5), length: 19 });
    t.same(parseLogDate('01/02 03:04:05.5 rest', 2022), { time: new Date(2022, 0, 2, 3, 4, 5, 500), length: 16 });
    t.equal(parseLogDate('2024-00-02 03:04:05', 2000), null);
    t.equal(parseLogDate('Jan 2 03:04:05', 2000), null);
});
//# sourceMappingURL=dates.test.js.map