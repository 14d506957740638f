// Issue 24: IMMUTABLE_JOB_ATTRS, PROTECTED_JOB_ATTRS and SECURE_JOB_ATTRS (with their SYSTEM_ lists) as
// HTCondor's schedd (qmgmt.cpp ModifyAttrCheck), condor_qedit (qedit.cpp IsProtectedAttribute) and shadow
// (remoteresource.cpp m_unsettable_attrs) read them: `use FEATURE : AssignAccountingGroup` makes the groups
// it sets immutable; a protected attribute is a queue superuser's to change; a running job changes neither.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { chirpPath, rest, runCommand, startPool, waitForEvents, writeExecutable, type TestPool } from './helpers/pool.js';

const owner = os.userInfo().username;
const ABORTED = 'Queue transaction failed.  No attributes were set.\n';

/** A held job of `user`'s, submitted through the REST API with her own token: its cluster. */
async function heldJobOf(pool: TestPool, user: string, token: string): Promise<number> {
  const { body: reserved } = await rest(pool, 'POST', '/v1/clusters', undefined, token);
  const clusterId = Number(reserved.clusterId);
  const common = { ClusterId: String(clusterId), Cmd: '"/bin/true"', Iwd: '"/tmp"', JobStatus: '5', HoldReason: '"held"', HoldReasonCode: '1', JobUniverse: '5', Owner: JSON.stringify(user) };
  const submitted = await rest(pool, 'POST', `/v1/clusters/${clusterId}/procs`, { common, procs: [{ ProcId: '0' }] }, token);
  if (submitted.status !== 201) throw new Error(`submission as ${user}: ${JSON.stringify(submitted.body)}`);
  return clusterId;
}

