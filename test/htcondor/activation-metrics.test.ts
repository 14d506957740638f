// A port of HTCondor's src/condor_tests/test_activation_metrics.py (HTCONDOR-861, HTCONDOR-1190): the four
// activation metrics appear in the job ad and are consistent, and a self-checkpointing job's restarts in
// place do not inflate its setup or teardown. The second job reports each nap through condor_chirp
// set_job_attr (+WantRemoteUpdates, as there), and the test samples ActivationExecutionDuration while it runs.
// Its script is sh rather than Python (htcondor2.htchirp is not here): condor_chirp by its LIBEXEC path.
// stream_output and stream_error are left out: tinycondor does not stream output yet, and the test reads none.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { parseEventLog } from '@tinycondor/shared/eventlog/index';
import { chirpPath, eventually, startPool, waitForEvents, writeExecutable, type TestPool } from '../helpers/pool.js';

async function completedAd(pool: TestPool, name: string, description: Record<string, string>): Promise<Record<string, number>> {
  const lines = Object.entries(description).map(([key, value]) => `${key} = ${value}`);
  fs.writeFileSync(path.join(pool.dir, `${name}.sub`), `${lines.join('\n')}\nlog = ${name}.log\nleave_in_queue = True\nqueue\n`);
  const submitted = await pool.run('condor_submit', [`${name}.sub`]);
  if (submitted.code !== 0) throw new Error(submitted.stderr);
  const events = await waitForEvents(path.join(pool.dir, `${name}.log`), (ev) => ev.some((e) => e.code === 5 || e.code === 12), 120_000);
  if (events.some((e) => e.code === 12)) throw new Error(`${name} was held`);
  const attrs = ['ActivationDuration', 'ActivationSetUpDuration', 'ActivationExecutionDuration', 'ActivationTeardownDuration', 'JobStartDate', 'CompletionDate'];
  const values = (await pool.run('condor_q', ['-af', ...attrs])).stdout.trim().split(' ');
  return Object.fromEntries(attrs.map((attr, i) => [attr, Number(values[i])]));
}

t.test('test_internal_consistency and test_external_consistency (job one: sleep 20)', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const ad = await completedAd(pool, 'job_one', { universe: 'vanilla', should_transfer_files: 'True', executable: '/bin/sleep', arguments: '20' });
  for (const [name, value] of Object.entries(ad)) t.ok(Number.isInteger(value), `${name} = ${value}`);
  t.ok(ad.ActivationDuration >= ad.ActivationSetUpDuration + ad.ActivationExecutionDuration + ad.ActivationTeardownDuration, 'the parts fit in the whole');
  t.ok(ad.ActivationDuration <= ad.CompletionDate - ad.JobStartDate, 'within the job\'s time in the pool');
  t.ok(ad.ActivationExecutionDuration >= 19, 'the execution is the sleep');
});

t.test('test_self_checkpointing_job (job two: naps of 5, 10 and 15 s, a checkpoint after each)', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const chirp = await chirpPath(pool);
  writeExecutable(
    path.join(pool.dir, 'counting.sh'),
    [
      '#!/bin/sh',
      'nap=0',
      'if [ -e saved-state ]; then read nap < saved-state; echo "Restarting naps from #$nap"; fi',
      'case $nap in 0) length=5;; 1) length=10;; *) length=15;; esac',
      'echo "Nap #$nap will be $length seconds long."',
      '/bin/sleep $length',
      'nap=$((nap + 1))',
      // An immediate (not delayed) update, so the test sees each iteration while the job runs.
      `"${chirp}" set_job_attr ChirpIterationNum "$nap"`,
      'if [ $nap -ge 3 ]; then echo "Completed all naps."; exit 0; fi',
      'echo $nap > saved-state || exit 1',
      'exit 17',
    ].join('\n') + '\n',
  );
  const description: Record<string, string> = {
    output: 'job_two.out',
    error: 'job_two.err',
    log: 'job_two.log',
    leave_in_queue: 'True',
    universe: 'vanilla',
    should_transfer_files: 'True',
    executable: 'counting.sh',
    arguments: '20',
    checkpoint_exit_code: '17',
    transfer_checkpoint_files: 'saved-state',
    hold: 'True',
    '+WantRemoteUpdates': 'true',
  };
  const lines = Object.entries(description).map(([key, value]) => `${key} = ${value}`);
  fs.writeFileSync(path.join(pool.dir, 'job_two.sub'), `${lines.join('\n')}\nqueue\n`);
  const submitted = await pool.run('condor_submit', ['job_two.sub']);
  t.equal(submitted.code, 0, submitted.stderr);
  t.equal((await pool.run('condor_release', ['1'])).code, 0);
  await waitForEvents(path.join(pool.dir, 'job_two.log'), (ev) => ev.some((e) => e.code === 1), 20_000);

  // As the original: sample until the job is done, then once more, noting the execution duration each time
  // the iteration changes (both must be in the ad).
  const durations: number[] = [];
  let currentIteration = 0;
  let terminated = false;
  const start = Date.now();
  while (Date.now() - start < 90_000) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const [iteration, aed] = (await pool.run('condor_q', ['1.0', '-af', 'ChirpIterationNum', 'ActivationExecutionDuration'])).stdout.trim().split(' ').map(Number);
    if (Number.isInteger(iteration) && Number.isInteger(aed) && iteration !== currentIteration) {
      currentIteration = iteration;
      durations.push(aed);
    }
    if (terminated) break;
    const events = parseEventLog(fs.readFileSync(path.join(pool.dir, 'job_two.log'), 'utf8')).events;
    // Submitted on hold (012) then released: a second hold is the job's.
    if (events.filter((e) => e.code === 12).length > 1) throw new Error('job_two was held');
    terminated = events.some((e) => e.code === 5);
  }
  t.ok(terminated, 'job two completed');
  const attrs = ['ActivationDuration', 'ActivationSetupDuration', 'ActivationTeardownDuration'];
  const [duration, setup, teardown] = (await pool.run('condor_q', ['1.0', '-af', ...attrs])).stdout.trim().split(' ').map(Number);
  t.ok(durations.length >= 2, `execution durations seen while it ran: ${durations.join(', ')}`);
  t.ok(durations[0] + durations[1] <= duration, `${durations[0]} + ${durations[1]} <= ActivationDuration ${duration}`);
  t.ok(setup + durations[durations.length - 1] + teardown <= duration + 1, `setup ${setup} + last execution + teardown ${teardown} within the activation: not inflated by the restarts`);

  // Beyond the test: the epoch history ($(SPOOL)/epoch_history by default) holds one run, as the shadow sees
  // one: the in-place restarts after each checkpoint are no new epoch.
  const epochs = await eventually('the EPOCH record', async () => {
    const out = (await pool.run('condor_history', ['-epochs', '-af', 'RunInstanceID', 'NumShadowStarts', 'ChirpIterationNum'])).stdout;
    return out === '' ? undefined : out;
  });
  t.equal(epochs, '0 1 3\n', 'one EPOCH record, at the job\'s end');
  const banners = fs.readFileSync(path.join(pool.home, 'spool', 'epoch_history'), 'utf8').split('\n').filter((line) => line.startsWith('***'));
  t.same(banners.map((line) => line.split(' ').slice(1, 5).join(' ')), ['SPAWN ClusterId=1 ProcId=0 RunInstanceId=0', 'EPOCH ClusterId=1 ProcId=0 RunInstanceId=0'], 'one SPAWN, one EPOCH');
});
