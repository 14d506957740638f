import t from 'tap';
import { ClassAd } from '@tinycondor/shared/classad/index';
import { parseState } from './container-process.js';
import { containerCommand, containerEnd, containerHostname, containerImage, containerName, ContainerRefused, dockerCreateArgs, wantsContainer, type ContainerPlan, type DockerSettings } from './container-args.js';

const DOCKER: DockerSettings = {
  cli: '/usr/bin/docker',
  version: 'Docker version 20.10.24',
  networks: ['hpcnet'],
  dropAllCapabilities: true,
  runUnderInit: true,
  advertisedVolumes: [],
  mountVolumes: [],
  extraArguments: [],
  mountUnderScratch: '""',
};

function jobAd(attributes: Record<string, string | number | boolean>): ClassAd {
  const ad = new ClassAd();
  ad.set('ClusterId', 12).set('ProcId', 3).set('Owner', 'alice');
  for (const [name, value] of Object.entries(attributes)) ad.set(name, value);
  return ad;
}

const machine = new ClassAd().set('Machine', 'exec1.example.org').set('Cpus', 2).set('Memory', 2048);

const PLAN: ContainerPlan = {
  name: 'HTCJob12_3_slot1_PID99',
  image: 'python:3.12',
  volumes: ['/x/dir_1', '/x/dir_1'],
  scratchMounts: [],
  workdir: '/x/dir_1',
  user: { uid: 1000, gid: 1000, groups: [1000, 27] },
  env: { _CONDOR_SCRATCH_DIR: '/x/dir_1', A: 'b c' },
  command: './run.sh',
  memoryMb: 256,
  cpus: 2,
  startdName: 'startd1',
};

t.test('docker create gets the arguments DockerAPI::createContainer builds', async (t) => {
  const { args, ignored } = dockerCreateArgs(PLAN, jobAd({ Arguments: "one 'two three'" }), machine, DOCKER);
  t.same(args, [
    'create', '--cpu-shares=200', '--memory=256m',
    '--cap-drop=all', '--cap-add=SYS_PTRACE', '--security-opt', 'no-new-privileges',
    '--init',
    '--name', 'HTCJob12_3_slot1_PID99', '--label=org.htcondorproject=True', '--label=org.tinycondor.startd=startd1', '--log-driver', 'none',
    '-e', '_CONDOR_SCRATCH_DIR=/x/dir_1', '-e', 'A=b c',
    '--volume', '/x/dir_1:/x/dir_1',
    '--workdir', '/x/dir_1', '--user', '1000:1000', '--group-add', '27',
    '--hostname', 'alice-12.3-exec1.example.org',
    'python:3.12', './run.sh', 'one', 'two three',
  ]);
  t.same(ignored, []);
});

t.test('knobs and job attributes that change the arguments', async (t) => {
  const plain = dockerCreateArgs(PLAN, jobAd({}), machine, { ...DOCKER, dropAllCapabilities: false, runUnderInit: false }).args;
  t.notOk(plain.includes('--cap-drop=all') || plain.includes('--init'), 'DOCKER_DROP_ALL_CAPABILITIES and DOCKER_RUN_UNDER_INIT off');
  const host = dockerCreateArgs(PLAN, jobAd({ DockerNetworkType: 'host' }), machine, DOCKER).args;
  t.ok(host.includes('--network=host') && !host.includes('--hostname'), 'host networking keeps the host name');
  t.ok(dockerCreateArgs(PLAN, jobAd({ DockerNetworkType: 'none' }), machine, DOCKER).args.includes('--network=none'));
  t.notOk(dockerCreateArgs(PLAN, jobAd({ DockerNetworkType: 'nat' }), machine, DOCKER).args.some((a) => a.startsWith('--network')), 'nat is the default network');
  t.ok(dockerCreateArgs(PLAN, jobAd({ DockerNetworkType: 'hpcnet' }), machine, DOCKER).args.includes('--network=hpcnet'));
  t.throws(() => dockerCreateArgs(PLAN, jobAd({ DockerNetworkType: 'other' }), machine, DOCKER), new ContainerRefused('Docker job requested network other not allowed by parameter DOCKER_NETWORKS with value hpcnet, refusing to run job'));
  const pulled = dockerCreateArgs(PLAN, jobAd({ DockerPullPolicy: 'Always' }), machine, DOCKER).args;
  t.same(pulled.slice(pulled.indexOf('--pull'), pulled.indexOf('--pull') + 2), ['--pull', 'always']);
  t.same(dockerCreateArgs(PLAN, jobAd({ DockerPullPolicy: 'never' }), machine, DOCKER).ignored, ['Ignoring unknown docker pull policy: never']);
  const entry = dockerCreateArgs(PLAN, jobAd({ DockerOverrideEntrypoint: true, Arguments: 'x' }), machine, DOCKER).args;
  t.same(entry.slice(-4), ['--entrypoint', './run.sh', 'python:3.12', 'x']);
  const own = dockerCreateArgs({ ...PLAN, command: '' }, jobAd({ Arguments: 'x' }), machine, DOCKER).args;
  t.same(own.slice(-2), ['python:3.12', 'x'], "no executable: the image's own command gets the arguments");
  const services = dockerCreateArgs(PLAN, jobAd({ ContainerServiceNames: 'web, db', web_ContainerPort: 80, db_ContainerPort: 5432 }), machine, DOCKER).args;
  t.same(services.filter((_, i) => services[i - 1] === '-p'), ['80', '5432']);
});

