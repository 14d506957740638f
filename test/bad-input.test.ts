import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { rest, startPool, waitForEvents, writeExecutable, type TestPool } from './helpers/pool.js';

async function queueIds(pool: TestPool): Promise<string> {
  return (await pool.run('condor_q', ['-allusers', '-af', 'ClusterId', 'ProcId'])).stdout;
}

t.test('bad submit files are refused with file:line and queue nothing', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'sleep.sh'), '#!/bin/bash\nexec sleep 300\n');
  fs.writeFileSync(path.join(pool.dir, 'good.sub'), 'executable = sleep.sh\nqueue\n');
  t.equal((await pool.run('condor_submit', ['good.sub'])).code, 0);
  const before = await queueIds(pool);
  t.equal(before, '1 0\n');

  const cases: [string, RegExp][] = [
    ['executable = sleep.sh\nthis line has no equals sign\nqueue\n', /bad\.sub:2: /],
    ['executable = sleep.sh\nqueue 3 foo bar in\n', /bad\.sub:2: /],
    ['executable = sleep.sh\narguments = "unbalanced\nqueue\n', /bad\.sub:2: .*arguments/i],
    ['executable = sleep.sh\nrequest_memory = 12 XB\nqueue\n', /bad\.sub:2: /],
    ['executable = sleep.sh\nuniverse = grid\nqueue\n', /bad\.sub:2: /],
    ['executable = sleep.sh\n+Foo = (1 +\nqueue\n', /bad\.sub:2: /],
  ];
  for (const [text, expected] of cases) {
    fs.writeFileSync(path.join(pool.dir, 'bad.sub'), text);
    const result = await pool.run('condor_submit', ['bad.sub']);
    t.equal(result.code, 1, `exit code for ${JSON.stringify(text)}`);
    t.match(result.stderr, /ERROR: /);
    t.match(result.stderr, expected, `message for ${JSON.stringify(text)}`);
  }
  fs.writeFileSync(path.join(pool.dir, 'empty.sh'), '');
  const condorWorded: [string, string][] = [
    ['executable = /no/such/file\nqueue\n', "\nERROR: Can't access executable file /no/such/file: No such file or directory\n"],
    ['executable = empty.sh\nqueue\n', '\nERROR: Executable file empty.sh has zero length\n'],
    ['arguments = 1\nqueue\n', "\nERROR: No 'executable' parameter was provided\n"],
    [
      'executable = sleep.sh\nshould_transfer_files = NO\nwhen_to_transfer_output = ON_EXIT\nqueue\n',
      '\nERROR: WhenToTransferOutput specified as ON_EXIT yet ShouldTransferFiles defined as NO.  Please remove this contradiction from your submit file and try again.\n',
    ],
  ];
  for (const [text, expected] of condorWorded) {
    fs.writeFileSync(path.join(pool.dir, 'bad.sub'), text);
    const result = await pool.run('condor_submit', ['bad.sub']);
    t.equal(result.code, 1, `exit code for ${JSON.stringify(text)}`);
    t.equal(result.stderr, expected, `condor_submit's words for ${JSON.stringify(text)}`);
  }
  const missing = await pool.run('condor_submit', ['no-such.sub']);
  t.equal(missing.code, 1);
  t.match(missing.stderr, /ERROR: Failed to open command file/);
  t.equal(await queueIds(pool), before, 'the queue is unchanged');
});

