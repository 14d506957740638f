import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { codes, eventually, startPool, waitForEvents, writeExecutable, type TestPool } from './helpers/pool.js';
import { jobAttrs } from './helpers/checkpoint-jobs.js';

// deferral_time: the job matches ahead of its time and its starter holds it until then; one that reaches its
// execute machine after its window is held (HoldReasonCode 20). A cron job gets its DeferralTime from the schedd.

const nowSeconds = () => Math.floor(Date.now() / 1000);

async function submit(pool: TestPool, name: string, body: string): Promise<void> {
  fs.writeFileSync(path.join(pool.dir, `${name}.sub`), `${body}log = ${name}.log\nqueue\n`);
  const submitted = await pool.run('condor_submit', [`${name}.sub`]);
  if (submitted.code !== 0) throw new Error(`condor_submit ${name}.sub: ${submitted.stderr}`);
}

const log = (pool: TestPool, name: string) => path.join(pool.dir, `${name}.log`);

t.test('a job with a deferral time runs no earlier than it, Running (and not executing) until then', async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 1 });
  writeExecutable(path.join(pool.dir, 'when.sh'), '#!/bin/sh\ndate +%s\n');
  const deferralTime = nowSeconds() + 6;
  await submit(pool, 'later', `executable = when.sh\noutput = when.out\ndeferral_time = ${deferralTime}\n`);
  await eventually('the job matched', async () => ((await jobAttrs(pool, 'condor_q', '1.0', ['JobStatus'])).JobStatus === '2' ? true : undefined));
  const checkedAt = nowSeconds();
  const early = await waitForEvents(log(pool, 'later'), () => true);
  if (checkedAt < deferralTime) t.notOk(codes(early, 1, 0).includes(1), 'Running at its execute machine, not executing yet');
  const events = await waitForEvents(log(pool, 'later'), (ev) => codes(ev, 1, 0).includes(5));
  const execute = events.find((e) => e.code === 1);
  t.ok(execute && execute.time.getTime() / 1000 >= deferralTime, `executed at ${execute?.time.toISOString()}, deferral time ${new Date(deferralTime * 1000).toISOString()}`);
  t.ok(Number(fs.readFileSync(path.join(pool.dir, 'when.out'), 'utf8')) >= deferralTime, 'the process started no earlier');
  t.same(await jobAttrs(pool, 'condor_history', '1.0', ['DeferralWindow', 'DeferralPrepTime', 'ScheddInterval']), { DeferralWindow: '0', DeferralPrepTime: '300', ScheddInterval: '300' });
});

t.test('a job that reaches its execute machine after its deferral window is held: Job missed deferred execution time', async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 1 });
  // 1.0 holds the only slot until go appears; 2.0 matches within its window and is queued behind it.
  writeExecutable(path.join(pool.dir, 'wait.sh'), '#!/bin/sh\nwhile [ ! -e "$1" ]; do sleep 0.02; done\n');
  await submit(pool, 'busy', `executable = wait.sh\narguments = ${path.join(pool.dir, 'go')}\n`);
  await waitForEvents(log(pool, 'busy'), (ev) => codes(ev, 1, 0).includes(1));
  const deferralTime = nowSeconds() + 2;
  await submit(pool, 'late', `executable = /bin/true\ntransfer_executable = false\ndeferral_time = ${deferralTime}\ndeferral_window = 0\n`);
  const logDir = (await pool.run('condor_config_val', ['LOG'])).stdout.trim();
  await eventually('2.0 queued on the busy slot', () =>
    fs.readFileSync(path.join(logDir, 'SchedLog'), 'utf8').includes('"job queued on a busy slot"') ? true : undefined,
  );
  await eventually('the deferral time to pass', () => (nowSeconds() > deferralTime ? true : undefined));
  fs.writeFileSync(path.join(pool.dir, 'go'), '');
  const events = await waitForEvents(log(pool, 'late'), (ev) => codes(ev, 2, 0).includes(12));
  t.notOk(codes(events, 2, 0).includes(1), 'never executed');
  const held = events.find((e) => e.code === 12);
  t.ok(held?.lines.includes('\tJob missed deferred execution time') && held.lines.includes('\tCode 20 Subcode 0'), held?.text ?? 'no 012');
  t.same(await jobAttrs(pool, 'condor_q', '2.0', ['JobStatus', 'HoldReasonCode', 'HoldReasonSubCode', 'NumJobStarts', 'HoldReason']), {
    JobStatus: '5',
    HoldReasonCode: '20',
    HoldReasonSubCode: 'undefined',
    NumJobStarts: '0',
    HoldReason: 'Job missed deferred execution time',
  });
});

t.test('a cron job gets its next run time from the schedd; a schedule that does not parse holds it', async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 1 });
  const before = nowSeconds();
  await submit(pool, 'cron', 'executable = /bin/true\ntransfer_executable = false\ncron_minute = */1\ncron_hour = *\non_exit_remove = false\n');
  const { DeferralTime, CronMinute } = await eventually('a DeferralTime', async () => {
    const attrs = await jobAttrs(pool, 'condor_q', '1.0', ['DeferralTime', 'CronMinute']);
    return attrs.DeferralTime === 'undefined' ? undefined : attrs;
  });
  t.equal(CronMinute, '*/1');
  t.ok(Number(DeferralTime) > before && Number(DeferralTime) % 60 === 0 && Number(DeferralTime) <= before + 120, `the next whole minute: ${DeferralTime}`);
  await submit(pool, 'bad', 'executable = /bin/true\ntransfer_executable = false\ncron_minute = 5x\n');
  await waitForEvents(log(pool, 'bad'), (ev) => codes(ev, 2, 0).includes(12));
  t.same(await jobAttrs(pool, 'condor_q', '2.0', ['JobStatus', 'HoldReasonCode', 'HoldReason']), {
    JobStatus: '5',
    HoldReasonCode: '25',
    HoldReason: "Invalid cron schedule parameters: Invalid parameter value '5x' for CronMinute",
  });
});

