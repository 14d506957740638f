// The schedd's HISTORY file (classadHistory.cpp AppendHistory, MaybeRotateHistory) and condor_history reading
// it (history.cpp): -local and -extract read the files, the default asks the schedd, whose history keeps what
// the files keep; -name and -pool reach this pool's schedd only.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { rotatedFiles } from '@tinycondor/shared/rotated-files';
import { eventually, rest, startPool, waitForEvents } from './helpers/pool.js';

t.test('the history file is rotated past MAX_HISTORY_LOG, and what the deleted rotation held leaves condor_history', async (t) => {
  const pool = await startPool(t, { startds: 1, env: { _CONDOR_MAX_HISTORY_LOG: '1000', _CONDOR_MAX_HISTORY_ROTATIONS: '1' } });
  const history = (args: string[]) => pool.run('condor_history', args);
  const spool = (await pool.run('condor_config_val', ['SPOOL'])).stdout.trim();
  const file = path.join(spool, 'history');
  const submit = async (n: number) => {
    fs.writeFileSync(path.join(pool.dir, 'job.sub'), 'executable = /bin/true\ntransfer_executable = false\nlog = job.log\nqueue\n');
    t.equal((await pool.run('condor_submit', ['job.sub'])).code, 0);
    await waitForEvents(path.join(pool.dir, 'job.log'), (events) => events.filter((e) => e.code === 5).length === n, 60_000);
    await eventually(`job ${n} in the history file`, () => fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes(`*** Offset = `) && fs.readFileSync(file, 'utf8').includes(`ClusterId = ${n} ProcId`) || undefined);
  };
  await submit(1);
  const first = fs.readFileSync(file, 'utf8');
  t.match(first, /\n\*\*\* Offset = 0 ClusterId = 1 ProcId = 0 Owner = "[^"]+" CompletionDate = \d+ CurrentTime = \d+\n$/, "AppendHistory's banner");
  t.ok(first.length > 1000, `a job ad (${first.length} bytes) is past MAX_HISTORY_LOG: each one rotates the file`);
  t.equal((await history(['-local', '-af', 'ClusterId', 'JobStatus'])).stdout, '1 4\n', '-local reads HISTORY');
  await submit(2);
  t.equal(rotatedFiles(file).length, 1, 'rotated before the second ad');
  t.equal((await history(['-local', '-af', 'ClusterId'])).stdout, '2\n1\n', 'through the rotated file, newest first');
  await submit(3);
  t.equal(rotatedFiles(file).length, 1, 'MAX_HISTORY_ROTATIONS = 1');
  t.equal((await history(['-local', '-af', 'ClusterId'])).stdout, '3\n2\n');
  t.equal((await history(['-af', 'ClusterId'])).stdout, '3\n2\n', "the schedd's history no longer has job 1 either");
  t.equal((await history(['-search', file, '-forwards', '-af', 'ClusterId'])).stdout, '2\n3\n');
  const preen = await pool.run('condor_preen', ['-remove']);
  t.same([preen.code, rotatedFiles(file).length, fs.existsSync(file)], [0, 1, true], `condor_preen keeps HISTORY's files (param's default): ${preen.stdout}`);

  const out = path.join(pool.dir, 'extracted');
  const extract = await history(['-extract', out, '2', '-af', 'ClusterId']);
  t.same([extract.code, extract.stdout], [0, `2\n\nWriting 1 matched ads to ${out}...\n`], '-extract reads the files HISTORY names');
  t.match(fs.readFileSync(out, 'utf8'), /\nClusterId = 2\n[^]*\*\*\* Offset = 0 ClusterId = 2 ProcId = 0 /);

  const scheddName = (await pool.run('condor_config_val', ['SCHEDD_NAME'])).stdout.trim();
  t.equal((await history(['-name', scheddName, '-af', 'ClusterId'])).stdout, '3\n2\n', '-name this schedd asks it');
  const other = await history(['-name', 'elsewhere', '-af', 'ClusterId']);
  t.same([other.code, other.stderr], [1, 'Unable to locate remote schedd (name=elsewhere, pool=).\n']);
  const otherPool = await history(['-pool', 'cm.example.org', '-af', 'ClusterId']);
  t.same([otherPool.code, otherPool.stderr], [1, 'Unable to locate remote schedd (name=, pool=cm.example.org).\n']);
  const remoteExtract = await history(['-name', scheddName, '-extract', out, '2']);
  t.same([remoteExtract.code, remoteExtract.stderr], [1, 'Error: -extract can only be used when reading directly from a history file\n']);
});

