import t from 'tap';
import { closeReason } from './close-reason.js';

t.test('close reasons fit 123 bytes of UTF-8 and never split a character', async (t) => {
  t.equal(closeReason('short'), 'short');
  t.equal(Buffer.byteLength(closeReason('x'.repeat(500))), 123);
  const accented = closeReason('é'.repeat(200));
  t.equal(accented, 'é'.repeat(61), 'two bytes each: 61 fit');
  const emoji = closeReason('😀'.repeat(50));
  t.equal(emoji, '😀'.repeat(30), 'four bytes each, surrogate pairs kept whole');
});
