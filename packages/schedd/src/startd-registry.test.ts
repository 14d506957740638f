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