t.test('HISTORY set empty: no history is kept, and -local says so in history.cpp\'s words', async (t) => {
  const pool = await startPool(t, { startds: 1, env: { _CONDOR_HISTORY: '' } });
  fs.writeFileSync(path.join(pool.dir, 'job.sub'), 'executable = /bin/true\ntransfer_executable = false\nlog = job.log\nqueue\n');
  t.equal((await pool.run('condor_submit', ['job.sub'])).code, 0);
  await waitForEvents(path.join(pool.dir, 'job.log'), (events) => events.some((e) => e.code === 5), 60_000);
  await eventually('the job gone from the queue', async () => (await pool.run('condor_q', ['-af', 'ClusterId'])).stdout === '' || undefined);
  for (const args of [[], ['-local']]) {
    const unset = await pool.run('condor_history', args);
    t.same([unset.code, unset.stdout, unset.stderr.split('\n')[0]], [1, '', 'Error: No passed search file and configuration key HISTORY is unset.'], args.join(' '));
  }
  const scheddName = (await pool.run('condor_config_val', ['SCHEDD_NAME'])).stdout.trim();
  const remote = await pool.run('condor_history', ['-name', scheddName]);
  t.same([remote.code, remote.stderr], [5, 'Error 5: HISTORY undefined in remote configuration. No such related history to be queried.\n'], "the schedd's error ad");
  t.equal((await rest(pool, 'GET', '/v1/history')).body.ads?.toString(), '', 'the schedd kept no history');
});

t.test("the startd's STARTD_HISTORY: each run's job ad, rotated as HISTORY is; condor_history -startd reads it", async (t) => {
  const pool = await startPool(t, { startds: 1, env: { _CONDOR_MAX_HISTORY_LOG: '1000', _CONDOR_MAX_HISTORY_ROTATIONS: '1' } });
  const logDir = (await pool.run('condor_config_val', ['LOG'])).stdout.trim();
  const file = path.join(logDir, 'startd_history');
  fs.writeFileSync(path.join(pool.dir, 'job.sub'), 'executable = /bin/sh\narguments = "-c \'exit 3\'"\ntransfer_executable = false\nlog = job.log\nqueue 2\n');
  t.equal((await pool.run('condor_submit', ['job.sub'])).code, 0);
  await waitForEvents(path.join(pool.dir, 'job.log'), (events) => events.filter((e) => e.code === 5).length === 2, 60_000);
  await eventually('both runs in the startd history', async () => (await pool.run('condor_history', ['-startd', '-af', 'ProcId'])).stdout.split('\n').length === 3 || undefined);
  t.equal(rotatedFiles(file).length, 1, 'a job ad is past MAX_HISTORY_LOG: the second rotated the file');
  t.match(fs.readFileSync(file, 'utf8'), /\n\*\*\* Offset = 0 ClusterId = 1 ProcId = \d Owner = "[^"]+" CompletionDate = \d+ CurrentTime = \d+\n$/, "AppendHistory's banner");
  const shown = await pool.run('condor_history', ['-startd', '-forwards', '-af', 'ClusterId', 'JobStatus', 'StarterExitStatus', 'RemoteWallClockTime >= 0', 'CompletionDate > 0']);
  t.same(shown.stdout.split('\n').map((line) => line.replace(/^1 /, '')), ['4 0 true true', '4 0 true true', ''], "Starter::exited's attributes: COMPLETED, whatever the job's exit code");
  const remote = await pool.run('condor_history', ['-startd', '-name', 'x']);
  t.same([remote.code, remote.stderr], [1, 'condor_history: -startd with -name or -pool is not supported by tinycondor: its startds answer no history queries; run it where the startd runs\n']);
});
