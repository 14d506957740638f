import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { CLUSTER_ADS_KEPT } from '@tinycondor/shared/recent-clusters';
import { codes, startPool, waitForEvents, writeExecutable } from './helpers/pool.js';

// A startd keeps the ads of the last CLUSTER_ADS_KEPT clusters it was started on, and the schedd then sends
// only a proc's own attributes. Jobs of more clusters than that, run in an order that returns both to
// clusters the startd still holds and to clusters it has dropped, must each see their own whole ad.
t.test('every job sees its own ad, across more clusters than a startd keeps', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const clusters = CLUSTER_ADS_KEPT + 2;
  writeExecutable(path.join(pool.dir, 'show-ad.sh'), '#!/bin/sh\ngrep -E "^(ClusterId|ProcId|Args|Tag|NumShadowStarts) = " "$_CONDOR_JOB_AD" | sort\n');
  for (let c = 1; c <= clusters; c++) {
    fs.writeFileSync(
      path.join(pool.dir, `c${c}.sub`),
      `executable = show-ad.sh\narguments = p$(Process)\n+Tag = "cluster ${c}"\nhold = true\noutput = out.$(Cluster).$(Process)\nlog = ads.log\nqueue 2\n`,
    );
    t.equal((await pool.run('condor_submit', [`c${c}.sub`])).code, 0, `cluster ${c} submitted`);
  }
  const log = path.join(pool.dir, 'ads.log');
  const ended = async (ids: string[]) =>
    waitForEvents(log, (events) => ids.every((id) => codes(events, Number(id.split('.')[0]), Number(id.split('.')[1])).includes(5)), 60_000);
  const procZeros = Array.from({ length: clusters }, (_, i) => `${i + 1}.0`);
  t.equal((await pool.run('condor_release', procZeros)).code, 0);
  await ended(procZeros);
  // Newest cluster first, one at a time (one slot): the newest are still held, the oldest two were dropped.
  for (let c = clusters; c >= 1; c--) {
    t.equal((await pool.run('condor_release', [`${c}.1`])).code, 0);
    await ended([`${c}.1`]);
  }
  for (let c = 1; c <= clusters; c++) {
    for (const p of [0, 1]) {
      const shown = fs.readFileSync(path.join(pool.dir, `out.${c}.${p}`), 'utf8');
      // One start: a start the startd could not have built its ad for would have cost the run and a second one.
      t.equal(shown, `Args = "p${p}"\nClusterId = ${c}\nNumShadowStarts = 1\nProcId = ${p}\nTag = "cluster ${c}"\n`, `${c}.${p} saw its own ad, in its first run`);
    }
  }
});
