import t from 'tap';
import { JobUsers, NOBODY, parseGroupIds, parseGroupMemberships, parsePasswd, resolveJobUser, withPrimaryGroup } from './job-user.js';

const passwd = `root:x:0:0:root:/root:/bin/bash
# a comment
alice:x:1001:1001:Alice:/home/alice:/bin/sh
bob:x:1002:100::/home/bob:/bin/sh
broken:x:notanumber:1:::
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
`;
const group = `root:x:0:
users:x:100:alice,bob
science:x:2000:alice
`;
const accounts = { users: parsePasswd(passwd), memberships: parseGroupMemberships(group) };

t.test('a root startd runs a job as its owner, with the owner\'s groups', async (t) => {
  t.same(resolveJobUser('alice', 0, accounts), { name: 'alice', uid: 1001, gid: 1001, groups: [1001, 100, 2000] });
  t.same(resolveJobUser('bob', 0, accounts), { name: 'bob', uid: 1002, gid: 100, groups: [100] });
});

t.test('an owner without an account here runs as nobody', async (t) => {
  t.same(resolveJobUser('mallory', 0, accounts), { name: NOBODY, uid: 65534, gid: 65534, groups: [65534] });
  t.same(resolveJobUser('broken', 0, accounts), { name: NOBODY, uid: 65534, gid: 65534, groups: [65534] }, 'a malformed line is no account');
  t.same(resolveJobUser(undefined, 0, accounts), { name: NOBODY, uid: 65534, gid: 65534, groups: [65534] });
  t.throws(() => resolveJobUser('mallory', 0, { users: parsePasswd('root:x:0:0:::\n'), memberships: new Map() }), /has no account here, and neither has nobody/);
});

t.test('a startd that is not root runs jobs as itself; root\'s jobs run as root', async (t) => {
  t.equal(resolveJobUser('alice', 1001, accounts), undefined);
  t.equal(resolveJobUser('root', 0, accounts), undefined);
});

t.test('JobUsers reads the accounts once for many jobs, and not at all for a daemon that is not root', async (t) => {
  let reads = 0;
  const read = () => {
    reads += 1;
    return accounts;
  };
  t.equal(new JobUsers(1001, read).of('alice'), undefined);
  t.equal(reads, 0, 'not root: nothing read');
  const users = new JobUsers(0, read);
  t.same(users.of('alice'), { name: 'alice', uid: 1001, gid: 1001, groups: [1001, 100, 2000] });
  t.same(users.of('bob')?.uid, 1002);
  t.equal(users.of('root'), undefined);
  t.equal(reads, 1, 'read once');
});

t.test('primary_unix_group: one of the user\'s groups becomes its primary group; any other is refused as new_group refuses it', async (t) => {
  const alice = resolveJobUser('alice', 0, accounts)!;
  const ids = parseGroupIds(`${group}wheel:x:10:\n# c:x:1:\n`);
  t.same(withPrimaryGroup(alice, 'science', ids), { ...alice, gid: 2000 });
  t.equal(withPrimaryGroup(alice, 'wheel', ids), 'Could not install primary unix group wheel from supplmental groups', 'a group alice is not in');
  t.equal(withPrimaryGroup(alice, 'nosuch', ids), 'Could not install primary unix group nosuch from supplmental groups');
  t.equal(withPrimaryGroup({ ...alice, groups: [...alice.groups, 0] }, 'root', ids), 'Could not install primary unix group root from supplmental groups', 'never gid 0');
});
