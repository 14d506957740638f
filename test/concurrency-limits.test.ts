import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import type { ParsedEvent } from '@tinycondor/shared/eventlog/index';
import { codes, eventually, startPool, waitForEvents, writeExecutable, type TestPool } from './helpers/pool.js';

// concurrency_limits, as HTCondor's negotiator enforces them (matchmaker.cpp rejectForConcurrencyLimits, the
// Accountant's GetLimitMax): the pool's condor_config sets <NAME>_LIMIT; a job whose limit would go over it
// stays idle, with LastRejMatchReason saying so, until a job holding the limit ends.

/** Appends lines to the pool's condor_config (the user's file): the schedd reads it again when it changes. */
function configure(pool: TestPool, lines: string): void {
  fs.appendFileSync(path.join(pool.home, 'condor_config'), lines);
}

async function submit(pool: TestPool, name: string, text: string): Promise<void> {
  fs.writeFileSync(path.join(pool.dir, `${name}.sub`), text);
  const submitted = await pool.run('condor_submit', [`${name}.sub`]);
  if (submitted.code !== 0) throw new Error(`condor_submit ${name}.sub: ${submitted.stderr}`);
}

async function af(pool: TestPool, id: string, attrs: string[]): Promise<string> {
  const result = await pool.run('condor_q', [id, '-af:,', ...attrs]);
  if (result.code !== 0) throw new Error(`condor_q ${id}: ${result.stderr}`);
  return result.stdout.trim();
}

const log = (pool: TestPool, name: string) => path.join(pool.dir, `${name}.log`);
const at = (events: ParsedEvent[], cluster: number, proc: number, code: number) => events.findIndex((e) => e.cluster === cluster && e.proc === proc && e.code === code);

t.test('FOO_LIMIT = 1: two foo jobs never run at once, a bar job runs alongside; foo:2 never runs until the limit is raised', async (t) => {
  const pool = await startPool(t, { startds: 2, cpus: 1 });
  configure(pool, 'FOO_LIMIT = 1\n');
  writeExecutable(path.join(pool.dir, 'wait.sh'), '#!/bin/bash\nwhile [ ! -e "$1" ]; do sleep 0.02; done\n');
  // Each runs until the file go.<proc> appears.
  await submit(pool, 'foo', `executable = wait.sh\narguments = ${pool.dir}/go.$(Process)\nconcurrency_limits = FOO\nlog = foo.log\nqueue 2\n`);
  await waitForEvents(log(pool, 'foo'), (ev) => codes(ev, 1, 0).includes(1));
  t.equal(await af(pool, '1.1', ['JobStatus', 'ConcurrencyLimits', 'LastRejMatchReason']), '1, foo, concurrency limit foo reached', 'the second stays idle, and says why');

  await submit(pool, 'bar', 'executable = /bin/true\ntransfer_executable = false\nconcurrency_limits = bar\nlog = bar.log\nqueue\n');
  await waitForEvents(log(pool, 'bar'), (ev) => codes(ev, 2, 0).includes(5));
  t.same(codes(await waitForEvents(log(pool, 'foo'), () => true), 1, 0).includes(5), false, 'the bar job ran while the first foo job was running');

  fs.writeFileSync(path.join(pool.dir, 'go.0'), '');
  fs.writeFileSync(path.join(pool.dir, 'go.1'), '');
  const events = await waitForEvents(log(pool, 'foo'), (ev) => codes(ev, 1, 1).includes(5));
  t.ok(at(events, 1, 0, 5) >= 0 && at(events, 1, 1, 1) > at(events, 1, 0, 5), "the second's execute (001) comes after the first's termination (005)");

  // A weight over the maximum never fits (in use 0 + 2 > 1), whatever else runs.
  await submit(pool, 'heavy', 'executable = /bin/true\ntransfer_executable = false\nconcurrency_limits = foo:2\nlog = heavy.log\nqueue\n');
  await eventually('3.0 rejected for its limit', async () => ((await af(pool, '3.0', ['LastRejMatchReason'])) === 'concurrency limit foo reached' ? true : undefined));
  await submit(pool, 'plain', 'executable = /bin/true\ntransfer_executable = false\nlog = plain.log\nqueue\n');
  await waitForEvents(log(pool, 'plain'), (ev) => codes(ev, 4, 0).includes(5));
  t.equal(await af(pool, '3.0', ['JobStatus', 'ConcurrencyLimits']), '1, foo:2', 'still idle while slots were free');
  t.same(codes(await waitForEvents(log(pool, 'heavy'), () => true), 3, 0), [0]);

  configure(pool, 'FOO_LIMIT = 2\n');
  // Nothing else changes in the pool: the schedd notices the new maximum at its next matchmaking (a submission).
  await submit(pool, 'nudge', 'executable = /bin/true\ntransfer_executable = false\nlog = nudge.log\nqueue\n');
  await waitForEvents(log(pool, 'heavy'), (ev) => codes(ev, 3, 0).includes(5));
  t.pass('with FOO_LIMIT = 2 it runs');
});

t.test('condor_submit refuses an invalid limit, and both commands together, in its words', async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 1 });
  fs.writeFileSync(path.join(pool.dir, 'bad.sub'), 'executable = /bin/true\nconcurrency_limits = ok, 2bad\nqueue\n');
  const bad = await pool.run('condor_submit', ['bad.sub']);
  t.not(bad.code, 0);
  t.match(bad.stderr, /^ERROR: Invalid concurrency limit '2bad'$/m);
  fs.writeFileSync(path.join(pool.dir, 'both.sub'), 'executable = /bin/true\nconcurrency_limits = a\nconcurrency_limits_expr = "b"\nqueue\n');
  const both = await pool.run('condor_submit', ['both.sub']);
  t.not(both.code, 0);
  t.match(both.stderr, /^ERROR: concurrency_limits and concurrency_limits_expr can't be used together$/m);
});
