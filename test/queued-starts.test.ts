import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { codes, eventually, startPool, waitForEvents, writeExecutable, type TestPool } from './helpers/pool.js';
import { jobAttr, jobAttrs } from './helpers/checkpoint-jobs.js';

// A job queued on a busy slot starts there the moment the slot's run ends (see Schedd's QueuedStart); until
// then it is an Idle job like any other: hold, rm and a free slot elsewhere take it back.

/** A job that runs until the file `go.NAME` appears in the submit directory. */
function submitWaiting(pool: TestPool, name: string): Promise<void> {
  writeExecutable(path.join(pool.dir, 'wait.sh'), `#!/bin/bash\nwhile [ ! -e "$1" ]; do sleep 0.02; done\n`);
  fs.writeFileSync(path.join(pool.dir, `${name}.sub`), `executable = wait.sh\narguments = ${path.join(pool.dir, `go.${name}`)}\nlog = ${name}.log\nqueue\n`);
  return submit(pool, `${name}.sub`);
}

function submitTrivial(pool: TestPool, name: string, count = 1): Promise<void> {
  fs.writeFileSync(path.join(pool.dir, `${name}.sub`), `executable = /bin/true\ntransfer_executable = false\nlog = ${name}.log\nqueue ${count}\n`);
  return submit(pool, `${name}.sub`);
}

async function submit(pool: TestPool, file: string): Promise<void> {
  const submitted = await pool.run('condor_submit', [file]);
  if (submitted.code !== 0) throw new Error(`condor_submit ${file}: ${submitted.stderr}`);
}

const log = (pool: TestPool, name: string) => path.join(pool.dir, `${name}.log`);

/** Waits for the schedd to log that job `jobId` was queued on a busy slot, and returns that slot. */
async function queuedOn(pool: TestPool, jobId: string): Promise<string> {
  const logDir = (await pool.run('condor_config_val', ['LOG'])).stdout.trim();
  return eventually(`job ${jobId} queued on a busy slot`, () => {
    const lines = fs.readFileSync(path.join(logDir, 'SchedLog'), 'utf8').split('\n');
    const line = lines.find((l) => l.includes('"job queued on a busy slot"') && l.includes(`"jobId":"${jobId}"`));
    return line === undefined ? undefined : (JSON.parse(line) as { slot: string }).slot;
  });
}

/** 1.0 runs on the only slot until `go.a` appears; 2.0 (a trivial job) is queued behind it. */
async function queueBehindWaiting(pool: TestPool): Promise<void> {
  await submitWaiting(pool, 'a');
  await waitForEvents(log(pool, 'a'), (ev) => codes(ev, 1, 0).includes(1));
  await submitTrivial(pool, 'b');
  await queuedOn(pool, '2.0');
}

/** 1.0 ends, then another job (3.0) runs on the slot: had 2.0 been launched at 1.0's end, it would have run first. */
async function endWaitingThenRunAnother(pool: TestPool): Promise<void> {
  fs.writeFileSync(path.join(pool.dir, 'go.a'), '');
  await waitForEvents(log(pool, 'a'), (ev) => codes(ev, 1, 0).includes(5));
  await submitTrivial(pool, 'c');
  await waitForEvents(log(pool, 'c'), (ev) => codes(ev, 3, 0).includes(5));
}

t.test('back-to-back jobs on one slot: each runs once, with its events in order', async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 1 });
  await submitTrivial(pool, 'many', 30);
  const events = await waitForEvents(log(pool, 'many'), (ev) => ev.filter((e) => e.code === 5).length === 30);
  for (let proc = 0; proc < 30; proc++) t.same(codes(events, 1, proc), [0, 40, 40, 1, 40, 40, 5], `1.${proc}`);
  t.ok(await queuedOn(pool, '1.1'), 'the second job was queued behind the first');
  t.equal(await jobAttr(pool, 'condor_history', '1.29', 'NumShadowStarts'), '1');
});

