// universe = local and universe = scheduler as HTCondor runs them (schedd.cpp's start_local_universe_job and
// start_sched_universe_job, the starter's JICLocal): on the schedd's host, never matched to a slot, in the
// job's Iwd with its own files (nothing transferred), JobUniverse 12 / 7, the same user log events and
// removal as any job; each run's directory in LOCAL_UNIV_EXECUTE with the job's ad, and the environment the
// local starter (Starter::PublishToEnv) or the schedd (start_sched_universe_job) gives the job.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { startDaemons } from './helpers/daemons.js';
import { codes, eventually, processAlive, startPool, waitForEvents, writeExecutable } from './helpers/pool.js';

t.test('local and scheduler universe jobs run in their Iwd on the schedd host, and condor_rm kills them', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const iwd = path.join(pool.dir, 'work');
  fs.mkdirSync(iwd);
  writeExecutable(path.join(iwd, 'job.sh'), '#!/bin/sh\necho "out $1 in $(/bin/pwd)"\necho "err" >&2\nexit 3\n');
  for (const universe of ['local', 'scheduler']) {
    const sub = `universe = ${universe}\ninitialdir = work\nexecutable = work/job.sh\narguments = ${universe}\noutput = ${universe}.out\nerror = ${universe}.err\nlog = ${universe}.log\nqueue\n`;
    fs.writeFileSync(path.join(pool.dir, `${universe}.sub`), sub);
    const submitted = await pool.run('condor_submit', [`${universe}.sub`]);
    t.equal(submitted.code, 0, `${universe} submitted: ${submitted.stderr}`);
  }
  for (const [cluster, universe] of [[1, 'local'], [2, 'scheduler']] as const) {
    const events = await waitForEvents(path.join(iwd, `${universe}.log`), (ev) => ev.some((e) => e.code === 5));
    t.same(codes(events, cluster, 0), [0, 1, 5], `${universe}: submitted, executing, terminated`);
    t.match(fs.readFileSync(path.join(iwd, `${universe}.log`), 'utf8'), /\(1\) Normal termination \(return value 3\)/);
    t.equal(fs.readFileSync(path.join(iwd, `${universe}.out`), 'utf8'), `out ${universe} in ${iwd}\n`, `${universe}: output in place, its cwd the Iwd`);
    t.equal(fs.readFileSync(path.join(iwd, `${universe}.err`), 'utf8'), 'err\n');
    const history = await pool.run('condor_history', [String(cluster), '-af', 'JobUniverse', 'ExitCode']);
    t.equal(history.stdout, `${universe === 'local' ? 12 : 7} 3\n`);
  }

  // Running: condor_q shows the universe; condor_rm kills the process (009).
  const pidFile = path.join(iwd, 'sleeper.pid');
  writeExecutable(path.join(iwd, 'sleeper.sh'), `#!/bin/sh\necho $$ > ${pidFile}.$1\nexec /bin/sleep 300\n`);
  for (const universe of ['local', 'scheduler']) {
    fs.writeFileSync(path.join(pool.dir, `s-${universe}.sub`), `universe = ${universe}\ninitialdir = work\nexecutable = work/sleeper.sh\narguments = ${universe}\nlog = s.log\nqueue\n`);
    t.equal((await pool.run('condor_submit', [`s-${universe}.sub`])).code, 0);
  }
  await waitForEvents(path.join(iwd, 's.log'), (ev) => ev.filter((e) => e.code === 1).length === 2);
  t.equal((await pool.run('condor_q', ['-af', 'ClusterId', 'JobUniverse', 'JobStatus'])).stdout, '3 12 2\n4 7 2\n');
  const pids = await Promise.all(
    ['local', 'scheduler'].map((u) => eventually(`the ${u} job's pid`, () => (fs.existsSync(`${pidFile}.${u}`) ? Number(fs.readFileSync(`${pidFile}.${u}`, 'utf8')) : undefined))),
  );
  // HTCondor's schedd ignores condor_suspend for these universes (abort_job_myself): the tool says the jobs
  // were suspended, and they run on.
  const suspended = await pool.run('condor_suspend', ['3', '4']);
  t.equal(suspended.code, 0, suspended.stderr);
  t.equal((await pool.run('condor_q', ['-af', 'ClusterId', 'JobStatus'])).stdout, '3 2\n4 2\n', 'still running, not suspended');
  for (const pid of pids) t.notMatch(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1], /^T/, 'the process was not stopped');
  t.equal((await pool.run('condor_rm', ['3', '4'])).code, 0);
  const removed = await waitForEvents(path.join(iwd, 's.log'), (ev) => ev.filter((e) => e.code === 9).length === 2);
  t.same([codes(removed, 3, 0), codes(removed, 4, 0)], [[0, 1, 9], [0, 1, 9]], 'no 010 (suspended) event');
  await eventually('the removed jobs\' processes to end', () => (pids.some(processAlive) ? undefined : true));
});

/** `env` output as name → value; without what sh itself exports. */
function parseEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0 && !['PWD', 'OLDPWD', 'SHLVL', '_'].includes(line.slice(0, eq))) env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env;
}

