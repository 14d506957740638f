// keep_claim_idle (KeepClaimIdle): "the number of seconds that the condor_schedd will continue to keep a claim,
// in the Claimed Idle state, after the job with this attribute defined completes, and there are no other jobs
// ready to run from this user". HTCondor's schedd copies it to the match when the job starts (Scheduler::StartJob)
// and keeps the match in M_CLAIMED with an idle_timer_deadline when the shadow exits (child_exit); its user's next
// job runs on the claim (FindRunnableJobForClaim), and past the deadline it is relinquished. DAGMan submits its
// nodes with it (dagman_submit.cpp, DAGMAN_HOLD_CLAIM_TIME) so that a child node runs on its parent's claim.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { codes, eventually, startPool, waitForEvents, type TestPool } from './helpers/pool.js';

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
