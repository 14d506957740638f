import t from 'tap';
import { ClassAd } from './classad/index.js';
import { evaluatePeriodicPolicy, formatTimeShort, hasPeriodicPolicy, wantsGracefulRemoval } from './job-policy.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const EPOCH = Math.floor(NOW.getTime() / 1000);

function job(attrs: Record<string, string>): ClassAd {
  return ClassAd.fromJSON({ ClusterId: '1', ProcId: '0', JobStatus: '2', ...attrs });
}

t.test('format_time_short', async (t) => {
  t.equal(formatTimeShort(1), '00:00:01');
  t.equal(formatTimeShort(72000), '20:00:00');
  t.equal(formatTimeShort(3 * 86400), '3+00:00:00');
  t.equal(formatTimeShort(86400 + 3661), '1+01:01:01');
});

t.test('PeriodicHold fires on running or idle jobs, with HTCondor reason, code and subcode', async (t) => {
  t.same(evaluatePeriodicPolicy(job({ PeriodicHold: 'JobStatus == 2' }), NOW), {
    action: 'hold',
    reason: "The job attribute PeriodicHold expression 'JobStatus == 2' evaluated to TRUE",
    code: 3,
    subCode: 0,
  });
  t.same(evaluatePeriodicPolicy(job({ PeriodicHold: 'true', PeriodicHoldReason: '"too big"', PeriodicHoldSubCode: '7' }), NOW), {
    action: 'hold',
    reason: 'too big',
    code: 3,
    subCode: 7,
  });
  t.equal(evaluatePeriodicPolicy(job({ JobStatus: '5', PeriodicHold: 'true' }), NOW), undefined, 'not on held jobs');
  t.equal(evaluatePeriodicPolicy(job({ PeriodicHold: 'NoSuchAttr > 1' }), NOW), undefined, 'UNDEFINED does not fire');
});

t.test('PeriodicRelease fires on held jobs, except those the user held', async (t) => {
  t.same(evaluatePeriodicPolicy(job({ JobStatus: '5', HoldReasonCode: '3', PeriodicRelease: 'NumHolds < 3', NumHolds: '1' }), NOW), {
    action: 'release',
    reason: "The job attribute PeriodicRelease expression 'NumHolds < 3' evaluated to TRUE",
  });
  t.equal(evaluatePeriodicPolicy(job({ JobStatus: '5', HoldReasonCode: '1', PeriodicRelease: 'true' }), NOW), undefined);
});

t.test('PeriodicRemove and the allowed durations', async (t) => {
  t.same(evaluatePeriodicPolicy(job({ JobStatus: '1', PeriodicRemove: '1' }), NOW), {
    action: 'remove',
    reason: "The job attribute PeriodicRemove expression '1' evaluated to TRUE",
  });
  const executing = { JobCurrentStartDate: String(EPOCH - 100), ShadowBday: String(EPOCH - 100), JobCurrentStartExecutingDate: String(EPOCH - 90) };
  t.same(evaluatePeriodicPolicy(job({ ...executing, AllowedExecuteDuration: '60' }), NOW), {
    action: 'hold',
    reason: 'The job exceeded allowed execute duration of 00:01:00',
    code: 47,
    subCode: 0,
  });
  t.equal(
    evaluatePeriodicPolicy(job({ ...executing, AllowedExecuteDuration: '60', TransferOutFinished: String(EPOCH - 30) }), NOW),
    undefined,
    'a checkpoint restarts the execute clock',
  );
  t.same(evaluatePeriodicPolicy(job({ ...executing, AllowedJobDuration: '50' }), NOW), {
    action: 'hold',
    reason: 'The job exceeded allowed job duration of 00:00:50',
    code: 46,
    subCode: 0,
  });
});

