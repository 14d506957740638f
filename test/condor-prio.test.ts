// condor_prio as HTCondor's (src/condor_prio/prio.cpp): -p N sets JobPrio, +N/-N moves it, by cluster,
// cluster.proc, user or -a; nothing printed for a job changed; the jobs it cannot change named on stderr.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { startPool, waitForEvents, writeExecutable } from './helpers/pool.js';

t.test('condor_prio sets and moves JobPrio, and the queue orders idle jobs by it', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'job.sh'), '#!/bin/sh\nexit 0\n');
  fs.writeFileSync(path.join(pool.dir, 'held.sub'), 'executable = job.sh\nhold = true\nlog = prio.log\nqueue 3\n');
  t.equal((await pool.run('condor_submit', ['held.sub'])).code, 0);
  t.equal((await pool.run('condor_submit', ['held.sub'])).code, 0);
  const prios = async () => (await pool.run('condor_q', ['-af', 'ClusterId', 'ProcId', 'JobPrio'])).stdout;

  const set = await pool.run('condor_prio', ['-p', '5', '1']);
  t.same([set.code, set.stdout, set.stderr], [0, '', ''], 'nothing printed');
  t.equal(await prios(), '1 0 5\n1 1 5\n1 2 5\n2 0 0\n2 1 0\n2 2 0\n');
  t.equal((await pool.run('condor_prio', ['+2', '1.1'])).code, 0);
  t.equal((await pool.run('condor_prio', ['-3', '2.0', '2.2'])).code, 0);
  t.equal(await prios(), '1 0 5\n1 1 7\n1 2 5\n2 0 -3\n2 1 0\n2 2 -3\n');
  t.equal((await pool.run('condor_prio', ['-p', '1', os.userInfo().username])).code, 0, 'by user');
  t.equal(await prios(), '1 0 1\n1 1 1\n1 2 1\n2 0 1\n2 1 1\n2 2 1\n');
  t.equal((await pool.run('condor_prio', ['-p', '-4', '-a'])).code, 0, 'all jobs');
  t.equal(await prios(), '1 0 -4\n1 1 -4\n1 2 -4\n2 0 -4\n2 1 -4\n2 2 -4\n');

  const missing = await pool.run('condor_prio', ['-p', '2', '9.9', '9', '1.x', '@home']);
  t.equal(missing.code, 0);
  t.equal(missing.stderr, 'Couldn\'t retrieve current priority for 9.9.\nWarning: unrecognized "1.x" skipped\nWarning: unrecognized "@home" skipped\n', 'a missing cluster says nothing, as in HTCondor');
  const none = await pool.run('condor_prio', ['1.0']);
  t.equal(none.code, 1);
  t.match(none.stderr, /^You must specify a new priority or priority adjustment\.\nUsage: condor_prio /);
  const other = await pool.run('condor_prio', ['-n', 'schedd@elsewhere', '-p', '1', '1']);
  t.equal(other.code, 1);
  t.match(other.stderr, /-n is not supported by tinycondor/);

  // Released together onto one slot, the job of the highest priority starts first.
  t.equal((await pool.run('condor_prio', ['-p', '9', '2.2'])).code, 0);
  t.equal((await pool.run('condor_release', ['2'])).code, 0);
  const log = path.join(pool.dir, 'prio.log');
  const events = await waitForEvents(log, (ev) => ev.filter((e) => e.code === 5).length === 3);
  t.same(events.filter((e) => e.code === 1).map((e) => `${e.cluster}.${e.proc}`)[0], '2.2');
});