t.test('a queued job that is held never starts; released, it runs', async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 1 });
  await queueBehindWaiting(pool);
  t.equal((await pool.run('condor_hold', ['2.0'])).stdout, 'Job 2.0 held\n');
  await endWaitingThenRunAnother(pool);
  t.same(codes(await waitForEvents(log(pool, 'b'), () => true), 2, 0), [0, 12], 'held, never started');
  t.same(await jobAttrs(pool, 'condor_q', '2.0', ['JobStatus', 'NumShadowStarts']), { JobStatus: '5', NumShadowStarts: '0' });
  t.equal((await pool.run('condor_release', ['2.0'])).stdout, 'Job 2.0 released\n');
  const released = await waitForEvents(log(pool, 'b'), (ev) => codes(ev, 2, 0).includes(5));
  t.same(codes(released, 2, 0), [0, 12, 13, 40, 40, 1, 40, 40, 5]);
});

t.test('a queued job that is removed never starts', async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 1 });
  await queueBehindWaiting(pool);
  t.equal((await pool.run('condor_rm', ['2.0'])).stdout, 'Job 2.0 marked for removal\n');
  await endWaitingThenRunAnother(pool);
  t.same(codes(await waitForEvents(log(pool, 'b'), () => true), 2, 0), [0, 9], 'removed, never started');
  t.equal(await jobAttr(pool, 'condor_history', '2.0', 'JobStatus'), '3');
});

t.test('a job of higher priority takes the slot from a queued job of lower priority', async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 1 });
  await queueBehindWaiting(pool);
  fs.writeFileSync(path.join(pool.dir, 'urgent.sub'), `executable = /bin/true\ntransfer_executable = false\npriority = 10\nlog = b.log\nqueue\n`);
  await submit(pool, 'urgent.sub');
  await queuedOn(pool, '3.0');
  fs.writeFileSync(path.join(pool.dir, 'go.a'), '');
  const events = await waitForEvents(log(pool, 'b'), (ev) => codes(ev, 2, 0).includes(5) && codes(ev, 3, 0).includes(5));
  const started = events.filter((e) => e.code === 1).map((e) => `${e.cluster}.${e.proc}`);
  t.same(started, ['3.0', '2.0'], 'the priority-10 job started first');
});

t.test('a job queued behind a long run starts on the slot that frees first', async (t) => {
  const pool = await startPool(t, { startds: 2, cpus: 1 });
  await submitWaiting(pool, 'long');
  await waitForEvents(log(pool, 'long'), (ev) => codes(ev, 1, 0).includes(1));
  await submitWaiting(pool, 'short');
  await waitForEvents(log(pool, 'short'), (ev) => codes(ev, 2, 0).includes(1));
  await submitTrivial(pool, 'next');
  const slot = await queuedOn(pool, '3.0');
  const longHost = await jobAttr(pool, 'condor_q', '1.0', 'RemoteHost');
  fs.writeFileSync(path.join(pool.dir, 'go.short'), '');
  // Queued behind the long run, it is taken back when the other slot frees; queued behind the short one, it just starts.
  await waitForEvents(log(pool, 'next'), (ev) => codes(ev, 3, 0).includes(5));
  t.same(codes(await waitForEvents(log(pool, 'long'), () => true), 1, 0), [0, 40, 40, 1], `the long run still runs (3.0 was queued on ${slot}, the long run is on ${longHost})`);
  t.not(await jobAttr(pool, 'condor_history', '3.0', 'LastRemoteHost'), longHost, 'it ran on the other slot');
  fs.writeFileSync(path.join(pool.dir, 'go.long'), '');
  await waitForEvents(log(pool, 'long'), (ev) => codes(ev, 1, 0).includes(5));
});

t.test('a startd that reconnects: its queued job is matched again and runs once', async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 1 });
  await queueBehindWaiting(pool);
  const dropped = await pool.run('tinycondor', ['fault', 'disconnect-startd', 'startd1']);
  t.equal(dropped.code, 0, dropped.stderr);
  fs.writeFileSync(path.join(pool.dir, 'go.a'), '');
  await waitForEvents(log(pool, 'a'), (ev) => codes(ev, 1, 0).includes(5));
  const events = await waitForEvents(log(pool, 'b'), (ev) => codes(ev, 2, 0).includes(5));
  t.same(codes(events, 2, 0), [0, 40, 40, 1, 40, 40, 5], 'one run');
  t.equal(await jobAttr(pool, 'condor_history', '2.0', 'NumShadowStarts'), '1');
});
