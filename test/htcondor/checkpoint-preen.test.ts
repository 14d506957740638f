// A port of HTCondor's src/condor_tests/test_checkpoint_preen.py ("largely copied from
// test_checkpoint_destination"): the same jobs and cases (five procs each for a checkpoint destination, one for
// SPOOL), but no clean-up plug-in is named when the jobs leave the queue, so the schedd cannot delete their
// checkpoints; then the map file names cleanup_locally_mounted_checkpoint and `condor_preen -d` must delete
// every checkpoint, every MANIFEST and every clean-up directory. Differences, each said where it happens:
// - LOCAL_CLEANUP_PLUGIN = /bin/false and NUM_CPUS = 40 are not set: the map file is absent until preen runs
//   (as in the original), and the pool has the slots this machine can give;
// - the history is read with condor_history, as test_checkpoint_destination's port does.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { jobSpoolDir } from '@tinycondor/shared/spool-paths';
import { eventually, waitForEvents } from '../helpers/pool.js';
import { makeInputs, setUp, submitJob, TEST_CASES } from '../helpers/counting-job.js';

t.test('TestCheckpointDestination (condor_preen)', async (t) => {
  const f = await setUp(t, 8);
  // MAX_CHECKPOINT_CLEANUP_PROCS = 2, as the test's configuration.
  fs.mkdirSync(path.join(f.pool.home, 'config.d'), { recursive: true });
  fs.writeFileSync(path.join(f.pool.home, 'config.d', 'preen'), 'MAX_CHECKPOINT_CLEANUP_PROCS = 2\n');
  // The_condor has no map file: the schedd's clean-up at removal finds no plug-in.
  fs.rmSync(path.join(f.pool.home, 'checkpoint-destination-mapfile'));
  const clusters = new Map<string, number>();
  for (const [name, testCase] of Object.entries(TEST_CASES)) {
    makeInputs(path.join(f.testDir, name), name);
    clusters.set(name, await submitJob(f, name, testCase(f), name.includes('spool') ? 1 : 5));
  }
  for (const [name, cluster] of clusters) {
    t.test(name, async (t) => {
      const count = name.includes('spool') ? 1 : 5;
      // the_completed_job: every proc complete, none held.
      const events = await waitForEvents(path.join(f.testDir, `test_job_${cluster}.log`), (ev) => ev.filter((e) => e.code === 5).length === count || ev.some((e) => e.code === 12), 300_000);
      t.notOk(events.some((e) => e.code === 12), 'never held');
      // the_removed_job.
      t.equal((await f.pool.run('condor_qedit', [String(cluster), 'LeaveJobInQueue', 'False'])).code, 0);
      t.equal((await f.pool.run('condor_rm', [String(cluster)])).code, 0);
      await eventually('the jobs to leave the queue', async () => ((await f.pool.run('condor_q', [String(cluster), '-af', 'ProcId'])).stdout.trim() === '' ? true : undefined), 60_000);

      // test_checkpoint_removed: the map file written, then condor_preen -d.
      fs.writeFileSync(path.join(f.pool.home, 'checkpoint-destination-mapfile'), `*   local://example.vo/example.fs   cleanup_locally_mounted_checkpoint,-prefix,\\0,-path,${f.testDir}\n`);
      const preen = await f.pool.run('condor_preen', ['-d']);
      t.equal(preen.code, 0, `condor_preen -d: ${preen.stdout}${preen.stderr.slice(-2000)}`);
      fs.rmSync(path.join(f.pool.home, 'checkpoint-destination-mapfile'));

      const history = (await f.pool.run('condor_history', [String(cluster), '-af:,', 'ProcId', 'CheckpointDestination', 'GlobalJobId', 'CheckpointNumber', 'Owner'])).stdout
        .trim()
        .split('\n')
        .map((line) => line.split(',').map((value) => value.trim()));
      t.equal(history.length, count);
      const spool = path.join(f.pool.home, 'spool');
      for (const [proc, destination, globalJobId, checkpointNumber, owner] of history) {
        t.notOk(fs.existsSync(path.join(spool, String(cluster))), 'the SPOOL directory is gone');
        if (destination === 'undefined') continue;
        const prefix = path.join(f.testDir, globalJobId.replaceAll('#', '_'));
        // The clean-up directory is SPOOL/checkpoint-cleanup/<Owner>/<job> here and on HTCondor (the test's
        // path leaves out <Owner>, so its wait for it is always met at once).
        const cleanupDir = path.join(spool, 'checkpoint-cleanup', owner, path.basename(jobSpoolDir(spool, cluster, Number(proc))));
        for (let i = 0; i < Number(checkpointNumber); i++) {
          const number = String(i).padStart(4, '0');
          await eventually(`${cluster}.${proc}: checkpoint ${number} removed from the destination`, () => (fs.existsSync(path.join(prefix, number)) ? undefined : true), 60_000);
          await eventually(`${cluster}.${proc}: its MANIFEST removed`, () => (fs.existsSync(path.join(cleanupDir, `_condor_checkpoint_MANIFEST.${number}`)) ? undefined : true), 60_000);
        }
        await eventually(`${cluster}.${proc}: its clean-up directory removed`, () => (fs.existsSync(cleanupDir) ? undefined : true), 60_000);
      }
    });
  }
});