t.test("each run's directory in LOCAL_UNIV_EXECUTE, its .job.ad and environment, removed when the run ends", async (t) => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-lue-'));
  t.teardown(() => fs.rmSync(base, { recursive: true, force: true }));
  const lue = path.join(base, 'local_univ');
  const pool = await startPool(t, { startds: 1, env: { _CONDOR_LOCAL_UNIV_EXECUTE: lue } });
  t.equal(fs.statSync(lue).mode & 0o777, 0o755, 'the schedd made LOCAL_UNIV_EXECUTE, mode 0755');
  const iwd = path.join(pool.dir, 'work');
  fs.mkdirSync(iwd);
  // What the job sees while it runs: its environment, its ad, its scratch directory.
  writeExecutable(
    path.join(iwd, 'env.sh'),
    [
      '#!/bin/sh',
      '/usr/bin/env > "$1.env"',
      '/bin/cat "$_CONDOR_JOB_AD" > "$1.jobad"',
      'dir=$(/usr/bin/dirname "$_CONDOR_JOB_AD")',
      '/usr/bin/stat -c %a "$dir" > "$1.mode"',
      '[ -e "$_CONDOR_MACHINE_AD" ] && /usr/bin/wc -c < "$_CONDOR_MACHINE_AD" > "$1.machine"',
      '/bin/pwd > "$1.cwd"',
      '',
    ].join('\n'),
  );
  for (const universe of ['local', 'scheduler']) {
    const sub = `universe = ${universe}\ninitialdir = work\nexecutable = work/env.sh\narguments = ${universe}\nenvironment = "FOO=bar TMPDIR=/nowhere"\nlog = ${universe}.log\nqueue\n`;
    fs.writeFileSync(path.join(pool.dir, `${universe}.sub`), sub);
    const submitted = await pool.run('condor_submit', [`${universe}.sub`]);
    t.equal(submitted.code, 0, `${universe} submitted: ${submitted.stderr}`);
  }
  for (const universe of ['local', 'scheduler']) await waitForEvents(path.join(iwd, `${universe}.log`), (ev) => ev.some((e) => e.code === 5));
  const read = (file: string): string => fs.readFileSync(path.join(iwd, file), 'utf8');

  // Local: the starter's scratch directory (mode 0700), the vanilla starter's variables over the job's own.
  const local = parseEnv(read('local.env'));
  const scratch = local._CONDOR_SCRATCH_DIR ?? '';
  t.match(scratch, new RegExp(`^${lue}/dir_\\d+_[\\w-]+$`), 'local: a scratch directory in LOCAL_UNIV_EXECUTE');
  t.same(local, {
    FOO: 'bar',
    BATCH_SYSTEM: 'HTCondor',
    _CONDOR_JOB_IWD: iwd,
    _CONDOR_JOB_PIDS: '',
    _CONDOR_SCRATCH_DIR: scratch,
    _CONDOR_SLOT: '',
    TMPDIR: scratch,
    TEMP: scratch,
    TMP: scratch,
    _CONDOR_MACHINE_AD: `${scratch}/.machine.ad`,
    _CONDOR_JOB_AD: `${scratch}/.job.ad`,
  }, 'local: the starter sets TMPDIR over the job\'s; no OMP_NUM_THREADS, no CONDOR_ID');
  t.equal(read('local.mode'), '700\n');
  t.equal(read('local.machine'), '0\n', 'local: .machine.ad is there, empty (the local starter has no machine ad)');
  t.equal(read('local.cwd'), `${iwd}\n`, 'local: runs in its Iwd');
  const localAd = read('local.jobad');
  t.match(localAd, /^ClusterId = 1$/m);
  t.match(localAd, /^JobUniverse = 12$/m);
  t.match(localAd, /^JobStatus = 2$/m);
  t.match(localAd, new RegExp(`^OrigIwd = "${iwd}"$`, 'm'), 'local: the starter\'s ad (JICLocal::initJobInfo)');
  t.match(localAd, /^OrigCmd = /m);

  // Scheduler: dir_<cluster>_<proc> holds only the ad (the queue's, before the start); the job's environment
  // with CONDOR_ID and _CONDOR_JOB_AD, nothing else.
  t.same(parseEnv(read('scheduler.env')), { FOO: 'bar', TMPDIR: '/nowhere', CONDOR_ID: '2.0', _CONDOR_JOB_AD: `${lue}/dir_2_0/.job.ad` });
  t.equal(read('scheduler.mode'), '755\n');
  t.notOk(fs.existsSync(path.join(iwd, 'scheduler.machine')), 'scheduler: no .machine.ad');
  t.equal(read('scheduler.cwd'), `${iwd}\n`);
  const schedulerAd = read('scheduler.jobad');
  t.match(schedulerAd, /^ClusterId = 2$/m);
  t.match(schedulerAd, /^JobUniverse = 7$/m);
  t.match(schedulerAd, /^JobStatus = 1$/m, 'scheduler: the ad as the queue held it before the run started');

  await eventually('the runs\' directories to be removed', () => (fs.readdirSync(lue).length === 0 ? true : undefined));
});

