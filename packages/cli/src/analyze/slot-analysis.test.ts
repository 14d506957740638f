import t from 'tap';
import { ClassAd, unparse } from '@tinycondor/shared/classad/index';
import { reverseAnalysis, slotRunAnalysis } from './slot-analysis.js';
import { analyzedSlot } from './slot-ads.js';
import { jobClusters } from './job-clusters.js';

function job(cluster: number, extra: Record<string, string | number | boolean> = {}): ClassAd {
  const ad = ClassAd.parseText(`ClusterId = ${cluster}\nProcId = 0\nOwner = "alice"\nUser = "alice@localhost"\nJobStatus = 1\nJobUniverse = 5\nRequestCpus = 1\nRequestDisk = 1000\nRequestMemory = 2048\nRequirements = true`);
  for (const [name, value] of Object.entries(extra)) ad.set(name, value);
  return ad;
}

/** A slot as this pool's startd advertises it (buildSlotAd): Start and Requirements both true. */
function slot(name: string, attrs: Record<string, string | number | boolean> = {}): ClassAd {
  const ad = new ClassAd();
  ad.set('Name', `${name}@exec-1`).set('Machine', 'exec-1').set('Cpus', 1).set('Memory', 4096).set('Disk', 100000).set('Start', true).set('Requirements', true).set('SlotType', 'Static');
  for (const [n, v] of Object.entries(attrs)) ad.set(n, v);
  return ad;
}

const OPTS = { better: true, summary: false, verbose: false, width: 80 };

t.test('a slot of this pool is analysed as HTCondor\'s startd advertises it', async (t) => {
  const ad = analyzedSlot(slot('slot1'));
  t.equal(ad.getSource('Requirements'), 'START && WithinResourceLimits');
  t.equal(ad.getSource('WithinResourceLimits'), 'MY.Cpus > 0 && TARGET.RequestCpus <= MY.Cpus && MY.Memory > 0 && TARGET.RequestMemory <= MY.Memory && MY.Disk > 0 && TARGET.RequestDisk <= MY.Disk');
  const gpus = analyzedSlot(slot('slot1', { MachineResources: 'Cpus Memory Disk Swap GPUs', GPUs: 1 }));
  t.match(gpus.getSource('WithinResourceLimits'), / && \(TARGET\.RequestGPUs =\?= undefined \|\| MY\.GPUs >= TARGET\.RequestGPUs\)$/, 'a custom resource clause per tag');
  const htcondor = slot('slot1');
  htcondor.setExpr('WithinResourceLimits', 'TARGET.RequestCpus <= MY.Cpus').setExpr('Requirements', 'START && WithinResourceLimits').setExpr('Start', 'TARGET.Owner == "bob"');
  t.equal(analyzedSlot(htcondor), htcondor, 'a HTCondor slot ad (-slotads) is analysed as it is');
  const own = slot('slot1');
  own.setExpr('Requirements', 'TARGET.Owner == "bob"');
  t.equal(unparse(analyzedSlot(own).get('Requirements')!), 'TARGET.Owner == "bob"', 'a Requirements of its own is kept');
});

