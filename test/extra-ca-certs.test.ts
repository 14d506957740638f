import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { runCommand, startPool, waitForEvents, writeExecutable } from './helpers/pool.js';

// The condor_* bin scripts start as sh and move NODE_EXTRA_CA_CERTS aside while node starts (launch.cts):
// what the commands, their jobs and their TLS connections see must not change.

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, 'fixtures', 'tls');
const binDir = path.join(here, '..', 'packages', 'cli', 'bin');
const MISSING_CA_FILE = '/nonexistent/tinycondor-extra-ca.pem';

function withCaCerts(env: NodeJS.ProcessEnv, value: string | undefined): NodeJS.ProcessEnv {
  const { NODE_EXTRA_CA_CERTS: _dropped, ...rest } = env;
  return value === undefined ? rest : { ...rest, NODE_EXTRA_CA_CERTS: value };
}

/** `env` output (no value here holds a newline) as a map. */
function parseEnv(text: string): Map<string, string> {
  return new Map(text.split('\n').filter((line) => line.includes('=')).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

t.test('getenv and $ENV() capture NODE_EXTRA_CA_CERTS exactly as the submitter had it', async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 2 });
  const cases: [string, string | undefined][] = [['a-file', MISSING_CA_FILE], ['empty', ''], ['unset', undefined]];
  for (const [name, value] of cases) {
    const dir = path.join(pool.dir, name);
    fs.mkdirSync(dir);
    fs.writeFileSync(
      path.join(dir, 'env.sub'),
      'executable = /usr/bin/env\ntransfer_executable = false\nlog = env.log\nenvironment = "SEEN=[$ENV(NODE_EXTRA_CA_CERTS)]"\n' +
        'getenv = true\noutput = all.out\nqueue\ngetenv = NODE_EXTRA_CA_CERTS\noutput = named.out\nqueue\n',
    );
    const submitted = await runCommand('condor_submit', ['env.sub'], { ...withCaCerts(pool.env, value), SUBMITTER_MARK: name }, dir);
    t.equal(submitted.code, 0, submitted.stderr);
    // Node itself warns at start about an extra-CA file it cannot read: it never saw this one.
    t.notMatch(submitted.stderr, /Ignoring extra certs/, `${name}: node started without NODE_EXTRA_CA_CERTS`);
    await waitForEvents(path.join(dir, 'env.log'), (events) => events.filter((e) => e.code === 5).length === 2);
    const all = parseEnv(fs.readFileSync(path.join(dir, 'all.out'), 'utf8'));
    const named = parseEnv(fs.readFileSync(path.join(dir, 'named.out'), 'utf8'));
    t.equal(all.get('NODE_EXTRA_CA_CERTS'), value, `${name}: getenv = true`);
    t.equal(named.get('NODE_EXTRA_CA_CERTS'), value, `${name}: getenv = NODE_EXTRA_CA_CERTS`);
    // HTCondor's $ENV() of an unset variable is UNDEFINED (config.cpp, SPECIAL_MACRO_ID_ENV).
    t.equal(all.get('SEEN'), `[${value ?? 'UNDEFINED'}]`, `${name}: $ENV(NODE_EXTRA_CA_CERTS)`);
    t.equal(all.get('SUBMITTER_MARK'), name, 'getenv = true took the rest of the environment');
    t.equal(named.has('SUBMITTER_MARK'), false, 'getenv = NAME took only that');
    t.equal([...all.keys()].some((key) => key.startsWith('TINYCONDOR_NODE_EXTRA')), false, `${name}: the moved-aside copy does not leak`);
  }

  // The same file run by node itself: node loads the variable at start and warns (so the checks above can fail).
  const { NODE_OPTIONS: _tapHook, ...plainEnv } = withCaCerts(pool.env, MISSING_CA_FILE);
  const direct = spawnSync(process.execPath, [path.join(binDir, 'condor_config_val.js'), 'SPOOL'], { env: plainEnv, encoding: 'utf8' });
  t.equal(direct.status, 0, direct.stderr);
  t.match(direct.stderr, /Ignoring extra certs from `\/nonexistent\/tinycondor-extra-ca\.pem`/);
  const shimmed = await runCommand('condor_config_val', ['SPOOL'], plainEnv, pool.dir);
  t.equal(shimmed.stdout, direct.stdout, 'the same answer through the bin script');
  t.equal(shimmed.stderr, '', 'without the warning');
});

