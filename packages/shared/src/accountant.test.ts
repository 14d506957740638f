import t from 'tap';
import { Accountant, accountantSettings, DEFAULT_ACCOUNTANT_SETTINGS, MIN_PRIORITY } from './accountant.js';

const use = (entries: [string, number][]): Map<string, { resources: number; weighted: number }> => new Map(entries.map(([name, n]) => [name, { resources: n, weighted: n }]));

t.test('the real priority decays towards the resources in use with PRIORITY_HALFLIFE (UpdateOnePriority)', async (t) => {
  const accountant = new Accountant({ ...DEFAULT_ACCOUNTANT_SETTINGS, halfLife: 100 }, 1000);
  accountant.update(1000, use([['a@d', 4]]));
  t.equal(accountant.record('a@d').priority, MIN_PRIORITY, 'a new submitter starts at MinPriority');
  accountant.update(1100, use([['a@d', 4]]));
  t.equal(accountant.record('a@d').priority, 0.5 * 0.5 + 4 * 0.5, 'one half-life: halfway to 4');
  t.equal(accountant.record('a@d').accumulatedUsage, 400, 'resource-seconds');
  t.equal(accountant.record('a@d').weightedAccumulatedUsage, 400);
  t.equal(accountant.record('a@d').beginUsageTime, 1100);
  t.equal(accountant.record('a@d').lastUsageTime, 1100);
  accountant.update(1300, use([]));
  t.equal(accountant.record('a@d').priority, 2.25 * 0.25 + 4 * 0.75, 'two half-lives charged with the 4 in use until this update');
  t.equal(accountant.record('a@d').accumulatedUsage, 400 + 4 * 200, 'charged with what was in use since the update before');
  t.equal(accountant.record('a@d').lastUsageTime, 1300);
  accountant.update(1300 + 100 * 20);
  t.equal(accountant.record('a@d').priority, MIN_PRIORITY, 'never below MinPriority');
  t.equal(accountant.record('a@d').lastUsageTime, 1300, 'not in use since');
});

t.test('each update charges what was in use since the one before, to the fraction of a second', async (t) => {
  const accountant = new Accountant(DEFAULT_ACCOUNTANT_SETTINGS, 50);
  t.ok(accountant.update(50, use([['a@d', 2]])), 'the usage changed');
  t.notOk(accountant.update(50, use([['a@d', 2]])), 'nothing changed');
  accountant.update(50.25, use([]));
  t.equal(accountant.record('a@d').accumulatedUsage, 0.5, 'a quarter of a second on 2 slots');
  t.equal(accountant.record('a@d').lastUsageTime, 50, 'in use until then');
  accountant.update(40);
  t.equal(accountant.lastUpdateTime, 40, 'a clock gone back starts over');
});

t.test('the effective priority is the real one times the factor (GetPriority, GetPriorityFactor)', async (t) => {
  const accountant = new Accountant({ ...DEFAULT_ACCOUNTANT_SETTINGS, localDomain: 'here.org' });
  t.equal(accountant.effectivePriority('a@here.org'), 500, 'DEFAULT_PRIO_FACTOR 1000');
  t.equal(accountant.priorityFactor('nice-user.a@here.org'), 1e10, 'NICE_USER_PRIO_FACTOR');
  t.equal(accountant.priorityFactor('b@there.org'), 1e7, 'REMOTE_PRIO_FACTOR: not ACCOUNTANT_LOCAL_DOMAIN');
  accountant.setPriorityFactor('a@here.org', 0.2);
  t.equal(accountant.priorityFactor('a@here.org'), 1, 'a factor below 1 is raised to 1');
  const low = new Accountant({ ...DEFAULT_ACCOUNTANT_SETTINGS, defaultFactor: 0.25 });
  t.equal(low.priorityFactor('c@d'), 1, 'and so is a default below 1, as SetPriorityFactor stores it');
  accountant.setPriority('a@here.org', 3);
  t.equal(accountant.effectivePriority('a@here.org'), 3);
  accountant.setPriority('a@here.org', 0.1);
  t.equal(accountant.effectivePriority('a@here.org'), MIN_PRIORITY, 'read as at least MinPriority');
});

t.test('-resetusage, -setaccum, -delete', async (t) => {
  const accountant = new Accountant(DEFAULT_ACCOUNTANT_SETTINGS, 10);
  accountant.update(10, use([['a@d', 2]]));
  accountant.update(20, use([['a@d', 2]]));
  accountant.resetUsage('a@d', 25);
  t.equal(accountant.record('a@d').accumulatedUsage, 0);
  t.equal(accountant.record('a@d').beginUsageTime, 25);
  accountant.setAccumulatedUsage('a@d', 7);
  t.equal(accountant.record('a@d').weightedAccumulatedUsage, 7);
  t.ok(accountant.delete('a@d'));
  t.notOk(accountant.records.has('a@d'));
});

t.test('the knobs, as Accountant::Initialize reads them', async (t) => {
  const knobs: Record<string, string> = { PRIORITY_HALFLIFE: '60', DEFAULT_PRIO_FACTOR: '10', ACCOUNTANT_LOCAL_DOMAIN: ' here.org ' };
  const { settings, accountingDomain } = accountantSettings((name) => knobs[name], 'uid.org');
  t.same(settings, { halfLife: 60, defaultFactor: 10, niceUserFactor: 1e10, remoteFactor: 1e7, localDomain: 'here.org' });
  t.equal(accountingDomain, 'uid.org', 'ACCOUNTING_DOMAIN defaults to UID_DOMAIN');
  t.equal(accountantSettings((name) => (name === 'ACCOUNTING_DOMAIN' ? 'acct.org' : undefined), 'uid.org').accountingDomain, 'acct.org');
  t.equal(accountantSettings((name) => (name === 'PRIORITY_HALFLIFE' ? '0' : undefined), 'x').settings.halfLife, 0.00001, 'within its range');
});