t.test('condor_submit from stdin with -terse, -append and -batch-name', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'sleep.sh'), '#!/bin/bash\nexec sleep 300\n');
  const result = await pool.run('condor_submit', ['-terse', '-batch-name', 'nightly', '-append', 'arguments = one two'], {
    input: 'executable = sleep.sh\nqueue 2\n',
  });
  t.equal(result.stderr, '');
  t.equal(result.stdout, '1.0 - 1.1\n');
  const ads = await pool.run('condor_q', ['-af', 'JobBatchName', 'Args', 'Arguments']);
  t.match(ads.stdout, /^nightly .*one two/m);
  t.equal(ads.stdout.trim().split('\n').length, 2);

  const typo = 'executable = sleep.sh\nhold = true\nouptut = out.txt\nqueue\n';
  const warned = await pool.run('condor_submit', ['-terse'], { input: typo });
  t.equal(warned.code, 0);
  t.equal(warned.stderr, "\nWARNING: the line 'ouptut = out.txt' was unused by condor_submit. Is it a typo?\n");
  const quiet = await pool.run('condor_submit', ['-terse', '-unused'], { input: typo });
  t.equal(quiet.stderr, '', '-unused turns the warning off');

  // What HTCondor acts on and tinycondor does not yet is never ignored in silence.
  const target = await pool.run('condor_submit', ['-terse'], { input: 'executable = sleep.sh\nhold = true\ncontainer_image = docker://alpine\ncontainer_target_dir = /work\nqueue 2\n' });
  t.equal(target.code, 0);
  t.match(target.stderr, /^\nWARNING: container_target_dir has no effect on a job run with Docker, .*\n$/);
  const evict = await pool.run('condor_submit', ['-terse'], { input: 'executable = sleep.sh\nhold = true\non_evict_checks = Grow\ntransform_body_Grow = SET A 1\nqueue 2\n' });
  t.same([evict.code, evict.stderr], [0, ''], 'on_evict_checks is implemented');

  fs.writeFileSync(path.join(pool.dir, 'common.inc'), 'executable = sleep.sh\nif version >= 8.0\nbatch_name = included\nendif\n');
  const included = await pool.run('condor_submit', ['-terse'], {
    input: 'include : common.inc\ninclude command : /bin/echo arguments = from echo\nqueue\n',
  });
  t.equal(included.code, 0, included.stderr);
  const [includedId] = included.stdout.split(' ');
  const includedAd = await pool.run('condor_q', [includedId!, '-af', 'JobBatchName', 'Args']);
  t.equal(includedAd.stdout, 'included from echo\n', 'a file and a command included, an if taken');

  const queued = await pool.run('condor_q', ['-af', 'ClusterId', 'ProcId']);
  const dry = await pool.run('condor_submit', ['-dry-run', '-', 'executable=sleep.sh', 'arguments=$(Process)', '-queue', '2']);
  t.equal(dry.code, 0, dry.stderr);
  t.match(dry.stdout, /^\nMyType="Job"\n[^]*\nArgs="0"\n[^]*\n\nProcId=1\nArgs="1"\nDry-Run job\(s\)\.\.\n2 job\(s\) dry-run to cluster 1\.\n$/);
  fs.writeFileSync(path.join(pool.dir, 'one.sub'), 'executable = sleep.sh\nqueue\n');
  const dryFile = await pool.run('condor_submit', ['-dry-run', 'ads.txt', 'one.sub']);
  t.equal(dryFile.stdout, 'Dry-Run job(s).\n1 job(s) dry-run to cluster 1.\n');
  t.match(fs.readFileSync(path.join(pool.dir, 'ads.txt'), 'utf8'), /^\nMyType="Job"\n[^]*\nCmd=".*sleep\.sh"\n/);
  const conflict = await pool.run('condor_submit', ['-dry-run', '-', 'one.sub', '-queue', '3']);
  t.equal(conflict.code, 1);
  t.equal(conflict.stderr, '\nERROR: -queue argument conflicts with queue statement in submit file\n');
  t.equal((await pool.run('condor_q', ['-af', 'ClusterId', 'ProcId'])).stdout, queued.stdout, 'a dry run queues nothing');

  const verbose = await pool.run('condor_submit', [], { input: 'executable = sleep.sh\nhold = true\nqueue 2\n' });
  t.match(verbose.stdout, /^\n\*\* Proc (\d+)\.0:\n(\w+ = .*\n)+\n\*\* Proc \1\.1:\n(\w+ = .*\n)+$/, 'from stdin: verbose, each proc\'s ad');
  t.match(verbose.stdout, /\nProcId = 1\n/);
  const fromFile = await pool.run('condor_submit', ['one.sub']);
  t.match(fromFile.stdout, /^Submitting job\(s\)\.\n1 job\(s\) submitted to cluster \d+\.\n$/);
});

