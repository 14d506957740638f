import t from 'tap';
import { isQueueSuperUser, isSameUser, maySubmitFor, queueAccess } from './queue-access.js';

const accessOf = (knobs: Record<string, string>, problems: string[] = []) => queueAccess((name) => knobs[name], 'pool', 'localhost', problems);

t.test("QUEUE_SUPER_USERS as InitQmgmt reads it, with the schedd's own user", async (t) => {
  t.same(accessOf({}).superUsers, ['root', 'condor', 'pool'], "param_info.in's default when unset");
  t.same(accessOf({ QUEUE_SUPER_USERS: ' ' }).superUsers, ['root', 'pool'], 'root alone when set empty');
  t.same(accessOf({ QUEUE_SUPER_USERS: 'root,mallory alice@example.org' }).superUsers, ['root', 'mallory', 'alice@example.org', 'pool'], 'commas and blanks separate');
  t.same(accessOf({ QUEUE_SUPER_USERS: 'pool, root' }).superUsers, ['pool', 'root'], 'not twice');
  t.same(accessOf({ QUEUE_SUPER_USERS: 'root', PERSONAL_CONDOR_IS_SUPER_USER: 'false' }).superUsers, ['root'], 'PERSONAL_CONDOR_IS_SUPER_USER = false leaves it out');
  const problems: string[] = [];
  t.same(accessOf({ QUEUE_SUPER_USERS: 'root, %wheel' }, problems).superUsers, ['root', 'pool']);
  t.same(problems, ['QUEUE_SUPER_USERS: %wheel names a Unix group, which tinycondor does not read: its members are not queue superusers']);
});

t.test('user names with and without a domain (is_same_user, COMPARE_DOMAIN_PREFIX, UID_DOMAIN assumed)', async (t) => {
  t.ok(isSameUser('mallory', 'mallory', 'localhost'));
  t.ok(isSameUser('mallory', 'mallory@localhost', 'localhost'), 'a name without a domain is in UID_DOMAIN');
  t.ok(isSameUser('mallory', 'mallory@LOCALHOST.localdomain', 'localhost'), 'a domain is the same as one it begins up to a dot, without regard to case');
  t.ok(isSameUser('mallory@cs.wisc.edu', 'mallory@cs', 'localhost'));
  t.notOk(isSameUser('mallory', 'mallory@localhostx', 'localhost'), 'not without the dot');
  t.notOk(isSameUser('mallory', 'mallory@example.org', 'localhost'));
  t.notOk(isSameUser('Mallory', 'mallory', 'localhost'), 'user names are compared exactly');
  t.notOk(isSameUser('mal', 'mallory', 'localhost'));
  const access = accessOf({ QUEUE_SUPER_USERS: 'root, mallory@localhost', UID_DOMAIN: 'localhost' });
  t.ok(isQueueSuperUser(access, 'mallory'));
  t.ok(isQueueSuperUser(access, 'pool'));
  t.notOk(isQueueSuperUser(access, 'alice'));
  t.notOk(isQueueSuperUser(accessOf({ QUEUE_SUPER_USERS: 'mallory@example.org' }), 'mallory'), 'another domain is another user');
  t.ok(isQueueSuperUser(accessOf({ QUEUE_SUPER_USERS: 'mallory@example.org', UID_DOMAIN: 'example.org' }), 'mallory'));
});

t.test('QUEUE_ALL_USERS_TRUSTED and QUEUE_SUPER_USER_MAY_IMPERSONATE: who submits for whom', async (t) => {
  const plain = accessOf({});
  t.equal(plain.allUsersTrusted, false);
  t.ok(maySubmitFor(plain, 'alice', false, 'alice'));
  t.notOk(maySubmitFor(plain, 'alice', false, 'bob'));
  t.ok(maySubmitFor(plain, 'root', true, 'bob'), 'a superuser for anyone when QUEUE_SUPER_USER_MAY_IMPERSONATE is unset');
  const trusted = accessOf({ QUEUE_ALL_USERS_TRUSTED: 'TRUE' });
  t.equal(trusted.allUsersTrusted, true);
  t.ok(maySubmitFor(trusted, 'alice', false, 'bob'));
  const limited = accessOf({ QUEUE_SUPER_USER_MAY_IMPERSONATE: 'ob' });
  t.ok(maySubmitFor(limited, 'root', true, 'bob'), 'a partial match is one');
  t.notOk(maySubmitFor(limited, 'root', true, 'carol'));
  t.ok(maySubmitFor(limited, 'root', true, 'root'), 'herself always');
  const problems: string[] = [];
  const invalid = accessOf({ QUEUE_SUPER_USER_MAY_IMPERSONATE: '(', QUEUE_ALL_USERS_TRUSTED: 'perhaps' }, problems);
  t.notOk(maySubmitFor(invalid, 'root', true, 'bob'), 'an invalid expression lets a superuser submit for no one else');
  t.equal(invalid.allUsersTrusted, false);
  t.same(problems, [
    'QUEUE_ALL_USERS_TRUSTED in the condor configuration  is not a valid boolean ("perhaps").  Please set it to True or False (default is False)',
    'QUEUE_SUPER_USER_MAY_IMPERSONATE is an invalid regular expression: (',
  ]);
});
