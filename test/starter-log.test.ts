// starter_debug / starter_log as HTCondor's starter keeps them: the run's own log, written in the sandbox as
// `.starter.log` with the debug flags given (Starter::execJobPipeStarter), left there unless starter_log
// names where it goes back with the output (JICShadow::transferOutputStart, modifyFileTransferObject); for a
// job submitted with -spool, condor_transfer_data brings it back.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { eventually, startPool, waitForEvents, writeExecutable } from './helpers/pool.js';

const HEADER = /^\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d /;

t.test('the starter log: returned to starter_log with its flags, or kept in the sandbox for starter_debug alone', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'job.sh'), '#!/bin/sh\necho hello\n');
  fs.mkdirSync(path.join(pool.dir, 'logs'));
  fs.writeFileSync(
    path.join(pool.dir, 'returned.sub'),
    'executable = job.sh\narguments = a b\noutput = returned.out\nshould_transfer_files = YES\nstarter_debug = D_FULLDEBUG D_PID D_CAT\nstarter_log = logs/job.starter.log\nlog = returned.log\nqueue\n',
  );
  const submitted = await pool.run('condor_submit', ['returned.sub']);
  t.equal(submitted.code, 0, submitted.stderr);
  t.notMatch(submitted.stderr, /starter_(debug|log)/, 'no warning: the starter log is written');
  await waitForEvents(path.join(pool.dir, 'returned.log'), (ev) => ev.some((e) => e.code === 5));
  const lines = fs.readFileSync(path.join(pool.dir, 'logs', 'job.starter.log'), 'utf8').split('\n').slice(0, -1);
  t.ok(lines.length > 0);
  for (const line of lines) t.match(line, /^\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d \(pid:\d+\) \(D_(ALWAYS|ALWAYS:2|ERROR)\) /, 'D_PID and D_CAT headers');
  const text = lines.join('\n');
  t.match(text, /\(D_ALWAYS\) Starting a VANILLA universe job with ID: 1\.0$/m);
  t.match(text, /\(D_ALWAYS:2\) ShouldTransferFiles is "YES", transfering files$/m, 'D_FULLDEBUG lines with D_FULLDEBUG');
  t.match(text, /\(D_ALWAYS\) About to exec \S+\/job\.sh a b$/m);
  const pid = /Create_Process succeeded, pid=(\d+)$/m.exec(text)?.[1];
  t.ok(pid);
  t.match(text, new RegExp(`Process exited, pid=${pid}, status=0$`, 'm'));
  t.equal(fs.readFileSync(path.join(pool.dir, 'returned.out'), 'utf8'), 'hello\n');
  t.notOk(fs.existsSync(path.join(pool.dir, '.starter.log')), 'remapped, not left under its sandbox name');

  // The job reads its own starter log, which stays in the sandbox.
  writeExecutable(
    path.join(pool.dir, 'reader.sh'),
    "#!/bin/sh\ni=0\nwhile ! /bin/grep -q 'Create_Process succeeded' .starter.log 2>/dev/null && [ $i -lt 300 ]; do /bin/sleep 0.1; i=$((i+1)); done\n/bin/cat .starter.log\n",
  );
  fs.writeFileSync(path.join(pool.dir, 'kept.sub'), 'executable = reader.sh\noutput = kept.out\nshould_transfer_files = YES\nstarter_debug = true\nlog = kept.log\nqueue\n');
  t.equal((await pool.run('condor_submit', ['kept.sub'])).code, 0);
  await waitForEvents(path.join(pool.dir, 'kept.log'), (ev) => ev.some((e) => e.code === 5));
  const seen = fs.readFileSync(path.join(pool.dir, 'kept.out'), 'utf8');
  t.match(seen, /^\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d Starting a VANILLA universe job with ID: 2\.0$/m, 'true: the startd log\'s own level and no header flags');
  t.match(seen, /Create_Process succeeded, pid=\d+$/m);
  t.notMatch(seen, /ShouldTransferFiles/, 'the startd logs at info: no D_FULLDEBUG lines');
  for (const line of seen.split('\n').slice(0, -1)) t.match(line, HEADER);
  t.notOk(fs.existsSync(path.join(pool.dir, '.starter.log')), 'not sent back without starter_log');
});

t.test('a job submitted with -spool: condor_transfer_data brings its starter log back', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'job.sh'), '#!/bin/sh\necho spooled\n');
  fs.writeFileSync(path.join(pool.dir, 'spooled.sub'), 'executable = job.sh\noutput = spooled.out\nstarter_log = spooled.starter.log\nlog = spooled.log\nqueue\n');
  const submitted = await pool.run('condor_submit', ['-spool', 'spooled.sub']);
  t.equal(submitted.code, 0, submitted.stderr);
  t.notMatch(submitted.stderr, /starter_(debug|log)/);
  await eventually('the job completed', async () => ((await pool.run('condor_q', ['1.0', '-af', 'JobStatus'])).stdout.trim() === '4' ? true : undefined));
  t.notOk(fs.existsSync(path.join(pool.dir, 'spooled.starter.log')), 'kept in SPOOL until fetched');
  const fetched = await pool.run('condor_transfer_data', ['1.0']);
  t.equal(fetched.code, 0, fetched.stderr);
  t.equal(fs.readFileSync(path.join(pool.dir, 'spooled.out'), 'utf8'), 'spooled\n');
  t.match(fs.readFileSync(path.join(pool.dir, 'spooled.starter.log'), 'utf8'), /^\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d Starting a VANILLA universe job with ID: 1\.0$/m);
});
