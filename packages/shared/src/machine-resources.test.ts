import t from 'tap';
import { ClassAd, parseExpr } from './classad/index.js';
import { carveDynamicSlot } from './slot-layout.js';
import { buildSlotAd, jobFitsSlot } from './machine-ad.js';
import {
  attributeNameOf,
  devIdMatches,
  environmentForAssigned,
  inventoryArgv,
  inventoryCommands,
  machineResourcesFromConfig,
  resourceFromAd,
  parseResourceValue,
  resourceEnvironment,
  resourceEnvironmentSettings,
} from './machine-resources.js';

/** The configuration's knobs, as the startd reads them (names case-insensitive); `inventories` the scripts' outputs by knob. */
function config(knobs: Record<string, string>, inventories: Record<string, string> = {}) {
  const lookup = (name: string) => Object.entries(knobs).find(([n]) => n.toUpperCase() === name.toUpperCase())?.[1];
  return machineResourcesFromConfig(Object.keys(knobs), lookup, (name) => `condor_config, line for ${name}`, new Map(Object.entries(inventories)));
}

/** What condor_gpu_discovery -properties prints (nested, its default): two GPUs, Common the properties they share. */
const DISCOVERY = [
  'DetectedGPUs="GPU-a0223334, GPU-b1223334"',
  'Common=[ DriverVersion=12.1; MaxSupportedVersion=12010; ]',
  'GPU_a0223334=[ id="GPU-a0223334"; Capability=7.5; DeviceName="TITAN RTX"; GlobalMemoryMb=24220; ]',
  'GPU_b1223334=[ id="GPU-b1223334"; Capability=8.0; DeviceName="A100-SXM4-40GB"; GlobalMemoryMb=40536; ]',
  '',
].join('\n');

t.test('parse_user_resource_config: a count, an expression giving one, or a list of ids', async (t) => {
  t.same(parseResourceValue('4'), { count: 4 });
  t.same(parseResourceValue(' 2 * 3 '), { count: 6 });
  t.same(parseResourceValue('GPU-0, GPU-1'), { count: 2, ids: ['GPU-0', 'GPU-1'] });
  t.same(parseResourceValue('GPU-0'), { count: 1, ids: ['GPU-0'] }, 'GPU - 0 evaluates to undefined, so it is an id');
  t.same(parseResourceValue('CUDA0 CUDA1\tCUDA2'), { count: 3, ids: ['CUDA0', 'CUDA1', 'CUDA2'] });
});

t.test('MACHINE_RESOURCE_<Tag>: the tag as written, sorted as HTCondor sorts them', async (t) => {
  const { resources, notes, warnings } = config({ MACHINE_RESOURCE_GPUs: 'GPU-0, GPU-1', MACHINE_RESOURCE_actuators: '3', MACHINE_RESOURCE_Empty: '' });
  t.same(resources, [
    { tag: 'actuators', quantity: 3 },
    { tag: 'GPUs', quantity: 2, ids: ['GPU-0', 'GPU-1'] },
  ]);
  t.same(notes, ['Local machine resource actuators = 3', 'Local machine resource GPUs = 2']);
  t.same(warnings, []);
});

t.test('OFFLINE_MACHINE_RESOURCE_<Tag> and MACHINE_RESOURCE_NAMES', async (t) => {
  const { resources, notes } = config({
    MACHINE_RESOURCE_NAMES: 'gpus, bandwidth',
    MACHINE_RESOURCE_GPUs: 'CUDA0, CUDA1, CUDA2',
    OFFLINE_MACHINE_RESOURCE_GPUs: 'CUDA1, CUDA7',
    MACHINE_RESOURCE_Bandwidth: '100',
    OFFLINE_MACHINE_RESOURCE_Bandwidth: '30',
    MACHINE_RESOURCE_Other: '1',
  });
  t.same(resources, [
    { tag: 'Bandwidth', quantity: 70 },
    { tag: 'GPUs', quantity: 2, ids: ['CUDA0', 'CUDA2'], offline: ['CUDA1'] },
  ]);
  t.ok(notes.includes('Local machine resource Other is not in MACHINE_RESOURCE_NAMES so it will have no effect'));
});

