import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { daemonRights } from '@tinycondor/shared/file-rights';
import { parseGroupMemberships, parsePasswd } from '@tinycondor/shared/job-user';
import { loadOwnerRightsModule, OwnerRights } from './owner-rights.js';

const accounts = () => ({
  users: parsePasswd('root:x:0:0:::\nalice:x:1001:1001:::\nnobody:x:65534:65534:::\n'),
  memberships: parseGroupMemberships('science:x:2000:alice\n'),
});

t.test('whose rights: the schedd\'s own when it is not root, or for root\'s jobs; else the owner\'s, or nobody\'s', async (t) => {
  t.equal(new OwnerRights(1000, {}, accounts).forOwner('alice'), daemonRights, 'a schedd that is not root uses its own');
  t.equal(new OwnerRights(0, {}, accounts).forOwner('root'), daemonRights, "root's jobs: root's rights");
  t.same(new OwnerRights(0, {}, accounts).userFor('alice'), { name: 'alice', uid: 1001, gid: 1001, groups: [1001, 2000] });
  t.same(new OwnerRights(0, {}, accounts).userFor('mallory')?.name, 'nobody', 'an owner without an account: nobody');
});

t.test('a root schedd without the native module refuses to act for another user', async (t) => {
  const rights = new OwnerRights(0, { missing: 'Cannot find module owner_rights.node' }, accounts);
  t.match(rights.unavailable(), /did not load \(Cannot find module owner_rights\.node\): jobs of users other than root will be held/);
  t.equal(new OwnerRights(1000, {}, accounts).unavailable(), undefined, 'a schedd that is not root needs no module');
  t.throws(() => rights.forOwner('alice'), /runs as root without its owner-rights module \(packages\/schedd\/build: Cannot find module owner_rights\.node\); it will not read or write the files of alice with root's rights/);
});

const module = loadOwnerRightsModule();
const asRoot = process.getuid?.() !== 0 ? 'needs root' : module.native === undefined ? `the native module did not load: ${module.missing}` : false;

t.test('with the owner\'s rights, files are opened and created as the owner; root\'s rights come back after', { skip: asRoot }, async (t) => {
  const native = module.native!;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'owner-rights-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.chmodSync(dir, 0o755);
  const secret = path.join(dir, 'secret');
  fs.writeFileSync(secret, 'root only\n', { mode: 0o600 });
  const open = path.join(dir, 'open');
  fs.writeFileSync(open, 'anyone\n', { mode: 0o644 });
  const theirs = path.join(dir, 'theirs');
  fs.mkdirSync(theirs, { mode: 0o700 });
  fs.chownSync(theirs, 65534, 65534);

  const rights = new OwnerRights(0, module, () => ({ users: parsePasswd('nobody:x:65534:65534:::\n'), memberships: new Map() })).forOwner('nobody');
  t.throws(() => rights(() => fs.readFileSync(secret)), { code: 'EACCES' }, "another user's private file is not readable");
  t.equal(native.fsuid(), 0, 'root again after a failure');
  t.equal(rights(() => fs.readFileSync(open, 'utf8')), 'anyone\n', 'a readable file is');
  t.throws(() => rights(() => fs.writeFileSync(path.join(dir, 'new'), 'x')), { code: 'EACCES' }, "no file is created in root's directory");
  rights(() => fs.writeFileSync(path.join(theirs, 'made'), 'x'));
  t.equal(fs.statSync(path.join(theirs, 'made')).uid, 65534, 'a created file belongs to the owner');
  t.equal(native.fsuid(), 0);
  t.equal(fs.readFileSync(secret, 'utf8'), 'root only\n', "the schedd's own rights are back");
  // Only the calling thread changes: the threadpool, doing the daemon's own I/O, keeps root's rights.
  native.enter(65534, 65534, [65534]);
  try {
    t.equal(await fs.promises.readFile(secret, 'utf8'), 'root only\n', 'an asynchronous read meanwhile is still root\'s');
    t.throws(() => fs.readFileSync(secret), { code: 'EACCES' });
  } finally {
    native.leave();
  }
  t.throws(() => rights(() => rights(() => 1)), /already entered/, 'never nested');
  t.equal(native.fsuid(), 0);
});
