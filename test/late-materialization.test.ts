import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import type { ParsedEvent } from '@tinycondor/shared/eventlog/index';
import { killHard, startDaemons } from './helpers/daemons.js';
import { codes, eventually, waitForEvents, writeExecutable } from './helpers/pool.js';

// Late materialization (max_materialize): condor_submit sends the schedd the submit digest, and the schedd
// makes the procs as earlier ones leave the queue (HTCondor's JobFactory, qmgmt_factory.cpp).

/** The most procs of `cluster` submitted and not yet terminated (or aborted) at any point of the log. */
function mostInQueue(events: ParsedEvent[], cluster: number): number {
  let inQueue = 0;
  let most = 0;
  for (const event of events) {
    if (event.cluster !== cluster) continue;
    if (event.code === 0) inQueue++;
    if (event.code === 5 || event.code === 9) inQueue--;
    most = Math.max(most, inQueue);
  }
  return most;
}

t.test('queue 20 with max_materialize = 3 on two slots; the schedd restarted midway goes on', async (t) => {
  const d = await startDaemons(t, ['--lease', '30']);
  await d.startStartd('exec1');
  await d.startStartd('exec2');
  // Procs from 8 on wait for the go file: the schedd is killed while 8 and 9 run and 10 waits.
  writeExecutable(path.join(d.dir, 'job.sh'), `#!/bin/sh\necho "proc $1"\nif [ "$1" -ge 8 ]; then while [ ! -e ${path.join(d.dir, 'go')} ]; do /bin/sleep 0.02; done; fi\n`);
  fs.writeFileSync(
    path.join(d.dir, 'job.sub'),
    'executable = job.sh\narguments = $(Process)\noutput = out.$(Process)\nlog = jobs.log\nmax_materialize = 3\nqueue 20\n',
  );
  const submitted = await d.run('condor_submit', ['job.sub']);
  t.equal(submitted.code, 0, submitted.stderr);
  t.match(submitted.stdout, /\n20 job\(s\) submitted to cluster 1\.\n$/);
  t.notMatch(submitted.stderr, /max_materialize/, 'no warning about max_materialize');
  const log = path.join(d.dir, 'jobs.log');
  const procs = (q: string) => q.split('\n').filter((line) => line !== '');
  // Every look at the queue shows at most three procs of the cluster.
  const queueSizes: number[] = [];
  const look = async () => {
    const q = await d.run('condor_q', ['1', '-af', 'ProcId']);
    queueSizes.push(procs(q.stdout).length);
  };
  await look();
  // Procs leave as others come: whichever are in the queue carry the cluster's attributes.
  const cluster = procs((await d.run('condor_q', ['1', '-af', 'TotalSubmitProcs', 'JobMaterializeLimit'])).stdout);
  t.ok(cluster.length > 0 && cluster.every((line) => line === '20 3'), `the cluster ad says how many procs and the limit: ${cluster.join(', ')}`);
  // Procs 0–7 done, 8–10 materialized, 8 and 9 running and 10 waiting: as HTCondor's schedd, each slot that
  // frees goes to the idle proc that comes first (the same JobPrio: the lowest proc id).
  const waiting = [8, 9, 10];
  const stopped = await waitForEvents(
    log,
    (ev) =>
      [0, 1, 2, 3, 4, 5, 6, 7].every((proc) => codes(ev, 1, proc).includes(5)) &&
      waiting.every((proc) => codes(ev, 1, proc).includes(0)) &&
      waiting.filter((proc) => codes(ev, 1, proc).includes(1)).length === 2,
    60_000,
  );
  t.same(waiting.filter((proc) => codes(stopped, 1, proc).includes(1)), [8, 9], '8 and 9 run, 10 waits');
  await look();
  t.equal((await d.run('condor_q', ['1', '-af', 'JobMaterializeNextProcId'])).stdout, '11\n11\n11\n', 'the factory stands at proc 11');

  await killHard(d.schedd);
  await d.startSchedd();
  await look();
  fs.writeFileSync(path.join(d.dir, 'go'), '');
  const events = await waitForEvents(log, (ev) => Array.from({ length: 20 }, (_, proc) => proc).every((proc) => codes(ev, 1, proc).includes(5)), 90_000);
  await look();

  t.ok(queueSizes.every((n) => n <= 3), `condor_q never showed more than 3 procs: ${queueSizes.join(' ')}`);
  t.equal(mostInQueue(events, 1), 3, 'at most 3 procs submitted and not terminated at any point of the log');
  for (let proc = 0; proc < 20; proc++) {
    t.equal(codes(events, 1, proc).filter((code) => code === 0).length, 1, `one submit event for 1.${proc}`);
    t.equal(codes(events, 1, proc).filter((code) => code === 5).length, 1, `one termination for 1.${proc}`);
    t.equal(fs.readFileSync(path.join(d.dir, `out.${proc}`), 'utf8'), `proc ${proc}\n`, `1.${proc} ran with its own $(Process)`);
  }
  await eventually('the cluster gone from the queue', async () => ((await d.run('condor_q', ['1', '-af', 'ProcId'])).stdout === '' ? true : undefined));
  const history = await d.run('condor_history', ['1', '-af', 'ProcId', 'JobMaterializeDate']);
  t.equal(procs(history.stdout).length, 20, 'all 20 in the history');
  t.ok(procs(history.stdout).every((line) => /^\d+ \d+$/.test(line)), 'each with its JobMaterializeDate');
});