t.test('refusals and warnings, in HTCondor\'s words where it has them', async (t) => {
  t.throws(() => config({ MACHINE_RESOURCE_Memory: '4' }), /fatal error - MACHINE_RESOURCE_Memory is invalid, 'Memory' is a reserved resource name/);
  t.doesNotThrow(() => config({ MACHINE_RESOURCE_NAMES: 'GPUs', MACHINE_RESOURCE_Cpus: '4' }), 'a reserved tag MACHINE_RESOURCE_NAMES leaves out');
  t.throws(() => config({ MACHINE_RESOURCE_2x: '1' }), /'2x' cannot be part of an attribute name/);
  t.throws(() => config({ MACHINE_RESOURCE_GPUs: '1.5' }), /whole numbers/);
  t.throws(() => config({ MACHINE_RESOURCE_INVENTORY_GPUs: '/usr/libexec/condor/condor_gpu_discovery -properties' }), /its inventory script was not run/);
  const unparsed = config({ MACHINE_RESOURCE_Foo: '[\nDetectedFoo = 2\n]' });
  t.same(unparsed.resources, [{ tag: 'Foo', quantity: 0 }], 'initAdFromString reads lines of Name = expr: a [ line does not parse, so none');
  t.match(unparsed.notes[0], /^Could not parse ClassAd for local resource 'Foo'/);
});

const identity = { startdName: 'exec1', machine: 'exec1', opSys: 'LINUX', arch: 'X86_64', resources: [{ tag: 'GPUs', quantity: 2, ids: ['GPU-0', 'GPU-1'], offline: ['GPU-9'] }] };
const NOW = new Date('2024-05-01T10:00:00Z');
const gpuSlot = (quantity: number, ids?: string[]) =>
  buildSlotAd(identity, { name: 'slot1', cpus: 1, memoryMb: 1024, diskKb: 100000, resources: [{ tag: 'GPUs', quantity, ...(ids ? { ids } : {}) }] }, { claimed: false, now: NOW });

t.test('a slot advertises its share and the machine\'s totals', async (t) => {
  const ad = gpuSlot(1, ['GPU-1']);
  t.equal(ad.getString('MachineResources'), 'Cpus Memory Disk Swap GPUs');
  t.equal(ad.getInt('GPUs'), 1);
  t.equal(ad.getInt('TotalSlotGPUs'), 1);
  t.equal(ad.getString('AssignedGPUs'), 'GPU-1');
  t.equal(ad.getInt('DetectedGPUs'), 2);
  t.equal(ad.getInt('TotalGPUs'), 2);
  t.equal(ad.getString('OfflineGPUs'), 'GPU-9');
  t.equal(gpuSlot(0).has('AssignedGPUs'), false, 'a slot given none has no Assigned<Tag>');
});

t.test('matching: no more of a resource than the slot has; a job requesting none fits', async (t) => {
  const job = (gpus?: number) => {
    const ad = new ClassAd().set('Owner', 'alice').set('RequestCpus', 1).set('RequestMemory', 1).set('RequestDisk', 1).setExpr('Requirements', 'true');
    return gpus === undefined ? ad : ad.set('RequestGPUs', gpus);
  };
  t.equal(jobFitsSlot(job(1), gpuSlot(1, ['GPU-0'])), true);
  t.equal(jobFitsSlot(job(2), gpuSlot(1, ['GPU-0'])), false);
  t.equal(jobFitsSlot(job(1), gpuSlot(0)), false);
  t.equal(jobFitsSlot(job(), gpuSlot(0)), true);
  const plain = buildSlotAd({ startdName: 'e', machine: 'e', opSys: 'LINUX', arch: 'X86_64' }, { name: 'slot1', cpus: 1, memoryMb: 1024, diskKb: 100000 }, { claimed: false, now: NOW });
  t.equal(jobFitsSlot(job(1), plain), true, 'a machine without the resource leaves it to the job\'s Requirements (TARGET.GPUs >= RequestGPUs)');
  t.equal(jobFitsSlot(job(1).setExpr('Requirements', '(TARGET.GPUs >= RequestGPUs)'), plain), false);
});

