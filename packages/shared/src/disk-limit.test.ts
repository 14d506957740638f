import t from 'tap';
import { byteUnits, diskExceededReason } from './disk-limit.js';

t.test("byte units are HTCondor's to_string_byte_units", async (t) => {
  t.equal(byteUnits(0), '0 B');
  t.equal(byteUnits(1023), '1023 B');
  t.equal(byteUnits(1024), '1.00 KB');
  t.equal(byteUnits(4 * 1024 * 1024), '4.00 MB');
  t.equal(byteUnits(1.5 * 1024 ** 3), '1.50 GB');
  t.equal(byteUnits(2048 * 1024 ** 4), '2048.00 TB');
});

t.test('a sandbox is held once it reaches its allocated disk', async (t) => {
  t.equal(diskExceededReason(4 * 1024 * 1024 - 1, 4096), undefined, 'just below the allocation');
  t.equal(diskExceededReason(4 * 1024 * 1024, 4096), 'Job has exceeded allocated disk (4.00 MB). Consider increasing the value of request_disk.');
  t.match(diskExceededReason(10 * 1024 ** 3, 1024), /\(1\.00 MB\)/);
});
