import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { environmentKnob, loadPoolConfig, watchedPoolConfig } from './pool-config.js';

function poolHome(t: { teardown(fn: () => void): void }): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'pool-config-'));
  t.teardown(() => fs.rmSync(home, { recursive: true, force: true }));
  fs.mkdirSync(path.join(home, 'config.d'));
  fs.writeFileSync(path.join(home, 'condor_config'), `LOCAL_DIR = ${home}\nDOCKER_NETWORKS = hpc\nLOCAL_CONFIG_DIR = $(LOCAL_DIR)/config.d\n`);
  return home;
}

t.test('LOCAL_CONFIG_DIR files override condor_config, in lexicographic order, less the excluded names', async (t) => {
  const home = poolHome(t);
  fs.writeFileSync(path.join(home, 'config.d', '20-docker'), 'DOCKER_NETWORKS = $(DOCKER_NETWORKS), ib\nDOCKER_VOLUMES = DATA\n');
  fs.writeFileSync(path.join(home, 'config.d', '10-first'), 'DOCKER_VOLUMES = FIRST\nDOCKER_SHM_SIZE = 1\n');
  for (const excluded of ['.hidden', 'backup~', 'setup.sh', 'old.rpmsave', '#draft']) fs.writeFileSync(path.join(home, 'config.d', excluded), 'DOCKER_SHM_SIZE = 2\n');
  fs.mkdirSync(path.join(home, 'config.d', 'a-directory'));
  const pool = loadPoolConfig({ CONDOR_CONFIG: path.join(home, 'condor_config') });
  t.same(['DOCKER_NETWORKS', 'DOCKER_VOLUMES', 'DOCKER_SHM_SIZE'].map((name) => pool.value(name)), ['hpc, ib', 'DATA', '1']);
});

t.test('_CONDOR_<NAME> in the environment overrides every file, in any case of its prefix', async (t) => {
  const home = poolHome(t);
  const env = { CONDOR_CONFIG: path.join(home, 'condor_config'), _CONDOR_DOCKER_NETWORKS: ' $(DOCKER_NETWORKS) ib ', _condor_Docker_Volumes: 'DATA' };
  const pool = loadPoolConfig(env);
  t.equal(pool.value('DOCKER_NETWORKS'), 'hpc ib', 'a self-reference extends what the files said');
  t.equal(pool.value('docker_volumes'), 'DATA');
  t.equal(environmentKnob(env, 'DOCKER_VOLUMES'), 'DATA', 'for a startd given no condor_config');
  t.equal(environmentKnob(env, 'DOCKER'), undefined);
});

t.test('a config file or knob that cannot be read is an error naming it', async (t) => {
  const home = poolHome(t);
  fs.writeFileSync(path.join(home, 'config.d', 'broken'), 'DOCKER_VOLUMES DATA\n');
  t.throws(() => loadPoolConfig({ CONDOR_CONFIG: path.join(home, 'condor_config') }), { message: `ERROR: ${path.join(home, 'config.d', 'broken')}:1: expected NAME = value, got 'DOCKER_VOLUMES DATA'` });
  fs.rmSync(path.join(home, 'config.d'), { recursive: true });
  t.throws(() => loadPoolConfig({ CONDOR_CONFIG: path.join(home, 'condor_config') }), { message: new RegExp(`^ERROR: cannot read LOCAL_CONFIG_DIR ${home}/config.d: ENOENT`) });
});

t.test('a watched configuration is read again after an edit, its files looked at once per turn of the event loop', async (t) => {
  const home = poolHome(t);
  let loads = 0;
  const watched = watchedPoolConfig(() => {
    loads++;
    return loadPoolConfig({ CONDOR_CONFIG: path.join(home, 'condor_config') });
  });
  t.equal(watched().value('DOCKER_NETWORKS'), 'hpc');
  fs.writeFileSync(path.join(home, 'config.d', '10-edit'), 'DOCKER_NETWORKS = edited\n');
  t.equal(watched().value('DOCKER_NETWORKS'), 'hpc', 'within the same turn: the files are not looked at again');
  await Promise.resolve();
  t.equal(watched().value('DOCKER_NETWORKS'), 'edited', 'the next turn sees the edit');
  t.equal(watched().value('DOCKER_NETWORKS'), 'edited');
  await Promise.resolve();
  t.equal(watched().value('DOCKER_NETWORKS'), 'edited', 'unchanged files: not read again');
  t.equal(loads, 2);
});
