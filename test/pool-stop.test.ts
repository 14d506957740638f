import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { binCommand, codes, eventually, runCommand, startPool, waitForEvents } from './helpers/pool.js';

/** The processes with an environment entry that `matches` (the pool's startds carry its CONDOR_CONFIG). */
function processesWithEnvironment(matches: string | ((entry: string) => boolean)): number[] {
  const test = typeof matches === 'string' ? (entry: string) => entry === matches : matches;
  const found: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (fs.readFileSync(`/proc/${name}/environ`, 'utf8').split('\0').some(test)) found.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

// Whoever reads the ready line may stop the pool at once: before, SIGTERM could arrive before the pool
// listened for it, node's default action ended the pool and its startds ran on without a schedd (seen
// under load as test files that never ended, a startd holding their stderr open).
t.test('a pool stopped the moment it says it is ready stops its startds and exits cleanly', async (t) => {
  for (let attempt = 1; attempt <= 3; attempt++) {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-stop-'));
    t.teardown(() => fs.rmSync(base, { recursive: true, force: true }));
    const home = path.join(base, 'pool');
    const pool = spawn(...binCommand('tinycondor.js', ['pool', '--home', home, '--startds', '2', '--cpus', '1', '--port', '0']), { stdio: ['ignore', 'pipe', 'ignore'] });
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => pool.once('exit', (code, signal) => resolve({ code, signal })));
    let out = '';
    pool.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('tinycondor pool ready')) pool.kill('SIGTERM');
    });
    const timer = setTimeout(() => pool.kill('SIGKILL'), 60_000);
    const ended = await exit;
    clearTimeout(timer);
    t.same(ended, { code: 0, signal: null }, `attempt ${attempt}: the pool handled SIGTERM and exited 0`);
    t.same(processesWithEnvironment(`CONDOR_CONFIG=${path.join(home, 'condor_config')}`), [], `attempt ${attempt}: no startd outlived it`);
  }
});

// As HTCondor's daemons do when their condor_master dies: a pool killed outright takes its startds and
// their jobs with it, instead of leaving them retrying a schedd that is gone.
t.test('a pool killed with SIGKILL: its startds notice and stop, and kill their jobs', async (t) => {
  const pool = await startPool(t, { startds: 2 });
  fs.writeFileSync(path.join(pool.dir, 'long.sub'), 'executable = /bin/sleep\narguments = 300\ntransfer_executable = false\nlog = long.log\nqueue 2\n');
  t.equal((await pool.run('condor_submit', ['long.sub'])).code, 0, 'submitted');
  const executeDir = path.join(pool.home, 'execute');
  const isJob = (entry: string) => entry.startsWith(`_CONDOR_SCRATCH_DIR=${executeDir}/`);
  const isDaemon = `CONDOR_CONFIG=${path.join(pool.home, 'condor_config')}`;
  await eventually('both jobs running', () => (processesWithEnvironment(isJob).length === 2 ? true : undefined));
  t.equal(processesWithEnvironment(isDaemon).length, 2, 'two startds run');
  pool.process.kill('SIGKILL');
  await eventually('the startds and their jobs to end', () => (processesWithEnvironment((entry) => entry === isDaemon || isJob(entry)).length === 0 ? true : undefined));
  t.pass('nothing of the pool is left');
});

t.test('a second schedd on the home of a running pool is refused, and the pool goes on', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  for (const command of ['schedd', 'pool']) {
    const second = await runCommand('tinycondor', [command, '--home', pool.home, '--port', '0'], process.env, pool.dir);
    t.equal(second.code, 1, `tinycondor ${command} exits 1`);
    t.match(second.stderr, `tinycondor ${command}: the job queue ${path.join(pool.home, 'spool', 'job_queue.sqlite')} is in use by another process`);
    t.notMatch(second.stderr, /\n\s+at /, 'no stack trace');
  }
  fs.writeFileSync(path.join(pool.dir, 'one.sub'), 'executable = /bin/true\ntransfer_executable = false\nlog = one.log\nqueue\n');
  t.equal((await pool.run('condor_submit', ['one.sub'])).code, 0, 'submitted');
  const events = await waitForEvents(path.join(pool.dir, 'one.log'), (all) => codes(all, 1, 0).includes(5));
  t.ok(codes(events, 1, 0).includes(5), 'the first pool still runs jobs');
});

t.test('a startd told to watch a process that is not its parent says so and does not start', async (t) => {
  const result = await runCommand('tinycondor', ['startd', '--parent-pid', '1', '--schedd', 'http://127.0.0.1:9', '--token-file', '/nonexistent'], process.env, os.tmpdir());
  t.equal(result.code, 1);
  t.match(result.stderr, /^tinycondor startd: --parent-pid 1 is not this process's parent \(\d+\)\n$/);
});