t.test('REST: token required, bodies validated, unknown ids are 404, nothing stored on error', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  t.equal((await rest(pool, 'GET', '/v1/jobs', undefined, 'wrong-token')).status, 401);
  t.equal((await fetch(`${pool.url}/v1/jobs`)).status, 401);
  t.equal((await rest(pool, 'GET', '/v1/jobs/99.0')).status, 404);
  t.equal((await rest(pool, 'GET', '/v1/jobs/not-a-job')).status, 400);
  const badConstraint = await rest(pool, 'GET', `/v1/jobs?constraint=${encodeURIComponent('ClusterId ==')}`);
  t.equal(badConstraint.status, 400);
  t.match(badConstraint.body.error, /syntax error/);

  const { body } = await rest(pool, 'POST', '/v1/clusters');
  const clusterId = body.clusterId as number;
  t.equal(clusterId, 1);
  const base = { ClusterId: String(clusterId), ProcId: '0', JobStatus: '1', Cmd: '"/bin/true"', Iwd: `"${pool.dir}"`, Owner: '"someone"' };
  const refusals: [unknown, RegExp][] = [
    ['not json', /JSON|body/i],
    [{ procs: 'no' }, /procs/],
    [{ procs: [] }, /procs/],
    [{ procs: [{ ...base, ClusterId: '7' }] }, /ClusterId/],
    [{ procs: [base, base] }, /ProcId/],
    [{ procs: [{ ...base, Requirements: 'Memory >' }] }, /Requirements|syntax/],
    [{ procs: [{ ...base, JobStatus: '4' }] }, /JobStatus/],
    [{ procs: [{ ...base, Cmd: '42' }] }, /Cmd/],
    [{ procs: [base], extra: true }, /extra|additional/i],
    [{ common: { ...base, Rank: '1 +' }, procs: [{}] }, /cluster ad: .*Rank/],
    [{ common: base, procs: [{}, { ProcId: '1' }, { ProcId: '1' }] }, /proc 2: ProcId/],
    [{ common: base, procs: [{}, { ProcId: '1', Cmd: null }] }, /proc 1: attribute Cmd/],
    [{ common: base, procs: [{ Owner: 7 }] }, /Owner|procs/],
    // A proc that changes what a validated attribute refers to is checked on its own ad, not the cluster's.
    [{ common: { ...base, JobStatus: 'Wanted', Wanted: '1' }, procs: [{}, { ProcId: '1', Wanted: '4' }] }, /proc 1: JobStatus/],
    [{ common: { ...base, Cmd: 'strcat("/bin/", Tool)', Tool: '"true"' }, procs: [{}, { ProcId: '1', Tool: 'undefined' }] }, /proc 1: attribute Cmd/],
  ];
  for (const [payload, expected] of refusals) {
    const reply = await rest(pool, 'POST', `/v1/clusters/${clusterId}/procs`, payload);
    t.equal(reply.status, 400, `status for ${JSON.stringify(payload).slice(0, 80)}`);
    t.match(reply.body.error, expected);
  }
  t.equal((await rest(pool, 'POST', '/v1/clusters/12345/procs', { procs: [base] })).status, 400, 'unreserved cluster');
  t.equal((await rest(pool, 'GET', '/v1/jobs')).body.ads instanceof Array ? ((await rest(pool, 'GET', '/v1/jobs')).body.ads as unknown[]).length : -1, 0);
  const accepted = await rest(pool, 'POST', `/v1/clusters/${clusterId}/procs`, { procs: [base] });
  t.equal(accepted.status, 201);
  t.equal((await rest(pool, 'POST', `/v1/clusters/${clusterId}/procs`, { procs: [base] })).status, 400, 'a cluster is submitted once');
  // A cluster ad and per-proc differences, as condor_submit sends them: each proc comes back whole.
  const shared = (await rest(pool, 'POST', '/v1/clusters')).body.clusterId as number;
  const common = { ...base, ClusterId: String(shared), Out: '"out.0"', HoldReason: '"x"', JobStatus: '5' };
  const submitted = await rest(pool, 'POST', `/v1/clusters/${shared}/procs`, { common, procs: [{}, { ProcId: '1', Out: '"out.1"', HoldReason: null, JobStatus: '1' }] });
  t.equal(submitted.status, 201, JSON.stringify(submitted.body));
  const proc1 = (await rest(pool, 'GET', `/v1/jobs/${shared}.1`)).body.ad as Record<string, string>;
  t.match(proc1, { ClusterId: String(shared), ProcId: '1', Out: '"out.1"', Cmd: '"/bin/true"', TotalSubmitProcs: '2', GlobalJobId: new RegExp(`#${shared}\\.1#`) });
  t.notOk('HoldReason' in proc1, 'a null drops the cluster attribute');
  const listed = (await rest(pool, 'GET', `/v1/jobs?constraint=${encodeURIComponent(`ClusterId == ${shared}`)}`)).body.ads as Record<string, string>[];
  t.same(listed.map((ad) => [ad.ProcId, ad.Out, ad.JobStatus]), [['0', '"out.0"', '5'], ['1', '"out.1"', '1']]);
  const bad = await rest(pool, 'POST', '/v1/actions', { action: 'explode', ids: ['1.0'] });
  t.equal(bad.status, 400);
});