t.test('the job\'s environment for its slot\'s resources, as the starter sets it', async (t) => {
  const settings = resourceEnvironmentSettings(['GPUs'], () => undefined);
  t.same(resourceEnvironment(gpuSlot(1, ['GPU-0']), settings), {
    GPU_DEVICE_ORDINAL: 'GPU-0',
    CUDA_VISIBLE_DEVICES: 'GPU-0',
    _CONDOR_AssignedGPUs: 'GPU-0',
    NVIDIA_VISIBLE_DEVICES: 'none',
  });
  t.same(resourceEnvironment(gpuSlot(2, ['CUDA0', 'CUDA1']), settings), {
    GPU_DEVICE_ORDINAL: '0,1',
    CUDA_VISIBLE_DEVICES: '0,1',
    _CONDOR_AssignedGPUs: 'CUDA0,CUDA1',
    NVIDIA_VISIBLE_DEVICES: 'none',
  });
  t.same(
    resourceEnvironment(gpuSlot(0), settings),
    { GPU_DEVICE_ORDINAL: '10000', CUDA_VISIBLE_DEVICES: '10000', _CONDOR_AssignedGPUs: '10000', NVIDIA_VISIBLE_DEVICES: 'none' },
    'a slot without GPUs: ENVIRONMENT_VALUE_FOR_UnAssignedGPUs',
  );
  const knobs: Record<string, string> = { ENVIRONMENT_FOR_ASSIGNEDGPUS: 'CUDA_VISIBLE_DEVICES', AUTO_SET_NVIDIA_VISIBLE_DEVICES: 'false' };
  t.same(resourceEnvironment(gpuSlot(1, ['GPU-7']), resourceEnvironmentSettings(['GPUs'], (name) => knobs[name.toUpperCase()])), { CUDA_VISIBLE_DEVICES: '7', _CONDOR_AssignedGPUs: 'GPU-7' });
  const widgets = buildSlotAd(
    { startdName: 'e', machine: 'e', opSys: 'LINUX', arch: 'X86_64', resources: [{ tag: 'Widgets', quantity: 2, ids: ['w1', 'w2'] }, { tag: 'Bandwidth', quantity: 10 }] },
    { name: 'slot1', cpus: 1, memoryMb: 1, diskKb: 1, resources: [{ tag: 'Widgets', quantity: 1, ids: ['w2'] }, { tag: 'Bandwidth', quantity: 10 }] },
    { claimed: true, now: NOW },
  );
  t.same(resourceEnvironment(widgets, resourceEnvironmentSettings(['Widgets', 'Bandwidth'], () => undefined)), { _CONDOR_AssignedWidgets: 'w2' }, 'a count has no ids to pass');
  t.throws(() => resourceEnvironmentSettings([], (name) => (name === 'AUTO_SET_NVIDIA_VISIBLE_DEVICES' ? 'maybe' : undefined)), /must be True or False/);
});

t.test('SetEnvironmentForAssignedRes: NAME, NAME=/regex/replacement/ with any separator and $N groups', async (t) => {
  t.same(environmentForAssigned('MY_GPUS', 'CUDA0,CUDA1', 'GPUs'), { MY_GPUS: 'CUDA0,CUDA1' });
  t.same(environmentForAssigned('A=/CUDA// B=#CUDA(\\d)#dev$1#, C=/x/y/', 'CUDA0, CUDA1', 'GPUs'), { A: '0,1', B: 'dev0,dev1', C: 'CUDA0,CUDA1' });
  t.same(environmentForAssigned('A=/^(\\w+)-(\\d+)$/$2:$1/', 'GPU-3', 'GPUs'), { A: '3:GPU' });
  const logged: string[] = [];
  t.same(environmentForAssigned('B=/z// A=/x/y', 'x', 'GPUs', (m) => logged.push(m)), { B: 'x' }, 'a prototype without its end marker ends the list');
  t.match(logged[0], /AssignedGPUs environment 'A' ignored - missing replacement end marker/);
});