t.test('immutable attributes are refused to everyone, protected ones to all but a queue superuser', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'true.sh'), '#!/bin/sh\nexit 0\n');
  const mapFile = path.join(pool.dir, 'groups.map');
  fs.writeFileSync(mapFile, `* ${owner} cs\n* mallory physics\n`);
  fs.writeFileSync(path.join(pool.home, 'config.d', 'accounting'), `use FEATURE : AssignAccountingGroup(${mapFile})\nPROTECTED_JOB_ATTRS = Bar\n`);
  fs.writeFileSync(path.join(pool.dir, 'held.sub'), 'executable = true.sh\nhold = true\nqueue\n');
  const submitted = await pool.run('condor_submit', ['held.sub']);
  t.equal(submitted.code, 0, submitted.stderr);
  const attrs = async (job: string, ...names: string[]) => (await pool.run('condor_q', [job, '-af', ...names])).stdout;
  t.equal(await attrs('1.0', 'AcctGroup', 'AccountingGroup'), `cs cs.${owner}\n`, 'the transform set the groups when the job was created');

  const immutable = await pool.run('condor_qedit', ['1.0', 'AcctGroup', '"physics"', 'Foo', '1']);
  t.same([immutable.code, immutable.stdout, immutable.stderr], [1, '', 'Update of immutable attribute "AcctGroup" is not allowed.\nTransaction failed.  No attributes were set.\n'], 'the tool refuses it');
  const bySchedd = await rest(pool, 'POST', '/v1/edit', { jobs: ['1.0'], edits: [{ name: 'accountinggroup', value: '"physics.x"' }] });
  t.match(bySchedd.body, { set: [], failed: { attribute: 'accountinggroup', job: '1.0', reason: 'Attempt to edit immutable attribute accountinggroup in job 1.0' } }, 'so does the schedd, without regard to case');
  t.equal(await attrs('1.0', 'AcctGroup', 'AccountingGroup', 'Foo'), `cs cs.${owner} undefined\n`, 'nothing set');

  const asSuperUser = await pool.run('condor_qedit', ['1.0', 'Bar', '1', 'Foo', '2']);
  t.same([asSuperUser.code, asSuperUser.stdout, asSuperUser.stderr], [0, 'Set attribute "Bar" for 1 matching jobs.\nSet attribute "Foo" for 1 matching jobs.\n', ''], `${owner} (a queue superuser) changes a protected attribute`);

  // mallory, no queue superuser, with her own token: her job's protected attribute is not hers to change.
  const issued = await pool.run('tinycondor', ['token', 'create', 'mallory']);
  t.equal(issued.code, 0, issued.stderr);
  const mallory = issued.stdout.trim();
  const tokenFile = path.join(pool.dir, 'mallory.token');
  fs.writeFileSync(tokenFile, `${mallory}\n`, { mode: 0o600 });
  const cluster = await heldJobOf(pool, 'mallory', mallory);
  t.equal(await attrs(`${cluster}.0`, 'AccountingGroup'), 'physics.mallory\n');
  const asMallory = { ...pool.env, _CONDOR_TINYCONDOR_TOKEN_FILE: tokenFile };
  const protectedEdit = await runCommand('condor_qedit', [`${cluster}.0`, 'Bar', '2', 'Foo', '3'], asMallory, pool.dir);
  t.same(
    [protectedEdit.code, protectedEdit.stdout, protectedEdit.stderr],
    [1, '', `Failed to set attribute "Bar" for job ${cluster}.0.\n${ABORTED}`],
    'the tool leaves a protected attribute to the schedd, which refuses it (EACCES)',
  );
  const why = await rest(pool, 'POST', '/v1/edit', { jobs: [`${cluster}.0`], edits: [{ name: 'Bar', value: '2' }] }, mallory);
  t.match(why.body.failed, {
    reason: `Unauthorized setting of protected attribute Bar denied for real owner mallory (effective owner mallory; allowed protected attribute change = true) in job ${cluster}.0`,
  });
  const allowed = await runCommand('condor_qedit', [`${cluster}.0`, 'Foo', '3'], asMallory, pool.dir);
  t.same([allowed.code, allowed.stdout], [0, 'Set attribute "Foo" for 1 matching jobs.\n'], 'her other edits still work');
  const immutableToHer = await runCommand('condor_qedit', [`${cluster}.0`, 'AcctGroupUser', '"root"'], asMallory, pool.dir);
  t.same([immutableToHer.code, immutableToHer.stderr], [1, 'Update of immutable attribute "AcctGroupUser" is not allowed.\nTransaction failed.  No attributes were set.\n']);
  t.equal(await attrs(`${cluster}.0`, 'Bar', 'Foo', 'AcctGroupUser'), 'undefined 3 mallory\n');

  // The schedd reads the lists again when the configuration changes (HTCondor: at condor_reconfig).
  fs.appendFileSync(path.join(pool.home, 'config.d', 'accounting'), 'IMMUTABLE_JOB_ATTRS = $(IMMUTABLE_JOB_ATTRS) Foo\nSYSTEM_SECURE_JOB_ATTRS =\n');
  const nowImmutable = await rest(pool, 'POST', '/v1/edit', { jobs: ['1.0'], edits: [{ name: 'Foo', value: '4' }] });
  t.match(nowImmutable.body, { set: [], failed: { reason: 'Attempt to edit immutable attribute Foo in job 1.0' } });
  const noLongerSecure = await pool.run('condor_qedit', ['1.0', 'AuthTokenId', '"x"']);
  t.same([noLongerSecure.code, noLongerSecure.stdout], [0, 'Set attribute "AuthTokenId" for 1 matching jobs.\n'], 'SYSTEM_SECURE_JOB_ATTRS set empty');
});

