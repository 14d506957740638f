import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { codes, startPool, waitForEvents, writeExecutable } from './helpers/pool.js';

const JOB_SCRIPT = `#!/bin/bash
echo "job $1 starting"
cat input.txt
echo "result of $1" > out.txt
mkdir -p results && echo "deep $1" > results/deep.txt
echo "warning from $1" >&2
exit 0
`;

t.test('a queue-3 job with inputs and outputs runs and finishes like HTCondor', async (t) => {
  const pool = await startPool(t, { startds: 2, cpus: 1 });
  t.equal(pool.stderr(), '', 'a pool started in a new home says nothing on stderr (its configuration is written before it is read)');
  writeExecutable(path.join(pool.dir, 'job.sh'), JOB_SCRIPT);
  fs.writeFileSync(path.join(pool.dir, 'input.txt'), 'the input\n');
  fs.writeFileSync(
    path.join(pool.dir, 'job.sub'),
    `# seed-style job
executable              = job.sh
arguments               = $(Process)
transfer_input_files    = input.txt
transfer_output_files   = out.txt
transfer_output_remaps  = "out.txt = out.$(Process).txt"
should_transfer_files   = YES
when_to_transfer_output = ON_EXIT
output                  = job.$(Process).out
error                   = job.$(Process).err
log                     = job.log
request_memory          = 64 MB
queue 3
`,
  );
  const submitted = await pool.run('condor_submit', ['job.sub']);
  t.equal(submitted.code, 0, submitted.stderr);
  t.equal(submitted.stdout, 'Submitting job(s)...\n3 job(s) submitted to cluster 1.\n');

  const waited = await pool.run('condor_wait', ['-wait', '60', 'job.log']);
  t.equal(waited.stdout, 'All jobs done.\n');
  t.equal(waited.code, 0);

  for (const proc of [0, 1, 2]) {
    t.equal(fs.readFileSync(path.join(pool.dir, `job.${proc}.out`), 'utf8'), `job ${proc} starting\nthe input\n`);
    t.equal(fs.readFileSync(path.join(pool.dir, `job.${proc}.err`), 'utf8'), `warning from ${proc}\n`);
    t.equal(fs.readFileSync(path.join(pool.dir, `out.${proc}.txt`), 'utf8'), `result of ${proc}\n`);
  }
  t.notOk(fs.existsSync(path.join(pool.dir, 'results')), 'only transfer_output_files come back');

  const events = await waitForEvents(path.join(pool.dir, 'job.log'), (ev) => ev.filter((e) => e.code === 5).length === 3);
  for (const proc of [0, 1, 2]) {
    t.same(codes(events, 1, proc), [0, 40, 40, 1, 40, 40, 5], `event sequence of 1.${proc}`);
    const transfers = events.filter((e) => e.cluster === 1 && e.proc === proc && e.code === 40).map((e) => e.lines[0]);
    t.same(transfers, [
      'Started transferring input files',
      'Finished transferring input files',
      'Started transferring output files',
      'Finished transferring output files',
    ]);
    const terminated = events.find((e) => e.cluster === 1 && e.proc === proc && e.code === 5);
    t.equal(terminated?.lines[0], 'Job terminated.');
    t.equal(terminated?.lines[1], '\t(1) Normal termination (return value 0)');
  }
  const log = fs.readFileSync(path.join(pool.dir, 'job.log'), 'utf8');
  t.match(log, /^000 \(001\.000\.000\) \d{4}-\d\d-\d\d \d\d:\d\d:\d\d Job submitted from host: <127\.0\.0\.1:\d+\?addrs=127\.0\.0\.1-\d+>\n\.\.\.\n/);
  t.ok(log.endsWith('...\n'), 'the log ends with a whole event');

  const queue = await pool.run('condor_q', ['-af', 'ClusterId', 'ProcId']);
  t.equal(queue.stdout, '', 'finished jobs left the queue');
  const history = await pool.run('condor_history', ['-af', 'ClusterId', 'ProcId', 'JobStatus', 'ExitCode']);
  t.same(history.stdout.trim().split('\n').sort(), ['1 0 4 0', '1 1 4 0', '1 2 4 0']);
  const spool = (await pool.run('condor_config_val', ['SPOOL'])).stdout.trim();
  t.equal(spool, path.join(pool.home, 'spool'));
  t.notOk(fs.existsSync(path.join(spool, '1')), 'SPOOL directories of finished jobs are removed');
});

