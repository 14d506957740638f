// Container submit commands on a real Docker engine. container_service_names: the host port Docker forwards
// to the job's service is in the job ad while the job runs (<service>_HostPort, as DockerProc::getStats reports
// it) and in the sandbox's .job.ad, reaches the job's server, and is UNDEFINED once the container has ended
// (DockerProc::JobReaper). container_target_dir, which HTCondor's Docker path does not read, changes nothing
// and is warned about. docker_send_credentials: DOCKER_PAT_PRODUCER's config.json is what `docker pull` reads
// through DOCKER_CONFIG, then removed; its HTCondorError holds the job.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { PYTHON_IMAGE, startDockerEngine } from '../bench/src/docker-engine.js';
import { eventually, heldWith, startPool, waitForEvents, writeExecutable } from './helpers/pool.js';

/** A user-defined bridge: the test engine has no default bridge, and `-p` forwards nothing without one. */
const NETWORK = 'tinycondor-test-services';

/** The first line a TCP server at 127.0.0.1:`port` sends. */
function firstLine(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = net.connect(port, '127.0.0.1');
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => resolve(text.split('\n')[0] ?? ''));
    socket.on('error', reject);
  });
}

const engine = await startDockerEngine(t);
if ('skip' in engine) {
  t.comment(`container services not tested: ${engine.skip}`);
  t.pass(`skipped: ${engine.skip}`);
} else {
  const created = await engine.docker(['network', 'create', NETWORK]);
  if (created.code !== 0 && !/already exists/.test(created.stderr)) throw new Error(`docker network create ${NETWORK}: ${created.stderr}`);
  // The producer and docker's credential helper record what they were given in `aux`; HOME is the submitter's
  // (condor_submit looks for its .docker/config.json), which the producer must not get.
  const aux = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-docker-creds-'));
  t.teardown(() => fs.rmSync(aux, { recursive: true, force: true }));
  fs.mkdirSync(path.join(aux, 'home', '.docker'), { recursive: true });
  fs.writeFileSync(path.join(aux, 'home', '.docker', 'config.json'), '{"auths": {}}\n');
  fs.mkdirSync(path.join(aux, 'bin'));
  writeExecutable(
    path.join(aux, 'producer.sh'),
    `#!/bin/sh\nenv | sort > ${aux}/producer.env\nif [ -e ${aux}/fail ]; then echo '{"HTCondorError": "Could not extract Docker Hub credentials. Ensure you are logged in using docker login"}'; exit 1; fi\n` +
      `echo '{"auths": {"localhost:5999": {"auth": "dXNlcjpwYXQ="}}, "credHelpers": {"localhost:5999": "tinycondortest"}}'\n`,
  );
  writeExecutable(
    path.join(aux, 'bin', 'docker-credential-tinycondortest'),
    `#!/bin/sh\nread server\n{ echo "$1 $server"; echo "$DOCKER_CONFIG"; cat "$DOCKER_CONFIG/config.json"; } > ${aux}/helper.ran\nprintf '{"ServerURL":"%s","Username":"user","Secret":"pat"}\\n' "$server"\n`,
  );
  const pool = await startPool(t, {
    startds: 1,
    cpus: 1,
    env: { ...engine.env, _CONDOR_DOCKER_NETWORKS: NETWORK, _CONDOR_DOCKER_PAT_PRODUCER: path.join(aux, 'producer.sh'), HOME: path.join(aux, 'home'), PATH: `${path.join(aux, 'bin')}:${process.env.PATH ?? ''}` },
  });

  await t.test("a service's host port is in the job ad while the job runs, and UNDEFINED after", async (t) => {
    writeExecutable(
      path.join(pool.dir, 'serve.py'),
      `#!/usr/bin/python3
import os, socket
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(('', 8080))
server.listen(1)
connection, _ = server.accept()
connection.sendall(b'hello from the job\\n')
connection.close()
print('cwd=%s scratch=%s' % (os.getcwd(), os.environ['_CONDOR_SCRATCH_DIR']))
print([line.strip() for line in open(os.environ['_CONDOR_JOB_AD']) if 'HostPort' in line])
`,
    );
    fs.writeFileSync(
      path.join(pool.dir, 'serve.sub'),
      `universe = container\ncontainer_image = docker://${PYTHON_IMAGE}\nexecutable = serve.py\ndocker_network_type = ${NETWORK}\n` +
        'container_service_names = Web\nWeb_container_port = 8080\ncontainer_target_dir = /srv/job\noutput = serve.out\nerror = serve.err\nlog = serve.log\nqueue\n',
    );
    const submitted = await pool.run('condor_submit', ['serve.sub']);
    t.equal(submitted.code, 0, submitted.stderr);
    t.notMatch(submitted.stderr, /container_service_names/, 'no warning for container_service_names');
    t.match(submitted.stderr, /WARNING: container_target_dir has no effect on a job run with Docker/);
    const id = `${/submitted to cluster (\d+)/.exec(submitted.stdout)?.[1]}.0`;
    const hostPort = await eventually('Web_HostPort in the job ad', async () => {
      const [status, port] = (await pool.run('condor_q', [id, '-af', 'JobStatus', 'Web_HostPort'])).stdout.trim().split(' ');
      return status === '2' && /^\d+$/.test(port ?? '') ? Number(port) : undefined;
    }, 120_000);
    t.ok(hostPort > 0, `Web_HostPort = ${hostPort}`);
    t.equal(await firstLine(hostPort), 'hello from the job', "the host port reaches the job's server in its container");
    const events = await waitForEvents(path.join(pool.dir, 'serve.log'), (ev) => ev.some((e) => e.code === 5), 120_000);
    t.equal(events.find((e) => e.code === 5)?.lines[1], '\t(1) Normal termination (return value 0)', fs.readFileSync(path.join(pool.dir, 'serve.err'), 'utf8'));
    const [where, jobAdLines] = fs.readFileSync(path.join(pool.dir, 'serve.out'), 'utf8').split('\n');
    const match = /^cwd=(\S+) scratch=(\S+)$/.exec(where ?? '');
    t.ok(match !== null && match[1] === match[2] && match[1] !== '/srv/job', `container_target_dir is not read: the sandbox at its own path is the working directory (${where})`);
    t.equal(jobAdLines, `['Web_HostPort = ${hostPort}']`, "appended to the sandbox's .job.ad");
    const history = await pool.run('condor_history', [id, '-af', 'Web_HostPort', 'Web_ContainerPort']);
    t.equal(history.stdout, 'undefined 8080\n', 'UNDEFINED once the container has ended');
    t.match((await pool.run('condor_history', [id, '-l'])).stdout, /^Web_HostPort = undefined$/m);
  });

  await t.test("docker_send_credentials: the pull reads DOCKER_PAT_PRODUCER's config.json through DOCKER_CONFIG, which is then removed", async (t) => {
    const image = 'localhost:5999/tinycondor-test/private:1';
    fs.writeFileSync(path.join(pool.dir, 'creds.sub'), `universe = docker\ndocker_image = ${image}\ndocker_send_credentials = true\nqueue\n`);
    const submitted = await pool.run('condor_submit', ['creds.sub']);
    t.equal(submitted.code, 0, submitted.stderr);
    t.notMatch(submitted.stderr, /docker_send_credentials/, 'no warning');
    const id = `${/submitted to cluster (\d+)/.exec(submitted.stdout)?.[1]}.0`;
    const held = await heldWith(pool, id);
    t.same([held.code, held.subCode], ['35', '0']);
    t.match(held.reason, new RegExp(`^Error from slot1_1@startd1: Cannot pull image ${image} `), 'the pull failed (no registry there), after reading the credentials');
    const [asked, configDir, config] = fs.readFileSync(path.join(aux, 'helper.ran'), 'utf8').split('\n');
    t.equal(asked, 'get localhost:5999', "docker pull asked the helper the producer's config.json names");
    t.match(configDir, /^\/.*\/docker_config\.\d+\.\w+$/, 'DOCKER_CONFIG: a directory of its own, outside the sandbox');
    t.same(JSON.parse(config ?? ''), { auths: { 'localhost:5999': { auth: 'dXNlcjpwYXQ=' } }, credHelpers: { 'localhost:5999': 'tinycondortest' } });
    t.notOk(fs.existsSync(configDir ?? ''), 'removed once docker create or the pull has ended');
    // The shell adds PWD (and SHLVL, _, OLDPWD) of its own.
    const producerEnv = fs.readFileSync(path.join(aux, 'producer.env'), 'utf8').split('\n').filter((line) => line !== '' && !/^(PWD|OLDPWD|SHLVL|_)=/.test(line));
    t.same(producerEnv.map((line) => line.split('=')[0]), ['HOME', 'PATH'], 'the producer gets only HOME and PATH');
    t.equal(producerEnv[0], `HOME=${os.userInfo().homedir}`, "HOME is the job owner's home directory, not the submitter's environment");
  });

  await t.test("docker_send_credentials: the producer's HTCondorError holds the job (35)", async (t) => {
    fs.writeFileSync(path.join(aux, 'fail'), '');
    const submitted = await pool.run('condor_submit', ['creds.sub']);
    t.equal(submitted.code, 0, submitted.stderr);
    const held = await heldWith(pool, `${/submitted to cluster (\d+)/.exec(submitted.stdout)?.[1]}.0`);
    t.same(held, { code: '35', subCode: '0', reason: 'Error from slot1_1@startd1: Could not extract Docker Hub credentials. Ensure you are logged in using docker login' });
  });
}
