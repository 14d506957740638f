// SUBMIT_REQUIREMENT_* as HTCondor's schedd checks them (Scheduler::checkSubmitRequirements): a requirement
// not met refuses the whole submission, nothing is queued, and condor_submit says its commit failed; one that
// is only a warning lets it in, condor_submit and the submit events say so. A factory's procs are checked as
// they are materialized; the configuration is read again when the user edits it.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { eventually, startPool, waitForEvents, writeExecutable, type TestPool } from './helpers/pool.js';

const REQUIREMENTS = [
  'SUBMIT_REQUIREMENT_NAMES = MinimalMemory LowPrio',
  'SUBMIT_REQUIREMENT_MinimalMemory = RequestMemory >= 64',
  'SUBMIT_REQUIREMENT_LowPrio = JobPrio <= 0',
  'SUBMIT_REQUIREMENT_LowPrio_REASON = strcat("JobPrio ", JobPrio, " will soon be refused")',
  'SUBMIT_REQUIREMENT_LowPrio_IS_WARNING = true',
  '',
].join('\n');

async function submit(pool: TestPool, name: string, lines: string[]) {
  fs.writeFileSync(path.join(pool.dir, name), [`executable = true.sh`, 'hold = true', `log = ${name}.log`, ...lines, ''].join('\n'));
  return pool.run('condor_submit', [name]);
}

const queued = async (pool: TestPool) => (await pool.run('condor_q', ['-af', 'ClusterId', 'ProcId'])).stdout.trim();

t.test('a requirement refuses, a warning warns', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  fs.appendFileSync(path.join(pool.home, 'condor_config'), REQUIREMENTS);
  writeExecutable(path.join(pool.dir, 'true.sh'), '#!/bin/sh\nexit 0\n');

  const small = await submit(pool, 'small.sub', ['request_memory = 16', 'queue']);
  t.equal(small.code, 1);
  t.equal(small.stdout, 'Submitting job(s).');
  t.equal(small.stderr, '\nERROR: Failed to commit job submission into the queue.\nERROR: Submit requirement MinimalMemory not met.\n\n', "condor_submit's words, the schedd's default reason");

  const mixed = await submit(pool, 'mixed.sub', ['request_memory = $(mem)', 'queue mem in (128, 16)']);
  t.equal(mixed.code, 1);
  t.match(mixed.stderr, /ERROR: Submit requirement MinimalMemory not met\./, 'the second proc refuses the whole cluster');
  t.equal(await queued(pool), '', 'nothing was queued');

  const warned = await submit(pool, 'warned.sub', ['request_memory = 128', 'priority = 5', 'queue 2']);
  t.equal(warned.code, 0, warned.stderr);
  t.equal(
    warned.stderr,
    '\nWARNING: Committed job submission into the queue with the following warning(s):\nWARNING: QMGMT:0:JobPrio 5 will soon be refused|QMGMT:0:JobPrio 5 will soon be refused\n',
    "each proc's warning, newest first, as the schedd's error stack gives them",
  );
  t.match(warned.stdout, /2 job\(s\) submitted to cluster 3\./);
  t.equal(await queued(pool), '3 0\n3 1');
  const events = await waitForEvents(path.join(pool.dir, 'warned.sub.log'), (all) => all.filter((e) => e.code === 0).length === 2, 30_000);
  for (const event of events.filter((e) => e.code === 0)) {
    t.equal(event.lines[1], '    WARNING: Committed job submission into the queue with the following warning(s): QMGMT:0:JobPrio 5 will soon be refused');
  }

  // The user edits the configuration: the schedd reads it again at the next submission.
  fs.appendFileSync(path.join(pool.home, 'condor_config'), 'SUBMIT_REQUIREMENT_NAMES = LowPrio\n');
  const now = await submit(pool, 'now.sub', ['request_memory = 16', 'queue']);
  t.equal(now.code, 0, now.stderr);
  t.equal(now.stderr, '', 'no longer refused, and no warning');
});

t.test('late materialization: the cluster is checked at submission, each proc as it is materialized', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  fs.appendFileSync(path.join(pool.home, 'condor_config'), REQUIREMENTS);
  writeExecutable(path.join(pool.dir, 'true.sh'), '#!/bin/sh\nexit 0\n');

  const small = await submit(pool, 'small.sub', ['request_memory = 16', 'max_materialize = 1', 'queue 3']);
  t.equal(small.code, 1);
  t.equal(small.stderr, '\nERROR: Failed to commit job submission into the queue.\nERROR: Submit requirement MinimalMemory not met.\n\n');
  t.equal(await queued(pool), '');

  const warned = await submit(pool, 'warned.sub', ['request_memory = 128', 'priority = 5', 'max_materialize = 1', 'queue 1']);
  t.equal(warned.code, 0, warned.stderr);
  t.match(warned.stderr, /^\nWARNING: Committed job submission into the queue with the following warning\(s\):\nWARNING: QMGMT:0:JobPrio 5 will soon be refused\n$/, "the cluster's warning, once");

  // Proc 0 (the cluster's ad) meets the requirements; proc 1 does not: the schedd's commit of it fails, and
  // the factory stays as it was (HTCondor's JobMaterializeTimerCallback), not paused.
  const later = await submit(pool, 'later.sub', ['request_memory = $(mem)', 'max_materialize = 1', 'queue mem in (128, 16)']);
  t.equal(later.code, 0, later.stderr);
  t.equal(await queued(pool), '2 0\n3 0');
  t.equal((await pool.run('condor_rm', ['3.0'])).code, 0);
  const schedLog = path.join(pool.home, 'log', 'SchedLog');
  await eventually('the failed commit in SchedLog', () => /CommitTransaction\(\) failed for cluster 3 rval=-1 \(Submit requirement MinimalMemory not met\./.test(fs.readFileSync(schedLog, 'utf8')) || undefined);
  t.equal(await queued(pool), '2 0', 'proc 1 was not materialized');
  t.notMatch(fs.readFileSync(schedLog, 'utf8'), /job factory paused/, 'the factory is not paused');
});
