import t from 'tap';
import type { UserPrioRecord } from '@tinycondor/shared/rest-schemas';
import { DETAIL_MOST, DETAIL_USAGE, formatUserPrio } from './userprio.js';

const record = (name: string, priority: number, inUse: number, usageSeconds: number, lastUsage: number): UserPrioRecord => ({
  name,
  priority,
  priorityFactor: 1000,
  resourcesUsed: inUse,
  weightedResourcesUsed: inUse,
  accumulatedUsage: usageSeconds,
  weightedAccumulatedUsage: usageSeconds,
  beginUsageTime: 0,
  lastUsageTime: lastUsage,
});

t.test("the default listing: user_prio.cpp's table of DetailMost when every user is in the <none> group (flat, no quota columns), best priority first", async (t) => {
  const now = 1_700_000_000;
  const out = formatUserPrio(now, [record('a.alice@localhost', 533.1, 1, 7200, now), record('b.alice@localhost', 500, 0, 36, now - 90)], { detail: DETAIL_MOST, minLastUsage: now - 86400 });
  const lines = out.split('\n');
  t.match(lines[0], /^Last Priority Update: .\d\/\d. \d\d:\d\d$/);
  t.same(lines.slice(1), [
    '                    Effective   Priority  Wghted Total Usage  Time Since Submitter Submitter',
    'User Name            Priority    Factor   In Use (wghted-hrs) Last Usage   Floor    Ceiling ',
    '------------------ ------------ --------- ------ ------------ ---------- --------- ---------',
    'b.alice@localhost        500.00   1000.00      0         0.01    0+00:01                    ',
    'a.alice@localhost        533.10   1000.00      1         2.00      <now>                    ',
    '------------------ ------------ --------- ------ ------------ ---------- --------- ---------',
    'Number of users: 2                             1         2.01    1+00:00                    ',
    '',
  ]);
});

t.test('-usage alone: by usage; a user not used since MinLastUsageTime is not shown', async (t) => {
  const now = 1_700_000_000;
  const out = formatUserPrio(now, [record('x@d', 500, 0, 0, 0), record('y@d', 600, 0, 3600, now)], { detail: DETAIL_USAGE, minLastUsage: now - 86400 });
  t.match(out, /Number of users: 1 /);
  t.notMatch(out, /x@d/);
  t.match(out, /y@d\s+0\s+1\.00 /);
});
