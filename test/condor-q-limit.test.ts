// Issue 24: the options condor_q and condor_history turn into the schedd's query reach it and are applied
// there, as HTCondor's schedd applies them (schedd.cpp command_query_job_ads: the my-jobs clause, LimitResults,
// the summary ad; history.cpp's -scanlimit): condor_q -limit N shows the first N of the jobs asked for, with
// the schedd's totals.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { resubmitAs } from './helpers/as-owner.js';
import { runCommand, startPool } from './helpers/pool.js';

const me = os.userInfo().username;
const line = (label: string, jobs: number, idle: number, held: number) =>
  `Total for ${label}: ${jobs} jobs; 0 completed, 0 removed, ${idle} idle, 0 running, ${held} held, 0 suspended`;

t.test('condor_q -limit: the first N of the jobs asked for, with the totals the schedd counted', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  fs.writeFileSync(path.join(pool.dir, 'held.sub'), 'executable = /bin/true\nhold = true\nqueue 3\n');
  t.equal((await pool.run('condor_submit', ['held.sub'])).code, 0);
  // Another user's jobs (held too; 2.0 and 3.1), then an idle job of hers that no slot matches (4.0).
  const held = { JobStatus: '5', HoldReason: '"held"', HoldReasonCode: '15' };
  await resubmitAs(pool, '1.0', 'alice', held);
  await resubmitAs(pool, '1.1', 'alice', held);
  fs.writeFileSync(path.join(pool.dir, 'idle.sub'), 'executable = /bin/true\nrequirements = false\nqueue\n');
  t.equal((await pool.run('condor_submit', ['idle.sub'])).code, 0);
  const af = async (args: string[]) => {
    const result = await pool.run('condor_q', [...args, '-af', 'ClusterId', 'ProcId']);
    t.equal(result.stderr, '', args.join(' '));
    return result.stdout;
  };

  t.equal(await af(['-limit', '1']), '1 0\n', '-limit 1 shows one job');
  t.equal(await af(['-limit', '3']), '1 0\n1 1\n1 2\n');
  t.equal(await af(['-limit', '4']), '1 0\n1 1\n1 2\n4 0\n', 'her own jobs: the limit counts none of alice\'s');
  t.equal(await af(['-allusers', '-limit', '4']), '1 0\n1 1\n1 2\n2 0\n', 'everyone\'s, in the schedd\'s order');
  t.equal(await af(['alice', '-limit', '1']), '2 0\n', 'an owner named');
  t.equal(await af(['-constraint', 'ProcId == 0']), '1 0\n4 0\n', 'the constraint and her own jobs');
  t.equal(await af(['2']), '2 0\n', 'a cluster named: anyone\'s');
  t.equal((await pool.run('condor_q', ['-limit', '1', '-attributes', 'ClusterId,Owner', '-long:newl'])).stdout, `[ ClusterId = 1; Owner = "${me}" ]\n`, '-attributes: only those');

  const limited = await pool.run('condor_q', ['-limit', '2', '-nobatch']);
  t.equal(limited.code, 0, limited.stderr);
  const rows = limited.stdout.split('\n');
  t.same(rows.slice(4, 7).map((row) => row.trim().split(/\s+/)[0]), ['1.0', '1.1', ''], 'two jobs shown');
  t.same(rows.slice(7), [`${line('query', 2, 0, 2)} `, `${line(me, 4, 1, 3)} `, line('all users', 6, 1, 5), '', ''], 'the query counts the jobs shown; hers and all users\' are whole');

  const totals = await pool.run('condor_q', ['-totals']);
  t.same(totals.stdout.split('\n').slice(3), [`${line('query', 4, 1, 3)} `, `${line(me, 4, 1, 3)} `, line('all users', 6, 1, 5), '', '']);
  const limitedTotals = await pool.run('condor_q', ['-totals', '-limit', '1']);
  t.equal(limitedTotals.stdout.split('\n')[3], `${line('query', 1, 0, 1)} `, '-totals counts at most -limit jobs too');
  const everyone = await pool.run('condor_q', ['-allusers', '-totals', '-constraint', 'JobStatus == 5']);
  t.same(everyone.stdout.split('\n').slice(3), [`${line('query', 5, 0, 5)} `, line('all users', 6, 1, 5), '', ''], '-allusers: no line of her own');

  // With alice's own token the schedd shows alice's jobs, whoever runs condor_q (HTCondor: the authenticated user, not Me).
  const issued = await pool.run('tinycondor', ['token', 'create', 'alice']);
  t.equal(issued.code, 0, issued.stderr);
  const tokenFile = path.join(pool.dir, 'alice.token');
  fs.writeFileSync(tokenFile, issued.stdout, { mode: 0o600 });
  const asAlice = async (args: string[]) => runCommand('condor_q', args, { ...pool.env, _CONDOR_TINYCONDOR_TOKEN_FILE: tokenFile }, pool.dir);
  t.equal((await asAlice(['-af', 'ClusterId', 'ProcId'])).stdout, '2 0\n3 1\n', 'resubmitAs keeps the template\'s ProcId');
  const aliceTotals = await asAlice(['-limit', '1', '-totals']);
  t.same(aliceTotals.stdout.split('\n').slice(3), [`${line('query', 1, 0, 1)} `, `${line('alice', 2, 0, 2)} `, line('all users', 6, 1, 5), '', '']);

  // CONDOR_Q_ONLY_MY_JOBS = false: condor_q asks for every job, and the schedd ignores a my-jobs query.
  fs.writeFileSync(path.join(pool.home, 'config.d', 'all-jobs'), 'CONDOR_Q_ONLY_MY_JOBS = false\n');
  t.equal(await af(['-limit', '4']), '1 0\n1 1\n1 2\n2 0\n');
  const allTotals = await pool.run('condor_q', ['-totals']);
  t.same(allTotals.stdout.split('\n').slice(3), [`${line('query', 6, 1, 5)} `, line('all users', 6, 1, 5), '', ''], 'no line of her own');
  const askingMine = await runCommand('condor_q', ['-af', 'ClusterId'], { ...pool.env, _CONDOR_CONDOR_Q_ONLY_MY_JOBS: 'true', _CONDOR_TINYCONDOR_TOKEN_FILE: tokenFile }, pool.dir);
  t.equal(askingMine.stdout, '1\n1\n1\n2\n3\n4\n', "the schedd's configuration says every job, whatever the tool asks");
});

