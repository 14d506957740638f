import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { killHard, startDaemons } from './helpers/daemons.js';
import { codes, eventually, waitForEvents, writeExecutable } from './helpers/pool.js';

t.test('schedd and startds as separate processes; a killed startd loses its job after the job lease', async (t) => {
  const d = await startDaemons(t, ['--lease', '1']);
  const first = await d.startStartd('exec1');
  const status = await d.run('condor_status', ['-af', 'Name', 'Cpus', 'State']);
  t.equal(status.stdout, 'slot1@exec1 1 Unclaimed\n');

  // A job that counts; the marker lets the test clean up the orphan a SIGKILLed startd leaves behind.
  const marker = `tinycondor-test-${process.pid}-${Date.now()}`;
  writeExecutable(path.join(d.dir, 'count.sh'), `#!/bin/bash\n# ${marker}\nfor i in $(seq 1 600); do echo $i; sleep 0.1; done\n`);
  t.teardown(() => {
    try {
      execFileSync('pkill', ['-f', marker]);
    } catch {
      // nothing left to kill
    }
  });
  fs.writeFileSync(path.join(d.dir, 'count.sub'), 'executable = count.sh\njob_lease_duration = 20\nlog = count.log\noutput = count.out\nqueue\n');
  t.equal((await d.run('condor_submit', ['count.sub'])).code, 0);
  const log = path.join(d.dir, 'count.log');
  await waitForEvents(log, (ev) => ev.some((e) => e.code === 1));
  const executing = fs.readFileSync(log, 'utf8');
  t.match(executing, /001 \(001\.000\.000\) .* Job executing on host: <127\.0\.0\.1:\d+\?addrs=127\.0\.0\.1-\d+&alias=\S+>\n\tSlotName: slot1_1@exec1\n/);

  await killHard(first);
  const evicted = await waitForEvents(log, (ev) => ev.some((e) => e.code === 4), 60_000);
  t.same(codes(evicted, 1, 0), [0, 40, 40, 1, 22, 24, 4], 'disconnected, then the reconnect failed when the lease expired');
  t.match(evicted.find((e) => e.code === 4)?.lines.join('\n'), /Job disconnected too long: JobLeaseDuration \(20 seconds\) expired/);
  t.equal(
    await eventually('the job to be idle', async () => {
      const q = await d.run('condor_q', ['-af', 'JobStatus']);
      return q.stdout === '1\n' ? q.stdout : undefined;
    }),
    '1\n',
  );

  await d.startStartd('exec2');
  const restarted = await waitForEvents(log, (ev) => ev.filter((e) => e.code === 1).length === 2);
  t.match(restarted.filter((e) => e.code === 1)[1].lines[1], /SlotName: slot1_1@exec2/);
  t.equal((await d.run('condor_rm', ['1.0'])).code, 0);
  await waitForEvents(log, (ev) => ev.some((e) => e.code === 9));
});