t.test("the administrator's volumes, extra arguments and shm size, as DockerAPI::createContainer adds them", async (t) => {
  const docker: DockerSettings = {
    ...DOCKER,
    mountVolumes: [
      { name: 'DATA', volume: '/data:/data:ro' },
      { name: 'SCRATCH', volume: '/scratch:/scratch', mountIf: 'TARGET.WantScratch =?= true' },
      { name: 'SANDBOX', volume: '/x/dir_1:/x/dir_1' },
    ],
    extraArguments: ['--ulimit', 'nofile=4096'],
    shmSize: 'TARGET.RequestMemory * 1024 * 1024 / 4',
  };
  const args = dockerCreateArgs({ ...PLAN, scratchMounts: ['/x/dir_1/tmp:/tmp'] }, jobAd({ RequestMemory: 400 }), machine, docker).args;
  t.same(
    args.filter((_, i) => args[i - 1] === '--volume'),
    ['/x/dir_1:/x/dir_1', '/x/dir_1/tmp:/tmp', '/data:/data:ro'],
    'the sandbox once, MOUNT_UNDER_SCRATCH, then DATA (SCRATCH is not mounted: its MOUNT_IF is false)',
  );
  const scratch = dockerCreateArgs(PLAN, jobAd({ RequestMemory: 400, WantScratch: true }), machine, docker).args;
  t.ok(scratch.includes('/scratch:/scratch'), 'MOUNT_IF true for this job');
  const image = args.indexOf('python:3.12');
  t.same(args.slice(image - 4, image), ['--ulimit', 'nofile=4096', '--shm-size', String(100 * 1024 * 1024)], 'before the image: extra arguments, then --shm-size');
  t.notOk(dockerCreateArgs(PLAN, jobAd({}), machine, { ...docker, shmSize: 'TARGET.NoSuch' }).args.includes('--shm-size'), 'no size when the expression is not a number');
});

t.test('names, images and commands', async (t) => {
  t.equal(containerName(jobAd({}), 'slot1', 4242, 'startd1'), 'HTCJob12_3_slot1_PID4242_startd1');
  t.equal(containerName(jobAd({}), 'slot1', 7, 'exec@host:1'), 'HTCJob12_3_slot1_PID7_exec_host_1', 'the startd name in the characters docker allows');
  t.equal(containerHostname(jobAd({ Owner: 'a'.repeat(80) }), machine).length, 63);
  t.equal(containerImage(jobAd({ ContainerImage: 'docker://python' })), 'python:latest');
  t.equal(containerImage(jobAd({ DockerImage: 'debian:12', ContainerImage: 'docker://x' })), 'debian:12');
  t.equal(containerImage(jobAd({})), undefined);
  t.equal(containerCommand(jobAd({ Cmd: '/home/alice/run.sh' }), true), './run.sh', 'a transferred executable runs from the sandbox');
  t.equal(containerCommand(jobAd({ Cmd: '/usr/bin/python3', TransferExecutable: false }), true), '/usr/bin/python3', 'one not transferred lives in the image');
  t.equal(containerCommand(jobAd({ Cmd: '' }), true), '');
  t.ok(wantsContainer(jobAd({ WantDocker: true })));
  t.ok(wantsContainer(jobAd({ WantContainer: true })));
  t.notOk(wantsContainer(jobAd({})));
});

t.test('how a container ended, as DockerProc::JobReaper reads docker inspect', async (t) => {
  const state = { Running: false, ExitCode: 0, OOMKilled: false, Error: '' };
  t.same(containerEnd({ ...state, ExitCode: 85 }, 128), { kind: 'exit', exit: { bySignal: false, exitCode: 85 } });
  t.same(containerEnd({ ...state, ExitCode: 137 }, 128), { kind: 'exit', exit: { bySignal: true, signal: 9 } }, 'above 128: the signal');
  t.same(containerEnd({ ...state, ExitCode: 137, OOMKilled: true }, 128), { kind: 'out-of-memory', reason: 'Docker job has gone over memory limit of 128 Mb' });
  t.same(containerEnd({ ...state, ExitCode: 127, Error: 'exec: "./x": permission denied' }, 128), { kind: 'docker-error', reason: 'Error running docker job: exec: "./x": permission denied' });
});

t.test('docker inspect\'s state is read only when it is one', async (t) => {
  t.same(parseState('{"Status":"exited","Running":false,"OOMKilled":false,"ExitCode":3,"Error":""}'), { Running: false, ExitCode: 3, OOMKilled: false, Error: '' });
  t.equal(parseState('not json'), undefined, 'garbage: no state, never a throw');
  t.equal(parseState('null'), undefined);
  t.equal(parseState('{"Running":"no"}'), undefined);
});