t.test('condor_history -scanlimit, -limit, -since, -completedsince and -forwards reach the schedd', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  fs.writeFileSync(path.join(pool.dir, 'held.sub'), 'executable = /bin/true\nhold = true\nqueue 4\n');
  t.equal((await pool.run('condor_submit', ['held.sub'])).code, 0);
  for (const proc of [0, 1, 2, 3]) t.equal((await pool.run('condor_rm', [`1.${proc}`])).code, 0);
  const history = async (args: string[]) => {
    const result = await pool.run('condor_history', [...args, '-af', 'ProcId']);
    t.equal(result.stderr, '', args.join(' '));
    return result.stdout;
  };

  t.equal(await history([]), '3\n2\n1\n0\n', 'newest first');
  t.equal(await history(['-scanlimit', '2']), '3\n2\n', 'two ads read');
  t.equal(await history(['-scanlimit', '2', '-constraint', 'ProcId == 0']), '', 'the job selected is past the scan limit');
  t.equal(await history(['-limit', '1', '-constraint', 'ProcId < 2']), '1\n');
  t.equal(await history(['-since', '1.1']), '3\n2\n', 'the scan stops at 1.1');
  t.equal(await history(['-forwards', '-limit', '2']), '0\n1\n');
  const dates = (await pool.run('condor_history', ['-af', 'CompletionDate'])).stdout.trim().split('\n').map(Number);
  t.equal(await history(['-completedsince', String(Math.min(...dates) - 1)]), '3\n2\n1\n0\n', 'all completed after it');
  t.equal(await history(['-completedsince', String(Math.max(...dates))]), '', 'the scan stops at the first completed by then');
});
