import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { COUNTING_OUTPUT, countingScript, hookRecords, makeHooks, pauseAt, waitForHook } from './helpers/checkpoint-jobs.js';
import { startDaemons } from './helpers/daemons.js';
import { binCommand, codes, waitForEvents, writeExecutable, type TestPool } from './helpers/pool.js';

// A startd on "another host": its own network namespace, reaching the schedd only over a veth link on a
// private /30, with nothing but the schedd URL and the pool token (no condor_config).

function ip(args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function netnsUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to create network namespaces';
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
  } catch {
    return '`ip netns` is not available (install iproute2)';
  }
  return undefined;
}

const reason = netnsUnavailable();

t.test('a startd in its own network namespace runs a checkpointing job across a veth link', { skip: reason }, async (t) => {
  const id = process.pid % 10000;
  const ns = `tcnet${id}`;
  const hostSide = `tch${id}`;
  const nsSide = `tcn${id}`;
  const subnet = `10.${200 + (id % 50)}.${id % 250}`;
  const hostAddr = `${subnet}.1`;
  const nsAddr = `${subnet}.2`;
  t.teardown(() => {
    try {
      ip(['netns', 'del', ns]); // takes the veth pair with it
    } catch {
      // never created or already gone
    }
  });
  ip(['netns', 'add', ns]);
  ip(['link', 'add', hostSide, 'type', 'veth', 'peer', 'name', nsSide]);
  ip(['link', 'set', nsSide, 'netns', ns]);
  ip(['addr', 'add', `${hostAddr}/30`, 'dev', hostSide]);
  ip(['link', 'set', hostSide, 'up']);
  ip(['-n', ns, 'addr', 'add', `${nsAddr}/30`, 'dev', nsSide]);
  ip(['-n', ns, 'link', 'set', nsSide, 'up']);
  ip(['-n', ns, 'link', 'set', 'lo', 'up']);

  const daemons = await startDaemons(t, ['--host', hostAddr]);
  const url = daemons.url();
  t.equal(url.startsWith(`http://${hostAddr}:`), true, `the schedd listens on the link address (${url})`);

  const executeDir = path.join(path.dirname(daemons.home), 'remote-execute');
  const { CONDOR_CONFIG: _unused, ...envWithoutConfig } = process.env;
  const [command, startdArgs] = binCommand('tinycondor.js', ['startd', '--name', 'remote1', '--schedd', url,
    '--token-file', path.join(daemons.home, 'pool.token'), '--execute', executeDir, '--cpus', '1', '--memory', '512', '--disk', '1000000']);
  const startd = spawn('ip', ['netns', 'exec', ns, command, ...startdArgs], { env: envWithoutConfig, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => {
    if (startd.exitCode === null && startd.signalCode === null) startd.kill('SIGKILL');
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`remote startd not ready: ${out}`)), 30_000);
    const collect = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('startd remote1 ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    startd.stdout.on('data', collect);
    startd.stderr.on('data', collect);
    startd.once('exit', (code) => reject(new Error(`remote startd exited ${code}: ${out}`)));
  });

  const status = await daemons.run('condor_status', ['-af', 'Name']);
  t.equal(status.stdout, 'slot1@remote1\n', 'the namespaced startd reports its slot');

  // The seed's counting example (001), vacated after its first checkpoint; it resumes from SPOOL.
  const pool = { dir: daemons.dir } as TestPool;
  const hooks = makeHooks(pool);
  writeExecutable(path.join(daemons.dir, 'example.py'), countingScript(hooks, 'example.checkpoint', 'sys.exit(85)'));
  fs.writeFileSync(
    path.join(daemons.dir, 'example.submit'),
    `checkpoint_exit_code = 85
transfer_output_files = example.checkpoint
should_transfer_files = yes
executable = example.py
output = example.out
error = example.err
log = example.log
queue 1
`,
  );
  pauseAt(hooks, 4);
  const submitted = await daemons.run('condor_submit', ['example.submit']);
  t.equal(submitted.code, 0, submitted.stderr);
  await waitForHook(hooks, 'paused', 1);
  const vacated = await daemons.run('condor_vacate_job', ['1.0']);
  t.equal(vacated.stdout, 'Job 1.0 vacated\n', vacated.stderr);
  pauseAt(hooks, undefined);
  const events = await waitForEvents(path.join(daemons.dir, 'example.log'), (ev) => ev.some((e) => e.code === 5), 60_000);
  const jobCodes = codes(events, 1, 0);
  t.ok(jobCodes.includes(4), `evicted once (${jobCodes.join(' ')})`);
  t.equal(jobCodes.filter((c) => c === 1).length, 2, 'executed twice: before and after the eviction');
  const starts = hookRecords(hooks).filter((r) => r.kind === 'start').map((r) => r.value);
  t.same(starts, [0, 3, 3, 6, 9], 'the second run resumed from the checkpoint taken at 3');
  t.ok(hookRecords(hooks).every((r) => r.cwd.startsWith(executeDir)), 'every run was in the namespaced startd');
  t.equal(fs.readFileSync(path.join(daemons.dir, 'example.out'), 'utf8'), COUNTING_OUTPUT, 'output after the last checkpoint was rolled back');
  t.equal(fs.readFileSync(path.join(daemons.dir, 'example.checkpoint'), 'utf8'), '10');
});
