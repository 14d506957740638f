import t from 'tap';
import { ClassAd } from './classad/index.js';
import { deferralWindowOpen, deferredStart } from './job-deferral.js';

t.test('a deferred job waits for its DeferralTime, and is late only past its window', async (t) => {
  const now = 1_800_000_000;
  const ad = (attrs: Record<string, string>) => {
    const job = new ClassAd();
    for (const [name, value] of Object.entries(attrs)) job.setExpr(name, value);
    return job;
  };
  const table: [Record<string, string>, ReturnType<typeof deferredStart>, string][] = [
    [{}, { delaySeconds: 0 }, 'no deferral'],
    [{ DeferralTime: `${now + 30}` }, { delaySeconds: 30 }, 'ahead'],
    [{ DeferralTime: `${now}` }, { delaySeconds: 0 }, 'now'],
    [{ DeferralTime: `${now - 5}`, DeferralWindow: '10' }, { delaySeconds: 0 }, 'late within the window'],
    [{ DeferralTime: `${now - 10}`, DeferralWindow: '10' }, { delaySeconds: 0 }, 'at the end of the window'],
    [{ DeferralTime: `${now - 11}`, DeferralWindow: '10' }, { missed: 'Job 3.1 missed its execution time.' }, 'past the window'],
    [{ DeferralTime: `${now - 1}` }, { missed: 'Job 3.1 missed its execution time.' }, 'no window'],
    [{ DeferralTime: `${now + 30}`, DeferralOffset: '-40' }, { missed: 'Job 3.1 missed its execution time.' }, "the shadow's clock ahead"],
    [{ DeferralTime: `${now + 30}`, DeferralOffset: '20' }, { delaySeconds: 50 }, "the shadow's clock behind"],
    [{ DeferralTime: 'Undefined' }, { missed: 'Invalid deferred execution time for Job 3.1.' }, 'undefined'],
    [{ DeferralTime: '0' }, { missed: "Invalid execution time '0' for Job 3.1." }, 'not positive'],
  ];
  for (const [attrs, expected, name] of table) t.same(deferredStart(ad(attrs), now, '3.1'), expected, name);
});

t.test("a deferred job may match from its prep time before its time, less the schedd's interval, until its window closes", async (t) => {
  const job = new ClassAd().set('DeferralTime', 1000).set('DeferralPrepTime', 300).set('ScheddInterval', 60).set('DeferralWindow', 10);
  t.same([639, 640, 1009, 1010].map((now) => deferralWindowOpen(job, now)), [false, true, true, false]);
  t.equal(deferralWindowOpen(new ClassAd(), 0), false);
});
