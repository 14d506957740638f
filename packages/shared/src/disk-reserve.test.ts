import t from 'tap';
import { spoolSpaceRefusal, usableBytes } from './disk-reserve.js';

const MIB = 1024 * 1024;

t.test('usable space is the free space minus the reserve, never negative', async (t) => {
  t.equal(usableBytes(500 * MIB, 100), 400 * MIB);
  t.equal(usableBytes(50 * MIB, 100), 0);
  t.equal(usableBytes(50 * MIB, 0), 50 * MIB);
});

t.test('a transfer into SPOOL is refused only below the reserve', async (t) => {
  t.equal(spoolSpaceRefusal(100 * MIB, 100), undefined, 'exactly the reserve free: accepted');
  t.equal(spoolSpaceRefusal(0, 0), undefined, 'no reserve: never refused');
  t.match(spoolSpaceRefusal(99.5 * MIB, 100), /SPOOL filesystem has 99\.5 MiB free, less than RESERVED_DISK = 100 MB/);
  t.match(spoolSpaceRefusal(0, 1), /0\.0 MiB free/);
});
