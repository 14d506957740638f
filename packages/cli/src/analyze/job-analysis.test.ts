import t from 'tap';
import { ClassAd, unparse } from '@tinycondor/shared/classad/index';
import { analyzedRequirements, analyzeJob, basicAnalysisText, countSlots, ctime, jobStatusText, jobSummaryText, matchTotalsText } from './job-analysis.js';
import { SlotAds } from './slot-ads.js';

const NOW = new Date('2026-11-23T10:00:00Z');

function job(extra: Record<string, string | number | boolean> = {}): ClassAd {
  const ad = ClassAd.parseText('ClusterId = 12\nProcId = 3\nOwner = "alice"\nUser = "alice@localhost"\nJobStatus = 1\nJobUniverse = 5\nRequestCpus = 1\nRequestDisk = 1000\nRequestMemory = 2048\nRequirements = true');
  for (const [name, value] of Object.entries(extra)) ad.set(name, value);
  return ad;
}

function slot(name: string, attrs: Record<string, string | number | boolean> = {}): ClassAd {
  const ad = new ClassAd();
  ad.set('Name', `${name}@exec`).set('Machine', 'exec').set('Cpus', 1).set('Memory', 4096).set('Disk', 100000).set('Requirements', true).set('State', 'Unclaimed');
  for (const [n, v] of Object.entries(attrs)) ad.set(n, v);
  return ad;
}

t.test('the analysed Requirements carry the resource clauses HTCondor\'s condor_submit writes', async (t) => {
  t.equal(unparse(analyzedRequirements(job())!), 'true && (TARGET.Disk >= RequestDisk) && (TARGET.Memory >= RequestMemory)');
  const already = job();
  already.setExpr('Requirements', '(TARGET.Memory >= RequestMemory) && (TARGET.Disk >= RequestDisk)');
  t.equal(unparse(analyzedRequirements(already)!), '(TARGET.Memory >= RequestMemory) && (TARGET.Disk >= RequestDisk)', 'not twice');
  t.equal(unparse(analyzedRequirements(job({ RequestMemory: 1, RequestDisk: 0 }))!), 'true', 'not for RequestMemory 1 or RequestDisk 0');
  const none = job();
  none.delete('Requirements');
  t.equal(analyzedRequirements(none), undefined);
});

t.test('the summary categories', async (t) => {
  const slots = [
    slot('small', { Memory: 1024 }),
    slot('few-cpus', { Cpus: 0 }),
    slot('closed', { Requirements: false }),
    slot('mine', { State: 'Claimed', RemoteUser: 'alice@localhost' }),
    slot('theirs', { State: 'Claimed', RemoteUser: 'bob@localhost' }),
    slot('off', { Offline: true }),
    slot('free'),
    slot('dyn', { DynamicSlot: true }),
  ];
  const c = countSlots(job(), slots);
  t.match(c, { totalSlots: 7, totalUniqueMachines: 1, rejectedByJob: 1, rejectJob: 2, jobMatchesSlot: 6, bothMatch: 4, offline: 1, runningJobs: 2, runningYourJobs: 1, availableNow: 2 });
  t.same(c.names.rejectJob, ['few-cpus@exec', 'closed@exec']);
  t.equal(
    matchTotalsText(job(), c, false),
    [
      '',
      '012.003:  Run analysis summary ignoring user priority.  Of 7 slots on 1 machines,',
      "      1 slots are rejected by your job's requirements",
      '      2 slots reject your job because of their own requirements',
      '      1 slots match and are already running your jobs',
      '      1 slots match but are serving other users',
      '      1 slots match but are currently offline',
      '      2 slots match and are willing to run your job',
      '',
    ].join('\n'),
  );
  t.match(matchTotalsText(job(), c, true), /willing to run your job: off@exec, free@exec\n/, '-verbose names the slots');
});

