// Container jobs (universe = docker / container) on a real Docker engine: output, the seed's
// self-checkpointing example resumed after its startd is killed, a missing image, the memory limit,
// and a pool without Docker that never starts them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { startdPids } from './helpers/faults.js';
import { BASE_IMAGE, PYTHON_IMAGE, startDockerEngine, type TestDockerEngine } from '../bench/src/docker-engine.js';
import { codes, eventually, heldWith, startPool, waitForEvents, writeExecutable, type TestPool } from './helpers/pool.js';
import { seedSubmit, variantOf } from './helpers/seeds.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

const engine = await startDockerEngine(t);
if ('skip' in engine) {
  t.comment(`container jobs not tested: ${engine.skip}`);
  t.pass(`skipped: ${engine.skip}`);
} else {
  await containerTests(engine);
}

/** Submits `text` as `file`; resolves with its cluster's one job id. */
async function submit(pool: TestPool, file: string, text: string): Promise<string> {
  fs.writeFileSync(path.join(pool.dir, file), text);
  const result = await pool.run('condor_submit', [file]);
  if (result.code !== 0) throw new Error(`condor_submit ${file}: ${result.stderr}`);
  return `${/submitted to cluster (\d+)/.exec(result.stdout)?.[1]}.0`;
}

async function attrs(pool: TestPool, id: string, names: string[]): Promise<string[]> {
  const result = await pool.run('condor_q', [id, '-af', ...names]);
  return result.stdout.trim().split(' ');
}

