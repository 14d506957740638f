import t from 'tap';
import { claimWorklifeExpired, claimWorklifeOf } from './claim-worklife.js';

t.test("the knob: param_info.in's default, empty or negative for no limit, an expression giving whole seconds", async (t) => {
  const table: [string | undefined, number | undefined][] = [
    [undefined, 1200],
    ['', -1],
    ['  ', -1],
    ['0', 0],
    [' 3600 ', 3600],
    ['-1', -1],
    ['+5', 5],
    ['20 * 60', 1200],
    ['1.5', undefined],
    ['Cpus * 600', undefined],
    ['forever', undefined],
    ['1 +', undefined],
  ];
  for (const [value, seconds] of table) t.equal(claimWorklifeOf(value), seconds, JSON.stringify(value));
});

t.test('a claim takes no further job once it is older than its worklife', async (t) => {
  const start = 1_000_000;
  const table: [worklife: number, ageMs: number, expired: boolean][] = [
    [1200, 0, false],
    [1200, 1_200_000, false],
    [1200, 1_200_001, true],
    [0, 0, false],
    [0, 1, true],
    [-1, 10 ** 9, false],
    [-5, 1, false],
  ];
  for (const [worklife, ageMs, expired] of table) t.equal(claimWorklifeExpired(worklife, start, start + ageMs), expired, `worklife ${worklife}, age ${ageMs} ms`);
});