t.test('condor_ssh_to_job and the REST commands over TLS (an https:// schedd) trust NODE_EXTRA_CA_CERTS as node would', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'work.sh'), '#!/bin/sh\nexec sleep 300\n');
  fs.writeFileSync(path.join(pool.dir, 'w.sub'), 'executable = work.sh\nenvironment = "GREETING=hello"\nlog = w.log\nqueue\n');
  t.equal((await pool.run('condor_submit', ['w.sub'])).code, 0);
  await waitForEvents(path.join(pool.dir, 'w.log'), (events) => events.some((e) => e.code === 1));

  // A TLS front for the schedd, with a certificate of a CA node does not know.
  const schedd = new URL(pool.url);
  const front = tls.createServer({ key: fs.readFileSync(path.join(fixtures, 'server.key')), cert: fs.readFileSync(path.join(fixtures, 'server.pem')) }, (client) => {
    const upstream = net.connect(Number(schedd.port), schedd.hostname);
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => front.close(resolve)));
  const config = path.join(pool.dir, 'tls_condor_config');
  fs.writeFileSync(config, `SCHEDD_URL = https://127.0.0.1:${(front.address() as net.AddressInfo).port}\nTINYCONDOR_TOKEN_FILE = ${path.join(pool.home, 'pool.token')}\n`);
  const env = { ...pool.env, CONDOR_CONFIG: config };

  const trusted = await runCommand('condor_ssh_to_job', ['1.0', 'echo $GREETING'], withCaCerts(env, path.join(fixtures, 'ca.pem')), pool.dir);
  t.equal(trusted.code, 0, trusted.stderr);
  t.equal(trusted.stdout, 'hello\n');
  const untrusted = await runCommand('condor_ssh_to_job', ['1.0', 'echo $GREETING'], withCaCerts(env, undefined), pool.dir);
  t.equal(untrusted.code, 1);
  t.match(untrusted.stderr, /cannot reach the schedd at https:.*certificate/);
  const unreadable = await runCommand('condor_ssh_to_job', ['1.0', 'echo $GREETING'], withCaCerts(env, MISSING_CA_FILE), pool.dir);
  t.equal(unreadable.code, 1);
  t.match(unreadable.stderr, /^Warning: Ignoring extra certs from `\/nonexistent\/tinycondor-extra-ca\.pem`, load failed/);

  // The REST commands over the same https front: queries, an action, a submission.
  const trustedEnv = withCaCerts(env, path.join(fixtures, 'ca.pem'));
  const listed = await runCommand('condor_q', ['-af', 'ClusterId', 'JobStatus'], trustedEnv, pool.dir);
  t.equal(listed.code, 0, listed.stderr);
  t.equal(listed.stdout, '1 2\n');
  fs.writeFileSync(path.join(pool.dir, 'h.sub'), 'executable = /bin/true\ntransfer_executable = false\nhold = true\nqueue\n');
  const submitted = await runCommand('condor_submit', ['h.sub'], trustedEnv, pool.dir);
  t.equal(submitted.code, 0, submitted.stderr);
  const removed = await runCommand('condor_rm', ['2'], trustedEnv, pool.dir);
  t.equal(removed.code, 0, removed.stderr);
  t.match(removed.stdout, /All jobs in cluster 2 have been marked for removal/);
  const refused = await runCommand('condor_q', [], withCaCerts(env, undefined), pool.dir);
  t.equal(refused.code, 1);
  t.match(refused.stderr, /Can't connect to the schedd at https:\/\/127\.0\.0\.1:\d+ \(\w+\)/);
});
