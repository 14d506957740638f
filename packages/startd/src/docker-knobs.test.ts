import t from 'tap';
import { ClassAd } from '@tinycondor/shared/classad/index';
import { dockerConfig, scratchDirectories, type KnobLookup } from './docker-knobs.js';

function knobs(values: Record<string, string>): KnobLookup {
  return (name) => values[name];
}

t.test("HTCondor's defaults when nothing is set", async (t) => {
  t.same(dockerConfig(knobs({})), {
    config: {
      cli: '/usr/bin/docker',
      networks: [],
      dropAllCapabilities: true,
      runUnderInit: true,
      advertisedVolumes: [],
      mountVolumes: [],
      extraArguments: [],
      mountUnderScratch: '"/tmp,/var/tmp"',
    },
    warnings: [],
  });
});

t.test('volumes, extra arguments and shm size as the startd and starter read them', async (t) => {
  const { config, warnings } = dockerConfig(
    knobs({
      DOCKER: '/opt/docker/bin/docker ',
      DOCKER_NETWORKS: 'hpc, ib',
      DOCKER_VOLUMES: 'CVMFS, DATA',
      DOCKER_MOUNT_VOLUMES: 'CVMFS DATA, GONE',
      DOCKER_VOLUME_DIR_CVMFS: '/cvmfs:/cvmfs:shared',
      DOCKER_VOLUME_DIR_DATA: '/data',
      DOCKER_VOLUME_DIR_DATA_MOUNT_IF: 'WantData',
      DOCKER_EXTRA_ARGUMENTS: '"--ulimit nofile=4096 --label \'team=a b\'"',
      DOCKER_SHM_SIZE: '1024 * 1024',
    }),
  );
  t.equal(config.cli, '/opt/docker/bin/docker');
  t.same(config.networks, ['hpc', 'ib']);
  t.same(config.advertisedVolumes, ['CVMFS', 'DATA']);
  t.same(config.mountVolumes, [
    { name: 'CVMFS', volume: '/cvmfs:/cvmfs:shared' },
    { name: 'DATA', volume: '/data:/data', mountIf: 'WantData' },
  ]);
  t.same(config.extraArguments, ['--ulimit', 'nofile=4096', '--label', 'team=a b'], 'V2 quoted, as AppendArgsV1RawOrV2Quoted reads it');
  t.equal(config.shmSize, '1024 * 1024');
  t.same(warnings, ['WARNING: DOCKER_VOLUME_DIR_GONE is missing in config file.']);
});

t.test('knobs tinycondor does not implement are named when set, never silently ignored', async (t) => {
  const { warnings } = dockerConfig(knobs({ DOCKER_PERFORM_TEST: 'false', DOCKER_IMAGE_CACHE_SIZE: '20', DOCKER_LOG_DRIVER_NAME: 'journald' }));
  t.same(warnings, [
    'DOCKER_PERFORM_TEST is not implemented by tinycondor yet: no test container is run at start: an engine that answers `docker info` is taken to run containers',
    'DOCKER_IMAGE_CACHE_SIZE is not implemented by tinycondor yet: images are never removed from the engine by the startd',
    "DOCKER_LOG_DRIVER_NAME is not implemented by tinycondor yet: containers are created with '--log-driver none'",
  ]);
});

t.test('values HTCondor would refuse are refused, naming the knob', async (t) => {
  t.throws(() => dockerConfig(knobs({ DOCKER_RUN_UNDER_INIT: 'maybe' })), new Error("DOCKER_RUN_UNDER_INIT must be True or False, got 'maybe'"));
  t.throws(() => dockerConfig(knobs({ DOCKER_VOLUMES: 'ok, not-a-name' })), new Error("DOCKER_VOLUMES: 'not-a-name' cannot be part of an attribute name (letters, digits and _, at most 64)"));
  t.throws(() => dockerConfig(knobs({ DOCKER_SHM_SIZE: '1024 *' })), /^DOCKER_SHM_SIZE: cannot parse '1024 \*' as an expression: /);
  t.throws(() => dockerConfig(knobs({ DOCKER_MOUNT_VOLUMES: 'A', DOCKER_VOLUME_DIR_A: '/a', DOCKER_VOLUME_DIR_A_MOUNT_IF: '((' })), /^DOCKER_VOLUME_DIR_A_MOUNT_IF: cannot parse/);
  t.throws(() => dockerConfig(knobs({ DOCKER_EXTRA_ARGUMENTS: '"unterminated' })), /^DOCKER_EXTRA_ARGUMENTS: docker: failed to parse extra arguments: /);
});

t.test("MOUNT_UNDER_SCRATCH (an expression over the job ad, else a literal list) and the job's own directories", async (t) => {
  const job = new ClassAd().set('MountUnderScratch', '/scratch/a, /work').set('Owner', 'alice');
  t.same(scratchDirectories(dockerConfig(knobs({})).config, job), ['/tmp', '/var/tmp', '/scratch/a', '/work'], "HTCondor's default, then the job's");
  t.same(scratchDirectories(dockerConfig(knobs({ MOUNT_UNDER_SCRATCH: '/tmp' })).config, new ClassAd()), ['/tmp'], 'a literal list');
  t.same(scratchDirectories(dockerConfig(knobs({ MOUNT_UNDER_SCRATCH: 'ifThenElse(Owner == "alice", "/alice", "/other")' })).config, job).slice(0, 1), ['/alice'], 'an expression over the job ad');
  t.same(scratchDirectories(dockerConfig(knobs({ MOUNT_UNDER_SCRATCH: '' })).config, new ClassAd()), [], 'none');
});