t.test("a running job's Chirp writes: immutable and protected attributes refused (EACCES), secure ones dropped, others set", async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const mapFile = path.join(pool.dir, 'groups.map');
  fs.writeFileSync(mapFile, `* ${owner} cs\n`);
  fs.writeFileSync(path.join(pool.home, 'config.d', 'accounting'), `use FEATURE : AssignAccountingGroup(${mapFile})\nPROTECTED_JOB_ATTRS = ChirpBar\n`);
  const chirp = await chirpPath(pool);
  writeExecutable(
    path.join(pool.dir, 'job.sh'),
    [
      '#!/bin/sh',
      `C="${chirp}"`,
      '"$C" set_job_attr AcctGroup \'"physics"\'; echo "group rc=$?"',
      '"$C" set_job_attr ChirpBar 1; echo "protected rc=$?"',
      '"$C" set_job_attr ChirpFoo 1; echo "other rc=$?"',
      '"$C" set_job_attr_delayed ChirpBar 2; echo "delayed rc=$?"',
      '"$C" set_job_attr AuthTokenId \'"x"\'; echo "secure rc=$?"',
    ].join('\n') + '\n',
  );
  fs.writeFileSync(path.join(pool.dir, 'job.sub'), 'executable = job.sh\noutput = job.out\nlog = job.log\nleave_in_queue = True\n+WantRemoteUpdates = true\nqueue\n');
  t.equal((await pool.run('condor_submit', ['job.sub'])).code, 0);
  await waitForEvents(path.join(pool.dir, 'job.log'), (events) => events.some((e) => e.code === 5), 60_000);
  const out = fs.readFileSync(path.join(pool.dir, 'job.out'), 'utf8');
  t.match(out, /^\tError: 13 \(Permission denied\)\ngroup rc=255$/m, 'IMMUTABLE_JOB_ATTRS: the shadow refuses');
  t.match(out, /^\tError: 13 \(Permission denied\)\nprotected rc=255$/m, 'PROTECTED_JOB_ATTRS too, though the shadow is a queue superuser');
  t.match(out, /^other rc=0$/m);
  t.match(out, /^delayed rc=0$/m, 'a delayed update is taken, and dropped at the exit');
  t.match(out, /^secure rc=0$/m, 'a secure attribute: the job is told it is set');
  t.equal((await pool.run('condor_q', ['1.0', '-af', 'AcctGroup', 'ChirpBar', 'ChirpFoo', 'AuthTokenId'])).stdout, 'cs undefined 1 undefined\n', 'but it is not');
});

t.test('QUEUE_SUPER_USERS is read again when the configuration changes; secure attributes in a submission are dropped, or refused', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'true.sh'), '#!/bin/sh\nexit 0\n');
  const local = path.join(pool.home, 'config.d', 'queue');
  fs.writeFileSync(local, 'PROTECTED_JOB_ATTRS = Bar\n');
  fs.writeFileSync(path.join(pool.dir, 'secure.sub'), 'executable = true.sh\nhold = true\n+AuthTokenId = "forged"\n+Foo = 1\nqueue 2\n');
  const submitted = await pool.run('condor_submit', ['secure.sub']);
  t.equal(submitted.code, 0, submitted.stderr);
  const long = (await pool.run('condor_q', ['1.1', '-l'])).stdout;
  t.match(long, /^Foo = 1$/m);
  t.notMatch(long, /AuthTokenId/i, 'IGNORE_ATTEMPTS_TO_SET_SECURE_JOB_ATTRS (true by default): the secure attribute is dropped quietly');
  const bySchedd = await rest(pool, 'POST', '/v1/edit', { jobs: ['1.0'], edits: [{ name: 'AuthTokenId', value: '"x"' }, { name: 'Foo', value: '2' }] });
  t.match(bySchedd.body, { set: [{ attribute: 'AuthTokenId', jobs: 1 }, { attribute: 'Foo', jobs: 1 }] }, 'and from an edit over REST, answered as set');
  t.equal((await pool.run('condor_q', ['1.0', '-af', 'AuthTokenId', 'Foo'])).stdout, 'undefined 2\n');

  const issued = await pool.run('tinycondor', ['token', 'create', 'mallory']);
  t.equal(issued.code, 0, issued.stderr);
  const tokenFile = path.join(pool.dir, 'mallory.token');
  fs.writeFileSync(tokenFile, `${issued.stdout.trim()}\n`, { mode: 0o600 });
  const asMallory = { ...pool.env, _CONDOR_TINYCONDOR_TOKEN_FILE: tokenFile };
  const notHers = await runCommand('condor_qedit', ['1.0', 'Bar', '2'], asMallory, pool.dir);
  t.same([notHers.code, notHers.stderr], [1, `Failed to set attribute "Bar" for job 1.0.\n${ABORTED}`], "another user's job is not hers to edit");
  const notHersToRemove = await runCommand('condor_rm', ['1.1'], asMallory, pool.dir);
  t.equal(notHersToRemove.code, 1, 'nor to remove');

  // An admin makes her the queue superuser, named with the pool's UID_DOMAIN; no restart.
  fs.appendFileSync(local, 'QUEUE_SUPER_USERS = mallory@localhost\n');
  const asSuperUser = await runCommand('condor_qedit', ['1.0', 'Bar', '2'], asMallory, pool.dir);
  t.same([asSuperUser.code, asSuperUser.stdout, asSuperUser.stderr], [0, 'Set attribute "Bar" for 1 matching jobs.\n', ''], 'she changes a protected attribute of another user\'s job');
  const removed = await runCommand('condor_rm', ['1.1'], asMallory, pool.dir);
  t.same([removed.code, removed.stdout], [0, 'Job 1.1 marked for removal\n'], "and removes another user's job");
  t.equal((await pool.run('condor_q', ['1.0', '-af', 'Bar'])).stdout, '2\n');
  const mine = await pool.run('condor_qedit', ['1.0', 'Bar', '3']);
  t.equal(mine.code, 0, "the schedd's own user stays one, unlisted (PERSONAL_CONDOR_IS_SUPER_USER)");

  fs.appendFileSync(local, 'IGNORE_ATTEMPTS_TO_SET_SECURE_JOB_ATTRS = false\n');
  const refused = await pool.run('condor_submit', ['secure.sub']);
  t.equal(refused.code, 1);
  const words = /^\nERROR: Failed to commit job submission into the queue\.\nERROR: Attempt to edit secure attribute AuthTokenId in job (\d+)\.-1\. Failing!\n$/;
  t.match(refused.stderr, words, "HTCondor's words");
  t.equal((await pool.run('condor_q', [words.exec(refused.stderr)?.[1] ?? '0', '-af', 'ProcId'])).stdout, '', 'nothing queued');
  const edit = await rest(pool, 'POST', '/v1/edit', { jobs: ['1.0'], edits: [{ name: 'AuthTokenId', value: '"x"' }] });
  t.match(edit.body, { set: [], failed: { attribute: 'AuthTokenId', reason: 'Attempt to edit secure attribute AuthTokenId in job 1.0. Failing!' } }, 'an edit too');
});