t.test('condor_vacate_job: a local universe job is evicted and runs again; a scheduler universe job ends by the signal', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const iwd = path.join(pool.dir, 'work');
  fs.mkdirSync(iwd);
  // Each start is counted; the job sleeps until signalled.
  writeExecutable(path.join(iwd, 'sleeper.sh'), `#!/bin/sh\necho start >> ${iwd}/starts.$1\nexec /bin/sleep 300\n`);
  for (const universe of ['local', 'scheduler']) {
    fs.writeFileSync(path.join(pool.dir, `${universe}.sub`), `universe = ${universe}\ninitialdir = work\nexecutable = work/sleeper.sh\narguments = ${universe}\nlog = ${universe}.log\nqueue\n`);
    t.equal((await pool.run('condor_submit', [`${universe}.sub`])).code, 0);
  }
  await waitForEvents(path.join(iwd, 'local.log'), (ev) => ev.some((e) => e.code === 1));
  await waitForEvents(path.join(iwd, 'scheduler.log'), (ev) => ev.some((e) => e.code === 1));
  const vacated = await pool.run('condor_vacate_job', ['1', '2']);
  t.equal(vacated.code, 0, vacated.stderr);

  // Local: 004 (evicted), then executing again (the starter's vacate, as on HTCondor).
  const local = await waitForEvents(path.join(iwd, 'local.log'), (ev) => ev.filter((e) => e.code === 1).length === 2);
  t.same(codes(local, 1, 0), [0, 1, 4, 1], 'local: evicted, then started again');
  // Scheduler: SIGTERM to the job, which ends by it: 005, and it leaves the queue (scheduler_univ_job_exit).
  const scheduler = await waitForEvents(path.join(iwd, 'scheduler.log'), (ev) => ev.some((e) => e.code === 5));
  t.same(codes(scheduler, 2, 0), [0, 1, 5], 'scheduler: terminated, not evicted');
  t.match(fs.readFileSync(path.join(iwd, 'scheduler.log'), 'utf8'), /\(0\) Abnormal termination \(signal 15\)/);
  t.equal((await pool.run('condor_history', ['2', '-af', 'JobStatus', 'ExitBySignal', 'ExitSignal'])).stdout, '4 true 15\n');
  t.equal(fs.readFileSync(path.join(iwd, 'starts.scheduler'), 'utf8'), 'start\n', 'not started again');
  t.equal((await pool.run('condor_rm', ['1'])).code, 0);
});

t.test('a schedd that starts again restarts its local and scheduler universe jobs at once: they cannot reconnect', async (t) => {
  // A lease of ten minutes: a startd's runs would wait that long for it; these jobs do not.
  const d = await startDaemons(t, ['--lease', '600']);
  writeExecutable(path.join(d.dir, 'sleeper.sh'), `#!/bin/sh\necho start >> ${d.dir}/starts.$1\nexec /bin/sleep 300\n`);
  for (const universe of ['local', 'scheduler']) {
    fs.writeFileSync(path.join(d.dir, `${universe}.sub`), `universe = ${universe}\nexecutable = sleeper.sh\narguments = ${universe}\nlog = ${universe}.log\nqueue\n`);
    t.equal((await d.run('condor_submit', [`${universe}.sub`])).code, 0);
  }
  for (const universe of ['local', 'scheduler']) await waitForEvents(path.join(d.dir, `${universe}.log`), (ev) => ev.some((e) => e.code === 1));
  const exited = new Promise((resolve) => d.schedd.once('exit', resolve));
  d.schedd.kill('SIGTERM');
  await exited;
  // What a run left in LOCAL_UNIV_EXECUTE goes when the schedd starts (Scheduler::initLocalStarterDir).
  const lue = path.join(d.home, 'local_univ_execute');
  fs.mkdirSync(path.join(lue, 'dir_1_stale'), { recursive: true });
  fs.writeFileSync(path.join(lue, 'dir_1_stale', '.job.ad'), '');
  await d.startSchedd();
  for (const [cluster, universe] of [[1, 'local'], [2, 'scheduler']] as const) {
    const events = await waitForEvents(path.join(d.dir, `${universe}.log`), (ev) => ev.filter((e) => e.code === 1).length === 2);
    t.same(codes(events, cluster, 0), [0, 1, 1], `${universe}: started again, no eviction event (mark_job_stopped writes none)`);
    // The execute event is written as the job is spawned, before its script has appended its line.
    const starts = await eventually(`${universe}'s second start`, async () => {
      const text = fs.readFileSync(path.join(d.dir, `starts.${universe}`), 'utf8');
      return text.split('\n').length > 2 ? text : undefined;
    });
    t.equal(starts, 'start\nstart\n');
  }
  t.notOk(fs.existsSync(path.join(lue, 'dir_1_stale')), 'the leftover directory was removed');
  t.ok(fs.existsSync(path.join(lue, 'dir_2_0', '.job.ad')), 'the scheduler universe job\'s directory, made again');
  t.equal((await d.run('condor_rm', ['1', '2'])).code, 0);
});
