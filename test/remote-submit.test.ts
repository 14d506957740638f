import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { parseEventLog } from '@tinycondor/shared/eventlog/index';
import { eventually, runCommand, startPool, writeExecutable, type TestPool } from './helpers/pool.js';

// Remote submission as HTCondor does it (condor_submit -spool, condor_transfer_data): the schedd never
// reads or writes the submit directory. The tests prove it by deleting the inputs right after
// condor_submit and by checking that no output appears there until the client fetches it.

const JOB_SCRIPT = `#!/bin/bash
echo "job $1 starting"
cat input.txt
cat data/part.txt
echo "result of $1" > out.txt
echo "warning from $1" >&2
`;

const SUBMIT = `executable              = job.sh
arguments               = $(Process)
transfer_input_files    = input.txt, data
transfer_output_files   = out.txt
transfer_output_remaps  = "out.txt = out.$(Process).txt"
should_transfer_files   = YES
output                  = job.$(Process).out
error                   = job.$(Process).err
log                     = job.log
request_memory          = 64 MB
queue 2
`;

/** A submit directory of its own with the job's files, outside the pool's directories. */
function submitDir(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tinycondor-${name}-`));
  writeExecutable(path.join(dir, 'job.sh'), JOB_SCRIPT);
  fs.writeFileSync(path.join(dir, 'input.txt'), 'the input\n');
  fs.mkdirSync(path.join(dir, 'data'));
  fs.writeFileSync(path.join(dir, 'data', 'part.txt'), 'a part\n');
  fs.writeFileSync(path.join(dir, 'job.sub'), SUBMIT);
  return dir;
}

/** A client configuration of its own: the pool's address, a copy of the token, maybe the remote knob. */
function clientEnv(pool: TestPool, remoteKnob: boolean): NodeJS.ProcessEnv {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-client-'));
  fs.writeFileSync(path.join(dir, 'pool.token'), `${pool.token}\n`, { mode: 0o600 });
  fs.writeFileSync(
    path.join(dir, 'condor_config'),
    `SCHEDD_URL = ${pool.url}\nTINYCONDOR_TOKEN_FILE = ${path.join(dir, 'pool.token')}\n${remoteKnob ? 'TINYCONDOR_REMOTE_SCHEDD = True\n' : ''}`,
  );
  return { ...process.env, CONDOR_CONFIG: path.join(dir, 'condor_config') };
}

async function jobStatuses(pool: TestPool, env: NodeJS.ProcessEnv, cluster: number): Promise<string> {
  const q = await runCommand('condor_q', ['-af', 'JobStatus', '-constraint', `ClusterId == ${cluster}`], env, pool.dir);
  return q.stdout.trim().split('\n').join(' ');
}

function removeInputs(dir: string): void {
  for (const name of ['job.sh', 'input.txt', 'data']) fs.rmSync(path.join(dir, name), { recursive: true });
}

function checkOutputs(t: Test, dir: string): void {
  for (const proc of [0, 1]) {
    t.equal(fs.readFileSync(path.join(dir, `job.${proc}.out`), 'utf8'), `job ${proc} starting\nthe input\na part\n`);
    t.equal(fs.readFileSync(path.join(dir, `job.${proc}.err`), 'utf8'), `warning from ${proc}\n`);
    t.equal(fs.readFileSync(path.join(dir, `out.${proc}.txt`), 'utf8'), `result of ${proc}\n`);
  }
}

/** What a host outside the pool's containers does: `tinycondor client-config` plus a copy of the token. */
async function clientConfigEnv(t: Test, pool: TestPool): Promise<NodeJS.ProcessEnv> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-client-'));
  const printed = await pool.run('tinycondor', ['client-config', '--url', pool.url]);
  t.equal(printed.code, 0, printed.stderr);
  t.match(printed.stdout, /^TINYCONDOR_REMOTE_SCHEDD = True$/m);
  fs.writeFileSync(path.join(dir, 'condor_config'), printed.stdout);
  fs.writeFileSync(path.join(dir, 'pool.token'), `${pool.token}\n`, { mode: 0o600 });
  return { ...process.env, CONDOR_CONFIG: path.join(dir, 'condor_config') };
}

t.test('with TINYCONDOR_REMOTE_SCHEDD, condor_submit && condor_wait work from a directory the schedd never touches', async (t) => {
  const pool = await startPool(t, { startds: 2, cpus: 1 });
  const env = await clientConfigEnv(t, pool);
  const elsewhere = os.tmpdir();
  const health = await runCommand('tinycondor', ['health', '--startd', 'startd1'], env, elsewhere);
  t.same([health.code, health.stdout], [0, 'ok: 2 slot(s)\n'], health.stderr);
  const missing = await runCommand('tinycondor', ['health', '--startd', 'nosuch'], env, elsewhere);
  t.equal(missing.code, 1);
  t.match(missing.stderr, /startd nosuch has no slots/);
  const dir = submitDir('remote');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));

  const submitted = await runCommand('condor_submit', ['job.sub'], env, dir);
  t.equal(submitted.code, 0, submitted.stderr);
  t.equal(submitted.stdout, 'Submitting job(s)..\n2 job(s) submitted to cluster 1.\n');
  t.ok(fs.existsSync(path.join(dir, 'job.log')), 'the local log exists right after condor_submit');
  removeInputs(dir);

  // Completed jobs wait in the queue (status 4) with their output in SPOOL, not in the submit directory.
  await eventually('both jobs completed', async () => ((await jobStatuses(pool, env, 1)) === '4 4' ? true : undefined));
  t.notOk(fs.existsSync(path.join(dir, 'job.0.out')), 'no output before the client fetches it');

  const waited = await runCommand('condor_wait', ['-wait', '60', 'job.log'], env, dir);
  t.equal(waited.code, 0, waited.stderr);
  t.equal(waited.stdout, 'All jobs done.\n');
  checkOutputs(t, dir);
  const events = parseEventLog(fs.readFileSync(path.join(dir, 'job.log'), 'utf8')).events;
  for (const proc of [0, 1]) {
    const mine = events.filter((e) => e.proc === proc).map((e) => e.code);
    t.same([mine[0], mine.includes(1), mine.at(-1)], [0, true, 5], `proc ${proc}: submit, execute, terminate in the mirrored log`);
  }
  t.equal(await jobStatuses(pool, env, 1), '', 'fetched jobs left the queue');
  const history = await runCommand('condor_history', ['-af', 'ClusterId', 'ProcId', 'JobStatus'], env, dir);
  t.same(history.stdout.trim().split('\n').sort(), ['1 0 4', '1 1 4']);
  t.notOk(fs.readdirSync(dir).some((name) => name.startsWith('.tinycondor-output-')), 'no staging directory left behind');

  const again = await runCommand('condor_wait', ['-wait', '5', 'job.log'], env, dir);
  t.equal(again.stdout, 'All jobs done.\n', 'waiting again on a finished mirrored log');
  t.equal(fs.readFileSync(path.join(dir, 'job.log'), 'utf8'), fs.readFileSync(path.join(dir, 'job.log'), 'utf8'));
});

t.test('condor_submit -spool on a shared pool, then condor_transfer_data', async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 2 });
  const env = clientEnv(pool, false);
  const dir = submitDir('spool');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));

  const submitted = await runCommand('condor_submit', ['-spool', 'job.sub'], env, dir);
  t.equal(submitted.code, 0, submitted.stderr);
  removeInputs(dir);
  await eventually('both jobs completed', async () => ((await jobStatuses(pool, env, 1)) === '4 4' ? true : undefined));
  t.notOk(fs.existsSync(path.join(dir, 'job.0.out')));
  const localLogBefore = fs.readFileSync(path.join(dir, 'job.log'), 'utf8');
  const codesBefore = parseEventLog(localLogBefore).events.map((e) => e.code);
  t.same(codesBefore.slice(0, 2), [0, 0], 'condor_submit mirrored the submit events');
  t.notOk(codesBefore.includes(5), 'nothing later comes back by itself');

  const fetched = await runCommand('condor_transfer_data', ['1.0'], env, dir);
  t.equal(fetched.code, 0, fetched.stderr);
  t.equal(fetched.stdout, 'Fetching data files...\n');
  t.equal(fs.readFileSync(path.join(dir, 'job.0.out'), 'utf8'), 'job 0 starting\nthe input\na part\n');
  t.notOk(fs.existsSync(path.join(dir, 'job.1.out')), 'only the job asked for');
  t.equal(await jobStatuses(pool, env, 1), '4', 'job 1.1 still waits for its output to be fetched');

  const all = await runCommand('condor_transfer_data', ['-all'], env, dir);
  t.equal(all.code, 0, all.stderr);
  checkOutputs(t, dir);
  t.equal(await jobStatuses(pool, env, 1), '');
  const codes = parseEventLog(fs.readFileSync(path.join(dir, 'job.log'), 'utf8')).events.map((e) => e.code);
  t.equal(codes.filter((c) => c === 5).length, 2, 'the log came back with the output');
  t.notOk(fs.existsSync(path.join(pool.home, 'spool', '1')), 'SPOOL directories removed once fetched');
});

t.test('spooling refuses bad archives and jobs that are not waiting for input', async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 1 });
  const env = clientEnv(pool, false);
  const dir = submitDir('bad');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const headers = { authorization: `Bearer ${pool.token}`, 'content-type': 'application/x-tar' };

  const plain = await runCommand('condor_submit', ['job.sub'], env, dir);
  t.equal(plain.code, 0, plain.stderr);
  const notSpooled = await fetch(`${pool.url}/v1/jobs/1.0/spool`, { method: 'PUT', headers, body: Buffer.alloc(1024) });
  t.equal(notSpooled.status, 404, 'a job submitted without -spool takes no upload');

  const { clusterId } = (await (await fetch(`${pool.url}/v1/clusters`, { method: 'POST', headers: { authorization: headers.authorization } })).json()) as { clusterId: number };
  const ad = { ClusterId: String(clusterId), ProcId: '0', JobStatus: '5', HoldReasonCode: '16', Cmd: '"job.sh"', Iwd: `"${dir}"`, SUBMIT_Iwd: '"relative"', Owner: `"${os.userInfo().username}"` };
  const relative = await fetch(`${pool.url}/v1/clusters/${clusterId}/procs`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ procs: [ad] }) });
  t.equal(relative.status, 400);
  t.match(await relative.text(), /SUBMIT_Iwd must be an absolute path/);

  const mixed = await runCommand('condor_submit', ['-spool', 'job.sub'], env, dir);
  t.equal(mixed.code, 1, 'a log written by the shared pool cannot be mirrored');
  t.match(mixed.stderr, /job\.log exists but is not a copy of the schedd's/);
  t.equal(await jobStatuses(pool, env, clusterId + 1), '', 'and nothing was queued');
  const spooled = await runCommand('condor_submit', ['-spool', '-append', 'log = spooled.log', 'job.sub'], env, dir);
  t.equal(spooled.code, 0, spooled.stderr);
  await eventually('the spooled jobs ran', async () => ((await jobStatuses(pool, env, clusterId + 2)) === '4 4' ? true : undefined));
  const garbage = await fetch(`${pool.url}/v1/jobs/${clusterId + 2}.0/spool`, { method: 'PUT', headers, body: Buffer.from('not a tar archive at all') });
  t.equal(garbage.status, 409, 'a second upload is refused: the job no longer waits for input');

  const { clusterId: next } = (await (await fetch(`${pool.url}/v1/clusters`, { method: 'POST', headers: { authorization: headers.authorization } })).json()) as { clusterId: number };
  const waiting = { ...ad, ClusterId: String(next), SUBMIT_Iwd: `"${dir}"` };
  const ok = await fetch(`${pool.url}/v1/clusters/${next}/procs`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ procs: [waiting] }) });
  t.equal(ok.status, 201, await ok.text());
  const cut = await fetch(`${pool.url}/v1/jobs/${next}.0/spool`, { method: 'PUT', headers, body: Buffer.alloc(1536) });
  t.equal(cut.status, 400, 'an archive without its end marker is refused');
  t.equal(await jobStatuses(pool, env, next), '5', 'and the job keeps waiting for its input');
});