t.test('-better-analyze -reverse of one slot against a job too big for it', async (t) => {
  t.equal(
    reverseAnalysis([slot('slot1', { Memory: 2048 })], [job(1, { RequestMemory: 100000 })], OPTS),
    [
      '',
      '-- Slot: slot1@exec-1 : Analyzing matches for 1 Jobs in 1 autoclusters',
      '',
      'The Requirements expression for this slot is',
      '',
      // PrettyPrintExprTree wraps the whole buffer, the START and WithinResourceLimits parts included.
      '    START &&',
      '    WithinResourceLimits',
      '',
      '  START is',
      '    true',
      '',
      '  WithinResourceLimits is',
      '    MY.Cpus > 0 &&',
      '    TARGET.RequestCpus <= MY.Cpus && MY.Memory > 0 &&',
      '    TARGET.RequestMemory <= MY.Memory && MY.Disk > 0 &&',
      '    TARGET.RequestDisk <= MY.Disk',
      '',
      '    [0]    : START',
      '    [1]    : MY.Cpus > 0',
      '    [2]    : TARGET.RequestCpus <= MY.Cpus',
      '    [3]    : [1] && [2]',
      '    [4]    : MY.Memory > 0',
      '    [5]    : [3] && [4]',
      '    [6]    : TARGET.RequestMemory <= MY.Memory',
      '    [7]    : [5] && [6]',
      '    [8]    : MY.Disk > 0',
      '    [9]    : [7] && [8]',
      '    [10]   : TARGET.RequestDisk <= MY.Disk',
      '    [11]   : [9] && [10]',
      '    [12]   : [0] && [11]',
      '',
      'This slot defines the following attributes:',
      '',
      '    Cpus = 1',
      '    Disk = 100000',
      '    Memory = 2048',
      '',
      'Job 1.0 has the following attributes:',
      '',
      '    TARGET.RequestCpus = 1',
      '    TARGET.RequestDisk = 1000',
      '    TARGET.RequestMemory = 100000',
      '',
      'The Requirements expression for this slot reduces to these conditions:',
      '',
      '       Clusters',
      'Step   Matched  Condition',
      '----- --------- ---------',
      '[6]           0  TARGET.RequestMemory <= MY.Memory',
      '',
      'slot1@exec-1: Run analysis summary of 1 jobs.',
      '    0 (0.00 %) match both slot and job requirements.',
      '    0 match the requirements of this slot.',
      '    0 have job requirements that match this slot.',
      '',
    ].join('\n'),
  );
});

t.test('a START of the slot\'s own: its clauses counted against each job', async (t) => {
  const start = slot('slot1');
  start.setExpr('Start', 'TARGET.Owner == "bob" || TARGET.RequestCpus > 4');
  const text = reverseAnalysis([start], [job(1), job(2, { Owner: 'bob' }), job(3)], OPTS);
  t.match(text, /^\n-- Slot: slot1@exec-1 : Analyzing matches for 3 Jobs in 3 autoclusters\n/);
  // Each PrettyPrintExprTree call wraps the whole buffer again: the START line, broken once when it was
  // appended, is broken at the same place again when WithinResourceLimits is appended.
  t.match(text, /\n  START is\n    TARGET\.Owner == "bob" \|\|\n        TARGET\.RequestCpus > 4\n/);
  t.match(text, /\n    \[0\]    : TARGET\.Owner == "bob"\n    \[1\]    : TARGET\.RequestCpus > 4\n    \[2\]    : \[0\] \|\| \[1\]\n/, 'START inline');
  t.notMatch(text, /has the following attributes/, 'more than one job: no job values');
  // [1] matches no job, so [2] is [0]; the resource clauses stay, as the && of [2] and [13] is decided by
  // comparing with [13], not with the [4] it reduced to.
  t.match(text, /\n       Clusters\nStep   Matched  Condition\n----- --------- ---------\n\[0\]           1  TARGET\.Owner == "bob"\n\[4\]           3  TARGET\.RequestCpus <= MY\.Cpus\n\[8\]           3  TARGET\.RequestMemory <= MY\.Memory\n\[12\]          3  TARGET\.RequestDisk <= MY\.Disk\n\n/);
  t.match(text, /\nslot1@exec-1: Run analysis summary of 3 jobs\.\n    1 \(33\.33 %\) match both slot and job requirements\.\n    1 match the requirements of this slot\.\n    3 have job requirements that match this slot\.\n$/);
});

