// What the schedd does with batch A's commands: noop_job, periodic_vacate, want_graceful_removal.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { codes, eventually, startPool, waitForEvents, writeExecutable } from './helpers/pool.js';

t.test('noop_job: completed without running, with noop_job_exit_code or noop_job_exit_signal', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'never.sh'), '#!/bin/bash\nexit 1\n');
  fs.writeFileSync(
    path.join(pool.dir, 'n.sub'),
    `executable = never.sh
log = n.log
dagman_log = nodes.log
My.DAGManNodesMask = "0,5"
requirements = Cpus > 1000
noop_job = true
noop_job_exit_code = 3
job_ad_information_attrs = JobPrio, NoopJobExitCode NoSuchAttr
queue
job_ad_information_attrs =
noop_job_exit_code =
noop_job_exit_signal = 9
queue
noop_job = false
noop_job_exit_signal =
queue
`,
  );
  const submitted = await pool.run('condor_submit', ['n.sub']);
  t.equal(submitted.code, 0, submitted.stderr);
  const events = await waitForEvents(path.join(pool.dir, 'n.log'), (ev) => ev.filter((e) => e.code === 5).length === 2);
  t.same(codes(events, 1, 0), [0, 28, 5, 28], 'no execute event; a job ad information event after each event');
  const info = events.filter((e) => e.code === 28);
  t.same(info[1]?.lines.filter((line) => /^(TriggerEventTypeNumber|JobPrio|NoopJobExitCode|NoSuchAttr|ReturnValue) /.test(line)).sort(), [
    'JobPrio = 0',
    'NoopJobExitCode = 3',
    'ReturnValue = 3',
    'TriggerEventTypeNumber = 5',
  ]);
  t.same(codes(events, 1, 1), [0, 5]);
  t.match(events.find((e) => e.code === 5 && e.proc === 0)?.lines.join('\n'), /Normal termination \(return value 3\)/);
  t.match(events.find((e) => e.code === 5 && e.proc === 1)?.lines.join('\n'), /Abnormal termination \(signal 9\)/);
  const q = await pool.run('condor_q', ['-af', 'ProcId', 'JobStatus']);
  t.equal(q.stdout, '2 1\n', 'the job that is no no-op waits for a machine');
  // dagman_log: the events DAGManNodesMask lists go to the nodes log too, without 028 events.
  const nodes = await waitForEvents(path.join(pool.dir, 'nodes.log'), (ev) => ev.filter((e) => e.code === 5).length === 2);
  t.same([codes(nodes, 1, 0), codes(nodes, 1, 1), codes(nodes, 1, 2)], [[0, 5], [0, 5], [0]]);
  const history = await pool.run('condor_history', ['-af', 'ProcId', 'JobStatus', 'NumJobStarts']);
  t.equal(history.stdout, '1 4 0\n0 4 0\n');
});

t.test('periodic_vacate: the running job is evicted back to Idle, with the policy code', async (t) => {
  const pool = await startPool(t, { startds: 1, periodic: 1 });
  writeExecutable(path.join(pool.dir, 'sleep.sh'), '#!/bin/bash\nexec sleep 300\n');
  fs.writeFileSync(
    path.join(pool.dir, 'v.sub'),
    `executable = sleep.sh
log = v.log
periodic_vacate = NumJobStarts < 2 && JobCurrentStartExecutingDate =!= undefined
job_machine_attrs = Cpus NoSuchAttr
ulog_execute_attrs = OpSys, Cpus
job_machine_attrs_history_length = 2
queue
`,
  );
  t.equal((await pool.run('condor_submit', ['v.sub'])).code, 0);
  const events = await waitForEvents(path.join(pool.dir, 'v.log'), (ev) => ev.filter((e) => e.code === 1).length === 2);
  t.same(codes(events, 1, 0).filter((c) => c !== 40), [0, 1, 4, 1], 'evicted once, then run again');
  t.match(events.find((e) => e.code === 1)?.lines.join('\n'), /\tCpus = 1\n.*\tOpSys = "LINUX"/s, 'ulog_execute_attrs: the slot\'s OpSys in the execute event');
  const q = await pool.run('condor_q', ['-af', 'JobStatus', 'VacateReasonCode', 'VacateReason']);
  t.equal(q.stdout, "2 1000 The job attribute PeriodicVacate expression 'NumJobStarts < 2 && JobCurrentStartExecutingDate =!= undefined' evaluated to TRUE\n");
  const machineAttrs = await pool.run('condor_q', ['-af:r', 'MachineAttrCpus0', 'MachineAttrCpus1', 'MachineAttrNoSuchAttr0', 'MachineAttrCpus2']);
  t.equal(machineAttrs.stdout, '1 1 undefined MachineAttrCpus2\n', 'job_machine_attrs: each run\'s slot value, the previous one moved down, two kept');
});

t.test('want_graceful_removal = false: condor_rm kills the job at once, where it is otherwise signalled first', async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 2 });
  // The job notes the signal it is sent and goes on; only SIGKILL ends it.
  writeExecutable(path.join(pool.dir, 'stubborn.sh'), `#!/bin/bash\ntrap 'echo TERM > ${pool.dir}/signalled.$1' TERM\necho started > ${pool.dir}/started.$1\nwhile true; do sleep 0.1; done\n`);
  fs.writeFileSync(
    path.join(pool.dir, 'g.sub'),
    `executable = stubborn.sh
arguments = $(Process)
log = g.log
job_max_vacate_time = 2
queue
want_graceful_removal = false
queue
`,
  );
  t.equal((await pool.run('condor_submit', ['g.sub'])).code, 0);
  await eventually('both jobs started', () => (fs.existsSync(path.join(pool.dir, 'started.0')) && fs.existsSync(path.join(pool.dir, 'started.1')) ? true : undefined));
  t.equal((await pool.run('condor_rm', ['1'])).code, 0);
  await eventually('both jobs gone', async () => ((await pool.run('condor_q', ['-af', 'ProcId'])).stdout === '' ? true : undefined));
  await eventually('the graceful removal signalled the job', () => (fs.existsSync(path.join(pool.dir, 'signalled.0')) ? true : undefined));
  t.equal(fs.existsSync(path.join(pool.dir, 'signalled.1')), false, 'the other was killed without a signal it could catch');
});

t.test('run_as_owner = false: a startd running as root runs the job as nobody', { skip: process.getuid?.() !== 0 && 'the startd must run as root' }, async (t) => {
  const pool = await startPool(t, { startds: 1 });
  // nobody must reach its sandbox in the pool's execute directory, under the test's private directory.
  fs.chmodSync(path.dirname(pool.dir), 0o711);
  writeExecutable(path.join(pool.dir, 'who.sh'), '#!/bin/bash\nid -un\n');
  fs.writeFileSync(path.join(pool.dir, 'w.sub'), 'executable = who.sh\noutput = who.$(Process).out\nlog = w.log\nqueue\nrun_as_owner = false\nqueue\n');
  t.equal((await pool.run('condor_submit', ['w.sub'])).code, 0);
  await waitForEvents(path.join(pool.dir, 'w.log'), (ev) => ev.filter((e) => e.code === 5 || e.code === 12).length === 2);
  t.equal((await pool.run('condor_q', ['-af', 'HoldReason'])).stdout, '');
  t.equal(fs.readFileSync(path.join(pool.dir, 'who.0.out'), 'utf8'), `${os.userInfo().username}\n`);
  t.equal(fs.readFileSync(path.join(pool.dir, 'who.1.out'), 'utf8'), 'nobody\n');
});
