import fs from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { eventually, startPool, waitForEvents, writeExecutable, type TestPool } from '../helpers/pool.js';

/** The queue is a database still: the schedd answers and the file starts with SQLite's header. */
async function queueIsIntact(t: Test, pool: TestPool): Promise<void> {
  const header = fs.readFileSync(path.join(pool.home, 'spool', 'job_queue.sqlite')).subarray(0, 16).toString('latin1');
  t.equal(header, 'SQLite format 3\0', 'the queue file is untouched');
  t.equal((await pool.run('condor_q', ['-af', 'ClusterId'])).code, 0, 'the schedd answers');
}

t.test('a job may not name the pool\'s own directory as its initialdir or its log', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'hello.sh'), '#!/bin/sh\necho hello\n');
  const spool = path.join(pool.home, 'spool');
  fs.writeFileSync(path.join(pool.dir, 'iwd.sub'), `executable = ${pool.dir}/hello.sh\ninitialdir = ${spool}\noutput = job_queue.sqlite\nerror = job_queue.sqlite-wal\nqueue\n`);
  const iwd = await pool.run('condor_submit', ['iwd.sub']);
  t.not(iwd.code, 0, 'condor_submit fails');
  t.match(iwd.stderr, /Iwd .*spool is inside the pool's own directory/);
  fs.symlinkSync(spool, path.join(pool.dir, 'sp'));
  fs.writeFileSync(path.join(pool.dir, 'log.sub'), 'executable = hello.sh\nlog = sp/job_queue.sqlite\nqueue\n');
  const log = await pool.run('condor_submit', ['log.sub']);
  t.not(log.code, 0, 'a log reached through a link is refused too');
  t.match(log.stderr, /UserLog .*is inside the pool's own directory/);
  t.equal((await pool.run('condor_q', ['-af', 'ClusterId'])).stdout, '', 'nothing was queued');
  await queueIsIntact(t, pool);
});

t.test('outputs reached through a link into the pool are not written; the job is held', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'hello.sh'), '#!/bin/sh\necho hello\n');
  fs.symlinkSync(path.join(pool.home, 'spool'), path.join(pool.dir, 'sp'));
  fs.writeFileSync(
    path.join(pool.dir, 'out.sub'),
    'executable = hello.sh\nlog = out.log\noutput = sp/job_queue.sqlite\nerror = sp/job_queue.sqlite-wal\nqueue\n',
  );
  t.equal((await pool.run('condor_submit', ['out.sub'])).code, 0);
  const events = await waitForEvents(path.join(pool.dir, 'out.log'), (ev) => ev.some((e) => e.code === 12 || e.code === 5));
  const held = events.find((e) => e.code === 12);
  t.ok(held, 'the job is held, not completed');
  t.match(held?.lines.join('\n'), /job_queue\.sqlite.*inside the pool's own directory/);
  await queueIsIntact(t, pool);
});

t.test('inputs are not read from the pool: its token, another job\'s SPOOL directory', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'cat.sh'), '#!/bin/sh\n/bin/cat * > /dev/null\n');
  fs.symlinkSync(path.join(pool.home, 'pool.token'), path.join(pool.dir, 'token'));
  fs.writeFileSync(path.join(pool.dir, 'victim.sub'), 'executable = cat.sh\nlog = victim.log\nhold = true\nqueue\n');
  t.equal((await pool.run('condor_submit', ['victim.sub'])).code, 0);
  const victimSpool = path.join(pool.home, 'spool', '1', '0', 'cluster1.proc0.subproc0');
  fs.writeFileSync(
    path.join(pool.dir, 'thief.sub'),
    `executable = cat.sh\nlog = thief.log\ntransfer_input_files = token\nqueue\ntransfer_input_files = ${victimSpool}\nqueue\ntransfer_input_files = ${pool.home}/log/\nqueue\n`,
  );
  t.equal((await pool.run('condor_submit', ['thief.sub'])).code, 0);
  const events = await waitForEvents(path.join(pool.dir, 'thief.log'), (ev) => ev.filter((e) => e.code === 12).length === 3);
  for (const held of events.filter((e) => e.code === 12)) {
    t.match(held.lines[1], /Transfer input files failure .*Permission denied: .*inside the pool's own directory/, `proc ${held.proc}`);
    t.equal(held.lines[2], '\tCode 13 Subcode 0');
  }
  const reasons = await eventually('three held jobs', async () => {
    const q = await pool.run('condor_q', ['2', '-af', 'JobStatus']);
    return q.stdout === '5\n5\n5\n' ? q.stdout : undefined;
  });
  t.equal(reasons, '5\n5\n5\n');
  await queueIsIntact(t, pool);
});
