// Issue 18 item 4: a job's sandbox cannot eat the disk the queue and SPOOL need. The startd measures each
// sandbox and holds the job that reaches its slot's disk, with HTCondor's code, subcode and words.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { startDaemons } from './helpers/daemons.js';
import { waitForEvents, writeExecutable } from './helpers/pool.js';

t.test("a job writing more than its dynamic slot's disk is held with JobOutOfResources/Disk, and a small one runs", async (t) => {
  const d = await startDaemons(t, ['--lease', '30']);
  await d.startStartd('startd1', ['--disk', '4096', '--disk-check-interval', '1']);
  writeExecutable(path.join(d.dir, 'fill.sh'), '#!/bin/sh\n/bin/dd if=/dev/zero of=big.dat bs=1M count=8 2>/dev/null\nexec /bin/sleep 120\n');
  writeExecutable(path.join(d.dir, 'small.sh'), '#!/bin/sh\n/bin/dd if=/dev/zero of=small.dat bs=1M count=1 2>/dev/null\n/bin/sleep 2\n');
  // Each job's dynamic slot has the disk it asks for, half the startd's.
  fs.writeFileSync(path.join(d.dir, 'jobs.sub'), 'log = jobs.log\nrequest_disk = 2048\nexecutable = fill.sh\nqueue\nexecutable = small.sh\nqueue\n');
  t.equal((await d.run('condor_submit', ['jobs.sub'])).code, 0);
  const events = await waitForEvents(path.join(d.dir, 'jobs.log'), (ev) => ev.some((e) => e.code === 12 && e.cluster === 1 && e.proc === 0) && ev.some((e) => e.code === 5 && e.proc === 1), 60_000);
  t.notOk(events.some((e) => e.code === 12 && e.proc === 1), 'the job within its disk is not held');
  const held = await d.run('condor_q', ['1.0', '-af', 'JobStatus', 'HoldReasonCode', 'HoldReasonSubCode', 'HoldReason']);
  t.equal(held.stdout, '5 34 104 Job has exceeded allocated disk (2.00 MB). Consider increasing the value of request_disk.\n');
});
