import t from 'tap';
import { StartdRegistry } from './startd-registry.js';
import { fakeStartd, NOW, slotOf } from './startd-side.test-support.js';

t.test("queueableSlots: busy slots with no start queued, whose claim is within its startd's CLAIM_WORKLIFE", async (t) => {
  const at = NOW.getTime();
  const queueable = (worklife: number | undefined, claimAgeMs: number | undefined): string[] => {
    const startd = fakeStartd('s1', ['slot1', 'slot2', 'slot3']);
    if (worklife !== undefined) startd.claimWorklife = worklife;
    const registry = new StartdRegistry();
    registry.add(startd);
    slotOf(startd, 'slot1').run = { cluster: 1, proc: 0, runId: 'r1' };
    if (claimAgeMs !== undefined) slotOf(startd, 'slot1').claimStartedAt = at - claimAgeMs;
    slotOf(startd, 'slot2').run = { cluster: 2, proc: 0, runId: 'r2' };
    slotOf(startd, 'slot2').queued = { cluster: 3, proc: 0, runId: 'r3' };
    return [...registry.queueableSlots(NOW)].map((slot) => slot.description.name);
  };
  const table: [worklife: number | undefined, claimAgeMs: number | undefined, expected: string[]][] = [
    [undefined, 1_200_000, ['slot1']],
    [undefined, 1_200_001, []],
    [0, 0, ['slot1']],
    [0, 1, []],
    [-1, 10 ** 9, ['slot1']],
    [0, undefined, ['slot1']],
  ];
  for (const [worklife, age, expected] of table) t.same(queueable(worklife, age), expected, `CLAIM_WORKLIFE ${worklife ?? 'unset'}, claim age ${age ?? 'unknown'} ms`);
});

t.test('freeSlots: static slots without a run, partitionable slots with room for a dynamic slot', async (t) => {
  const startd = fakeStartd('s1', ['slot1', 'slot2']);
  startd.slots.set('slot3', { description: { name: 'slot3', cpus: 2, memoryMb: 2048, diskKb: 2000, partitionable: true }, startdName: 's1', run: undefined, queued: undefined });
  const registry = new StartdRegistry();
  registry.add(startd);
  const free = () => [...registry.freeSlots()].map((slot) => slot.description.name);
  slotOf(startd, 'slot1').run = { cluster: 1, proc: 0, runId: 'r1' };
  t.same(free(), ['slot2', 'slot3']);
  const carve = (name: string, cpus: number) =>
    startd.slots.set(name, { description: { name, cpus, memoryMb: 512, diskKb: 500, parent: 'slot3' }, startdName: 's1', run: { cluster: 2, proc: 0, runId: name }, queued: undefined });
  carve('slot3_1', 1);
  t.same(free(), ['slot2', 'slot3'], 'a core, memory and disk left');
  carve('slot3_2', 1);
  t.same(free(), ['slot2'], 'no core left: no job fits it until a dynamic slot is given back');
  startd.slots.delete('slot3_2');
  t.same(free(), ['slot2', 'slot3']);
});
