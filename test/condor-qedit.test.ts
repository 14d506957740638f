// condor_qedit as HTCondor's (src/condor_tools/qedit.cpp, the schedd's qmgmt.cpp): attributes set in every
// job selected or in none, its messages word for word, immutable and secure attributes refused.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { rest, startPool, waitForEvents, writeExecutable } from './helpers/pool.js';

const ABORTED = 'Queue transaction failed.  No attributes were set.\n';

t.test('condor_qedit sets attributes of queued jobs, all or nothing', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'job.sh'), '#!/bin/sh\nexit 0\n');
  fs.writeFileSync(path.join(pool.dir, 'held.sub'), 'executable = job.sh\nhold = true\nlog = edit.log\nqueue 2\n');
  t.equal((await pool.run('condor_submit', ['held.sub'])).code, 0);
  const attrs = async (...names: string[]) => (await pool.run('condor_q', ['-af', 'ProcId', ...names])).stdout;

  const byCluster = await pool.run('condor_qedit', ['1', 'Foo', '42', 'Bar="text"']);
  t.same([byCluster.code, byCluster.stdout, byCluster.stderr], [0, 'Set attribute "Bar" for 2 matching jobs.\nSet attribute "Foo" for 2 matching jobs.\n', '']);
  t.equal(await attrs('Foo', 'Bar'), '0 42 text\n1 42 text\n');

  const one = await pool.run('condor_qedit', ['1.1', 'Double', 'Foo * 2']);
  t.equal(one.stdout, 'Set attribute "Double" for 1 matching jobs.\n', 'a job by id');
  t.equal(await attrs('Double'), '0 undefined\n1 84\n', 'an expression, evaluated in the job');

  const immutable = await pool.run('condor_qedit', ['1.0', 'Owner', '"mallory"', 'TotalSubmitProcs', '9']);
  t.same([immutable.code, immutable.stdout], [1, '']);
  t.equal(immutable.stderr, 'Update of immutable attribute "Owner" is not allowed.\nUpdate of secure attribute "TotalSubmitProcs" is not allowed.\nTransaction failed.  No attributes were set.\n');

  const missing = await pool.run('condor_qedit', ['1.0', '1.7', 'Gone', '1']);
  t.same([missing.code, missing.stderr], [1, `Failed to set attribute "Gone" for job 1.7.\n${ABORTED}`]);
  t.equal(await attrs('Gone'), '0 undefined\n1 undefined\n', 'nothing set in 1.0 either');

  const status = await pool.run('condor_qedit', ['-constraint', 'Foo >= 42', 'Alpha', '1', 'JobStatus', '1']);
  t.equal(status.code, 1);
  t.equal(status.stdout, 'Set attribute "Alpha" for 2 matching jobs.\n', 'what comes before the failure, as HTCondor prints it');
  t.equal(status.stderr, `Failed to set attribute "JobStatus" by constraint: ( (Foo >= 42) )\n${ABORTED}`);
  t.equal(await attrs('Alpha', 'JobStatus'), '0 undefined 5\n1 undefined 5\n', 'Alpha not set, the jobs still held');

  const dry = await pool.run('condor_qedit', ['-dry-run', '1', 'Dry', 'true']);
  t.same([dry.code, dry.stdout], [0, 'Can Set attribute "Dry" for 2 matching jobs.\n']);
  t.equal(await attrs('Dry'), '0 undefined\n1 undefined\n');

  const none = await pool.run('condor_qedit', ['-constraint', 'Foo == 0', 'X', '1']);
  t.same([none.code, none.stderr], [1, `Failed to set attribute "X" by constraint: ( (Foo == 0) )\n${ABORTED}`]);

  fs.writeFileSync(path.join(pool.dir, 'edits.ad'), 'FromFile = "yes"\nRequestMemory = 64\n');
  const fromFile = await pool.run('condor_qedit', ['1.0', '-edits', 'edits.ad']);
  t.equal(fromFile.stdout, 'Set attribute "FromFile" for 1 matching jobs.\nSet attribute "RequestMemory" for 1 matching jobs.\n');
  t.equal(await attrs('FromFile', 'RequestMemory'), '0 yes 64\n1 undefined 128\n');
});

t.test("an idle job edited to match a slot runs; another user's jobs are not hers to edit", async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'job.sh'), '#!/bin/sh\nexit 0\n');
  fs.writeFileSync(path.join(pool.dir, 'stuck.sub'), 'executable = job.sh\nrequirements = false\nlog = stuck.log\nqueue\n');
  t.equal((await pool.run('condor_submit', ['stuck.sub'])).code, 0);

  const issued = await rest(pool, 'POST', '/v1/tokens', { user: 'mallory' });
  const mallory = String(issued.body.token);
  const refused = await rest(pool, 'POST', '/v1/edit', { jobs: ['1.0'], edits: [{ name: 'Requirements', value: 'true' }] }, mallory);
  t.equal(refused.status, 200);
  t.match(refused.body, { set: [], failed: { attribute: 'Requirements', job: '1.0', reason: /User mallory may not change attributes for jobs they do not own/ } });
  const theirs = await rest(pool, 'POST', '/v1/edit', { constraint: 'true', onlyMyJobs: true, edits: [{ name: 'Requirements', value: 'true' }] }, mallory);
  t.match(theirs.body, { set: [], failed: { reason: 'no job matches the constraint' } }, 'with a constraint alone, only her own jobs are considered');

  const edited = await pool.run('condor_qedit', ['1.0', 'Requirements', 'true']);
  t.equal(edited.code, 0);
  await waitForEvents(path.join(pool.dir, 'stuck.log'), (ev) => ev.some((e) => e.code === 5));
});