t.test('the warnings when nothing matches', async (t) => {
  const none = countSlots(job({ RequestMemory: 1e6 }), [slot('a')]);
  t.match(matchTotalsText(job(), none, false), /\nWARNING:  Be advised:\n   No machines matched the job's constraints\n$/);
  const rejecting = countSlots(job(), [slot('a', { Requirements: false })]);
  t.match(matchTotalsText(job(), rejecting, false), /   Job did not match any machines' constraints\n   To see why, pick a machine that you think should match and add\n     -reverse -machine <name>\n   to your query.\n$/);
});

t.test('the one-line answers for jobs that are not idle', async (t) => {
  t.equal(jobStatusText(job(), NOW), '');
  t.equal(jobStatusText(job({ JobStatus: 2 }), NOW), 'Job is running.');
  t.equal(jobStatusText(job({ JobStatus: 6 }), NOW), 'Job is running.');
  t.equal(jobStatusText(job({ JobStatus: 5, HoldReason: 'Error from slot1@exec: bad' }), NOW), 'Job is held.\n\nHold reason: Error from slot1@exec: bad');
  t.equal(jobStatusText(job({ JobStatus: 3 }), NOW), 'Job is removed.');
  t.equal(jobStatusText(job({ JobStatus: 4 }), NOW), 'Job is completed.');
  t.equal(jobStatusText(job({ JobCoolDownExpiration: NOW.getTime() / 1000 + 60 }), NOW), 'Job is in cool down.');
  const noOwner = job();
  noOwner.delete('Owner');
  t.equal(jobStatusText(noOwner, NOW), 'Nothing here.');
  t.equal(basicAnalysisText(job({ JobStatus: 4 }), 'Job is completed.'), '\n012.003:  Job is completed.\n\n');
});

t.test('the match history lines', async (t) => {
  t.equal(ctime(Date.UTC(2026, 10, 3, 9, 5, 7) / 1000), 'Tue Nov  3 09:05:07 2026');
  t.equal(basicAnalysisText(job({ LastMatchTime: Date.UTC(2026, 10, 3, 9, 5, 7) / 1000 }), ''), 'Last successful match: Tue Nov  3 09:05:07 2026\n');
});

t.test('-better-analyze of an idle job too big for every slot', async (t) => {
  // [0] true folds [2] into [1]; [4] then reduces to [3], which matches fewer slots than [1], so [1] is
  // pruned: only the memory clause is left, as AnalyzeRequirementsForEachTarget leaves it.
  const text = analyzeJob(job({ RequestMemory: 100000 }), [slot('slot1')], { better: true, verbose: false, singleMachine: false, width: 80 }, NOW);
  t.equal(
    text,
    [
      'The Requirements expression for job 12.003 is',
      '',
      '    true && (TARGET.Disk >= RequestDisk) && (TARGET.Memory >= RequestMemory)',
      '',
      '    [0]    : true',
      '    [1]    : TARGET.Disk >= RequestDisk',
      '    [2]    : [0] && [1]',
      '    [3]    : TARGET.Memory >= RequestMemory',
      '    [4]    : [2] && [3]',
      '',
      'Job 12.003 defines the following attributes:',
      '',
      '    RequestDisk = 1000 (kb)',
      '    RequestMemory = 100000 (mb)',
      '',
      'slot1@exec has the following attributes:',
      '',
      '    TARGET.Disk = 100000 (kb)',
      '    TARGET.Memory = 4096 (mb)',
      '',
      'The Requirements expression for job 12.003 reduces to these conditions:',
      '',
      '        Slots',
      'Step   Matched  Condition',
      '----- --------- ---------',
      '[3]           0  TARGET.Memory >= RequestMemory',
      '',
      '',
      '012.003:  Run analysis summary ignoring user priority.  Of 1 slots on 1 machines,',
      "      1 slots are rejected by your job's requirements",
      '      0 slots reject your job because of their own requirements',
      '      0 slots match and are willing to run your job',
      '',
      'WARNING:  Be advised:',
      "   No machines matched the job's constraints",
      '',
      '',
    ].join('\n'),
  );
});

t.test('-analyze shows the Requirements only when a slot rejects the job by them', async (t) => {
  const opts = { better: false, verbose: false, singleMachine: false, width: 80 };
  const fits = analyzeJob(job(), [slot('slot1')], opts, NOW);
  t.notMatch(fits, /Requirements expression/);
  t.match(fits, /012\.003:  Run analysis summary ignoring user priority\.  Of 1 slots on 1 machines,\n/);
  t.match(fits, /      1 slots match and are willing to run your job\n/);
  t.match(analyzeJob(job({ RequestMemory: 100000 }), [slot('slot1')], opts, NOW), /^The Requirements expression for job 12\.003 is\n/);
  t.match(analyzeJob(job({ JobStatus: 5, HoldReason: 'held by user' }), [slot('slot1')], opts, NOW), /\n\n012\.003:  Job is held\.\n\nHold reason: held by user\n\n$/);
  t.equal(analyzeJob(job({ JobStatus: 2 }), [], opts, NOW), '\n\n012.003:  Job is running.\n\n', 'no slots: no summary');
});

t.test('-analyze:summary: a line per job, a cluster\'s jobs counted once', async (t) => {
  const slots = [slot('small', { Memory: 1024 }), slot('mine', { State: 'Claimed', RemoteUser: 'alice@localhost' }), slot('theirs', { State: 'Claimed', RemoteUser: 'bob@localhost' }), slot('free'), slot('dyn', { DynamicSlot: true })];
  const jobs = [
    job({ ClusterId: 1, ProcId: 0, JobStatus: 2 }),
    job({ ClusterId: 2, ProcId: 0, AutoClusterId: 7 }),
    job({ ClusterId: 2, ProcId: 1, AutoClusterId: 7, JobStatus: 2 }),
  ];
  t.equal(
    jobSummaryText(jobs, slots, { verbose: false }),
    [
      'Analyzing matches for 5 slots',
      '               Autocluster    Matches     Machine     Running     Serving            ',
      ' JobId        Members/Idle Requirements Rejects Job  Users Job  Other User Available Owner',
      '------------- ------------ ------------ ----------- ----------- ---------- --------- -----',
      // anaMatchModeAlways: the dynamic slot is counted too.
      '1.0                                   4           0         1/1          1         2 alice',
      '2.0           2/1                     4           0         1/1          1         2 alice',
      '',
    ].join('\n'),
  );
  t.match(jobSummaryText(jobs, slots, { verbose: true, singleMachine: 'free@exec' }), /^free@exec: Analyzing matches for 5 slots\n[^]*\n2\.0           7:2\/1 /);
});

/** A partitionable slot of 2 cpus and 2048 MB with `left` cpus and 1024 MB left, as this pool advertises it. */
function pslot(left: number): ClassAd {
  return slot('slot1', { Cpus: left, TotalSlotCpus: 2, Memory: 1024, TotalSlotMemory: 2048, TotalSlotDisk: 100000, MachineResources: 'Cpus Memory Disk Swap', PartitionableSlot: true, Start: true });
}

t.test('a partitionable slot too full for the job is analysed as drained (make_pslot_overlay_ad)', async (t) => {
  const ads = new SlotAds([pslot(0), slot('slot1_1', { DynamicSlot: true, State: 'Claimed', RemoteUser: 'bob@localhost' })]);
  const fits = job({ RequestMemory: 128 });
  const c = countSlots(fits, ads);
  t.match(c, { totalSlots: 1, availableNow: 0, availableIfDrained: 1, runningJobs: 0 }, 'the dynamic slot left out; the p-slot willing if drained');
  t.equal(ads.overlays.size, 1, 'the overlay joins the slot ads');
  t.match(matchTotalsText(fits, c, true), /      0 slots match and are willing to run your job\n      1 slots would match if drained: slot1@exec\n$/);
  const text = analyzeJob(fits, ads, { better: true, verbose: false, singleMachine: true, width: 80 }, NOW);
  t.match(text, /slot1@exec has the following attributes when drained:\n\n    TARGET\.Disk = 100000 \(kb\)\n    TARGET\.Memory = 2048 \(mb\)\n/);
  t.match(text, /         Slots      If    \nStep   Matched   Drained  Condition\n----- --------- --------- ---------\n\[1\]           1         2  TARGET\.Disk >= RequestDisk\n/, 'two columns; the overlays of both analyses so far are in the second');

  const tooBig = job({ RequestCpus: 4, RequestMemory: 128 });
  t.equal(unparse(analyzedRequirements(tooBig)!), 'true && (TARGET.Disk >= RequestDisk) && (TARGET.Memory >= RequestMemory) && (TARGET.Cpus >= RequestCpus)', 'the Cpus clause above one cpu');
  const fresh = new SlotAds([pslot(0)]);
  t.match(countSlots(tooBig, fresh), { rejectedByJob: 1, availableIfDrained: 0 }, 'too big even drained: no overlay, rejected by its requirements');
  t.equal(fresh.overlays.size, 0);
  t.match(countSlots(fits, [pslot(1)]), { availableNow: 1, availableIfDrained: 0 }, 'a p-slot with room is willing now');
  t.match(countSlots(fits, [pslot(0)], 'always'), { rejectJob: 1, availableIfDrained: 0 }, 'the summary (anaMatchModeAlways) makes no overlay');
});