t.test('MACHINE_RESOURCE_INVENTORY_<Tag>: the script and its arguments, and its output as init_machine_resource_from_ad reads it', async (t) => {
  const knobs = { MACHINE_RESOURCE_INVENTORY_GPUs: '/opt/discover -properties', MACHINE_RESOURCE_GPUs: '' };
  t.same(inventoryCommands(Object.keys(knobs), (name) => (knobs as Record<string, string>)[name]), [{ knob: 'MACHINE_RESOURCE_INVENTORY_GPUs', tag: 'GPUs', command: '/opt/discover -properties' }]);
  t.same(inventoryArgv('/opt/discover  -properties -extra'), ['/opt/discover', '-properties', '-extra'], 'V1 raw: words');
  t.same(inventoryArgv('"\'/opt/my discover\' \'-a b\'"'), ['/opt/my discover', '-a b'], 'V2 quoted');
  const { resources, notes } = config({ MACHINE_RESOURCE_INVENTORY_GPUs: '/opt/discover' }, { MACHINE_RESOURCE_INVENTORY_GPUS: DISCOVERY });
  t.same(resources, [
    {
      tag: 'GPUs',
      quantity: 2,
      ids: ['GPU-a0223334', 'GPU-b1223334'],
      properties: [
        { id: 'GPU-a0223334', ad: '[ DriverVersion = 12.1; MaxSupportedVersion = 12010; Capability = 7.5; DeviceName = "TITAN RTX"; GlobalMemoryMb = 24220 ]' },
        { id: 'GPU-b1223334', ad: '[ DriverVersion = 12.1; MaxSupportedVersion = 12010; Capability = 8.0; DeviceName = "A100-SXM4-40GB"; GlobalMemoryMb = 40536 ]' },
      ],
      attributes: 'DetectedGPUs = "GPU-a0223334, GPU-b1223334"\n',
    },
  ]);
  t.ok(notes.includes('Local machine resource GPUs = 2'));
  t.ok(notes.some((n) => n.startsWith('machine resource GPUs has property ad Common=')));
  const offline = resourceFromAd('GPUs', DISCOVERY + 'OfflineGPUs = "GPU-a0223334"\n').resource;
  t.same([offline.quantity, offline.ids, offline.offline], [1, ['GPU-b1223334'], ['GPU-a0223334']], 'Offline<Tag> in the output');
  t.same(resourceFromAd('GPUs', DISCOVERY, 'GPU-b1223334').resource.ids, ['GPU-a0223334'], 'else OFFLINE_MACHINE_RESOURCE_<Tag>');
  t.same(resourceFromAd('GPUs', 'DetectedGPUs = 0\n').resource, { tag: 'GPUs', quantity: 0, attributes: 'DetectedGPUs = 0\n' }, 'none detected');
  t.same(resourceFromAd('Foo', 'DetectedFoo = 3\nFoo = 7\nFooVendor = "acme"\n').resource, { tag: 'Foo', quantity: 3, attributes: 'DetectedFoo = 3\nFooVendor = "acme"\n' }, 'a count; <Tag> itself is not kept');
  t.same(resourceFromAd('GPUs', 'DetectedGPUs = "G1"\nG1 = [ Capability = 9 ]\n').resource.properties, [{ id: 'G1', ad: '[ Capability = 9 ]' }], 'a nested ad without id: its name is the id');
  t.same(config({ MACHINE_RESOURCE_Foo: 'DetectedFoo = "f1, f2"\nf1 = [ Speed = 2 ]' }).resources[0]?.ids, ['f1', 'f2'], 'MACHINE_RESOURCE_<Tag> of several lines is such an ad');
});

const inventoried = resourceFromAd('GPUs', DISCOVERY).resource;
const gpuIdentity = { startdName: 'exec1', machine: 'exec1', opSys: 'LINUX', arch: 'X86_64', resources: [inventoried] };

t.test('a slot advertises its GPUs\' properties and the GPUs it has left (Available<Tag>)', async (t) => {
  t.equal(attributeNameOf(' GPUs_GPU-a/b--c '), 'GPUs_GPU_a_b_c');
  const pslot = { name: 'slot1', cpus: 4, memoryMb: 4096, diskKb: 100000, partitionable: true as const, resources: [{ tag: 'GPUs', quantity: 2, ids: inventoried.ids }] };
  const left = { ...pslot, resources: [{ tag: 'GPUs', quantity: 1, ids: ['GPU-b1223334'] }] };
  const ad = buildSlotAd(gpuIdentity, pslot, { claimed: false, now: NOW, left });
  t.equal(ad.getString('DetectedGPUs'), 'GPU-a0223334, GPU-b1223334', "the inventory's Detected<Tag>, as it wrote it");
  t.equal(ad.getInt('TotalGPUs'), 2);
  t.equal(ad.getInt('GPUs'), 1);
  t.equal(ad.getString('AssignedGPUs'), 'GPU-a0223334,GPU-b1223334');
  t.equal(ad.getSource('AvailableGPUs'), '{ GPUs_GPU_b1223334 }');
  t.equal(ad.getSource('GPUs_DriverVersion'), '12.1', 'a property all its GPUs share');
  t.notOk(ad.has('GPUs_Capability'), 'one they differ in');
  t.equal(ad.getSource('GPUs_GPU_a0223334'), '[ DriverVersion = 12.1; MaxSupportedVersion = 12010; Capability = 7.5; DeviceName = "TITAN RTX"; GlobalMemoryMb = 24220; Id = "GPU-a0223334" ]');
  t.equal(ad.evaluateExpr('countMatches(Capability >= 8, AvailableGPUs)').type, 'int');
  const dslot = buildSlotAd(gpuIdentity, { name: 'slot1_1', cpus: 1, memoryMb: 128, diskKb: 1024, parent: 'slot1', resources: [{ tag: 'GPUs', quantity: 1, ids: ['GPU-a0223334'] }] }, { claimed: true, now: NOW });
  t.same(['GPUs', 'AssignedGPUs', 'AvailableGPUs', 'GPUs_Capability', 'GPUs_DeviceName'].map((n) => dslot.getSource(n)), ['1', '"GPU-a0223334"', '{ GPUs_GPU_a0223334 }', '7.5', '"TITAN RTX"']);
  const plain = buildSlotAd(identity, { name: 'slot2', cpus: 1, memoryMb: 128, diskKb: 1024, resources: [{ tag: 'GPUs', quantity: 0 }] }, { claimed: false, now: NOW });
  t.equal(plain.getSource('AvailableGPUs'), '{  }', 'a slot of declared ids that has none: an empty list');
});

