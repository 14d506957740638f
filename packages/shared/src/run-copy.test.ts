import t from 'tap';
import { ClassAd } from './classad/index.js';
import { editJob, type Transition } from './job-state.js';
import { evaluatePeriodicPolicy } from './job-policy.js';
import { decidedOnShadowCopy, recordRunEdits, shadowCopy, starterCopy, type RunEdits } from './run-copy.js';

const NOW = new Date('2026-12-08T10:00:00Z');

function running(attrs: Record<string, string> = {}): ClassAd {
  return ClassAd.fromJSON({ ClusterId: '1', ProcId: '0', JobStatus: '2', PeriodicRemove: 'false', ...attrs });
}

/** The queue's ad after a user's edit, and the run's edits after it. */
function edit(ad: ClassAd, edits: RunEdits | undefined, set: [string, string][], forwarded: boolean): { ad: ClassAd; edits: RunEdits | undefined } {
  const after = editJob(ad, set).ad;
  return { ad: after, edits: recordRunEdits(edits, ad, after, set.map(([name]) => name), forwarded) };
}

t.test('an edit not forwarded stays out of the run: the shadow and the starter keep what the run began with', async (t) => {
  const plain = edit(running(), undefined, [['PeriodicRemove', 'true']], false);
  t.equal(plain.ad.getSource('PeriodicRemove'), 'true', 'the queue has it');
  t.equal(shadowCopy(plain.ad, plain.edits).getSource('PeriodicRemove'), 'false');
  t.equal(starterCopy(plain.ad, plain.edits).getSource('PeriodicRemove'), 'false');
  t.equal(evaluatePeriodicPolicy(shadowCopy(plain.ad, plain.edits), NOW), undefined, "the shadow's policy does not fire");
  t.same(evaluatePeriodicPolicy(plain.ad, NOW), { action: 'remove', reason: "The job attribute PeriodicRemove expression 'true' evaluated to TRUE" }, "the queue's does (the next run's, or the schedd's once idle)");
});

t.test('a forwarded edit reaches the shadow, never the starter; an earlier plain edit stays out', async (t) => {
  const plain = edit(running({ KillSig: '"SIGTERM"' }), undefined, [['KillSig', '"SIGUSR1"']], false);
  const forwarded = edit(plain.ad, plain.edits, [['PeriodicRemove', 'true']], true);
  const shadow = shadowCopy(forwarded.ad, forwarded.edits);
  t.equal(shadow.getSource('PeriodicRemove'), 'true');
  t.equal(shadow.getSource('KillSig'), '"SIGTERM"', 'the shadow pulls only the dirty attributes');
  const starter = starterCopy(forwarded.ad, forwarded.edits);
  t.same([starter.getSource('PeriodicRemove'), starter.getSource('KillSig')], ['false', '"SIGTERM"']);
  const again = edit(forwarded.ad, forwarded.edits, [['PeriodicRemove', 'JobStatus == 5']], false);
  t.equal(shadowCopy(again.ad, again.edits).getSource('PeriodicRemove'), 'true', "a plain edit after a forwarded one leaves the shadow's copy at the forwarded value");
  t.equal(starterCopy(again.ad, again.edits).getSource('PeriodicRemove'), 'false');
});

t.test('an attribute the run did not have is absent from its copies; one set back is forgotten', async (t) => {
  const added = edit(running(), undefined, [['MyFlag', 'true']], false);
  t.equal(shadowCopy(added.ad, added.edits).has('MyFlag'), false);
  const back = edit(added.ad, added.edits, [['MyFlag', 'undefined']], false);
  t.ok(back.edits, 'undefined is a value, not the attribute removed');
  const reverted = edit(running({ JobPrio: '3' }), undefined, [['JobPrio', '7']], false);
  t.equal(edit(reverted.ad, reverted.edits, [['jobprio', '3']], false).edits, undefined, 'any case of the name');
  const forwarded = edit(running(), undefined, [['PeriodicRemove', 'true']], true);
  t.same(forwarded.edits, { periodicremove: { name: 'PeriodicRemove', started: 'false', shadow: 'true', set: 'true' } }, 'a forwarded edit is kept for the starter');
});

t.test('once the run itself sets an attribute (set_job_attr), every copy has its value', async (t) => {
  const plain = edit(running(), undefined, [['Progress', '10']], false);
  const fromRun = editJob(plain.ad, [['Progress', '20']]).ad;
  t.equal(shadowCopy(fromRun, plain.edits).getSource('Progress'), '20');
  const next = recordRunEdits(plain.edits, fromRun, editJob(fromRun, [['Other', '1']]).ad, ['Other'], false);
  t.same(Object.keys(next ?? {}), ['other'], 'the stale edit is dropped');
});

t.test('the run ends on the shadow copy; the queue keeps the user edits the run did not change', async (t) => {
  const plain = edit(running({ OnExitHold: 'false' }), undefined, [['OnExitHold', 'true'], ['ExitCode', '99']], false);
  const ended = decidedOnShadowCopy(plain.ad, plain.edits, (ad): Transition => {
    t.equal(ad.getSource('OnExitHold'), 'false', "the shadow's copy decides");
    const next = ad.clone().set('JobStatus', 4).set('ExitCode', 0);
    return { ad: next, events: [], leaveQueue: false, killRun: false };
  });
  t.same([ended.ad.getSource('OnExitHold'), ended.ad.getSource('ExitCode'), ended.ad.getInt('JobStatus')], ['true', '0', 4]);
  const none = running();
  t.equal(decidedOnShadowCopy(none, undefined, (ad) => ({ ad, events: [], leaveQueue: false, killRun: false })).ad, none);
});