t.test('allowed_job_duration and allowed_execute_duration count as UserPolicy::AnalyzePolicy does', async (t) => {
  const run = (attrs: Record<string, string>) => evaluatePeriodicPolicy(job(attrs), NOW)?.action;
  t.equal(run({ ShadowBday: String(EPOCH - 50), AllowedJobDuration: '50' }), 'hold', 'the job clock fires once the run is that old (>=), from ShadowBday');
  t.equal(run({ ShadowBday: String(EPOCH - 49), AllowedJobDuration: '50' }), undefined);
  t.equal(run({ JobCurrentStartDate: String(EPOCH - 100), AllowedJobDuration: '50' }), undefined, 'no ShadowBday, no job clock');
  t.equal(run({ JobStatus: '7', ShadowBday: String(EPOCH - 100), AllowedJobDuration: '50' }), 'hold', 'a suspended job is held too');
  t.equal(run({ JobStatus: '1', ShadowBday: String(EPOCH - 100), AllowedJobDuration: '50' }), undefined, 'an idle job is not');

  const began = (seconds: number) => ({ ShadowBday: String(EPOCH - 100), JobCurrentStartExecutingDate: String(EPOCH - seconds), AllowedExecuteDuration: '20' });
  t.equal(run(began(20)), undefined, 'the execute clock fires only past the duration (>)');
  t.equal(run(began(21)), 'hold');
  t.equal(run({ ...began(21), JobStatus: '7' }), 'hold', 'a suspended job is held too');
  t.equal(run({ ...began(90), ShadowBday: String(EPOCH - 30) }), undefined, "an execution date older than ShadowBday is a previous run's: this run has not begun executing");
  t.equal(run({ JobCurrentStartExecutingDate: String(EPOCH - 90), AllowedExecuteDuration: '20' }), undefined, 'no ShadowBday, no execute clock');
  t.equal(run({ ...began(90), TransferOutFinished: String(EPOCH - 21) }), 'hold', 'from the latest checkpoint on');
  t.equal(run({ ...began(90), TransferOutFinished: String(EPOCH - 20) }), undefined);
  t.equal(run({ ...began(30), TransferOutFinished: String(EPOCH - 200) }), 'hold', "a previous run's checkpoint does not restart this run's clock");
  t.equal(run({ ...began(21), AllowedExecuteDuration: '10 + 10' }), 'hold', 'the durations are expressions');
});

t.test('hasPeriodicPolicy: only ads the periodic policy can act on', async (t) => {
  t.equal(hasPeriodicPolicy(job({})), false, 'no policy attributes');
  t.equal(hasPeriodicPolicy(job({ PeriodicHold: 'false', PeriodicRelease: 'FALSE', PeriodicRemove: 'false' })), false, "condor_submit's defaults");
  t.equal(hasPeriodicPolicy(job({ PeriodicHold: 'JobStatus == 2' })), true);
  t.equal(hasPeriodicPolicy(job({ periodicremove: 'true' })), true, 'names are case-insensitive');
  t.equal(hasPeriodicPolicy(job({ PeriodicRelease: '0' })), true, 'anything but the literal false is evaluated');
  t.equal(hasPeriodicPolicy(job({ AllowedExecuteDuration: '60' })), true);
  t.equal(hasPeriodicPolicy(job({ AllowedJobDuration: '60' })), true);
});

t.test('PeriodicVacate: only a running or suspended job, before PeriodicHold, a number counting as true when non-zero', async (t) => {
  t.same(evaluatePeriodicPolicy(job({ PeriodicVacate: 'JobStatus == 2', PeriodicHold: 'true' }), NOW), {
    action: 'vacate',
    reason: "The job attribute PeriodicVacate expression 'JobStatus == 2' evaluated to TRUE",
    code: 1000,
    subCode: 0,
  });
  t.same(evaluatePeriodicPolicy(job({ PeriodicVacate: '2', PeriodicVacateReason: '"move on"', PeriodicVacateSubCode: '4' }), NOW), { action: 'vacate', reason: 'move on', code: 1000, subCode: 4 });
  t.equal(evaluatePeriodicPolicy(job({ JobStatus: '1', PeriodicVacate: 'true' }), NOW), undefined, 'an idle job is not vacated');
  t.equal(evaluatePeriodicPolicy(job({ PeriodicVacate: '"yes"' }), NOW), undefined, 'a string is not true');
  t.equal(hasPeriodicPolicy(job({ PeriodicVacate: 'NumJobStarts < 2' })), true);
});

t.test('want_graceful_removal: condor_rm is graceful unless WantGracefulRemoval is false', async (t) => {
  t.equal(wantsGracefulRemoval(job({})), true);
  t.equal(wantsGracefulRemoval(job({ WantGracefulRemoval: 'false' })), false);
  t.equal(wantsGracefulRemoval(job({ WantGracefulRemoval: 'JobPrio > 0', JobPrio: '0' })), false);
  t.equal(wantsGracefulRemoval(job({ WantGracefulRemoval: 'undefined' })), true);
});