t.test('condor_rm of the cluster removes its factory: no proc is materialized after it', async (t) => {
  const d = await startDaemons(t);
  await d.startStartd('exec1');
  writeExecutable(path.join(d.dir, 'wait.sh'), `#!/bin/sh\nwhile [ ! -e ${path.join(d.dir, 'never')} ]; do /bin/sleep 0.05; done\n`);
  fs.writeFileSync(path.join(d.dir, 'job.sub'), 'executable = wait.sh\nlog = jobs.log\nmax_materialize = 2\nqueue 10\n');
  t.equal((await d.run('condor_submit', ['job.sub'])).code, 0);
  const log = path.join(d.dir, 'jobs.log');
  await waitForEvents(log, (ev) => codes(ev, 1, 0).includes(1) || codes(ev, 1, 1).includes(1));
  const removed = await d.run('condor_rm', ['1']);
  t.equal(removed.code, 0, removed.stderr);
  const events = await waitForEvents(log, (ev) => codes(ev, 1, 0).includes(9) && codes(ev, 1, 1).includes(9));
  await eventually('the cluster gone from the queue', async () => ((await d.run('condor_q', ['1', '-af', 'ProcId'])).stdout === '' ? true : undefined));
  t.same(
    events.filter((event) => event.code === 0).map((event) => event.proc),
    [0, 1],
    'only procs 0 and 1 were ever submitted',
  );
});

t.test('refusals: a second queue statement', async (t) => {
  const d = await startDaemons(t);
  fs.writeFileSync(path.join(d.dir, 'two.sub'), 'executable = /bin/true\nmax_materialize = 2\nqueue 3\nqueue 2\n');
  const two = await d.run('condor_submit', ['two.sub']);
  t.equal(two.code, 1);
  t.match(two.stderr, /ERROR: on Line 4 of two\.sub: Extra data found after queue statement/);
  t.equal((await d.run('condor_q', ['-af', 'ProcId'])).stdout, '', 'nothing queued');
});

t.test('-spool: the factory is taken, nothing is spooled (submit.cpp), and the user is told', async (t) => {
  const d = await startDaemons(t);
  await d.startStartd('exec1');
  fs.writeFileSync(path.join(d.dir, 'in.txt'), 'from the submit directory\n');
  fs.writeFileSync(path.join(d.dir, 'one.sub'), 'executable = /bin/cat\narguments = in.txt\ntransfer_input_files = in.txt\noutput = out.$(ProcId)\nlog = one.log\nmax_idle = 2\nqueue 3\n');
  const spooled = await d.run('condor_submit', ['-spool', 'one.sub']);
  t.equal(spooled.code, 0, spooled.stderr);
  t.equal(spooled.stderr, '\nWARNING: Spooling of input files does not work with late materialization: the jobs read their input where they were submitted, not from SPOOL\n');
  const events = await waitForEvents(path.join(d.dir, 'one.log'), (ev) => [0, 1, 2].every((proc) => codes(ev, 1, proc).includes(5)));
  t.equal(events.filter((event) => event.code === 5).length, 3);
  for (const proc of [0, 1, 2]) t.equal(fs.readFileSync(path.join(d.dir, `out.${proc}`), 'utf8'), 'from the submit directory\n');
});
