import t from 'tap';
import { ClassAd } from './classad/index.js';
import { buildSlotAd, condorArch, condorOpSys, jobFitsSlot, pslotRollupFromConfig, slotClaimOf } from './machine-ad.js';

const identity = { startdName: 'exec1.example', machine: 'exec1.example', opSys: 'LINUX', arch: 'X86_64' };
const NOW = new Date('2024-05-01T10:00:00Z');

t.test('condorArch and condorOpSys map Node names to HTCondor names', async (t) => {
  t.equal(condorArch('x64'), 'X86_64');
  t.equal(condorArch('arm64'), 'aarch64');
  t.equal(condorArch('ia32'), 'INTEL');
  t.equal(condorArch('ppc64'), 'ppc64le');
  t.equal(condorArch('riscv64'), 'RISCV64');
  t.equal(condorOpSys('linux'), 'LINUX');
  t.equal(condorOpSys('darwin'), 'OSX');
  t.equal(condorOpSys('win32'), 'WINDOWS');
  t.equal(condorOpSys('freebsd'), 'FREEBSD');
  t.equal(condorOpSys('aix'), 'AIX');
});

t.test('buildSlotAd advertises the slot', async (t) => {
  const ad = buildSlotAd(identity, { name: 'slot1', cpus: 2, memoryMb: 2048, diskKb: 500000 }, { claimed: false, now: NOW });
  t.same(ad.toJSON(), {
    MyType: '"Machine"',
    TargetType: '"Job"',
    Name: '"slot1@exec1.example"',
    SlotName: '"slot1"',
    Machine: '"exec1.example"',
    StartdName: '"exec1.example"',
    OpSys: '"LINUX"',
    Arch: '"X86_64"',
    Cpus: '2',
    Memory: '2048',
    Disk: '500000',
    TotalSlotCpus: '2',
    TotalSlotMemory: '2048',
    TotalSlotDisk: '500000',
    MachineResources: '"Cpus Memory Disk Swap"',
    SlotID: '1',
    SlotType: '"Static"',
    State: '"Unclaimed"',
    Activity: '"Idle"',
    LoadAvg: '0.0',
    EnteredCurrentState: '1714557600',
    EnteredCurrentActivity: '1714557600',
    RetirementTimeRemaining: '0',
    CurrentRank: '0.0',
    Start: 'true',
    Requirements: 'true',
    HasFileTransfer: 'true',
    HasJobTransferPlugins: 'true',
    HasJobDeferral: 'true',
  });
  const withPlugins = buildSlotAd({ ...identity, fileTransferPluginMethods: ['http', 'file'] }, { name: 'slot1', cpus: 2, memoryMb: 2048, diskKb: 500000 }, { claimed: false, now: NOW });
  t.equal(withPlugins.getString('HasFileTransferPluginMethods'), 'http,file', "the startd's plugins' methods");
  const claimed = buildSlotAd(identity, { name: 'slot1', cpus: 2, memoryMb: 2048, diskKb: 500000 }, { claimed: true, now: NOW });
  t.equal(claimed.getString('State'), 'Claimed');
  t.equal(claimed.getString('Activity'), 'Busy');
});

t.test('a partitionable slot advertises what is left; a dynamic slot its parent', async (t) => {
  const pslot = { name: 'slot2', cpus: 4, memoryMb: 4096, diskKb: 8000, partitionable: true as const, resources: [{ tag: 'GPUs', quantity: 2, ids: ['G0', 'G1'] }] };
  const left = { ...pslot, cpus: 1, memoryMb: 1024, diskKb: 2000, resources: [{ tag: 'GPUs', quantity: 1, ids: ['G1'] }] };
  const ad = buildSlotAd(identity, pslot, { claimed: false, now: NOW, left });
  t.same(
    ['Cpus', 'TotalSlotCpus', 'Memory', 'TotalSlotMemory', 'Disk', 'TotalSlotDisk', 'GPUs', 'TotalSlotGPUs', 'AssignedGPUs', 'SlotID', 'SlotType', 'PartitionableSlot'].map((name) => ad.getSource(name)),
    ['1', '4', '1024', '4096', '2000', '8000', '1', '2', '"G0,G1"', '2', '"Partitionable"', 'true'],
  );
  // bind_DevIds binds all of them to the p-slot; a dynamic slot's are marked its own, not taken from the p-slot's list.
  t.equal(ad.getString('AssignedGPUs'), 'G0,G1', 'a partitionable slot keeps all its ids in AssignedGPUs');
  const dslot = buildSlotAd(identity, { name: 'slot2_3', cpus: 1, memoryMb: 128, diskKb: 1024, parent: 'slot2' }, { claimed: true, now: NOW });
  t.same(['Name', 'SlotID', 'SlotType', 'DynamicSlot', 'ParentSlotId', 'DSlotId', 'PslotRollupInformation'].map((name) => dslot.getSource(name)), ['"slot2_3@exec1.example"', '2', '"Dynamic"', 'true', '2', '3', 'true']);
});

