import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { startPool, waitForEvents } from './helpers/pool.js';

/**
 * issue 18 item 6: an expression that backtracks exponentially (regexp "^(a+)+$") or builds a string of
 * 10 × 2^40 characters (a doubling strcat) once blocked the schedd for good. Now a regexp runs in linear
 * time and evaluates to its answer, an expression past the evaluation budget is ERROR, and the schedd
 * answers other requests while it evaluates such expressions, in its policy and in constraints.
 */

const doublings = Array.from({ length: 40 }, (_, i) => `+A${i + 1} = strcat(A${i}, A${i})`).join('\n');
/** 40 a's and a b: an exponential backtracker tries 2^40 ways to match it. */
const BACKTRACKING = 'regexp("^(a+)+$", strcat(A0, A0, A0, A0, "b"))';
/** 10 × 2^40 characters: over the size budget, so ERROR. */
const HUGE = 'size(A40) > 0';

t.test('pathological expressions in periodic_remove and in constraints neither stop the schedd nor act', async (t) => {
  const pool = await startPool(t, { startds: 1, periodic: 1 });
  fs.writeFileSync(
    path.join(pool.dir, 'p.sub'),
    `executable = /bin/true
log = p.log
requirements = Cpus > 1000
+A0 = "aaaaaaaaaa"
${doublings}
periodic_remove = ${BACKTRACKING}
queue
periodic_remove = ${HUGE}
queue
periodic_remove = ProcId == 2
queue
`,
  );
  t.equal((await pool.run('condor_submit', ['p.sub'])).code, 0);
  // The policy reaches proc 2 only past procs 0 and 1, whose expressions are evaluated first.
  const events = await waitForEvents(path.join(pool.dir, 'p.log'), (ev) => ev.some((e) => e.code === 9));
  t.same(events.filter((e) => e.code === 9).map((e) => e.proc), [2], 'only the job whose periodic_remove is true is removed');

  // Pathological constraints from several clients at once, and a plain query among them.
  const [backtracking, huge, remove, one] = await Promise.all([
    pool.run('condor_q', ['-constraint', BACKTRACKING, '-af', 'ProcId']),
    pool.run('condor_q', ['-constraint', HUGE, '-af', 'ProcId']),
    pool.run('condor_rm', ['-constraint', HUGE]),
    pool.run('condor_q', ['1.1', '-af', 'ProcId', 'JobStatus']),
  ]);
  t.same([one.code, one.stdout], [0, '1 1\n'], 'the query of one job is answered');
  t.same([backtracking.code, backtracking.stdout], [0, ''], 'the regexp is false for every job: none is listed');
  t.same([huge.code, huge.stdout], [0, ''], 'the huge string is ERROR: no job is selected');
  t.equal(remove.code, 1);
  t.equal(remove.stderr, `\nCouldn't find/remove all jobs matching constraint (${HUGE})\n`);
  const history = await pool.run('condor_history', ['-constraint', HUGE, '-af', 'ProcId']);
  t.same([history.code, history.stdout], [0, ''], 'condor_history evaluates it as ERROR too');

  const left = await pool.run('condor_q', ['-af', 'ProcId', 'JobStatus']);
  t.equal(left.stdout, '0 1\n1 1\n', 'the jobs with pathological policies are still idle in the queue');
  t.equal((await pool.run('condor_q', ['-constraint', 'regexp("^(a+)+$", strcat(A0, A0))', '-af', 'ProcId'])).stdout, '0\n1\n', 'a matching regexp selects');
});
