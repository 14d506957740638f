import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { startDaemons } from './helpers/daemons.js';
import { codes, eventually, startPool, waitForEvents, writeExecutable, type TestPool } from './helpers/pool.js';

// Fair share between submitters, as HTCondor's negotiator gives it (matchmaker.cpp negotiateWithGroup): a
// slot goes to the submitter of the best (lowest) effective priority, whose real priority the accountant
// raises while its jobs run (Accountant.cpp UpdatePriorities, PRIORITY_HALFLIFE). Two accounting groups of
// the test's user are two submitters: the jobs of the one that queued later start before the other's are done.

const user = os.userInfo().username;

/** Waits for the schedd to log that job `jobId` was queued on a busy slot. */
async function queuedOn(pool: TestPool, jobId: string): Promise<void> {
  const logDir = (await pool.run('condor_config_val', ['LOG'])).stdout.trim();
  await eventually(`job ${jobId} queued on a busy slot`, () =>
    fs.readFileSync(path.join(logDir, 'SchedLog'), 'utf8').split('\n').some((l) => l.includes('"job queued on a busy slot"') && l.includes(`"jobId":"${jobId}"`)) || undefined,
  );
}

/** The effective priority condor_userprio lists for `name`, if it lists it. */
async function listedPriority(pool: TestPool, name: string, args: string[] = []): Promise<number | undefined> {
  const listed = await pool.run('condor_userprio', args);
  if (listed.code !== 0) throw new Error(`condor_userprio: ${listed.stderr}`);
  const line = listed.stdout.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length).trim().split(/\s+/)[0]);
}

t.test("on one slot, b's jobs queued after a's start before a's are done; condor_userprio lists both", async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 1 });
  // A short half-life, so that a's few seconds of use show in its priority.
  fs.appendFileSync(path.join(pool.home, 'condor_config'), 'PRIORITY_HALFLIFE = 10\n');
  const go = path.join(pool.dir, 'go');
  writeExecutable(path.join(pool.dir, 'job.sh'), `#!/bin/sh\nwhile [ ! -e ${go} ]; do /bin/sleep 0.02; done\n`);
  const submit = async (group: string, count: number) => {
    fs.writeFileSync(path.join(pool.dir, `${group}.sub`), `executable = job.sh\nlog = share.log\naccounting_group = ${group}\nqueue ${count}\n`);
    const submitted = await pool.run('condor_submit', [`${group}.sub`]);
    t.equal(submitted.code, 0, submitted.stderr);
  };
  const log = path.join(pool.dir, 'share.log');
  await submit('a', 5);
  await waitForEvents(log, (ev) => codes(ev, 1, 0).includes(1));
  // 1.0 runs, 1.1 waits queued behind it; a's priority rises above the 500 a submitter starts with.
  await queuedOn(pool, '1.1');
  const a = `a.${user}@localhost`;
  const b = `b.${user}@localhost`;
  await eventually(`${a}'s effective priority above 500.5`, async () => ((await listedPriority(pool, a)) ?? 0) > 500.5 || undefined, 20_000);
  await submit('b', 2);
  // b's better priority takes a's queued start back: b's first job is the next to start.
  await queuedOn(pool, '2.0');
  fs.writeFileSync(go, '');
  const events = await waitForEvents(log, (ev) => ev.filter((e) => e.code === 5).length === 7, 60_000);
  const started = events.filter((e) => e.code === 1).map((e) => `${e.cluster}.${e.proc}`);
  t.same(started, ['1.0', '2.0', '2.1', '1.1', '1.2', '1.3', '1.4'], 'b before the rest of a; each submitter\'s jobs in their order');

  const listing = await pool.run('condor_userprio', ['-allusers']);
  t.equal(listing.code, 0, listing.stderr);
  t.match(listing.stdout, /^Last Priority Update: /);
  t.match(listing.stdout, /Number of users: 2 /);
  const bPriority = await listedPriority(pool, b, ['-allusers']);
  const aPriority = await listedPriority(pool, a, ['-allusers']);
  t.ok(bPriority !== undefined && aPriority !== undefined && bPriority < aPriority, `b (${bPriority}) better than a (${aPriority}): a used more`);

  // Only a queue superuser edits priorities; the pool's user is one (PERSONAL_CONDOR_IS_SUPER_USER).
  const set = await pool.run('condor_userprio', ['-setfactor', b, '2000']);
  t.equal(set.code, 0, set.stderr);
  t.equal(set.stdout, `The priority factor of ${b} was set to 2000.000000\n`);
  const factor = await pool.run('condor_userprio', ['-allusers', '-priority', b]);
  t.match(factor.stdout, new RegExp(`${b.replace(/\./g, '\\.')}\\s+\\d+\\.\\d\\d\\s+\\d+\\.\\d\\d\\s+2000\\.00`), 'the factor listed');
  const short = await pool.run('condor_userprio', ['-setprio', 'b', '1']);
  t.equal(short.code, 1);
  t.match(short.stderr, /You must specify the full name of the submittor you wish\n\tto update the priority of \(user@uid.domain or user@full.host.name\)/);
  const refused = await pool.run('condor_userprio', ['-setceiling', b, '3']);
  t.equal(refused.code, 1);
  t.match(refused.stderr, /-setceiling is not supported by tinycondor/);
});

t.test("the accountant survives the schedd: a factor set and the usage charged are there after a restart", async (t) => {
  const d = await startDaemons(t);
  await d.startStartd('exec1');
  const go = path.join(d.dir, 'go');
  writeExecutable(path.join(d.dir, 'job.sh'), `#!/bin/sh\nwhile [ ! -e ${go} ]; do /bin/sleep 0.02; done\n`);
  fs.writeFileSync(path.join(d.dir, 'g.sub'), 'executable = job.sh\nlog = g.log\naccounting_group = g\nqueue\n');
  t.equal((await d.run('condor_submit', ['g.sub'])).code, 0);
  const log = path.join(d.dir, 'g.log');
  await waitForEvents(log, (ev) => codes(ev, 1, 0).includes(1));
  const name = `g.${user}@localhost`;
  const records = async () => {
    const reply = await fetch(`${d.url()}/v1/userprio`, { headers: { authorization: `Bearer ${d.token()}` } });
    return ((await reply.json()) as { records: { name: string; priorityFactor: number; weightedAccumulatedUsage: number }[] }).records;
  };
  await eventually('the run charged', async () => ((await records()).find((r) => r.name === name)?.weightedAccumulatedUsage ?? 0) > 0 || undefined);
  t.equal((await d.run('condor_userprio', ['-setfactor', name, '1234'])).code, 0);
  fs.writeFileSync(go, '');
  await waitForEvents(log, (ev) => codes(ev, 1, 0).includes(5));
  const before = (await records()).find((r) => r.name === name);
  const exited = new Promise((resolve) => d.schedd.once('exit', resolve));
  d.schedd.kill('SIGTERM');
  await exited;
  await d.startSchedd();
  const after = (await records()).find((r) => r.name === name);
  t.equal(after?.priorityFactor, 1234, 'the factor set');
  t.ok(before !== undefined && after !== undefined && after.weightedAccumulatedUsage >= before.weightedAccumulatedUsage, `the usage kept (${before?.weightedAccumulatedUsage} s, then ${after?.weightedAccumulatedUsage} s)`);
});
