import t from 'tap';
import { ClassAd } from './classad/index.js';
import { starterEnvironment } from './starter-environment.js';

const places = { scratchDir: '/x/dir_1', jobIwd: '/home/a/work', slotName: 'slot1_1', cpus: 2 };

t.test("the starter's variables (Starter::PublishToEnv), after the job's own", async (t) => {
  const env = starterEnvironment(new ClassAd().set('Environment', 'A=1 B=two'), places);
  t.same(env, {
    A: '1',
    B: 'two',
    BATCH_SYSTEM: 'HTCondor',
    _CONDOR_JOB_IWD: '/home/a/work',
    _CONDOR_JOB_PIDS: '',
    _CONDOR_SCRATCH_DIR: '/x/dir_1',
    _CONDOR_SLOT: 'slot1_1',
    TMPDIR: '/x/dir_1',
    TEMP: '/x/dir_1',
    TMP: '/x/dir_1',
    _CONDOR_MACHINE_AD: '/x/dir_1/.machine.ad',
    _CONDOR_JOB_AD: '/x/dir_1/.job.ad',
    OMP_NUM_THREADS: '2',
  });
  t.equal(starterEnvironment(new ClassAd(), { ...places, chirpConfig: '/x/dir_1/.chirp.config' })._CONDOR_CHIRP_CONFIG, '/x/dir_1/.chirp.config');
});

t.test("the starter's values win over the job's, but for OMP_NUM_THREADS the job set", async (t) => {
  const env = starterEnvironment(new ClassAd().set('Environment', 'TMPDIR=/tmp _CONDOR_JOB_AD=/fake OMP_NUM_THREADS=8'), places);
  t.equal(env.TMPDIR, '/x/dir_1');
  t.equal(env._CONDOR_JOB_AD, '/x/dir_1/.job.ad');
  t.equal(env.OMP_NUM_THREADS, '8');
  t.equal(starterEnvironment(new ClassAd().set('Environment', 'OMP_NUM_THREADS='), places).OMP_NUM_THREADS, '2', 'an empty value is set');
});

t.test("the local universe's starter: no slot name, no machine Cpus, so no OMP_NUM_THREADS", async (t) => {
  const env = starterEnvironment(new ClassAd(), { ...places, slotName: '', cpus: undefined });
  t.equal(env._CONDOR_SLOT, '');
  t.notOk('OMP_NUM_THREADS' in env);
});

t.test('TMPDIR, TEMP and TMP are /tmp for a job given a mount namespace (VanillaProc::StartJob: setTmpDir)', async (t) => {
  const env = starterEnvironment(new ClassAd(), { ...places, tmpDir: '/tmp' });
  t.same([env.TMPDIR, env.TEMP, env.TMP, env._CONDOR_SCRATCH_DIR], ['/tmp', '/tmp', '/tmp', '/x/dir_1']);
});
