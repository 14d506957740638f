import t from 'tap';
import { atoi } from './c-numbers.js';

t.test('atoi: leading digits after blanks, 0 without them, wrapped to a C int', async (t) => {
  t.same(['12', '  -7x', '+3', 'x1', '', '2147483648'].map(atoi), [12, -7, 3, 0, 0, -2147483648]);
});
