import t from 'tap';
import { ClassAd } from './classad/index.js';
import { buildSlotAd, jobFitsSlot } from './machine-ad.js';
import {
  environmentForAssigned,
  machineResourcesFromConfig,
  parseResourceValue,
  resourceEnvironment,
  resourceEnvironmentSettings,
} from './machine-resources.js';

/** The configuration's knobs, as the startd reads them (names case-insensitive). */
function config(knobs: Record<string, string>) {
  const lookup = (name: string) => Object.entries(knobs).find(([n]) => n.toUpperCase() === name.toUpperCase())?.[1];
  return machineResourcesFromConfig(Object.keys(knobs), lookup, (name) => `condor_config, line for ${name}`);
}

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
  const { resources, warnings } = config({ MACHINE_RESOURCE_INVENTORY_GPUs: '/usr/libexec/condor/condor_gpu_discovery -properties' });
  t.same(resources, []);
  t.match(warnings[0], /^MACHINE_RESOURCE_INVENTORY_GPUs \(condor_config, line for MACHINE_RESOURCE_INVENTORY_GPUs\) is not implemented by tinycondor: it runs no inventory script \(tinycondor runs no GPU discovery/);
  t.match(warnings[0], /declare them as MACHINE_RESOURCE_GPUs = /);
  t.match(config({ MACHINE_RESOURCE_Foo: '[\nDetectedFoo = 2\n]' }).warnings[0], /is a ClassAd describing the resource/);
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
