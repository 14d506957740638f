// condor_suspend and condor_continue as HTCondor's (src/condor_rm.V6/rm.cpp, the schedd's actOnJobs, the
// shadow's recordSuspendEvent/recordResumeEvent): the job's processes stopped and continued, JobStatus 7
// and back, events 010 and 011, the suspension counters; a suspended job removed does not linger.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { eventually, startPool, waitForEvents, writeExecutable } from './helpers/pool.js';

/** The state letter /proc gives a process (T: stopped), or undefined once it is gone. */
function processState(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0];
  } catch {
    return undefined;
  }
}

t.test('a running job is suspended, continued, suspended again and removed', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const pidsFile = path.join(pool.dir, 'job.pids');
  writeExecutable(path.join(pool.dir, 'job.sh'), `#!/bin/sh\n/bin/sleep 300 &\necho $$ $! > ${pidsFile}\nwait\n`);
  fs.writeFileSync(path.join(pool.dir, 'job.sub'), 'executable = job.sh\nlog = job.log\nqueue\n');
  t.equal((await pool.run('condor_submit', ['job.sub'])).code, 0);
  const log = path.join(pool.dir, 'job.log');
  await waitForEvents(log, (ev) => ev.some((e) => e.code === 1));
  const pids = (await eventually('the job to name its processes', () => (fs.existsSync(pidsFile) ? fs.readFileSync(pidsFile, 'utf8').trim() : undefined)))
    .split(' ')
    .map(Number);
  const q = async () => (await pool.run('condor_q', ['-af', 'JobStatus', 'TotalSuspensions', 'LastSuspensionTime', 'CumulativeSuspensionTime'])).stdout.trim();

  const suspend = await pool.run('condor_suspend', ['1.0']);
  t.same([suspend.code, suspend.stdout], [0, 'Job 1.0 suspended\n']);
  await waitForEvents(log, (ev) => ev.some((e) => e.code === 10));
  t.match(fs.readFileSync(log, 'utf8'), /^010 \(001\.000\.000\) .* Job was suspended\.\n\tNumber of processes actually suspended: 2\n\.\.\.$/m);
  t.same(pids.map(processState), ['T', 'T'], 'the shell and its child are stopped');
  t.match(await q(), /^7 1 \d+ undefined$/);
  const again = await pool.run('condor_suspend', ['1.0']);
  t.same([again.code, again.stderr], [1, '\nJob 1.0 not running to be suspended\n']);
  const vacate = await pool.run('condor_vacate_job', ['1.0']);
  t.same([vacate.code, vacate.stderr], [1, '\nJob 1.0 not running to be vacated\n'], 'as on HTCondor, a suspended job is not vacated');

  const resume = await pool.run('condor_continue', ['1.0']);
  t.same([resume.code, resume.stdout], [0, 'Job 1.0 continued\n']);
  await waitForEvents(log, (ev) => ev.some((e) => e.code === 11));
  t.match(fs.readFileSync(log, 'utf8'), /^011 \(001\.000\.000\) .* Job was unsuspended\.\n\.\.\.$/m);
  t.notOk(pids.map(processState).includes('T'), 'running again');
  t.match(await q(), /^2 1 0 \d+$/);
  const twice = await pool.run('condor_continue', ['1']);
  t.equal(twice.code, 1);
  // As rm.cpp: a cluster is a constraint, and actOnJobs selects only its suspended jobs: none.
  t.equal(twice.stderr, "\nCouldn't find/continue all jobs in cluster 1\n");

  t.equal((await pool.run('condor_suspend', ['-constraint', 'JobStatus == 2'])).stdout, 'All jobs matching constraint (JobStatus == 2) have been suspended\n');
  await waitForEvents(log, (ev) => ev.filter((e) => e.code === 10).length === 2);
  t.equal((await pool.run('condor_rm', ['1.0'])).code, 0);
  await waitForEvents(log, (ev) => ev.some((e) => e.code === 9));
  await eventually('the stopped processes to end with the removal', () => (pids.every((pid) => processState(pid) === undefined || processState(pid) === 'Z') ? true : undefined));
});

t.test('suspend_job_at_exec: the job is stopped at its exec, Running, until condor_suspend and condor_continue run it', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const marker = `at-exec-${process.pid}-${Date.now()}`;
  const ran = path.join(pool.dir, 'ran');
  writeExecutable(path.join(pool.dir, 'stopped.sh'), `#!/bin/sh\necho "$1" > ${ran}\n`);
  fs.writeFileSync(path.join(pool.dir, 'stopped.sub'), `executable = stopped.sh\narguments = ${marker}\nsuspend_job_at_exec = true\nlog = stopped.log\nqueue\n`);
  const submitted = await pool.run('condor_submit', ['stopped.sub']);
  t.same([submitted.code, submitted.stderr], [0, ''], 'no warning: it is implemented');
  const log = path.join(pool.dir, 'stopped.log');
  await waitForEvents(log, (ev) => ev.some((e) => e.code === 1));
  // The job's shell, found by its argument: stopped after its exec (its program is the job's), before its first line.
  const pid = await eventually('the job stopped at its exec', () =>
    fs
      .readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number)
      .find((candidate) => {
        try {
          return fs.readFileSync(`/proc/${candidate}/cmdline`, 'utf8').split('\0').includes(marker) && processState(candidate) === 'T';
        } catch {
          return false;
        }
      }),
  );
  t.notOk(fs.existsSync(ran), 'it has not run a line');
  t.equal((await pool.run('condor_q', ['-af', 'JobStatus'])).stdout, '2\n', 'Running: the starter does not take it for suspended');
  t.equal((await pool.run('condor_suspend', ['1.0'])).code, 0);
  await waitForEvents(log, (ev) => ev.some((e) => e.code === 10));
  t.equal((await pool.run('condor_continue', ['1.0'])).code, 0);
  const events = await waitForEvents(log, (ev) => ev.some((e) => e.code === 5));
  t.same(
    events.map((e) => e.code).filter((c) => c !== 40),
    [0, 1, 10, 11, 5],
  );
  t.equal(fs.readFileSync(ran, 'utf8'), `${marker}\n`, 'continued, it ran from its start');
  t.equal(processState(pid), undefined, 'and ended');
});