t.test('a job with nothing to transfer logs its transfers as HTCondor does; output = FILE still gets an empty stdout', async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 1 });
  fs.writeFileSync(
    path.join(pool.dir, 'quiet.sub'),
    'executable = /bin/true\ntransfer_executable = false\nlog = quiet.log\nqueue\noutput = quiet.out\nqueue\n',
  );
  const submitted = await pool.run('condor_submit', ['quiet.sub']);
  t.equal(submitted.code, 0, submitted.stderr);
  const events = await waitForEvents(path.join(pool.dir, 'quiet.log'), (ev) => ev.filter((e) => e.code === 5).length === 2);
  for (const proc of [0, 1]) {
    t.same(codes(events, 1, proc), [0, 40, 40, 1, 40, 40, 5], `event sequence of 1.${proc}`);
    const transfers = events.filter((e) => e.cluster === 1 && e.proc === proc && e.code === 40).map((e) => e.lines.join('\n'));
    t.match(transfers[0], /^Started transferring input files\n\tTransferring to host: <127\.0\.0\.1:\d+\?addrs=127\.0\.0\.1-\d+/);
    t.same(transfers.slice(1), ['Finished transferring input files', 'Started transferring output files', 'Finished transferring output files']);
  }
  t.equal(fs.readFileSync(path.join(pool.dir, 'quiet.out'), 'utf8'), '', 'the empty stdout was transferred to output');
  t.same(fs.readdirSync(pool.dir).sort(), ['quiet.log', 'quiet.out', 'quiet.sub'], 'nothing else came back');
});

t.test("a job's CPU time, its children's included, reaches its ad and its 005 event", async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 1 });
  fs.writeFileSync(path.join(pool.dir, 'busy.sh'), '#!/bin/sh\nsh -c \'i=0; while [ $i -lt 400000 ]; do i=$((i+1)); done\'\n', { mode: 0o755 });
  fs.writeFileSync(path.join(pool.dir, 'busy.sub'), 'executable = busy.sh\nlog = busy.log\nqueue\n');
  const submitted = await pool.run('condor_submit', ['busy.sub']);
  t.equal(submitted.code, 0, submitted.stderr);
  const events = await waitForEvents(path.join(pool.dir, 'busy.log'), (ev) => ev.some((e) => e.code === 5));
  const history = await pool.run('condor_history', ['-af', 'RemoteUserCpu', 'RemoteSysCpu']);
  const [user, system] = history.stdout.trim().split(/\s+/).map(Number);
  t.ok(user + system > 0.05, `RemoteUserCpu ${user}, RemoteSysCpu ${system}`);
  const terminated = events.find((e) => e.code === 5);
  t.match(terminated?.lines.join('\n'), /Usr \d+ \d\d:\d\d:\d\d, Sys \d+ \d\d:\d\d:\d\d {2}- {2}Run Remote Usage/);
});

t.test('condor_q views, condor_rm of a job and of a cluster', async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 1 });
  writeExecutable(path.join(pool.dir, 'sleep.sh'), '#!/bin/bash\necho started\nexec sleep 300\n');
  fs.writeFileSync(path.join(pool.dir, 'sleep.sub'), 'executable = sleep.sh\nlog = sleep.log\noutput = sleep.$(Process).out\nqueue 3\n');
  t.equal((await pool.run('condor_submit', ['sleep.sub'])).code, 0);
  const logFile = path.join(pool.dir, 'sleep.log');
  await waitForEvents(logFile, (ev) => ev.some((e) => e.code === 1));

  const af = await pool.run('condor_q', ['-af', 'ClusterId', 'ProcId', 'JobStatus']);
  t.equal(af.stdout, '1 0 2\n1 1 1\n1 2 1\n');
  const json = JSON.parse((await pool.run('condor_q', ['-json'])).stdout) as Record<string, unknown>[];
  t.equal(json.length, 3);
  t.equal(json[0].ClusterId, 1);
  t.equal(json[0].JobStatus, 2);
  t.match(json[0].Cmd, /sleep\.sh$/);
  const totals = await pool.run('condor_q', ['-totals']);
  t.match(totals.stdout, /Total for query: 3 jobs; 0 completed, 0 removed, 2 idle, 1 running, 0 held, 0 suspended/);
  const nobatch = await pool.run('condor_q', ['-nobatch']);
  t.match(nobatch.stdout, / ID\s+OWNER\s+SUBMITTED\s+RUN_TIME ST PRI SIZE CMD/);
  t.match(nobatch.stdout, /\n\s*1\.0\s+\S+\s+\d+\/\d+ +\d\d:\d\d\s+0\+00:00:\d\d R\s+0\s+[\d.]+ sleep\.sh/);
  const batch = await pool.run('condor_q', []);
  t.match(batch.stdout, /OWNER\s+BATCH_NAME\s+SUBMITTED\s+DONE\s+RUN\s+IDLE\s+TOTAL JOB_IDS/);
  t.match(batch.stdout, /ID: 1\s+\d+\/\d+ +\d\d:\d\d\s+_\s+1\s+2\s+3 1\.0-2/);

  const removed = await pool.run('condor_rm', ['1.0']);
  t.equal(removed.stdout, 'Job 1.0 marked for removal\n');
  t.equal(removed.code, 0);
  // The freed slot goes to the next idle job at once.
  const events = await waitForEvents(logFile, (ev) => ev.some((e) => e.code === 9) && ev.filter((e) => e.code === 1).length === 2);
  t.same(codes(events, 1, 0), [0, 40, 40, 1, 9]);
  t.equal(events.find((e) => e.code === 9)?.lines[1], `\tvia condor_rm (by user ${os.userInfo().username})`);

  const missing = await pool.run('condor_rm', ['1.7']);
  t.equal(missing.stderr, '\nJob 1.7 not found\n', "rm.cpp prints the schedd's (empty) error stack first");
  t.equal(missing.code, 1);

  const cluster = await pool.run('condor_rm', ['1']);
  t.equal(cluster.stdout, 'All jobs in cluster 1 have been marked for removal\n');
  const all = await waitForEvents(logFile, (ev) => ev.filter((e) => e.code === 9).length === 3);
  t.equal(all.filter((e) => e.code === 9).length, 3);
  t.equal((await pool.run('condor_q', ['-af', 'ProcId'])).stdout, '');
  const history = await pool.run('condor_history', ['-af', 'ProcId', 'JobStatus']);
  t.same(history.stdout.trim().split('\n').sort(), ['0 3', '1 3', '2 3']);
  // 1.0 left the queue first: the last newest first, the first with -forwards; -since 1.0 stops before it.
  t.equal(history.stdout.trim().split('\n')[2], '0 3', 'newest first');
  t.equal((await pool.run('condor_history', ['-forwards', '-af', 'ProcId'])).stdout.split('\n')[0], '0', '-forwards: oldest first');
  t.same((await pool.run('condor_history', ['-since', '1.0', '-af', 'ProcId'])).stdout.trim().split('\n').sort(), ['1', '2'], '-since a job id');
  t.equal((await pool.run('condor_history', ['-completedsince', '0', '-af', 'ProcId'])).stdout.trim().split('\n').length, 3, 'removed jobs have no CompletionDate to stop at');
  const refused = await pool.run('condor_history', ['-forwards', '-since', '1.0']);
  t.same([refused.code, refused.stderr], [1, 'Error: Argument -forwards cannot be combined with -since.\n']);
  const status = await pool.run('condor_status', ['-af', 'Name', 'State']);
  t.equal(status.stdout, 'slot1@startd1 Unclaimed\n', 'the killed job released its slot');
});

