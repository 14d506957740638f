import t from 'tap';
import { ClassAd } from './classad/index.js';
import { parseGroupMemberships, parsePasswd } from './job-user.js';
import {
  JOB_UNIVERSE_LOCAL,
  JOB_UNIVERSE_SCHEDULER,
  localStarterJobAd,
  localUnivExecuteDir,
  mayEmptyExecuteDir,
  mayStartInScheddUniverse,
  scheddJobUser,
  scheddUniverse,
  scheddUniverseDirName,
  START_LOCAL_UNIVERSE_DEFAULT,
  START_SCHEDULER_UNIVERSE_DEFAULT,
} from './local-universe.js';

const accounts = {
  users: parsePasswd('root:x:0:0::/root:/bin/sh\nalice:x:1001:1001::/home/alice:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n'),
  memberships: parseGroupMemberships('users:x:100:alice\n'),
};

t.test('the universes the schedd runs on its own host, by JobUniverse', async (t) => {
  t.equal(scheddUniverse(JOB_UNIVERSE_LOCAL), 'local');
  t.equal(scheddUniverse(JOB_UNIVERSE_SCHEDULER), 'scheduler');
  t.equal(scheddUniverse(5), undefined);
  t.equal(scheddUniverse(undefined), undefined);
});

t.test('the start expressions: param_info.in defaults, evaluated in the schedd ad against the job', async (t) => {
  const job = new ClassAd().set('Owner', 'alice');
  t.ok(mayStartInScheddUniverse('local', START_LOCAL_UNIVERSE_DEFAULT, { local: 199, scheduler: 0 }, job));
  t.notOk(mayStartInScheddUniverse('local', START_LOCAL_UNIVERSE_DEFAULT, { local: 200, scheduler: 0 }, job));
  t.ok(mayStartInScheddUniverse('scheduler', START_SCHEDULER_UNIVERSE_DEFAULT, { local: 900, scheduler: 499 }, job));
  t.notOk(mayStartInScheddUniverse('scheduler', START_SCHEDULER_UNIVERSE_DEFAULT, { local: 0, scheduler: 500 }, job));
  t.ok(mayStartInScheddUniverse('local', 'TARGET.Owner == "alice"', { local: 0, scheduler: 0 }, job), 'TARGET is the job');
  t.notOk(mayStartInScheddUniverse('local', 'TARGET.Owner == "bob"', { local: 0, scheduler: 0 }, job));
  t.notOk(mayStartInScheddUniverse('local', 'NoSuchAttribute', { local: 0, scheduler: 0 }, job), 'undefined starts nothing');
  t.notOk(mayStartInScheddUniverse('local', '((', { local: 0, scheduler: 0 }, job), 'a broken expression starts nothing');
});

t.test('whom the job runs as: a non-root schedd only its own user, a root schedd the owner', async (t) => {
  t.same(scheddJobUser('alice', { uid: 1001, name: 'alice' }, accounts), { user: undefined });
  t.same(scheddJobUser('bob', { uid: 1001, name: 'alice' }, accounts), { refused: 'Unable to switch to user: bob' });
  t.same(scheddJobUser('alice', { uid: 0, name: 'root' }, accounts), { user: { name: 'alice', uid: 1001, gid: 1001, groups: [1001, 100] } });
  t.same(scheddJobUser('root', { uid: 0, name: 'root' }, accounts), { user: undefined });
  t.same(scheddJobUser('mallory', { uid: 0, name: 'root' }, accounts), { refused: 'Unable to switch to user: mallory' }, 'no fall-back to nobody');
  t.same(scheddJobUser(undefined, { uid: 0, name: 'root' }, accounts), { refused: 'Unable to switch to user: ' });
});

t.test('LOCAL_UNIV_EXECUTE: the knob, else local_univ_execute in SPOOL', async (t) => {
  t.equal(localUnivExecuteDir(undefined, '/pool/spool'), '/pool/spool/local_univ_execute');
  t.equal(localUnivExecuteDir('  ', '/pool/spool'), '/pool/spool/local_univ_execute');
  t.equal(localUnivExecuteDir('/var/lue/', '/pool/spool'), '/var/lue');
});

t.test("a run's directory: the scheduler universe's by job, the local universe's by run", async (t) => {
  const run = { cluster: 12, proc: 3, runId: 'abc', pid: 4711 };
  t.equal(scheddUniverseDirName('scheduler', run), 'dir_12_3');
  t.equal(scheddUniverseDirName('local', run), 'dir_4711_abc');
});

t.test("the local starter's job ad: OrigCmd, OrigIwd, a relative Cmd under the Iwd", async (t) => {
  const ad = new ClassAd().set('Cmd', 'bin/job.sh').set('Iwd', '/home/a/work').set('JobUniverse', 12);
  const starterAd = localStarterJobAd(ad);
  t.equal(starterAd.getString('Cmd'), '/home/a/work/bin/job.sh');
  t.equal(starterAd.getString('OrigCmd'), 'bin/job.sh');
  t.equal(starterAd.getString('OrigIwd'), '/home/a/work');
  t.equal(ad.getString('Cmd'), 'bin/job.sh', 'the queue\'s ad is untouched');
  t.equal(localStarterJobAd(new ClassAd().set('Cmd', '/bin/true').set('Iwd', '/w')).getString('Cmd'), '/bin/true');
});

t.test('LOCAL_UNIV_EXECUTE is emptied at start unless it holds the pool', async (t) => {
  t.ok(mayEmptyExecuteDir('/pool/local_univ_execute', '/pool'));
  t.ok(mayEmptyExecuteDir('/var/lue', '/pool'));
  t.ok(mayEmptyExecuteDir('/pool2', '/pool'));
  t.notOk(mayEmptyExecuteDir('/pool', '/pool'));
  t.notOk(mayEmptyExecuteDir('/pool/', '/pool'));
  t.notOk(mayEmptyExecuteDir('/', '/pool'));
  t.notOk(mayEmptyExecuteDir('/home', '/home/u/.tinycondor'));
});