async function containerTests(engine: TestDockerEngine): Promise<void> {
  // An administrator's volume (mounted only for jobs that ask), an shm size and extra arguments, set as
  // _CONDOR_ knobs in the pool's environment.
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-docker-data-'));
  t.teardown(() => fs.rmSync(data, { recursive: true, force: true }));
  fs.writeFileSync(path.join(data, 'hello.txt'), 'from the DATA volume\n');
  const knobs = {
    _CONDOR_DOCKER_VOLUMES: 'DATA',
    _CONDOR_DOCKER_MOUNT_VOLUMES: 'DATA',
    _CONDOR_DOCKER_VOLUME_DIR_DATA: `${data}:/data:ro`,
    _CONDOR_DOCKER_VOLUME_DIR_DATA_MOUNT_IF: 'TARGET.WantData =?= true',
    _CONDOR_DOCKER_SHM_SIZE: '64 * 1024 * 1024',
    _CONDOR_DOCKER_EXTRA_ARGUMENTS: '--label org.tinycondor.test=extra',
  };
  const pool = await startPool(t, { startds: 2, cpus: 1, env: { ...engine.env, ...knobs } });
  const leftContainers = async () => (await engine.docker(['ps', '-aq', '--filter', 'label=org.htcondorproject=True'])).stdout.trim();

  await t.test('the slots advertise Docker as HTCondor startds do', async (t) => {
    const status = await pool.run('condor_status', ['-af', 'HasDocker', 'HasContainer', 'HasDockerURL', 'DockerVersion']);
    const lines = status.stdout.trim().split('\n');
    t.equal(lines.length, 2, status.stderr);
    for (const line of lines) t.match(line, /^true true true Docker version \S+/);
  });

  await t.test('a docker-universe job runs in its image, in the sandbox, with its exit code', async (t) => {
    writeExecutable(
      path.join(pool.dir, 'hello.sh'),
      '#!/bin/sh\nhead -1 /etc/os-release\necho "cwd=$(pwd) scratch=$_CONDOR_SCRATCH_DIR user=$(id -u):$(id -g)"\necho "to stderr" >&2\nexit 3\n',
    );
    await submit(pool, 'hello.sub', `universe = docker\ndocker_image = ${BASE_IMAGE}\nexecutable = hello.sh\noutput = hello.out\nerror = hello.err\nlog = hello.log\nqueue\n`);
    const events = await waitForEvents(path.join(pool.dir, 'hello.log'), (ev) => ev.some((e) => e.code === 5), 120_000);
    t.equal(events.find((e) => e.code === 5)?.lines[1], '\t(1) Normal termination (return value 3)');
    const [osLine, where] = fs.readFileSync(path.join(pool.dir, 'hello.out'), 'utf8').split('\n');
    t.equal(osLine, 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"', 'the image, not the host');
    const match = /^cwd=(\S+) scratch=(\S+) user=(\d+):(\d+)$/.exec(where ?? '');
    t.ok(match, where);
    t.equal(match?.[1], match?.[2], 'the working directory is the sandbox, at the path _CONDOR_SCRATCH_DIR names');
    t.equal(`${match?.[3]}:${match?.[4]}`, `${process.getuid?.()}:${process.getgid?.()}`, "the container runs as the job's user");
    t.equal(fs.readFileSync(path.join(pool.dir, 'hello.err'), 'utf8'), 'to stderr\n');
    await eventually('the container removed after the run', async () => ((await leftContainers()) === '' ? true : undefined), 60_000);
    t.pass('the container is removed after the run');
  });

  await t.test('condor_ssh_to_job runs inside the container; condor_tail, condor_suspend and condor_hold act on it', async (t) => {
    writeExecutable(path.join(pool.dir, 'waits.sh'), '#!/bin/sh\necho started\nwhile [ ! -e go ]; do sleep 0.1; done\necho released\n');
    const id = await submit(pool, 'waits.sub', `universe = docker\ndocker_image = ${BASE_IMAGE}\nexecutable = waits.sh\noutput = waits.out\nlog = waits.log\nqueue\n`);
    const tail = await eventually('the job to print its first line', async () => {
      const result = await pool.run('condor_tail', [id]);
      return result.code === 0 && result.stdout === 'started\n' ? result : undefined;
    }, 120_000);
    t.equal(tail.stdout, 'started\n', 'condor_tail reads the sandbox');
    const inside = await pool.run('condor_ssh_to_job', [id, 'test -f /.dockerenv && echo "inside $(hostname) in $PWD" && test "$PWD" = "$_CONDOR_SCRATCH_DIR"']);
    t.equal(inside.code, 0, inside.stderr);
    t.match(inside.stdout, new RegExp(`^inside \\S+-${id}-\\S+ in /\\S+\n$`), 'docker exec: the container, its host name, the sandbox as working directory');
    const suspended = await pool.run('condor_suspend', [id]);
    t.equal(suspended.code, 0, suspended.stderr);
    const paused = await eventually('the container paused', async () => {
      const state = await engine.docker(['ps', '--filter', 'label=org.htcondorproject=True', '--format', '{{.State}}']);
      return state.stdout.trim() === 'paused' ? state.stdout.trim() : undefined;
    });
    t.equal(paused, 'paused', 'condor_suspend pauses the container (DockerProc::Suspend)');
    t.equal((await pool.run('condor_continue', [id])).code, 0);
    await eventually('the container running again', async () => ((await engine.docker(['ps', '--filter', 'label=org.htcondorproject=True', '--format', '{{.State}}'])).stdout.trim() === 'running' ? true : undefined));
    t.equal((await pool.run('condor_hold', [id])).code, 0);
    await waitForEvents(path.join(pool.dir, 'waits.log'), (ev) => ev.some((e) => e.code === 12), 60_000);
    await eventually('the held job\'s container removed', async () => ((await leftContainers()) === '' ? true : undefined), 60_000);
    t.pass('condor_hold kills and removes the container');
    t.equal((await pool.run('condor_rm', [id])).code, 0);
  });

  await t.test("the seed's example (001) as a container job checkpoints in place and resumes elsewhere after its startd is killed", async (t) => {
    const dir = path.join(pool.dir, 'example');
    fs.mkdirSync(dir);
    // The manual's example.py (the fixture), with a 1 s nap: the startd is killed between two checkpoints.
    const example = fs.readFileSync(path.join(FIXTURES, 'checkpoint-defects', 'manual-example-py', 'example.py'), 'utf8');
    writeExecutable(path.join(dir, 'example.py'), variantOf(example, 'time.sleep(0.1)', 'time.sleep(1)'));
    fs.writeFileSync(path.join(dir, 'example.submit'), `universe = container\ncontainer_image = docker://${PYTHON_IMAGE}\n${seedSubmit('example.submit')}`);
    const submitted = await pool.run('condor_submit', ['example.submit'], { cwd: dir });
    t.equal(submitted.code, 0, submitted.stderr);
    const id = /submitted to cluster (\d+)/.exec(submitted.stdout)?.[1] ?? '';
    const victim = await eventually('the first checkpoint', async () => {
      const [ckpts, host] = await attrs(pool, `${id}.0`, ['NumCkpts', 'RemoteHost']);
      return Number(ckpts) >= 1 && host !== undefined && host.includes('@') ? host.split('@')[1] : undefined;
    }, 120_000);
    const [pid] = startdPids(pool, victim as string);
    t.ok(pid, `the startd ${victim} running the job`);
    process.kill(pid as number, 'SIGKILL');
    const events = await waitForEvents(path.join(dir, 'example.log'), (ev) => ev.some((e) => e.code === 5), 180_000);
    const jobCodes = codes(events, Number(id), 0);
    t.ok(jobCodes.filter((code) => code === 1).length >= 2, `started again after the kill: ${jobCodes.join(' ')}`);
    t.ok(jobCodes.includes(4), 'evicted when its startd went away');
    t.equal(events.find((e) => e.code === 5)?.lines[1], '\t(1) Normal termination (return value 0)');
    const out = fs.readFileSync(path.join(dir, 'example.out'), 'utf8');
    t.match(out, /^Starting from 0\n(Computing timestamp \d\n)+Starting from 3\n/, 'the first restart in place is from the first checkpoint');
    t.match(out, /Starting from 9\nComputing timestamp 9\nComputation complete\n$/);
    t.notMatch(out, /Starting from 0\n[^]*Starting from 0\n/, 'never started over from scratch');
    t.equal(fs.readFileSync(path.join(dir, 'example.checkpoint'), 'utf8'), '10');
    await eventually('no container left', async () => ((await leftContainers()) === '' ? true : undefined), 60_000);
  });

  await t.test("the school's example (004) as a container job: files and a directory as checkpoint, vacated, resumed", async (t) => {
    const dir = path.join(pool.dir, 'school');
    fs.mkdirSync(dir);
    writeExecutable(
      path.join(dir, 'my_software'),
      `#!/usr/bin/python3 -u
import os, sys, time

def save_checkpoint(iteration):
    cp_file = open('temp_file.txt', 'w')
    cp_file.write('%d\\n' % (iteration))
    cp_file.close()
    sys.exit(85)

start, end = 0, int(open('my_input.txt').read())
if os.path.exists('temp_file.txt'):
    start = int(open('temp_file.txt').read().strip())
print('Starting from %d' % start)
if not os.path.isdir('temp_dir'):
    os.mkdir('temp_dir')
for iteration in range(start, end):
    time.sleep(1)
    with open('my_output.txt', 'a') as f:
        f.write('result %d\\n' % iteration)
    with open('temp_dir/%d.txt' % iteration, 'w') as f:
        f.write('state %d\\n' % iteration)
    if (iteration + 1) % 3 == 0 and iteration + 1 < end:
        save_checkpoint(iteration + 1)
print('done')
sys.exit(0)
`,
    );
    fs.writeFileSync(path.join(dir, 'my_input.txt'), '9\n');
    fs.writeFileSync(
      path.join(dir, 'my_submit.sub'),
      `universe = container
container_image = docker://${PYTHON_IMAGE}
executable = my_software
transfer_input_files = my_input.txt
transfer_checkpoint_files = my_output.txt, temp_dir, temp_file.txt
transfer_output_files = my_output.txt

request_cpus = 1
request_memory = 1GB
request_disk = 1GB

log = zzz.log
output = zzz.out
error = zzz.err

checkpoint_exit_code = 85

queue
`,
    );
    const submitted = await pool.run('condor_submit', ['my_submit.sub'], { cwd: dir });
    t.equal(submitted.code, 0, submitted.stderr);
    const id = `${/submitted to cluster (\d+)/.exec(submitted.stdout)?.[1]}.0`;
    await eventually('the first checkpoint', async () => (Number((await attrs(pool, id, ['NumCkpts']))[0]) >= 1 ? true : undefined), 120_000);
    const vacated = await pool.run('condor_vacate_job', [id]);
    t.equal(vacated.code, 0, vacated.stderr);
    const events = await waitForEvents(path.join(dir, 'zzz.log'), (ev) => ev.some((e) => e.code === 5), 180_000);
    const jobCodes = codes(events, Number(id.split('.')[0]), 0);
    t.ok(jobCodes.includes(4) && jobCodes.filter((code) => code === 1).length >= 2, `vacated, then started again: ${jobCodes.join(' ')}`);
    t.equal(fs.readFileSync(path.join(dir, 'my_output.txt'), 'utf8'), [0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => `result ${i}\n`).join(''), 'every result once: resumed from the checkpoint, its files and directory');
    t.match(fs.readFileSync(path.join(dir, 'zzz.out'), 'utf8'), /^Starting from 0\nStarting from [36]\n(Starting from [36]\n)*done\n$/);
  });

  await t.test('an image that cannot be pulled holds the job (code 35), as DockerProc does', async (t) => {
    const id = await submit(pool, 'missing.sub', 'universe = container\ncontainer_image = docker://tinycondor-test/no-such-image:1\nexecutable = hello.sh\nlog = missing.log\nqueue\n');
    const held = await heldWith(pool, id);
    t.same([held.code, held.subCode], ['35', '0']);
    t.match(held.reason, /^Error from slot1_1@startd\d: Cannot pull image tinycondor-test\/no-such-image:1 \S/);
  });

  await t.test('request_memory limits the container: a job that outgrows it is held (34/102)', async (t) => {
    writeExecutable(path.join(pool.dir, 'hog.py'), '#!/usr/bin/python3\nhog = bytearray(400 * 1024 * 1024)\nprint("allocated")\n');
    const id = await submit(pool, 'hog.sub', `universe = docker\ndocker_image = ${PYTHON_IMAGE}\nexecutable = hog.py\nrequest_memory = 128\nlog = hog.log\nqueue\n`);
    const held = await heldWith(pool, id);
    t.same([held.code, held.subCode], ['34', '102']);
    t.match(held.reason, /^Error from slot1_1@startd\d: Docker job has gone over memory limit of 128 Mb$/);
  });

  await t.test("the administrator's DOCKER_* knobs: a volume for the jobs that ask, the shm size, extra arguments", async (t) => {
    const status = await pool.run('condor_status', ['-af', 'HasDockerVolumeDATA']);
    t.equal(status.stdout, 'true\ntrue\n', 'DOCKER_VOLUMES advertised');
    writeExecutable(path.join(pool.dir, 'volume.sh'), '#!/bin/sh\ncat /data/hello.txt 2>&1\ndf -B1 --output=size /dev/shm | tail -1\n');
    const run = async (name: string, extra: string) => {
      await submit(pool, `${name}.sub`, `universe = docker\ndocker_image = ${BASE_IMAGE}\nexecutable = volume.sh\n${extra}output = ${name}.out\nlog = ${name}.log\nqueue\n`);
      await waitForEvents(path.join(pool.dir, `${name}.log`), (ev) => ev.some((e) => e.code === 5), 120_000);
      return fs.readFileSync(path.join(pool.dir, `${name}.out`), 'utf8').split('\n');
    };
    const [asked, shm] = await run('asked', '+WantData = true\n');
    t.equal(asked, 'from the DATA volume', 'DOCKER_VOLUME_DIR_DATA_MOUNT_IF is true for this job');
    t.equal(shm.trim(), String(64 * 1024 * 1024), 'DOCKER_SHM_SIZE');
    const [notAsked] = await run('not-asked', '');
    t.match(notAsked, /No such file or directory/, 'the other job has no /data');
  });

  await t.test('/tmp and /var/tmp are private to the job, in its sandbox (MOUNT_UNDER_SCRATCH), and kept across a restart in place', async (t) => {
    writeExecutable(
      path.join(pool.dir, 'scratch.sh'),
      '#!/bin/sh\nif [ -e /tmp/kept ]; then cat /tmp/kept /var/tmp/also; exit 0; fi\necho "written before the checkpoint" > /tmp/kept\necho "and in /var/tmp" > /var/tmp/also\nexit 85\n',
    );
    await submit(pool, 'scratch.sub', `universe = docker\ndocker_image = ${BASE_IMAGE}\nexecutable = scratch.sh\ncheckpoint_exit_code = 85\noutput = scratch.out\nlog = scratch.log\nqueue\n`);
    const events = await waitForEvents(path.join(pool.dir, 'scratch.log'), (ev) => ev.some((e) => e.code === 5), 120_000);
    t.equal(events.find((e) => e.code === 5)?.lines[1], '\t(1) Normal termination (return value 0)');
    t.equal(fs.readFileSync(path.join(pool.dir, 'scratch.out'), 'utf8'), 'written before the checkpoint\nand in /var/tmp\n', "the next container found what the first left in the job's /tmp");
  });

  await t.test("the container's CPU and memory, from the engine's stats, are the job's usage", async (t) => {
    // Holds 64 MiB, spins in user mode until it has used 1.5 s of CPU (time.process_time is a system call: a loop
    // of it alone spent two thirds in the kernel, and RemoteUserCpu counts user time), and lives 15 s in all:
    // past the stats timer's second answer (asked 2 s after the start, then 5 s after each answer, as DockerProc's
    // timer; the engine takes 1-2 s to answer stats?stream=0), which sees that CPU however loaded the machine is.
    writeExecutable(
      path.join(pool.dir, 'busy.py'),
      '#!/usr/bin/python3\nimport time\nstart = time.monotonic()\nheld = bytearray(64 * 1024 * 1024)\nfor i in range(0, len(held), 4096): held[i] = 1\nend = time.process_time() + 1.5\nwhile time.process_time() < end:\n    for _ in range(100000): pass\nwhile time.monotonic() - start < 15: time.sleep(0.1)\n',
    );
    const id = await submit(pool, 'busy.sub', `universe = docker\ndocker_image = ${PYTHON_IMAGE}\nexecutable = busy.py\nlog = busy.log\nqueue\n`);
    await waitForEvents(path.join(pool.dir, 'busy.log'), (ev) => ev.some((e) => e.code === 5), 120_000);
    const history = await pool.run('condor_history', [id, '-af', 'RemoteUserCpu', 'ResidentSetSize', 'ImageSize']);
    const [userCpu, rssKb, imageKb] = history.stdout.trim().split(' ').map(Number);
    t.ok(userCpu >= 1, `RemoteUserCpu ${userCpu} s: the container's CPU, not the docker client's`);
    t.ok(rssKb >= 64 * 1024 && rssKb < 1024 * 1024, `ResidentSetSize ${rssKb} KiB holds the 64 MiB the job touched`);
    t.equal(imageKb, rssKb, 'ImageSize is the same figure, as DockerProc publishes it');
  });

  await t.test('a pool whose startds have no Docker never starts a container job', async (t) => {
    const plain = await startPool(t, { startds: 1, cpus: 1, env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
    writeExecutable(path.join(plain.dir, 'true.sh'), '#!/bin/sh\nexit 0\n');
    const id = await submit(plain, 'c.sub', `universe = docker\ndocker_image = ${BASE_IMAGE}\nexecutable = true.sh\nlog = c.log\nqueue\n`);
    await submit(plain, 'v.sub', 'executable = true.sh\nlog = v.log\nqueue\n');
    await waitForEvents(path.join(plain.dir, 'v.log'), (ev) => ev.some((e) => e.code === 5), 60_000);
    const long = (await plain.run('condor_q', [id, '-l'])).stdout;
    t.match(long, /^JobStatus = 1$/m, 'the container job stays idle while a vanilla job submitted after it ran');
    t.match(long, /^Requirements = TARGET\.HasDocker$/m);
    const slots = await plain.run('condor_status', ['-af', 'HasDocker']);
    t.equal(slots.stdout.trim(), 'undefined');
  });
}
