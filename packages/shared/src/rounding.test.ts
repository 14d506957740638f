import t from 'tap';
import { roundHalfEven } from './rounding.js';

t.test('halves go to the even integer, others to the nearest', async (t) => {
  t.same([0.5, 1.5, 2.5, -0.5, -1.5, 2.4, 2.6, -2.6, 3].map(roundHalfEven), [0, 2, 2, 0, -2, 2, 3, -3, 3]);
});
