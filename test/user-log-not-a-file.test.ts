import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { ClassAd } from '@tinycondor/shared/classad/index';
import { killHard, startDaemons, type Daemons } from './helpers/daemons.js';
import { eventually, waitForEvents } from './helpers/pool.js';

// Issue 18, item 5: `log = a FIFO` blocked the schedd in open(), and again at every restart (the event
// stayed in its outbox). A user log is opened without waiting and without following a link, and must be
// a regular file; anything else holds the job as HTCondor's shadow does (UnableToInitUserLog, 22).

async function jobAd(d: Daemons, jobId: string): Promise<ClassAd> {
  // A schedd blocked in open() would never answer: give up after a while instead of waiting with it.
  const response = await fetch(`${d.url()}/v1/jobs/${jobId}`, { headers: { authorization: `Bearer ${d.token()}` }, signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`GET /v1/jobs/${jobId}: ${response.status}`);
  return ClassAd.fromJSON(((await response.json()) as { ad: Record<string, string> }).ad);
}

/** The job's hold, once it is held. */
async function heldWith(d: Daemons, jobId: string): Promise<{ code?: number; subCode?: number; reason?: string }> {
  return eventually(`${jobId} held`, async () => {
    const ad = await jobAd(d, jobId);
    if (ad.getInt('JobStatus') !== 5) return undefined;
    return { code: ad.getInt('HoldReasonCode'), subCode: ad.getInt('HoldReasonSubCode'), reason: ad.getString('HoldReason') };
  });
}

function submit(d: Daemons, name: string, log: string): Promise<{ code: number; stderr: string }> {
  fs.writeFileSync(path.join(d.dir, `${name}.sub`), `executable = /bin/true\nlog = ${log}\nqueue\n`);
  return d.run('condor_submit', [`${name}.sub`]);
}

t.test('a FIFO or a symlink as user log holds the job, and the schedd keeps answering, also after a restart', async (t) => {
  const d = await startDaemons(t);
  execFileSync('/usr/bin/mkfifo', [path.join(d.dir, 'fifo.log')]);
  fs.writeFileSync(path.join(d.dir, 'real.log'), '');
  fs.symlinkSync('real.log', path.join(d.dir, 'link.log'));

  t.equal((await submit(d, 'fifo', 'fifo.log')).code, 0);
  t.equal((await submit(d, 'link', 'link.log')).code, 0);
  t.same(await heldWith(d, '1.0'), { code: 22, subCode: 0, reason: `Failed to initialize user log ${path.join(d.dir, 'fifo.log')}: it is a FIFO, not a regular file` });
  t.same(await heldWith(d, '2.0'), { code: 22, subCode: 0, reason: `Failed to initialize user log ${path.join(d.dir, 'link.log')}: it is a symbolic link, not a regular file` });
  t.equal(fs.readFileSync(path.join(d.dir, 'real.log'), 'utf8'), '', 'nothing was written through the link');
  const q = await d.run('condor_q', ['-af', 'ClusterId', 'JobStatus']);
  t.equal(q.stdout, '1 5\n2 5\n', 'the schedd answers condor_q');
  // The dashboard reads a job's events from its user log: opening a FIFO to read must not wait for a writer either.
  const events = await fetch(`${d.url()}/v1/jobs/1.0/events`, { headers: { authorization: `Bearer ${d.token()}` }, signal: AbortSignal.timeout(10_000) });
  t.match(await events.json(), { events: [], error: `cannot read ${path.join(d.dir, 'fifo.log')}: ${path.join(d.dir, 'fifo.log')} is a FIFO, not a regular file` });

  // A job whose log was a regular file at submit; the schedd is killed before it wrote the job's next event
  // (as when it was blocked in open()), and the log is a FIFO when it comes back.
  t.equal((await submit(d, 'later', 'later.log')).code, 0);
  await waitForEvents(path.join(d.dir, 'later.log'), (events) => events.some((e) => e.code === 0));
  await killHard(d.schedd);
  fs.rmSync(path.join(d.dir, 'later.log'));
  execFileSync('/usr/bin/mkfifo', [path.join(d.dir, 'later.log')]);
  const queue = new Database(path.join(d.home, 'spool', 'job_queue.sqlite'));
  queue
    .prepare('INSERT INTO event_outbox (log_path, text, cluster_id, proc_id) VALUES (?, ?, 3, 0)')
    .run(path.join(d.dir, 'later.log'), '008 (003.000.000) 2026-01-01 00:00:00 a generic event\n...\n');
  queue.close();
  await d.startSchedd();
  t.same(await heldWith(d, '3.0'), { code: 22, subCode: 0, reason: `Failed to initialize user log ${path.join(d.dir, 'later.log')}: it is a FIFO, not a regular file` });
  const after = await d.run('condor_q', ['-af', 'ClusterId', 'JobStatus']);
  t.equal(after.stdout, '1 5\n2 5\n3 5\n', 'the restarted schedd answers condor_q');
});

t.test('log = /dev/null is accepted and written nowhere, as in HTCondor', async (t) => {
  const d = await startDaemons(t);
  t.equal((await submit(d, 'null', '/dev/null')).code, 0);
  fs.writeFileSync(path.join(d.dir, 'other.sub'), 'executable = /bin/true\nlog = other.log\nqueue\n');
  t.equal((await d.run('condor_submit', ['other.sub'])).code, 0);
  // Events are written in order: once the second cluster's submit event is there, the first's was handled.
  await waitForEvents(path.join(d.dir, 'other.log'), (events) => events.some((e) => e.code === 0));
  t.equal((await jobAd(d, '1.0')).getInt('JobStatus'), 1, 'still idle, not held');
});
