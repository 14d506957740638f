import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { startPool, waitForEvents, writeExecutable, type TestPool } from '../helpers/pool.js';

async function rest(pool: TestPool, method: string, route: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${pool.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${pool.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const reply = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(reply)}`);
  return reply;
}

const skip = process.getuid?.() !== 0 ? 'needs root (a startd changes a job\'s identity only as root)' : !fs.existsSync('/usr/sbin/useradd') ? 'needs useradd' : false;

t.test("a root startd runs a job as its owner, in a sandbox the owner owns", { skip }, async (t) => {
  const user = `tcjob${process.pid % 100000}`;
  execFileSync('/usr/sbin/useradd', ['-M', '-s', '/usr/sbin/nologin', user]);
  t.teardown(() => execFileSync('/usr/sbin/userdel', [user]));
  const uid = Number(execFileSync('/usr/bin/id', ['-u', user], { encoding: 'utf8' }).trim());
  const pool = await startPool(t, { startds: 1 });
  // The job's user must be able to reach its sandbox under EXECUTE, as on any HTCondor execute node.
  fs.chmodSync(path.dirname(pool.home), 0o711);
  writeExecutable(path.join(pool.dir, 'who.sh'), '#!/bin/sh\n/usr/bin/id -un\n/usr/bin/id -u\n/usr/bin/stat -c %U .\n');
  fs.writeFileSync(path.join(pool.dir, 'who.sub'), 'executable = who.sh\noutput = who.out\nlog = who.log\nhold = true\nqueue\n');
  t.equal((await pool.run('condor_submit', ['who.sub'])).code, 0);
  // The same job again, as the user's: condor_submit would set Owner from the submitting account.
  const { ad } = (await rest(pool, 'GET', '/v1/jobs/1.0')) as { ad: Record<string, string> };
  const { clusterId } = (await rest(pool, 'POST', '/v1/clusters')) as { clusterId: number };
  const theirs: Record<string, string> = { ...ad, ClusterId: String(clusterId), JobStatus: '1', Owner: JSON.stringify(user), User: JSON.stringify(`${user}@localhost`) };
  for (const held of ['HoldReason', 'HoldReasonCode', 'HoldReasonSubCode', 'GlobalJobId', 'LastJobStatus']) delete theirs[held];
  await rest(pool, 'POST', `/v1/clusters/${clusterId}/procs`, { procs: [theirs] });
  const events = await waitForEvents(path.join(pool.dir, 'who.log'), (ev) => ev.some((e) => e.cluster === clusterId && (e.code === 5 || e.code === 12)));
  t.notOk(events.find((e) => e.cluster === clusterId && e.code === 12), `not held: ${events.find((e) => e.code === 12 && e.cluster === clusterId)?.lines.join(' ') ?? ''}`);
  t.equal(fs.readFileSync(path.join(pool.dir, 'who.out'), 'utf8'), `${user}\n${uid}\n${user}\n`, 'the job ran as its owner and owned its working directory');
});