t.test('a claimed slot advertises its claim: RemoteUser, RemoteOwner, AccountingGroup with the user domain, JobStart', async (t) => {
  const job = new ClassAd().set('User', 'alice@example.org').set('Owner', 'alice').set('AccountingGroup', 'physics.alice')
    .set('GlobalJobId', 'submit#3.0#1714557000').set('JobCurrentStartDate', 1714557500);
  const ad = buildSlotAd(identity, { name: 'slot1', cpus: 1, memoryMb: 128, diskKb: 1024 }, { claimed: true, now: NOW, claim: slotClaimOf('3.0', job) });
  t.same(
    ['RemoteUser', 'RemoteOwner', 'AccountingGroup', 'JobId', 'GlobalJobId', 'JobStart', 'EnteredCurrentState', 'EnteredCurrentActivity', 'CurrentRank'].map((name) => ad.getSource(name)),
    ['"alice@example.org"', '"alice"', '"physics.alice@example.org"', '"3.0"', '"submit#3.0#1714557000"', '1714557500', '1714557500', '1714557500', '0.0'],
  );
  const unknownJob = buildSlotAd(identity, { name: 'slot1', cpus: 1, memoryMb: 128, diskKb: 1024 }, { claimed: true, now: NOW, claim: slotClaimOf('4.0', undefined) });
  t.same([unknownJob.getSource('JobId'), unknownJob.has('RemoteUser'), unknownJob.getInt('EnteredCurrentState')], ['"4.0"', false, 1714557600]);
});

t.test('a partitionable slot rolls up its dynamic slots (publishDynamicChildSummaries)', async (t) => {
  const resources = [{ tag: 'GPUs', quantity: 2, ids: ['G0', 'G1'] }];
  const gpuIdentity = { ...identity, resources };
  const pslot = { name: 'slot1', cpus: 4, memoryMb: 4096, diskKb: 8000, partitionable: true as const, resources };
  const job = (user: string) => new ClassAd().set('User', user).set('Owner', user.split('@')[0]).set('JobCurrentStartDate', 1714557000);
  const child = (name: string, cpus: number, user: string) =>
    buildSlotAd(gpuIdentity, { name, cpus, memoryMb: 1024, diskKb: 1000, parent: 'slot1', resources: [{ tag: 'GPUs', quantity: 0 }] }, { claimed: true, now: NOW, claim: slotClaimOf('1.0', job(user)) });
  const children = [child('slot1_2', 2, 'bob@example.org'), child('slot1_10', 1, 'alice@example.org')];
  const ad = buildSlotAd(gpuIdentity, pslot, { claimed: false, now: NOW, left: { ...pslot, cpus: 1 }, children });
  const rollup = Object.entries(ad.toJSON()).filter(([name]) => /^Child|^NumDynamicSlots$|^PslotRollupInformation$/.test(name));
  t.same(Object.fromEntries(rollup), {
    NumDynamicSlots: '2',
    PslotRollupInformation: 'true',
    ChildAccountingGroup: '{ undefined,undefined }',
    ChildActivity: '{ "Busy","Busy" }',
    ChildCpus: '{ 1,2 }',
    ChildCurrentRank: '{ 0.0,0.0 }',
    ChildDisk: '{ 1000,1000 }',
    ChildDSlotId: '{ 10,2 }',
    ChildEnteredCurrentState: '{ 1714557000,1714557000 }',
    ChildGPUs: '{ 0,0 }',
    ChildMemory: '{ 1024,1024 }',
    ChildName: '{ "slot1_10@exec1.example","slot1_2@exec1.example" }',
    ChildRemoteOwner: '{ "alice","bob" }',
    ChildRemoteUser: '{ "alice@example.org","bob@example.org" }',
    ChildRetirementTimeRemaining: '{ 0,0 }',
    ChildState: '{ "Claimed","Claimed" }',
  }, 'the children in name order (strcmp), the attributes in case-insensitive order');
  const empty = buildSlotAd(identity, { ...pslot, resources: [] }, { claimed: false, now: NOW });
  t.same([empty.getSource('NumDynamicSlots'), empty.getSource('ChildCpus'), empty.getString('State')], ['0', '{  }', 'Unclaimed']);
});

