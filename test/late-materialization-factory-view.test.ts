// condor_q -factory against a real schedd: the cluster ads of job factories with the counters of their procs
// (queue.cpp jobFactory_PrintFormat; the schedd's JobQueueCluster::PopulateInfoAd, qmgmt.cpp).
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { eventually, startPool, writeExecutable } from './helpers/pool.js';

t.test('a factory with procs running, idle and held, beside a cluster without a factory', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'wait.sh'), `#!/bin/sh\nwhile [ ! -e ${path.join(pool.dir, 'never')} ]; do /bin/sleep 0.05; done\n`);
  fs.writeFileSync(path.join(pool.dir, 'factory.sub'), 'executable = wait.sh\nmax_materialize = 4\nqueue 10\n');
  fs.writeFileSync(path.join(pool.dir, 'plain.sub'), 'executable = wait.sh\nhold = true\nqueue 2\n');
  t.equal((await pool.run('condor_submit', ['factory.sub'])).code, 0);
  t.equal((await pool.run('condor_submit', ['plain.sub'])).code, 0);
  await eventually('a proc of the factory running', async () => ((await pool.run('condor_q', ['1', '-run', '-af', 'ProcId'])).stdout !== '' ? true : undefined));
  const running = (await pool.run('condor_q', ['1', '-run', '-af', 'ProcId'])).stdout.trim();
  const idle = [0, 1, 2, 3].find((proc) => String(proc) !== running) as number;
  t.equal((await pool.run('condor_hold', [`1.${idle}`])).code, 0);

  const counters = ['ClusterId', 'ProcId', 'JobsPresent', 'JobsRunning', 'JobsIdle', 'JobsHeld', 'ClusterSize', 'JobFactoryPaused', 'JobMaterializeNextProcId'];
  const factories = await pool.run('condor_q', ['-factory', '-af', ...counters]);
  t.same([factories.code, factories.stderr, factories.stdout], [0, '', '1 undefined 4 1 2 1 4 0 4\n'], 'the factory: 4 present, 1 running, 2 idle, 1 held, next proc 4');
  const clusters = await pool.run('condor_q', ['-factory:clusters_only', '-af', 'ClusterId', 'JobsPresent', 'JobsHeld', 'JobFactoryPaused']);
  t.equal(clusters.stdout, '1 4 1 0\n2 2 2 undefined\n', 'clusters_only: every cluster ad; one without a factory has no JobFactoryPaused');
  const lateOnly = await pool.run('condor_q', ['-factory:late_materialize', '-af', 'ClusterId', 'ProcId']);
  t.equal(lateOnly.stdout, '1 undefined\n1 0\n1 1\n1 2\n1 3\n', "late_materialize: the factory's cluster ad, then its procs (they have its JobMaterializeDigestFile)");
  const digest = path.join(pool.home, 'spool', '1', 'condor_submit.1.digest');
  t.equal((await pool.run('condor_q', ['1.0', '-af', 'JobMaterializeDigestFile'])).stdout, `${digest}\n`, "a proc shows its cluster's JobMaterializeDigestFile");

  const table = await pool.run('condor_q', ['-factory']);
  t.equal(table.code, 0, table.stderr);
  const lines = table.stdout.split('\n');
  t.match(lines.slice(0, 3).join('\n'), /^\n\n-- Schedd: \S+ : <127\.0\.0\.1:\d+\?\.\.\. @ /);
  // Each heading in its column's width, the last one's too (display_Headings).
  t.equal(lines[3], ` ID      OWNER            SUBMITTED  LIMIT PRESNT   RUN    IDLE   HOLD NEXTID MODE ${'DIGEST'.padEnd(digest.length)}`);
  t.match(lines[4], new RegExp(`^   1\\.    \\S+ +\\d+/\\d+ +\\d\\d:\\d\\d      4      4      1      2      1      4 Norm ${digest.replace(/[.]/g, '\\.')}$`));
  t.equal(lines.length, 6, 'one factory, no summary');
  t.equal((await pool.run('condor_q', ['-factory', '-nobatch'])).stdout.split('\n')[3], lines[3], '-nobatch keeps the factory table');
  t.match((await pool.run('condor_q', ['-factory', '-batch'])).stdout, /\nTotal for query: 6 jobs; /, '-batch shows the jobs in batches, without cluster ads');

  // -long of a cluster id: its procs; with -factory, its cluster ad.
  const procs = await pool.run('condor_q', ['-long', '1']);
  t.equal(procs.stdout.match(/^ProcId = /gm)?.length, 4, 'condor_q -long 1: the 4 procs, no cluster ad');
  const clusterAd = await pool.run('condor_q', ['-factory', '-long', '1']);
  t.notMatch(clusterAd.stdout, /^ProcId = /m, 'the cluster ad has no ProcId');
  t.match(clusterAd.stdout, /^ClusterId = 1$/m);
  t.match(clusterAd.stdout, /^JobsPresent = 4$/m);
  t.match(clusterAd.stdout, /^JobFactoryTotalProcs = 10$/m);
  t.match(clusterAd.stdout, /^JobMaterializeLimit = 4$/m);
  t.equal(clusterAd.stdout.split('\n\n').filter((ad) => ad.trim() !== '').length, 1, 'one ad');
  t.equal((await pool.run('condor_q', ['-factory', '-long', '2'])).stdout, '', 'a cluster without a factory is not one');
  t.equal((await pool.run('condor_q', ['-factory', '-af', 'ClusterId', '-constraint', 'JobsHeld > 0'])).stdout, '', "the constraint sees the cluster ad without its counters, as the schedd's");

  t.match((await pool.run('condor_q', ['-factory', '-run'])).stderr, /^condor_q: -factory with -run is not supported by tinycondor\n/);

  // condor_rm 1 removes the factory, then its procs: the cluster ad goes with the last of them.
  t.equal((await pool.run('condor_rm', ['1'])).code, 0);
  await eventually('the factory gone', async () => ((await pool.run('condor_q', ['-factory', '-af', 'ClusterId'])).stdout === '' ? true : undefined));
});