/** A Unix group with a supplementary member on this machine (getent group), for QUEUE_SUPER_USERS' %group. */
function groupWithMember(): { group: string; member: string } | undefined {
  const listed = spawnSync('getent', ['group'], { encoding: 'utf8' });
  for (const line of (listed.stdout ?? '').split('\n')) {
    const [group, , , members] = line.split(':');
    const member = members?.split(',')[0]?.trim();
    if (group && member) return { group, member };
  }
  return undefined;
}

const found = groupWithMember();
t.test("QUEUE_SUPER_USERS' %group makes the group's members queue superusers", { skip: found === undefined && 'no Unix group on this machine has a supplementary member' }, async (t) => {
  const { group, member } = found!;
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'true.sh'), '#!/bin/sh\nexit 0\n');
  fs.writeFileSync(path.join(pool.dir, 'held.sub'), 'executable = true.sh\nhold = true\nqueue\n');
  t.equal((await pool.run('condor_submit', ['held.sub'])).code, 0);
  const tokenFile = path.join(pool.dir, 'member.token');
  const issued = await pool.run('tinycondor', ['token', 'create', member, '--out', tokenFile]);
  t.equal(issued.code, 0, issued.stderr);
  const asMember = { ...pool.env, _CONDOR_TINYCONDOR_TOKEN_FILE: tokenFile };
  const local = path.join(pool.home, 'config.d', 'queue');
  fs.writeFileSync(local, 'QUEUE_SUPER_USERS = root, %tinycondor_no_such_group\n');
  t.equal((await runCommand('condor_rm', ['1.0'], asMember, pool.dir)).code, 1, `${member} is no superuser yet`);
  t.match(fs.readFileSync(path.join(pool.home, 'log', 'SchedLog'), 'utf8'), 'Group name \\"tinycondor_no_such_group\\" was not found in defined user groups');
  fs.writeFileSync(local, `QUEUE_SUPER_USERS = root, %${group}\n`);
  const removed = await runCommand('condor_rm', ['1.0'], asMember, pool.dir);
  t.same([removed.code, removed.stdout], [0, 'Job 1.0 marked for removal\n'], `a member of ${group} removes another user's job`);
});
