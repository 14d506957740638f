// keep_claim_idle (KeepClaimIdle): "the number of seconds that the condor_schedd will continue to keep a claim,
// in the Claimed Idle state, after the job with this attribute defined completes, and there are no other jobs
// ready to run from this user". HTCondor's schedd copies it to the match when the job starts (Scheduler::StartJob)
// and keeps the match in M_CLAIMED with an idle_timer_deadline when the shadow exits (child_exit); its user's next
// job runs on the claim (FindRunnableJobForClaim), and past the deadline it is relinquished. DAGMan submits its
// nodes with it (dagman_submit.cpp, DAGMAN_HOLD_CLAIM_TIME) so that a child node runs on its parent's claim.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { codes, eventually, startPool, waitForEvents, writeExecutable, type TestPool } from './helpers/pool.js';

const PARTITIONABLE = { _CONDOR_NUM_SLOTS_TYPE_1: '1', _CONDOR_SLOT_TYPE_1: '100%', _CONDOR_SLOT_TYPE_1_PARTITIONABLE: 'true' };

/** The SchedLog lines with `message`. */
async function schedLogLines(pool: TestPool, message: string): Promise<string[]> {
  const logDir = (await pool.run('condor_config_val', ['LOG'])).stdout.trim();
  return fs
    .readFileSync(path.join(logDir, 'SchedLog'), 'utf8')
    .split('\n')
    .filter((l) => l.includes(`"${message}"`));
}

/** Submits `submit` as `name`.sub and waits for its cluster's job to terminate (005). */
async function runToEnd(pool: TestPool, name: string, submit: string, cluster: number): Promise<void> {
  fs.writeFileSync(path.join(pool.dir, `${name}.sub`), `executable = /bin/true\ntransfer_executable = false\nlog = ${name}.log\n${submit}queue\n`);
  t.equal((await pool.run('condor_submit', [`${name}.sub`])).code, 0);
  await waitForEvents(path.join(pool.dir, `${name}.log`), (ev) => codes(ev, cluster, 0).includes(5));
}

const dynamicSlots = async (pool: TestPool): Promise<string> => (await pool.run('condor_status', ['-af', 'Name', 'State', 'Activity', 'RemoteOwner', 'Memory', '-constraint', 'DynamicSlot =?= true'])).stdout;

t.test('the dynamic slot of a completed job stays Claimed/Idle for its user; their next job runs on it, as it was carved', async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 1, env: PARTITIONABLE });
  await runToEnd(pool, 'a', 'request_memory = 200\nkeep_claim_idle = 60\n', 1);
  const owner = (await pool.run('condor_history', ['1.0', '-af', 'Owner'])).stdout.trim();
  const kept = await eventually('the claim kept idle', () => schedLogLines(pool, 'claim kept idle for the next job of its user (KeepClaimIdle)').then((l) => (l.length > 0 ? l : undefined)));
  t.match(kept[0], /"slot":"slot1_1@startd1".*"seconds":60/);
  t.equal(await dynamicSlots(pool), `slot1_1@startd1 Claimed Idle ${owner} 256\n`, 'condor_status: Claimed/Idle, its 256 MB kept');
  await runToEnd(pool, 'b', 'request_memory = 100\n', 2);
  t.equal((await pool.run('condor_history', ['2.0', '-af', 'LastRemoteHost', 'MemoryProvisioned'])).stdout, 'slot1_1@startd1 256\n', 'on the kept slot, not one carved anew for 100 MB');
  t.match((await schedLogLines(pool, 'job started on the claim kept idle for it'))[0], /"jobId":"2.0".*"slot":"slot1_1@startd1"/);
  t.equal(await dynamicSlots(pool), '', '2.0 asked for no KeepClaimIdle: its slot is given back when it ends');
});

t.test('past KeepClaimIdle with no job of its user the claim is released, the dynamic slot given back', async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 1, env: PARTITIONABLE });
  await runToEnd(pool, 'a', 'request_memory = 200\nkeep_claim_idle = 1 + 1\n', 1);
  const released = await eventually('the claim released', () => schedLogLines(pool, 'claim kept idle released: no job of its user came (KeepClaimIdle)').then((l) => (l.length > 0 ? l : undefined)), 15_000);
  t.match(released[0], /"slot":"slot1_1@startd1"/);
  const [kept] = await schedLogLines(pool, 'claim kept idle for the next job of its user (KeepClaimIdle)');
  const at = (line: string): number => (JSON.parse(line) as { time: number }).time;
  t.ok(at(released[0]) - at(kept) >= 2000, `released ${at(released[0]) - at(kept)} ms after it was kept (2 s)`);
  t.equal(await dynamicSlots(pool), '', 'no dynamic slot left');
  await runToEnd(pool, 'b', 'request_memory = 100\n', 2);
  t.equal((await pool.run('condor_history', ['2.0', '-af', 'LastRemoteHost', 'MemoryProvisioned'])).stdout, 'slot1_1@startd1 128\n', 'a dynamic slot carved anew, of its own size');
});

