import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { accountIn, UserTokens } from './user-tokens.js';

const PASSWD = 'root:x:0:0:root:/root:/bin/bash\nalice:x:1234:1300:Alice:/home/alice:/bin/sh\nbroken:x:nope:1:\n';

function dir(t: Test): string {
  const made = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-user-tokens-'));
  t.teardown(() => fs.rmSync(made, { recursive: true, force: true }));
  return made;
}

t.test('accountIn finds a user in an /etc/passwd text', async (t) => {
  t.same(accountIn(PASSWD, 'alice'), { uid: 1234, gid: 1300 });
  t.equal(accountIn(PASSWD, 'bob'), undefined);
  t.equal(accountIn(PASSWD, 'broken'), undefined);
  t.equal(accountIn(PASSWD, 'x'), undefined, 'a field is not a name');
});

t.test('a token names its user, survives a restart, and is replaced by the next one issued', async (t) => {
  const home = dir(t);
  const file = path.join(home, 'user-tokens.json');
  const tokens = new UserTokens(file, path.join(home, 'tokens'));
  const first = tokens.issue('bob', () => PASSWD);
  t.match(first.token, /^[A-Za-z0-9_-]{43}$/);
  t.equal(first.file, undefined, 'no local account: nothing written for the user');
  t.equal(tokens.userOf(first.token), 'bob');
  t.equal(tokens.userOf(undefined), undefined);
  t.equal(tokens.userOf(`${first.token}x`), undefined);
  t.equal(fs.statSync(file).mode & 0o777, 0o600, 'the digests are private');
  t.notMatch(fs.readFileSync(file, 'utf8'), first.token, 'only digests are stored');
  const carol = tokens.issue('carol', () => PASSWD);
  const second = tokens.issue('bob', () => PASSWD);
  t.equal(tokens.userOf(first.token), undefined, "bob's earlier token stopped working");
  const reloaded = new UserTokens(file, path.join(home, 'tokens'));
  t.equal(reloaded.userOf(second.token), 'bob');
  t.equal(reloaded.userOf(carol.token), 'carol');
  t.throws(() => tokens.issue('bad name', () => PASSWD), /'bad name' is not a user name/);
  fs.writeFileSync(file, JSON.stringify({ nodigest: 'bob' }));
  t.throws(() => new UserTokens(file, path.join(home, 'tokens')), /is not a token digest and a user name/);
});

t.test('a root schedd writes the token for a user with an account, owned by her', { skip: process.getuid?.() !== 0 && 'needs root' }, async (t) => {
  const home = dir(t);
  const tokens = new UserTokens(path.join(home, 'user-tokens.json'), path.join(home, 'tokens'));
  const issued = tokens.issue('alice', () => PASSWD);
  t.equal(issued.file, path.join(home, 'tokens', 'alice.token'));
  const stat = fs.statSync(issued.file as string);
  t.same([stat.uid, stat.gid, stat.mode & 0o777], [1234, 1300, 0o600]);
  t.equal(fs.readFileSync(issued.file as string, 'utf8'), `${issued.token}\n`);
});