t.test('initialdir, queue ... from, and should_transfer_files = NO on the shared filesystem', async (t) => {
  const pool = await startPool(t, { startds: 2, cpus: 1 });
  writeExecutable(path.join(pool.dir, 'greet.sh'), '#!/bin/bash\necho "$1 from $(basename $PWD)" > greeting.txt\necho "said $1"\n');
  for (const d of ['red', 'blue']) fs.mkdirSync(path.join(pool.dir, d));
  fs.writeFileSync(path.join(pool.dir, 'colors.txt'), 'red, hello\nblue, hi\n');
  fs.writeFileSync(
    path.join(pool.dir, 'colors.sub'),
    `executable = greet.sh
initialdir = $(color)
arguments = $(word)
output = out.txt
log = ../colors.log
queue color, word from colors.txt
`,
  );
  t.equal((await pool.run('condor_submit', ['colors.sub'])).code, 0);
  t.equal((await pool.run('condor_wait', ['-wait', '60', 'colors.log'])).code, 0);
  t.match(fs.readFileSync(path.join(pool.dir, 'red', 'greeting.txt'), 'utf8'), /^hello from dir_\d+_[A-Za-z0-9_-]{22}\n$/, 'ran in a sandbox; output came back to initialdir');
  t.equal(fs.readFileSync(path.join(pool.dir, 'blue', 'out.txt'), 'utf8'), 'said hi\n');

  fs.writeFileSync(path.join(pool.dir, 'shared.sub'), 'executable = greet.sh\narguments = shared\nshould_transfer_files = NO\noutput = shared.out\nerror = shared.err\nlog = shared.log\nqueue\n');
  // An earlier run's output is not kept: the starter truncates the file it opens (erase_output_and_error_on_restart).
  fs.writeFileSync(path.join(pool.dir, 'shared.out'), 'an earlier run\n');
  t.equal((await pool.run('condor_submit', ['shared.sub'])).code, 0);
  t.equal((await pool.run('condor_wait', ['-wait', '60', 'shared.log'])).code, 0);
  t.equal(fs.readFileSync(path.join(pool.dir, 'greeting.txt'), 'utf8'), `shared from ${path.basename(pool.dir)}\n`, 'ran in the submit directory');
  t.equal(fs.readFileSync(path.join(pool.dir, 'shared.out'), 'utf8'), 'said shared\n');
  const events = await waitForEvents(path.join(pool.dir, 'shared.log'), (ev) => ev.some((e) => e.code === 5));
  t.same(codes(events, 2, 0), [0, 1, 5], 'no file transfer events without file transfer');
});

t.test('the schedd and its startds run with the flags the first line of tinycondor.js gives node', async (t) => {
  const pool = await startPool(t, { startds: 2, cpus: 1 });
  const daemonFlags = ['--no-concurrent-marking'];
  const pid = pool.process.pid as number;
  const startds = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).map(Number);
  t.equal(startds.length, 2, 'the pool process has a child per startd');
  for (const daemon of [pid, ...startds]) {
    const argv = fs.readFileSync(`/proc/${daemon}/cmdline`, 'utf8').split('\0');
    t.ok(daemonFlags.every((flag) => argv.includes(flag)), `${argv.join(' ')}`);
  }
});
