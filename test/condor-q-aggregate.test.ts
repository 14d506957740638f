// condor_q -autocluster, -group-by and -stream-results against a real schedd, as HTCondor's queue.cpp
// prints them (autoclusterNormal_PrintFormat; the schedd's aggregation ads, autocluster.cpp).
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { startPool, writeExecutable } from './helpers/pool.js';

t.test('groups of jobs by their attributes', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'job.sh'), '#!/bin/sh\nexit 0\n');
  fs.writeFileSync(path.join(pool.dir, 'small.sub'), 'executable = job.sh\nrequest_memory = 100\nhold = true\nqueue 3\n');
  fs.writeFileSync(path.join(pool.dir, 'big.sub'), 'executable = job.sh\nrequest_memory = 2000\nrequest_disk = 5000\nhold = true\nqueue 2\n');
  t.equal((await pool.run('condor_submit', ['small.sub'])).code, 0);
  t.equal((await pool.run('condor_submit', ['big.sub'])).code, 0);

  const grouped = await pool.run('condor_q', ['-group-by', '-af', 'RequestMemory', 'JobCount', 'JobIds', 'Id']);
  t.same([grouped.code, grouped.stderr, grouped.stdout], [0, '', '100 3 1.0 ... 1.2 1\n2000 2 2.0 2.1 2\n']);
  const limited = await pool.run('condor_q', ['-group-by', '-af', 'RequestMemory', 'JobCount', '-constraint', 'RequestMemory > 1000']);
  t.equal(limited.stdout, '2000 2\n', 'the constraint selects the jobs, then the groups (the group ad has RequestMemory)');
  t.equal((await pool.run('condor_q', ['-group-by', '-af', 'JobCount', '-constraint', 'RequestMemory > 1000'])).stdout, '', 'a group ad without RequestMemory is not selected');
  const long = await pool.run('condor_q', ['-gr', '-attributes', 'RequestMemory', '-long:newl', '-limit', '1']);
  t.equal(long.stdout, '[ Id = 1; JobCount = 3; JobIds = "1.0 ... 1.2"; RequestMemory = 100 ]\n', '-limit counts groups, in signature order');

  const table = await pool.run('condor_q', ['-autocluster']);
  t.equal(table.code, 0, table.stderr);
  const lines = table.stdout.split('\n');
  t.match(lines.slice(0, 3).join('\n'), /^\n\n-- Schedd: \S+ : <127\.0\.0\.1:\d+\?\.\.\./);
  t.equal(lines[3], '   ID COUNT UNIVERSE CPUS MEMORY     DISK REQUIREMENTS');
  t.match(lines[4], /^    1     3 \[\?{6}\]    1    100 +\d+ true$/, 'JobUniverse is not significant here');
  t.equal(lines[5], '    2     2 [??????]    1   2000     5000 true');
  t.equal(lines.length, 7, 'no summary');
  t.equal((await pool.run('condor_q', ['-autocluster', '-af', 'AutoClusterId', 'JobCount', '-constraint', 'RequestMemory == 2000'])).stdout, '2 2\n', 'the constraint selects autoclusters');
  t.match((await pool.run('condor_q', ['-autocluster', '-batch'])).stderr, /^Error: -batch conflicts with -autocluster\n/);
  t.match((await pool.run('condor_q', ['-group-by'])).stderr, /-group-by is supported by tinycondor with -af/);

  // -stream-results prints each ad as it comes: the same text where nothing is sized to all the jobs.
  // The schedd's header carries the time of each query, which may fall in different seconds.
  const untimed = (text: string) => text.replace(/ @ \d\d\/\d\d\/\d\d \d\d:\d\d:\d\d\n/g, ' @ TIME\n');
  for (const view of [['-af', 'ClusterId', 'ProcId'], ['-long:jsonl'], ['-totals'], ['-format', '%d\n', 'ProcId']]) {
    const streamed = await pool.run('condor_q', ['-stream-results', ...view]);
    t.same([streamed.code, untimed(streamed.stdout)], [0, untimed((await pool.run('condor_q', view)).stdout)], view.join(' '));
  }
  const refused = await pool.run('condor_q', ['-stream-results', '-nobatch']);
  t.same([refused.code, refused.stderr], [1, 'condor_q: -stream-results with the nobatch view is not supported by tinycondor (its columns are sized to all the jobs)\n']);
  const factories = await pool.run('condor_q', ['-factory']);
  t.same([factories.code, factories.stdout.split('\n').slice(3)], [0, [' ID      OWNER            SUBMITTED  LIMIT PRESNT   RUN    IDLE   HOLD NEXTID MODE DIGEST', '']], '-factory: none of these clusters is a factory');
});
