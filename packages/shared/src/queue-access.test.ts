import t from 'tap';
import { groupMembersIn, isQueueSuperUser, isSameUser, maySubmitFor, queueAccess } from './queue-access.js';

const accessOf = (knobs: Record<string, string>, problems: string[] = []) => queueAccess((name) => knobs[name], 'pool', 'localhost', problems);

t.test("QUEUE_SUPER_USERS as InitQmgmt reads it, with the schedd's own user", async (t) => {
  t.same(accessOf({}).superUsers, ['root', 'condor', 'pool'], "param_info.in's default when unset");
  t.same(accessOf({ QUEUE_SUPER_USERS: ' ' }).superUsers, ['root', 'pool'], 'root alone when set empty');
  t.same(accessOf({ QUEUE_SUPER_USERS: 'root,mallory alice@example.org' }).superUsers, ['root', 'mallory', 'alice@example.org', 'pool'], 'commas and blanks separate');
  t.same(accessOf({ QUEUE_SUPER_USERS: 'pool, root' }).superUsers, ['pool', 'root'], 'not twice');
  t.same(accessOf({ QUEUE_SUPER_USERS: 'root', PERSONAL_CONDOR_IS_SUPER_USER: 'false' }).superUsers, ['root'], 'PERSONAL_CONDOR_IS_SUPER_USER = false leaves it out');
  t.same(accessOf({ QUEUE_SUPER_USERS: 'root, %wheel' }).superUsers, ['root', '%wheel', 'pool'], 'a %group is kept');
});

t.test("QUEUE_SUPER_USERS' %group: the Unix group's members, when they are local users (ContainsUserName)", async (t) => {
  const groups: Record<string, string[]> = { wheel: ['mallory', 'trent'], empty: [] };
  const asked: string[] = [];
  const access = queueAccess((name) => ({ QUEUE_SUPER_USERS: 'root %wheel %empty %nosuch', UID_DOMAIN: 'cs.wisc.edu' })[name], 'pool', 'localhost', [], (group) => {
    asked.push(group);
    return groups[group];
  });
  t.ok(isQueueSuperUser(access, 'mallory'), 'a member');
  t.ok(isQueueSuperUser(access, 'trent@CS.wisc.edu'), 'a member named with UID_DOMAIN');
  t.notOk(isQueueSuperUser(access, 'mallory@example.org'), 'not a local user: the group says nothing of her');
  t.notOk(isQueueSuperUser(access, 'mallory@cs'), 'a domain that only begins UID_DOMAIN is not it');
  t.notOk(isQueueSuperUser(access, 'alice'), 'not a member');
  t.notOk(isQueueSuperUser(access, 'wheel'), 'the group is no user');
  t.ok(isQueueSuperUser(access, 'root@cs.wisc.edu'), 'names still match as users');
  t.same(asked, ['wheel', 'wheel', 'wheel', 'empty', 'nosuch', 'wheel', 'empty', 'nosuch'], 'root matches before any group is asked; the lookup is the caller\'s to cache');
  t.notOk(isQueueSuperUser(accessOf({ QUEUE_SUPER_USERS: '%wheel' }), 'mallory'), 'without a group lookup a group has no members');
});

t.test('group(5) entries: the members of the group named exactly', async (t) => {
  const text = 'root:x:0:\nwheel:x:10:mallory, trent\nwheels:x:11:eve\nbroken line\n';
  t.same(groupMembersIn(text, 'wheel'), ['mallory', 'trent']);
  t.same(groupMembersIn(text, 'root'), [], 'no supplementary members');
  t.equal(groupMembersIn(text, 'whee'), undefined);
  t.equal(groupMembersIn(text, '0'), undefined, 'a gid is not a name');
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

t.test('CONDOR_Q_ONLY_MY_JOBS: true unless set false (param_info.in)', async (t) => {
  t.equal(accessOf({}).onlyMyJobs, true);
  t.equal(accessOf({ CONDOR_Q_ONLY_MY_JOBS: 'false' }).onlyMyJobs, false);
  const problems: string[] = [];
  t.equal(accessOf({ CONDOR_Q_ONLY_MY_JOBS: 'mine' }, problems).onlyMyJobs, true);
  t.same(problems, ['CONDOR_Q_ONLY_MY_JOBS in the condor configuration  is not a valid boolean ("mine").  Please set it to True or False (default is True)']);
});