t.test('STARTD_PARTITIONABLE_SLOT_ATTRS and ADVERTISE_PSLOT_ROLLUP_INFORMATION: as param_info.in defaults them, names split at spaces and commas', async (t) => {
  const configured = (knobs: Record<string, string>) => pslotRollupFromConfig((name) => knobs[name]);
  const table: [Record<string, string>, { advertise: boolean; attrs: string[] }, string[]][] = [
    [{}, { advertise: true, attrs: [] }, []],
    [{ ADVERTISE_PSLOT_ROLLUP_INFORMATION: 'false' }, { advertise: false, attrs: [] }, []],
    [{ ADVERTISE_PSLOT_ROLLUP_INFORMATION: '' }, { advertise: true, attrs: [] }, []],
    [{ STARTD_PARTITIONABLE_SLOT_ATTRS: ' LoadAvg,JobId  cpus ' }, { advertise: true, attrs: ['LoadAvg', 'JobId', 'cpus'] }, []],
    [
      { ADVERTISE_PSLOT_ROLLUP_INFORMATION: 'maybe', STARTD_PARTITIONABLE_SLOT_ATTRS: 'LoadAvg 2x' },
      { advertise: true, attrs: ['LoadAvg'] },
      [
        'ADVERTISE_PSLOT_ROLLUP_INFORMATION in the condor configuration  is not a valid boolean ("maybe").  Please set it to True or False (default is True)',
        'STARTD_PARTITIONABLE_SLOT_ATTRS: "2x" is not an attribute name: no Child2x is advertised',
      ],
    ],
  ];
  for (const [knobs, rollup, warnings] of table) t.same(configured(knobs), { rollup, warnings }, JSON.stringify(knobs));
});

t.test('a partitionable slot rolls up the attributes STARTD_PARTITIONABLE_SLOT_ATTRS adds; none with ADVERTISE_PSLOT_ROLLUP_INFORMATION false', async (t) => {
  const pslot = { name: 'slot1', cpus: 4, memoryMb: 4096, diskKb: 8000, partitionable: true as const };
  const job = new ClassAd().set('User', 'alice@example.org').set('Owner', 'alice');
  const childOf = (rollup: { advertise: boolean; attrs: string[] }) =>
    buildSlotAd({ ...identity, pslotRollup: rollup }, { name: 'slot1_1', cpus: 1, memoryMb: 1024, diskKb: 1000, parent: 'slot1' }, { claimed: true, now: NOW, claim: slotClaimOf('7.0', job) });
  const more = { advertise: true, attrs: ['LoadAvg', 'JobId', 'cpus', 'NoSuchAttr'] };
  const ad = buildSlotAd({ ...identity, pslotRollup: more }, pslot, { claimed: false, now: NOW, children: [childOf(more)] });
  t.same(['ChildLoadAvg', 'ChildJobId', 'ChildCpus', 'ChildNoSuchAttr', 'Childcpus'].map((name) => ad.getSource(name)), ['{ 0.0 }', '{ "7.0" }', '{ 1 }', '{ undefined }', '{ 1 }'], 'Cpus listed once, as HTCondor spells it');
  t.ok(Object.keys(ad.toJSON()).includes('ChildCpus') && !Object.keys(ad.toJSON()).includes('Childcpus'), 'one attribute, its first spelling');
  const off = { advertise: false, attrs: ['LoadAvg'] };
  const quiet = buildSlotAd({ ...identity, pslotRollup: off }, pslot, { claimed: false, now: NOW, children: [childOf(off)] });
  t.same(Object.keys(quiet.toJSON()).filter((name) => /^Child|^NumDynamicSlots$|^PslotRollupInformation$/.test(name)), ['NumDynamicSlots'], 'NumDynamicSlots only');
  t.equal(quiet.getSource('NumDynamicSlots'), '1');
  t.notOk(childOf(off).has('PslotRollupInformation'), 'nor does a dynamic slot say it is rolled up');
});

