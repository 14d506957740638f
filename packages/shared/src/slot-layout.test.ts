import t from 'tap';
import { ClassAd } from './classad/index.js';
import { configValue, parseCondorConfig } from './condor-config.js';
import { carveDynamicSlot, hasRoomForDynamicSlot, nextDynamicName, parseShare, parseSlotType, remainingOf, slotLayoutFromConfig, type MachineTotals } from './slot-layout.js';

const MACHINE: MachineTotals = { cpus: 4, memoryMb: 8000, diskKb: 1_000_000, resources: [] };

function knobs(values: Record<string, string>) {
  return (name: string) => Object.entries(values).find(([n]) => n.toUpperCase() === name.toUpperCase())?.[1];
}

t.test('parse_share_value: auto, percentages, fractions, absolute values with a scale', async (t) => {
  t.same(parseShare('auto', 1), { share: { kind: 'auto' }, scale: 0 });
  t.same(parseShare('Automatic', 1), { share: { kind: 'auto' }, scale: 0 });
  t.same(parseShare('25%', 1), { share: { kind: 'fraction', value: 0.25 }, scale: 0 });
  t.same(parseShare('1/4', 1), { share: { kind: 'fraction', value: 0.25 }, scale: 0 });
  t.same(parseShare('64', 1), { share: { kind: 'absolute', value: 64 }, scale: 0 });
  t.same(parseShare('4G', 1), { share: { kind: 'absolute', value: 4 }, scale: 3 });
  t.same(parseShare('10 k', 1), { share: { kind: 'absolute', value: 10 }, scale: 1 });
  t.throws(() => parseShare('1/0', 2), /Can't parse attribute "1\/0" in description of slot type 2/);
  t.throws(() => parseShare('minimal', 1), /fractional cpus/);
});

t.test('buildSlotRequest: listed resources, abbreviations, a default share for the rest', async (t) => {
  t.same(parseSlotType('cpus=2, memory=2048, disk=25%', 1, MACHINE).request, { cpus: 2, memoryMb: 2048, diskKb: 250_000, resources: {} });
  t.same(parseSlotType('c=1 r=1G d=10M', 1, MACHINE).request, { cpus: 1, memoryMb: 1024, diskKb: 10_240, resources: {} }, 'whitespace delimits without commas; memory in MB, disk in KB');
  t.same(parseSlotType('cpus=1, 50%', 1, MACHINE).request, { cpus: 1, memoryMb: 4000, diskKb: 500_000, resources: {} }, 'a bare share for the others');
  t.same(parseSlotType('', 1, MACHINE).request, { cpus: 'auto', memoryMb: 'auto', diskKb: 'auto', resources: {} });
  t.same(parseSlotType('100%', 1, MACHINE).request, { cpus: 4, memoryMb: 8000, diskKb: 1_000_000, resources: {} });
  t.same(parseSlotType('swap=10%', 1, MACHINE).notes, ['slot type 1: "swap=10%" has no effect: tinycondor provisions no swap']);
  t.throws(() => parseSlotType('50', 3, MACHINE), /Bad description of slot type 3: "50"/);
  t.throws(() => parseSlotType('cpus=1, 150%', 3, MACHINE), /Bad description of slot type 3/);
  t.throws(() => parseSlotType('bogus=2', 3, MACHINE), /Unknown attribute "bogus" in slot type 3/);
  t.same(parseSlotType('bogus=0', 3, MACHINE).notes, ['Unknown attribute "bogus" in slot type 3, no resources will be allocated']);
  t.throws(() => parseSlotType('cpus=', 3, MACHINE), /Can't parse attribute "cpus="/);
  const gpus: MachineTotals = { ...MACHINE, resources: [{ tag: 'GPUs', quantity: 2, ids: ['GPU-0', 'GPU-1'] }] };
  t.same(parseSlotType('gpus=1', 1, gpus).request.resources, { GPUs: 1 });
  t.throws(() => parseSlotType('gpus=1 : Capability > 7, cpus=1', 1, gpus), /constrains/);
});

t.test('no slot knobs: one partitionable slot with everything (HTCondor 23.0 and later, countTypes)', async (t) => {
  t.same(slotLayoutFromConfig(knobs({}), MACHINE).slots, [{ name: 'slot1', cpus: 4, memoryMb: 8000, diskKb: 1_000_000, partitionable: true }]);
  t.same(slotLayoutFromConfig(knobs({ NUM_SLOTS: '2' }), MACHINE).slots.map((s) => [s.name, s.cpus, s.memoryMb, s.partitionable]), [['slot1', 2, 4000, true], ['slot2', 2, 4000, true]]);
});

t.test('SLOT_TYPE_0_PARTITIONABLE = false: static slots, one per core, an even share each', async (t) => {
  const { slots } = slotLayoutFromConfig(knobs({ SLOT_TYPE_0_PARTITIONABLE: 'false' }), MACHINE);
  t.same(slots, [1, 2, 3, 4].map((i) => ({ name: `slot${i}`, cpus: 1, memoryMb: 2000, diskKb: 250_000 })));
  t.same(slotLayoutFromConfig(knobs({ SLOT_TYPE_0_PARTITIONABLE: 'false', NUM_SLOTS: '2' }), MACHINE).slots.map((s) => [s.name, s.cpus, s.memoryMb]), [['slot1', 2, 4000], ['slot2', 2, 4000]]);
});

t.test('use FEATURE : PartitionableSlot (NUM_SLOTS_TYPE_1 = 1, SLOT_TYPE_1 = 100%, partitionable)', async (t) => {
  const { slots } = slotLayoutFromConfig(knobs({ NUM_SLOTS_TYPE_1: '1', SLOT_TYPE_1_PARTITIONABLE: 'true', SLOT_TYPE_1: '100%' }), MACHINE);
  t.same(slots, [{ name: 'slot1', cpus: 4, memoryMb: 8000, diskKb: 1_000_000, partitionable: true }]);
});

t.test('the config language: use FEATURE : PartitionableSlot, with a type number and a share', async (t) => {
  const layout = (text: string) => {
    const config = parseCondorConfig(text, 'condor_config');
    return slotLayoutFromConfig((name) => configValue(config, name, {}), MACHINE).slots;
  };
  t.same(layout('use FEATURE : PartitionableSlot\n'), [{ name: 'slot1', cpus: 4, memoryMb: 8000, diskKb: 1_000_000, partitionable: true }]);
  t.same(layout('use FEATURE : PartitionableSlot(2, cpus=2)\nuse FEATURE : StaticSlots(1, 2, cpus=1)\n').map((s) => [s.name, s.cpus, s.memoryMb, s.partitionable ?? false]), [
    ['slot1', 1, 2666, false],
    ['slot2', 1, 2666, false],
    ['slot3', 2, 2666, true],
  ], 'types in their order, auto memory shared among the three');
});

t.test('types: absolute shares first, then the auto shares split what is left', async (t) => {
  const { slots } = slotLayoutFromConfig(
    knobs({ NUM_SLOTS_TYPE_1: '1', SLOT_TYPE_1: 'cpus=2, memory=4000', SLOT_TYPE_1_PARTITIONABLE: 'true', NUM_SLOTS_TYPE_2: '2', NUM_SLOTS: '9' }),
    MACHINE,
  );
  t.same(slots, [
    { name: 'slot1', cpus: 2, memoryMb: 4000, diskKb: 333_333, partitionable: true },
    { name: 'slot2', cpus: 1, memoryMb: 2000, diskKb: 333_333 },
    { name: 'slot3', cpus: 1, memoryMb: 2000, diskKb: 333_333 },
  ], 'NUM_SLOTS is read only when no type is counted');
  t.throws(
    () => slotLayoutFromConfig(knobs({ NUM_SLOTS_TYPE_1: '3', SLOT_TYPE_1: 'cpus=2' }), MACHINE),
    /Can't allocate 3rd slot of type 1: Requesting: Cpus: 2, Memory: auto, Disk: auto; Available: Cpus: 0/,
  );
  t.throws(() => slotLayoutFromConfig(knobs({ NUM_SLOTS_TYPE_1: '5' }), MACHINE), /during auto allocation of resources: no Cpus left/);
  t.throws(() => slotLayoutFromConfig(knobs({ SLOT_TYPE_0: 'cpus=1' }), MACHINE), /Can't define SLOT_TYPE_0 in the config file/);
  t.throws(() => slotLayoutFromConfig(knobs({ NUM_SLOTS_TYPE_1: '1', SLOT_TYPE_1_BACKFILL: 'true' }), MACHINE), /backfill/);
  t.same(slotLayoutFromConfig(knobs({ NUM_SLOTS_TYPE_11: '1', MAX_SLOT_TYPES: '12' }), MACHINE).slots.length, 1, 'types above 10 with MAX_SLOT_TYPES');
  t.same(slotLayoutFromConfig(knobs({ NUM_SLOTS_TYPE_11: '1', SLOT_TYPE_0_PARTITIONABLE: 'false' }), MACHINE).slots.length, 4, 'types above MAX_SLOT_TYPES are not read');
});

t.test('custom resources: auto shares with the excess first, ids bound in slot order', async (t) => {
  const four: MachineTotals = { ...MACHINE, resources: [{ tag: 'GPUs', quantity: 3, ids: ['G0', 'G1', 'G2'] }, { tag: 'Bandwidth', quantity: 2 }] };
  t.same(slotLayoutFromConfig(knobs({}), four).slots.map((s) => s.resources), [[{ tag: 'GPUs', quantity: 3, ids: ['G0', 'G1', 'G2'] }, { tag: 'Bandwidth', quantity: 2 }]], 'the default partitionable slot');
  t.same(slotLayoutFromConfig(knobs({ SLOT_TYPE_0_PARTITIONABLE: 'false' }), four).slots.map((s) => s.resources), [
    [{ tag: 'GPUs', quantity: 1, ids: ['G0'] }, { tag: 'Bandwidth', quantity: 1 }],
    [{ tag: 'GPUs', quantity: 1, ids: ['G1'] }, { tag: 'Bandwidth', quantity: 1 }],
    [{ tag: 'GPUs', quantity: 1, ids: ['G2'] }, { tag: 'Bandwidth', quantity: 0 }],
    [{ tag: 'GPUs', quantity: 0 }, { tag: 'Bandwidth', quantity: 0 }],
  ], 'static slots');
  t.same(slotLayoutFromConfig(knobs({ NUM_SLOTS: '1' }), { ...MACHINE, resources: [{ tag: 'GPUs', quantity: 0, ids: [] }] }).slots[0].resources, [{ tag: 'GPUs', quantity: 0 }]);
  const machine: MachineTotals = { ...MACHINE, resources: [{ tag: 'GPUs', quantity: 3, ids: ['G0', 'G1', 'G2'] }] };
  const { slots } = slotLayoutFromConfig(knobs({ NUM_SLOTS_TYPE_1: '2' }), machine);
  t.same(slots.map((s) => s.resources), [[{ tag: 'GPUs', quantity: 2, ids: ['G0', 'G1'] }], [{ tag: 'GPUs', quantity: 1, ids: ['G2'] }]]);
  const pslot = slotLayoutFromConfig(knobs({ SLOT_TYPE_0_PARTITIONABLE: 'true' }), machine).slots[0];
  t.same(pslot.resources, [{ tag: 'GPUs', quantity: 3, ids: ['G0', 'G1', 'G2'] }]);
});

function job(attrs: Record<string, string>): ClassAd {
  const ad = new ClassAd();
  for (const [name, source] of Object.entries(attrs)) ad.setExpr(name, source);
  return ad;
}

t.test('create_dslot: requests rounded as MODIFY_REQUEST_EXPR_* default, unless the rounding no longer fits', async (t) => {
  const pslot = { name: 'slot1', cpus: 4, memoryMb: 1000, diskKb: 10_000, partitionable: true as const };
  const ad = new ClassAd();
  t.same(carveDynamicSlot(job({ RequestCpus: '2', RequestMemory: '300', RequestDisk: '1500' }), pslot, ad, 'slot1_1'), {
    name: 'slot1_1', cpus: 2, memoryMb: 384, diskKb: 2048, parent: 'slot1',
  });
  t.same(carveDynamicSlot(job({ RequestMemory: '1000', RequestDisk: '100' }), pslot, ad, 'slot1_2'), {
    name: 'slot1_2', cpus: 1, memoryMb: 1000, diskKb: 100, parent: 'slot1',
  }, '1024 MB would not fit: the request as asked');
  t.same(carveDynamicSlot(job({ RequestCpus: '5', RequestMemory: '1', RequestDisk: '1' }), pslot, ad, 'slot1_1'), { refused: "Partitionable slot can't be split to allocate a dynamic slot large enough for the claim" });
  t.same(carveDynamicSlot(job({ RequestDisk: '1' }), pslot, ad, 'slot1_1'), { refused: 'No memory request in incoming ad' });
  t.same(carveDynamicSlot(job({ RequestCpus: '0', RequestMemory: '0', RequestDisk: '0' }), pslot, ad, 'slot1_1'), {
    name: 'slot1_1', cpus: 1, memoryMb: 128, diskKb: 1024, parent: 'slot1',
  }, 'quantize(x, {q}) of a request below q is q: no request is rounded to 0');
  const unmodified = { RequestCpus: '', RequestDisk: '', RequestMemory: '', mustModify: '' };
  t.same(carveDynamicSlot(job({ RequestCpus: '0', RequestMemory: '1', RequestDisk: '1' }), pslot, ad, 'slot1_1', unmodified), { refused: 'Failed to parse attributes for request, aborting' });
  t.match(carveDynamicSlot(job({ RequestMemory: '0', RequestDisk: '0' }), { ...pslot, memoryMb: 0 }, ad, 'slot1_1'), { refused: /can't be split/ }, 'the least memory a slot has does not fit');
  t.same(carveDynamicSlot(job({ RequestMemory: 'ifThenElse(MemoryUsage =!= undefined, MemoryUsage, 200)', RequestDisk: 'DiskUsage', DiskUsage: '2000' }), pslot, ad, 'slot1_1'), {
    name: 'slot1_1', cpus: 1, memoryMb: 256, diskKb: 2048, parent: 'slot1',
  }, 'expressions evaluated');
});

t.test('remainingOf and custom resources carved with the first free ids', async (t) => {
  const pslot = { name: 'slot1', cpus: 4, memoryMb: 4096, diskKb: 10_000, partitionable: true as const, resources: [{ tag: 'GPUs', quantity: 2, ids: ['G0', 'G1'] }] };
  const first = carveDynamicSlot(job({ RequestCpus: '1', RequestMemory: '128', RequestDisk: '1024', RequestGPUs: '1' }), pslot, new ClassAd(), 'slot1_1');
  t.same(first, { name: 'slot1_1', cpus: 1, memoryMb: 128, diskKb: 1024, parent: 'slot1', resources: [{ tag: 'GPUs', quantity: 1, ids: ['G0'] }] });
  if ('refused' in first) return;
  const left = remainingOf(pslot, [first]);
  t.same(left, { ...pslot, cpus: 3, memoryMb: 3968, diskKb: 8976, resources: [{ tag: 'GPUs', quantity: 1, ids: ['G1'] }] });
  const second = carveDynamicSlot(job({ RequestMemory: '128', RequestDisk: '1024', RequestGPUs: '1' }), left, new ClassAd(), 'slot1_2');
  t.same('refused' in second ? undefined : second.resources, [{ tag: 'GPUs', quantity: 1, ids: ['G1'] }]);
  t.match(carveDynamicSlot(job({ RequestMemory: '128', RequestDisk: '1024', RequestGPUs: '2' }), left, new ClassAd(), 'slot1_2'), { refused: /Not enough GPUs/ });
  t.same(remainingOf(pslot, []), pslot);
});

t.test('room for a dynamic slot: a core, a MB and a KB left', async (t) => {
  const pslot = { name: 'slot1', cpus: 4, memoryMb: 4096, diskKb: 10_000, partitionable: true as const };
  const child = (cpus: number, memoryMb: number, diskKb: number) => ({ name: 'slot1_1', cpus, memoryMb, diskKb, parent: 'slot1' });
  t.ok(hasRoomForDynamicSlot(remainingOf(pslot, [child(3, 4095, 9999)])));
  t.notOk(hasRoomForDynamicSlot(remainingOf(pslot, [child(4, 1024, 1000)])));
  t.notOk(hasRoomForDynamicSlot(remainingOf(pslot, [child(2, 4096, 1000)])));
  t.notOk(hasRoomForDynamicSlot(remainingOf(pslot, [child(2, 1024, 10_000)])));
});

t.test('dynamic slot ids: the lowest free (IdDispenser)', async (t) => {
  t.equal(nextDynamicName('slot1', []), 'slot1_1');
  t.equal(nextDynamicName('slot1', ['slot1_1', 'slot1_3']), 'slot1_2');
  t.equal(nextDynamicName('slot2', ['slot1_1']), 'slot2_1');
});