t.test('requirements and request_* decide where jobs may run; a missing input holds the job', async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 1 });
  writeExecutable(path.join(pool.dir, 'hello.sh'), '#!/bin/bash\necho hello\n');
  fs.writeFileSync(
    path.join(pool.dir, 'jobs.sub'),
    `executable = hello.sh
log = jobs.log
requirements = TARGET.Memory > 100000000
queue
requirements = OpSys == "LINUX"
request_memory = 999 TB
queue
requirements = OpSys == "LINUX" && Cpus >= 1
request_memory = 1
queue
transfer_input_files = does-not-exist.txt
queue
`,
  );
  t.equal((await pool.run('condor_submit', ['jobs.sub'])).code, 0);
  const log = path.join(pool.dir, 'jobs.log');
  const events = await waitForEvents(log, (ev) => ev.some((e) => e.code === 5 && e.proc === 2) && ev.some((e) => e.code === 12));
  const held = events.find((e) => e.code === 12);
  t.equal(held?.proc, 3);
  t.match(held?.lines[1], /Transfer input files failure .* reading from file .*does-not-exist\.txt: \(errno 2\) No such file or directory/);
  t.equal(held?.lines[2], '\tCode 13 Subcode 0');
  const q = await pool.run('condor_q', ['-af', 'ProcId', 'JobStatus', 'HoldReasonCode']);
  t.equal(q.stdout, '0 1 undefined\n1 1 undefined\n3 5 13\n', 'unmatchable jobs stay idle; the held job waits');
});

t.test('log_xml = True writes HTCondor XML events that condor_wait reads', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'hello.sh'), '#!/bin/bash\necho hello\n');
  fs.writeFileSync(path.join(pool.dir, 'x.sub'), 'executable = hello.sh\noutput = x.out\nlog = x.xml\nlog_xml = True\nqueue\n');
  t.equal((await pool.run('condor_submit', ['x.sub'])).code, 0);
  const waited = await pool.run('condor_wait', ['-wait', '60', 'x.xml', '1.0']);
  t.equal(waited.stdout, 'All jobs done.\n');
  const xml = fs.readFileSync(path.join(pool.dir, 'x.xml'), 'utf8');
  t.match(xml, /<c>\s*<a n="MyType"><s>SubmitEvent<\/s><\/a>/);
  t.match(xml, /<a n="MyType"><s>JobTerminatedEvent<\/s><\/a>/);
  t.equal(fs.readFileSync(path.join(pool.dir, 'x.out'), 'utf8'), 'hello\n');
});

t.test('condor_wait: timeout, unknown log, job filter', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const missing = await pool.run('condor_wait', ['nope.log']);
  t.equal(missing.code, 1);
  t.equal(missing.stderr, "Couldn't open nope.log: No such file or directory\n");
  writeExecutable(path.join(pool.dir, 'sleep.sh'), '#!/bin/bash\nexec sleep 300\n');
  fs.writeFileSync(path.join(pool.dir, 's.sub'), 'executable = sleep.sh\nlog = s.log\nqueue\n');
  t.equal((await pool.run('condor_submit', ['s.sub'])).code, 0);
  const expired = await pool.run('condor_wait', ['-wait', '1', 's.log']);
  t.equal(expired.stdout, 'Time expired.\n');
  t.equal(expired.code, 1);
  t.equal((await pool.run('condor_rm', ['1'])).code, 0);
  const done = await pool.run('condor_wait', ['-wait', '30', 's.log', '1']);
  t.equal(done.stdout, 'All jobs done.\n');
});

t.test('security defaults: token file 0600, loopback only, owners act on their own jobs', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  t.equal(fs.statSync(path.join(pool.home, 'pool.token')).mode & 0o777, 0o600, 'the token file is private');
  t.match(pool.url, /^http:\/\/127\.0\.0\.1:\d+$/, 'the schedd listens on loopback');
  const config = fs.readFileSync(path.join(pool.home, 'condor_config.pool'), 'utf8');
  t.match(config, /^QUEUE_SUPER_USERS = root/m);
  writeExecutable(path.join(pool.dir, 'sleep.sh'), '#!/bin/bash\nexec sleep 300\n');
  fs.writeFileSync(path.join(pool.dir, 's.sub'), 'executable = sleep.sh\nqueue\n');
  t.equal((await pool.run('condor_submit', ['s.sub'])).code, 0);
  const denied = await rest(pool, 'POST', '/v1/actions', { action: 'remove', ids: ['1.0'], user: 'mallory' });
  t.equal(denied.status, 200);
  t.match((denied.body.results as { ok: boolean; message: string }[])[0], { ok: false, message: /permission denied/ });
  t.equal((await pool.run('condor_q', ['-af', 'ProcId'])).stdout, '0\n', 'the job is still there');
  const big = path.join(pool.dir, 'big.sub');
  fs.writeFileSync(big, '');
  fs.truncateSync(big, 64 * 1024 * 1024 + 1);
  const refused = await pool.run('condor_submit', ['big.sub']);
  t.equal(refused.code, 1);
  t.match(refused.stderr, /larger than 67108864 bytes/);
});
