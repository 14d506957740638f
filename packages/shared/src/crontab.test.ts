import t from 'tap';
import { ClassAd } from './classad/index.js';
import { cronScheduleUpdate, needsCronTab, nextRunTime, parseCronSchedule } from './crontab.js';

type Fields = Partial<Record<'CronMinute' | 'CronHour' | 'CronDayOfMonth' | 'CronMonth' | 'CronDayOfWeek', string>>;

function schedule(fields: Fields) {
  const ad = new ClassAd();
  for (const [name, value] of Object.entries(fields)) ad.set(name, value);
  return parseCronSchedule(ad);
}

const seconds = (iso: string) => Date.parse(iso) / 1000;

t.test('fields expand as CronTab::expandParameter expands them', async (t) => {
  const ranges = (fields: Fields) => {
    const parsed = schedule(fields);
    return parsed.valid ? parsed.ranges : parsed.error;
  };
  t.same(ranges({ CronMinute: '1-10/3', CronHour: '*/6', CronDayOfWeek: '5,7' }), [[3, 6, 9], [0, 6, 12, 18], range(1, 31), range(1, 12), [0, 5]]);
  t.same(ranges({ CronMinute: ' 5 , 7 ', CronDayOfMonth: '0' }), [[5, 7], range(0, 23), range(1, 31), range(1, 12), []], 'blanks dropped; a value out of range is the whole range');
  t.same(ranges({ CronHour: '-3', CronMonth: '11-20' }), [range(0, 59), [0, 1, 2, 3], range(1, 31), [11, 12], []], 'open and clipped ranges');
  t.same(ranges({ CronMinute: '5a' }), "Invalid parameter value '5a' for CronMinute");
  t.same(ranges({ CronHour: '\t1' }), "Invalid parameter value '\t1' for CronHour");
  t.same(ranges({ CronMinute: '5-3' }), 'Invalid cron attribute: 5-3');
  t.same(ranges({ CronMinute: '*/0' }), '', 'a zero step fails without a message');
  const ad = new ClassAd().set('CronMinute', 7);
  t.same(parseCronSchedule(ad), { valid: true, ranges: [range(0, 59), range(0, 23), range(1, 31), range(1, 12), []] }, 'a value that is no string is a wildcard');
  t.equal(needsCronTab(ad), true);
  t.equal(needsCronTab(new ClassAd().set('DeferralTime', 1)), false);
});

t.test('next run times (UTC), from Monday 2026-12-07 20:12:30', async (t) => {
  const monday = seconds('2026-12-07T20:12:30Z');
  const table: [Fields, string | undefined, string?][] = [
    [{}, '2026-12-07T20:13:00Z', 'every minute: the next whole one'],
    [{ CronMinute: '0' }, '2026-12-07T21:00:00Z'],
    [{ CronMinute: '*/15' }, '2026-12-07T20:15:00Z'],
    [{ CronMinute: '1-10/3', CronHour: '21' }, '2026-12-07T21:03:00Z'],
    [{ CronMinute: '30', CronHour: '8', CronDayOfMonth: '1' }, '2027-01-01T08:30:00Z', 'into the next year'],
    [{ CronMinute: '0', CronHour: '9', CronDayOfWeek: '1' }, '2026-12-14T09:00:00Z', 'next Monday'],
    [{ CronMinute: '0', CronHour: '0', CronDayOfWeek: '7' }, '2026-12-13T00:00:00Z', '7 is Sunday'],
    [{ CronMinute: '0', CronHour: '0', CronDayOfMonth: '15', CronDayOfWeek: '3' }, '2026-12-09T00:00:00Z', 'day of month or day of week'],
    [{ CronMinute: '0', CronDayOfMonth: '31', CronMonth: '2' }, undefined, 'no date fits'],
  ];
  for (const [fields, expected, name] of table) {
    const parsed = schedule(fields);
    if (!parsed.valid) throw new Error(parsed.error);
    const next = nextRunTime(parsed.ranges, monday, 'utc');
    t.equal(next === undefined ? undefined : new Date(next * 1000).toISOString().replace('.000', ''), expected, name ?? JSON.stringify(fields));
  }
  const everyMinute = schedule({});
  if (everyMinute.valid) t.equal(nextRunTime(everyMinute.ranges, seconds('2026-12-07T20:12:00Z'), 'utc'), seconds('2026-12-07T20:13:00Z'), 'on a whole minute: the next one');
});

t.test("a day of week past the month's last: HTCondor's day 0 of the next month", async (t) => {
  // CronTab::matchFields starts a later month's days from 31 zeros: the next month's day 0 is the 31st.
  const parsed = schedule({ CronMinute: '0', CronHour: '9', CronDayOfWeek: '1' });
  if (!parsed.valid) throw new Error(parsed.error);
  t.equal(nextRunTime(parsed.ranges, seconds('2026-12-28T20:12:30Z'), 'utc'), seconds('2026-12-31T09:00:00Z'));
  t.equal(nextRunTime(parsed.ranges, seconds('2027-01-25T20:12:30Z'), 'utc'), seconds('2027-01-31T09:00:00Z'));
  // On the month's last day after that hour, the day 0 is past: HTCondor schedules the job two minutes from now.
  t.equal(nextRunTime(parsed.ranges, seconds('2026-12-31T20:12:30Z'), 'utc'), seconds('2026-12-31T20:14:30Z'));
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

t.test('the schedd sets an idle cron job its next DeferralTime, or holds it', async (t) => {
  const now = seconds('2026-12-07T20:12:30Z');
  const job = (attrs: Record<string, string | number>) => {
    const ad = new ClassAd();
    for (const [name, value] of Object.entries(attrs)) ad.set(name, value);
    return ad;
  };
  t.equal(cronScheduleUpdate(job({ DeferralTime: 5 }), now, true), undefined, 'no schedule');
  const update = cronScheduleUpdate(job({ CronMinute: '*' }), now, false);
  t.same(update, { deferralTime: nextRunTime(schedule({}).valid ? (schedule({}) as { ranges: number[][] }).ranges : [], now) });
  t.equal(cronScheduleUpdate(job({ CronMinute: '*', DeferralTime: now - 10, DeferralWindow: 20 }), now, false), undefined, 'its time is not past yet');
  t.ok(cronScheduleUpdate(job({ CronMinute: '*', DeferralTime: now - 10, DeferralWindow: 20 }), now, true), 'forced');
  t.ok(cronScheduleUpdate(job({ CronMinute: '*', DeferralTime: now - 10, DeferralWindow: 5 }), now, false), 'past its window');
  t.same(cronScheduleUpdate(job({ CronHour: '2x' }), now, false), { invalid: "Invalid cron schedule parameters: Invalid parameter value '2x' for CronHour" });
  t.same(cronScheduleUpdate(job({ CronDayOfMonth: '31', CronMonth: '2' }), now, false), { invalid: 'Invalid cron schedule parameters: ' }, 'no date fits');
});