t.test('a job held while its starter waits for its deferral time never executes', async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 1 });
  await submit(pool, 'far', `executable = /bin/true\ntransfer_executable = false\ndeferral_time = ${nowSeconds() + 240}\n`);
  await eventually('the job matched', async () => ((await jobAttrs(pool, 'condor_q', '1.0', ['JobStatus'])).JobStatus === '2' ? true : undefined));
  t.equal((await pool.run('condor_hold', ['1.0'])).stdout, 'Job 1.0 held\n');
  const events = await waitForEvents(log(pool, 'far'), (ev) => codes(ev, 1, 0).includes(12));
  t.notOk(codes(events, 1, 0).includes(1), 'never executed');
  t.same(await jobAttrs(pool, 'condor_q', '1.0', ['JobStatus', 'NumJobStarts', 'HoldReasonCode']), { JobStatus: '5', NumJobStarts: '0', HoldReasonCode: '1' });
});

t.test('a cron job runs at its next minute and, kept in the queue, is given the one after', async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 1 });
  await submit(pool, 'minutely', 'executable = /bin/true\ntransfer_executable = false\ncron_minute = *\non_exit_remove = false\n');
  const first = Number(await eventually('a DeferralTime', async () => {
    const { DeferralTime } = await jobAttrs(pool, 'condor_q', '1.0', ['DeferralTime']);
    return DeferralTime === 'undefined' ? undefined : DeferralTime;
  }));
  // on_exit_remove = false: the run ends with an eviction, "Job terminated and was requeued" (004).
  const events = await waitForEvents(log(pool, 'minutely'), (ev) => codes(ev, 1, 0).includes(4), 120_000);
  const execute = events.find((e) => e.code === 1);
  t.ok(execute && execute.time.getTime() / 1000 >= first, `executed at ${execute?.time.toISOString()}, at or after ${new Date(first * 1000).toISOString()}`);
  // Matched again at once (its prep time is 300 s): it waits at its slot for the next minute.
  const next = await eventually('the next DeferralTime', async () => {
    const { DeferralTime } = await jobAttrs(pool, 'condor_q', '1.0', ['DeferralTime']);
    return Number(DeferralTime) > first ? Number(DeferralTime) : undefined;
  });
  t.equal(next % 60, 0, 'a whole minute');
});

t.test('local universe: its starter waits for the deferral time; held while waiting it never executes; a passed window keeps it idle', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'when.sh'), '#!/bin/sh\ndate +%s\n');
  const deferralTime = nowSeconds() + 5;
  await submit(pool, 'local', `universe = local\nexecutable = when.sh\noutput = when.out\ndeferral_time = ${deferralTime}\n`);
  await eventually('the job started on the schedd host', async () => ((await jobAttrs(pool, 'condor_q', '1.0', ['JobStatus'])).JobStatus === '2' ? true : undefined));
  const checkedAt = nowSeconds();
  const early = await waitForEvents(log(pool, 'local'), () => true);
  if (checkedAt < deferralTime) t.notOk(codes(early, 1, 0).includes(1), 'Running, not executing yet');
  const events = await waitForEvents(log(pool, 'local'), (ev) => codes(ev, 1, 0).includes(5));
  const execute = events.find((e) => e.code === 1);
  t.ok(execute && execute.time.getTime() / 1000 >= deferralTime, `executed at ${execute?.time.toISOString()}, deferral time ${new Date(deferralTime * 1000).toISOString()}`);
  t.ok(Number(fs.readFileSync(path.join(pool.dir, 'when.out'), 'utf8')) >= deferralTime, 'the process started no earlier');

  await submit(pool, 'far', `universe = local\nexecutable = /bin/true\ndeferral_time = ${nowSeconds() + 240}\n`);
  await eventually('the far job started', async () => ((await jobAttrs(pool, 'condor_q', '2.0', ['JobStatus'])).JobStatus === '2' ? true : undefined));
  t.equal((await pool.run('condor_hold', ['2.0'])).stdout, 'Job 2.0 held\n');
  const far = await waitForEvents(log(pool, 'far'), (ev) => codes(ev, 2, 0).includes(12));
  t.notOk(codes(far, 2, 0).includes(1), 'never executed');

  // Its Requirements' window (SetRequirements) closed: IsLocalJobEligibleToRun never starts it.
  await submit(pool, 'past', `universe = local\nexecutable = /bin/true\ndeferral_time = ${nowSeconds() - 100}\n`);
  await submit(pool, 'after', 'universe = local\nexecutable = /bin/true\n');
  await waitForEvents(log(pool, 'after'), (ev) => codes(ev, 4, 0).includes(5));
  t.same(await jobAttrs(pool, 'condor_q', '3.0', ['JobStatus', 'NumJobStarts']), { JobStatus: '1', NumJobStarts: '0' });
});