const slot = (cpus: number, memoryMb: number, diskKb: number): ClassAd =>
  buildSlotAd(identity, { name: 'slot1', cpus, memoryMb, diskKb }, { claimed: false, now: NOW });

const job = (requirements: string, cpus = 2, memory = 1024, disk = 1000): ClassAd =>
  new ClassAd().set('Owner', 'alice').set('RequestCpus', cpus).set('RequestMemory', memory).set('RequestDisk', disk).setExpr('Requirements', requirements);

const LINUX_X86 = 'TARGET.OpSys == "LINUX" && TARGET.Arch == "X86_64"';

t.test('jobFitsSlot: requests must fit the slot size', async (t) => {
  t.equal(jobFitsSlot(job(LINUX_X86), slot(2, 1024, 1000)), true, 'exactly the slot size fits');
  t.equal(jobFitsSlot(job(LINUX_X86), slot(1, 4096, 100000)), false, 'too many cpus');
  t.equal(jobFitsSlot(job(LINUX_X86), slot(4, 1023, 100000)), false, 'too much memory');
  t.equal(jobFitsSlot(job(LINUX_X86), slot(4, 4096, 999)), false, 'too much disk');
});

t.test('jobFitsSlot: a permissive Requirements cannot drop the resource checks', async (t) => {
  t.equal(jobFitsSlot(job('true', 1, 8192, 1), slot(4, 4096, 100000)), false);
  t.equal(jobFitsSlot(job('true', 1, 4096, 1), slot(4, 4096, 100000)), true);
});

t.test('jobFitsSlot: requests default to zero when not set', async (t) => {
  const bare = new ClassAd().setExpr('Requirements', 'true');
  t.equal(jobFitsSlot(bare, slot(1, 1, 1)), true);
});

t.test('jobFitsSlot: the job Requirements are evaluated against the slot', async (t) => {
  t.equal(jobFitsSlot(job('TARGET.OpSys == "WINDOWS"'), slot(4, 4096, 100000)), false);
  t.equal(jobFitsSlot(job('TARGET.Memory >= 4096 && TARGET.Cpus >= MY.RequestCpus'), slot(4, 4096, 100000)), true);
  t.equal(jobFitsSlot(job('TARGET.Memory >= 8192'), slot(4, 4096, 100000)), false);
  t.equal(jobFitsSlot(job('TARGET.NoSuchAttr == 1'), slot(4, 4096, 100000)), false, 'undefined does not match');
});

t.test('jobFitsSlot: the slot Requirements are evaluated against the job', async (t) => {
  const picky = slot(4, 4096, 100000).setExpr('Requirements', 'TARGET.Owner == "bob"');
  t.equal(jobFitsSlot(job(LINUX_X86), picky), false);
  picky.setExpr('Requirements', 'TARGET.Owner == "alice"');
  t.equal(jobFitsSlot(job(LINUX_X86), picky), true);
});

t.test("a startd with Docker advertises it, its networks and its administrator's volumes (DOCKER_VOLUMES)", async (t) => {
  const docker = { version: 'Docker version 26.1.5+dfsg1, build a72d7cd', networks: ['hpc', 'ib'], volumes: ['CVMFS', 'DATA'] };
  const ad = buildSlotAd({ ...identity, docker }, { name: 'slot1', cpus: 1, memoryMb: 1024, diskKb: 1000 }, { claimed: false, now: NOW });
  t.same(
    ['HasDocker', 'HasContainer', 'HasDockerURL', 'DockerVersion', 'DockerNetworks', 'HasDockerVolumeCVMFS', 'HasDockerVolumeDATA'].map((name) => ad.toJSON()[name]),
    ['true', 'true', 'true', '"Docker version 26.1.5+dfsg1, build a72d7cd"', '"hpc,ib"', 'true', 'true'],
  );
  t.equal(buildSlotAd(identity, { name: 'slot1', cpus: 1, memoryMb: 1024, diskKb: 1000 }, { claimed: false, now: NOW }).has('HasDocker'), false);
});