t.test('a job that is held (on_exit_hold) does not keep its claim', async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 1, env: PARTITIONABLE });
  fs.writeFileSync(path.join(pool.dir, 'h.sub'), 'executable = /bin/true\ntransfer_executable = false\nlog = h.log\nkeep_claim_idle = 60\non_exit_hold = true\nqueue\n');
  t.equal((await pool.run('condor_submit', ['h.sub'])).code, 0);
  await waitForEvents(path.join(pool.dir, 'h.log'), (ev) => codes(ev, 1, 0).includes(12));
  await eventually('the slot given back', async () => ((await dynamicSlots(pool)) === '' ? true : undefined));
  t.same(await schedLogLines(pool, 'claim kept idle for the next job of its user (KeepClaimIdle)'), [], 'JOB_SHOULD_HOLD: released');
});

t.test('a claim kept idle ends when it passes its CLAIM_WORKLIFE, as the startd ends an idle claim', async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 1, env: { ...PARTITIONABLE, _CONDOR_CLAIM_WORKLIFE: '2' } });
  await runToEnd(pool, 'a', 'keep_claim_idle = 60\n', 1);
  const released = await eventually('the claim ended', () => schedLogLines(pool, 'idle claim shutting down due to CLAIM_WORKLIFE').then((l) => l[0]), 15_000);
  t.match(released, /"slot":"slot1_1@startd1"/);
  t.equal(await dynamicSlots(pool), '', 'the dynamic slot given back');
});

t.test("a job started on a claim kept idle goes on with the claim: its CLAIM_WORKLIFE counts from the claim's first job", async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 1, env: { ...PARTITIONABLE, _CONDOR_CLAIM_WORKLIFE: '6' } });
  // Runs until the epoch second written in the file named by its argument.
  writeExecutable(path.join(pool.dir, 'until.sh'), `#!/bin/sh\ni=0; while [ ! -s ${pool.dir}/$1 ] || [ $(date +%s) -lt $(cat ${pool.dir}/$1) ]; do i=$((i+1)); [ $i -gt 1500 ] && exit 3; sleep 0.02; done\n`);
  const submit = (name: string, lines: string) => {
    fs.writeFileSync(path.join(pool.dir, `${name}.sub`), `${lines}log = ${name}.log\nqueue\n`);
    return pool.run('condor_submit', [`${name}.sub`]);
  };
  t.equal((await submit('a', 'executable = until.sh\narguments = untilA\nkeep_claim_idle = 60\n')).code, 0);
  const claimStart = await eventually('1.0 matched', async () => (await schedLogLines(pool, 'job matched')).map((l) => (JSON.parse(l) as { time: number }).time)[0]);
  const second = Math.ceil(claimStart / 1000);
  fs.writeFileSync(path.join(pool.dir, 'untilA'), String(second + 3));
  await waitForEvents(path.join(pool.dir, 'a.log'), (ev) => codes(ev, 1, 0).includes(5));
  t.equal((await submit('b', 'executable = until.sh\narguments = untilB\n')).code, 0);
  await waitForEvents(path.join(pool.dir, 'b.log'), (ev) => codes(ev, 2, 0).includes(1));
  t.match((await schedLogLines(pool, 'job started on the claim kept idle for it'))[0], /"jobId":"2.0"/);
  t.equal((await submit('c', 'executable = /bin/true\ntransfer_executable = false\n')).code, 0);
  await eventually('3.0 queued on the claim', async () => (await schedLogLines(pool, 'job queued on a busy slot')).find((l) => l.includes('"jobId":"3.0"')));
  // 2.0 ends 8 s after the claim began (past its 6 s) but 4 s or so after its own start.
  fs.writeFileSync(path.join(pool.dir, 'untilB'), String(second + 8));
  await waitForEvents(path.join(pool.dir, 'c.log'), (ev) => codes(ev, 3, 0).includes(5));
  const closing = await schedLogLines(pool, 'claim closing (CLAIM_WORKLIFE): the job queued on the slot is matched again');
  t.match(closing[0], /"jobId":"3.0"/, 'the startd closed the claim at the end of 2.0: 3.0 was matched again');
});