t.test('matching RequireGPUs: countMatches in the slot\'s Available<Tag>, and the ids a dynamic slot is given (DevIdMatches)', async (t) => {
  const job = new ClassAd().set('RequestCpus', 1).set('RequestMemory', 128).set('RequestDisk', 1024).set('RequestGPUs', 1).set('GPUsMinCapability', 8);
  job.setExpr('RequireGPUs', 'Capability >= GPUsMinCapability').setExpr('Requirements', '(countMatches(MY.RequireGPUs,TARGET.AvailableGPUs) >= RequestGPUs)');
  const pslot = { name: 'slot1', cpus: 4, memoryMb: 4096, diskKb: 100000, partitionable: true as const, resources: [{ tag: 'GPUs', quantity: 2, ids: inventoried.ids }] };
  const slotAd = buildSlotAd(gpuIdentity, pslot, { claimed: false, now: NOW });
  t.equal(jobFitsSlot(job, slotAd), true);
  const carved = carveDynamicSlot(job, pslot, slotAd, 'slot1_1', undefined, [inventoried]);
  t.same('refused' in carved ? carved : carved.resources, [{ tag: 'GPUs', quantity: 1, ids: ['GPU-b1223334'] }], 'the GPU whose Capability is 8, not the first');
  const leftAd = buildSlotAd(gpuIdentity, pslot, { claimed: false, now: NOW, left: { ...pslot, resources: [{ tag: 'GPUs', quantity: 1, ids: ['GPU-a0223334'] }] } });
  t.equal(jobFitsSlot(job, leftAd), false, 'the one left is 7.5');
  const impossible = job.clone().set('GPUsMinCapability', 10);
  t.equal(jobFitsSlot(impossible, slotAd), false);
  t.same(carveDynamicSlot(impossible, pslot, slotAd, 'slot1_1', undefined, [inventoried]), { refused: 'Not enough instances of resource GPUs' });
  const b = (expr: string, id: string) => devIdMatches(parseExpr(expr), job, inventoried, id);
  t.same([b('1', 'GPU-b1223334'), b('0', 'GPU-b1223334'), b('"gpu-a0223334"', 'GPU-a0223334'), b('TARGET.GPUsMinCapability <= Capability', 'GPU-b1223334')], [true, false, true, true], 'an index, an id, an expression with the job\'s attributes put in');
});

t.test('NVIDIA_VISIBLE_DEVICES (and CUDA_VISIBLE_DEVICES) from the DeviceUuid of the slot\'s GPUs, as the starter sets it', async (t) => {
  const uuids = resourceFromAd(
    'GPUs',
    'DetectedGPUs = "GPU-a1, GPU-b2"\nGPU_a1 = [ id = "GPU-a1"; DeviceUuid = "a1aaaaaa-0000" ]\nGPU_b2 = [ id = "GPU-b2"; DeviceUuid = "b2bbbbbb-0000" ]\n',
  ).resource;
  const slot = buildSlotAd(
    { ...gpuIdentity, resources: [uuids] },
    { name: 'slot1_1', cpus: 1, memoryMb: 128, diskKb: 1024, parent: 'slot1', resources: [{ tag: 'GPUs', quantity: 2, ids: ['GPU-a1', 'GPU-b2'] }] },
    { claimed: true, now: NOW },
  );
  const env = resourceEnvironment(slot, resourceEnvironmentSettings(['GPUs'], () => undefined));
  t.same([env.NVIDIA_VISIBLE_DEVICES, env.CUDA_VISIBLE_DEVICES, env._CONDOR_AssignedGPUs], ['GPU-a1aaaaaa-0000,GPU-b2bbbbbb-0000', 'GPU-a1aaaaaa-0000,GPU-b2bbbbbb-0000', 'GPU-a1,GPU-b2']);
});