t.test('-analyze -reverse of several slots: a line per slot', async (t) => {
  const slots = [slot('slot1', { Memory: 1024 }), slot('slot2'), slot('slot3', { Offline: true }), slot('slot1_1', { DynamicSlot: true, SlotType: 'Dynamic' }), slot('slot4-with-a-long-name', { PartitionableSlot: true, SlotType: 'Partitionable' })];
  const jobs = [job(1), job(2, { RequestMemory: 3000 })];
  t.equal(
    reverseAnalysis(slots, jobs, { ...OPTS, better: false }),
    [
      'Analyzing matches for 2 jobs',
      "                              Slot  Slot's Req    Job's Req     Both   ",
      'Name                          Type  Matches Job Matches Slot    Match %',
      '------------------------      ---- ------------ ------------ ----------',
      'slot1@exec-1                  Stat            0            0       0.00',
      'slot2@exec-1                  Stat            2            2     100.00',
      'slot3@exec-1              is offline',
      'slot1_1@exec-1                Dyn             2            2     100.00',
      'slot4-with-a-long-name@exec-1 Part            2            2     100.00',
      '',
    ].join('\n'),
  );
  t.match(reverseAnalysis(slots, [job(7)], { ...OPTS, summary: true }), /^7\.0: Analyzing matches for 1 job\n/, 'the summary qualifier: the table even with -better-analyze');
  t.equal(reverseAnalysis([], jobs, OPTS), '', 'no slots: nothing');
  t.match(reverseAnalysis([slot('slot1')], jobs, { ...OPTS, better: false }), /^\n-- Slot: slot1@exec-1 : /, 'a single slot is analysed clause by clause');
});

t.test('jobs of one autocluster are analysed once and counted for all', async (t) => {
  const jobs = [job(1, { AutoClusterId: 5 }), job(2, { AutoClusterId: 5 }), job(3, { AutoClusterId: 5, RequestMemory: 9000 }), job(4)];
  const clusters = jobClusters(jobs);
  t.same([...clusters.keys()], [-1, 5]);
  t.match(slotRunAnalysis(slot('slot1'), clusters, { width: 80, tabular: false, nameWidth: 16 }), /Analyzing matches for 4 Jobs in 2 autoclusters\n[^]*\nslot1@exec-1: Run analysis summary of 4 jobs\.\n    4 \(100\.00 %\) match both/);
  t.match(reverseAnalysis([slot('a'), slot('b')], jobs, { ...OPTS, better: false, verbose: true }), /^Analyzing 4 jobs in 2 autoclusters\n/);
});

t.test('-better-analyze -reverse of a partitionable slot too full for the job: what it would match drained', async (t) => {
  const pslot = slot('slot1', { Cpus: 0, TotalSlotCpus: 2, Memory: 1024, TotalSlotMemory: 2048, TotalSlotDisk: 100000, MachineResources: 'Cpus Memory Disk Swap', PartitionableSlot: true, SlotType: 'Partitionable' });
  const text = reverseAnalysis([pslot], [job(1, { RequestMemory: 128 })], OPTS);
  t.match(text, /    Memory = 1024\nWhen drained, this slot has the following attributes:\n\n    Cpus = 2\n    Disk = 100000\n    Memory = 2048\n    TotalSlotCpus = 2\n/);
  t.match(text, /\n    0 \(0\.00 %\) match both slot and job requirements\.\n    0 match the requirements of this slot\.\n    1 have job requirements that match this slot\.\n    1 would match both slot and job requirments if the slot was drained\.\n    1 would match the requirements of this slot when drained\.\n    1 would have job requirements that match this slot when drained\n$/);
  t.match(reverseAnalysis([pslot], [job(1, { RequestMemory: 9000 })], OPTS), /    0 would match both slot and job requirments if the slot was drained\.\n/, 'too big even drained: the overlay is made all the same (no fit check in doSlotRunAnalysisToBuffer)');
  t.match(reverseAnalysis([pslot], [job(1, { RequestMemory: 128 })], { ...OPTS, summary: true }), /\nslot1@exec-1     Part            0            1       0\.00\n$/, 'the table row: Part');
});
