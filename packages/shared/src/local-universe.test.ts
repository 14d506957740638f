import t from 'tap';
import { ClassAd } from './classad/index.js';
import { parseGroupMemberships, parsePasswd } from './job-user.js';
import {
  JOB_UNIVERSE_LOCAL,
  JOB_UNIVERSE_SCHEDULER,
  mayStartInScheddUniverse,
  scheddJobUser,
  scheddUniverse,
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
