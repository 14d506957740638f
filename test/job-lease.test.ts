import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { killHard, startDaemons, type Daemons } from './helpers/daemons.js';
import { codes, eventually, processAlive, waitForEvents, writeExecutable } from './helpers/pool.js';

// job_lease_duration governs a run whose schedd is gone, as in HTCondor: the startd keeps the job for the
// lease (JICShadow::syscall_sock_disconnect), the schedd started again within it reconnects (022, 023;
// mark_idle, jobLeaseIsValid), and beyond it the job is back to Idle without an event (mark_job_stopped).

/** Codes of the events about the run (not the transfer events 040). */
const RUN_EVENTS = new Set([1, 4, 5, 22, 23, 24]);

/** A job that records its pid in pid.N (N counting its starts) and waits for the file `go`. */
async function submitWaitingJob(d: Daemons, lease = 20): Promise<string> {
  writeExecutable(path.join(d.dir, 'wait.sh'), '#!/bin/sh\nn=$(ls pid.* 2>/dev/null | wc -l)\necho $$ > "pid.$n"\nwhile [ ! -e go ]; do /bin/sleep 0.05; done\n');
  fs.writeFileSync(path.join(d.dir, 'job.sub'), `executable = wait.sh\njob_lease_duration = ${lease}\nshould_transfer_files = NO\nlog = job.log\nqueue\n`);
  t.equal((await d.run('condor_submit', ['job.sub'])).code, 0);
  const log = path.join(d.dir, 'job.log');
  await waitForEvents(log, (ev) => ev.some((e) => e.code === 1));
  return log;
}

t.test('the schedd killed and started again within the lease: the run goes on, reconnected (022, 023), and ends once', async (t) => {
  const d = await startDaemons(t);
  await d.startStartd('exec1');
  const log = await submitWaitingJob(d);
  const pid = Number(fs.readFileSync(path.join(d.dir, 'pid.0'), 'utf8'));
  await killHard(d.schedd);
  await d.startSchedd();
  const reconnected = await waitForEvents(log, (ev) => ev.some((e) => e.code === 23));
  t.ok(processAlive(pid), 'the same process runs on');
  const disconnected = reconnected.find((e) => e.code === 22);
  t.match(disconnected?.lines.join('\n'), /Job disconnected, attempting to reconnect\n\s+Local schedd and job shadow died, schedd now running again\n\s+Trying to reconnect to slot1_1@exec1 <127\.0\.0\.1:/);
  t.match(reconnected.find((e) => e.code === 23)?.lines.join('\n'), /Job reconnected to slot1_1@exec1/);
  fs.writeFileSync(path.join(d.dir, 'go'), '');
  const events = await waitForEvents(log, (ev) => ev.some((e) => e.code === 5));
  t.same(
    codes(events, 1, 0).filter((c) => RUN_EVENTS.has(c)),
    [1, 22, 23, 5],
  );
  t.same(fs.readdirSync(d.dir).filter((name) => name.startsWith('pid.')), ['pid.0'], 'started once');
  t.equal((await d.run('condor_history', ['1.0', '-af', 'NumJobReconnects', 'NumShadowStarts', 'ExitCode'])).stdout, '1 1 0\n');
});

t.test('the schedd killed and started again beyond the lease: the startd killed the run at its end, the job runs again without a reconnect', async (t) => {
  const d = await startDaemons(t);
  await d.startStartd('exec1');
  const log = await submitWaitingJob(d);
  const pid = Number(fs.readFileSync(path.join(d.dir, 'pid.0'), 'utf8'));
  await killHard(d.schedd);
  const killedAt = Date.now();
  await eventually('the startd to kill the run at the end of its lease', () => (processAlive(pid) ? undefined : true), 40_000);
  t.ok(Date.now() - killedAt >= 19_000, `kept for its lease of 20 s (${Date.now() - killedAt} ms)`);
  await d.startSchedd();
  await eventually('the job to start again', () => (fs.existsSync(path.join(d.dir, 'pid.1')) ? true : undefined));
  fs.writeFileSync(path.join(d.dir, 'go'), '');
  const events = await waitForEvents(log, (ev) => ev.some((e) => e.code === 5));
  t.same(
    codes(events, 1, 0).filter((c) => RUN_EVENTS.has(c)),
    [1, 1, 5],
    'stopped without an event (mark_job_stopped), then started again',
  );
  t.equal((await d.run('condor_history', ['1.0', '-af', 'NumShadowStarts', 'ExitCode'])).stdout, '2 0\n');
});

t.test('a job without a lease (job_lease_duration = 0): the startd kills it as soon as the schedd is gone', async (t) => {
  const d = await startDaemons(t);
  await d.startStartd('exec1');
  const log = await submitWaitingJob(d, 0);
  const pid = Number(fs.readFileSync(path.join(d.dir, 'pid.0'), 'utf8'));
  await killHard(d.schedd);
  await eventually('the startd to kill the run', () => (processAlive(pid) ? undefined : true), 5000);
  await d.startSchedd();
  await eventually('the job to start again', () => (fs.existsSync(path.join(d.dir, 'pid.1')) ? true : undefined));
  fs.writeFileSync(path.join(d.dir, 'go'), '');
  const events = await waitForEvents(log, (ev) => ev.some((e) => e.code === 5));
  t.same(codes(events, 1, 0).filter((c) => RUN_EVENTS.has(c)), [1, 1, 5], 'no lease is no reconnect: stopped at the restart (mark_idle)');
});
