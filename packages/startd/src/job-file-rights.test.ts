import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import t from 'tap';
import { ClassAd } from '@tinycondor/shared/classad/index';
import { daemonRights } from '@tinycondor/shared/file-rights';
import { extractTarSafely, packEntries } from '@tinycondor/transfer/tar/index';
import { ownerRightsModule, sandboxReader } from './job-file-rights.js';
import { selectOutputs, snapshotSandbox } from './output-selection.js';

const alice = { name: 'alice', uid: 1001, gid: 1001, groups: [1001] };

t.test("whose rights: the startd's own when the job runs as the startd; else the job user's", async (t) => {
  const own = sandboxReader(undefined, {});
  t.equal(own.rights, daemonRights);
  t.equal(own.refusal('/etc/shadow'), undefined, 'the job could read what the startd reads');
  const theirs = sandboxReader(alice, { native: { enter: () => undefined, leave: () => undefined } });
  t.not(theirs.rights, daemonRights);
  t.equal(theirs.refusal('/etc/shadow'), undefined, 'the kernel judges, with the user\'s identity');
});

t.test('a root startd without the native module follows no symlink', async (t) => {
  const reader = sandboxReader(alice, { missing: 'Cannot find module owner_rights.node' });
  t.equal(reader.rights, daemonRights);
  t.equal(reader.refusal('/anything'), "the startd runs as root without its owner-rights module (packages/startd/build: Cannot find module owner_rights.node); it does not follow a symlink of alice's with root's rights");
});

t.test("the identity is taken around each operation, and given back when one fails", async (t) => {
  const calls: string[] = [];
  const reader = sandboxReader(alice, { native: { enter: (uid, gid, groups) => calls.push(`enter ${uid} ${gid} ${groups.join(',')}`), leave: () => calls.push('leave') } });
  t.equal(reader.rights(() => 'done'), 'done');
  t.throws(() => reader.rights(() => { throw new Error('EACCES'); }), /EACCES/);
  t.same(calls, ['enter 1001 1001 1001', 'leave', 'enter 1001 1001 1001', 'leave']);
});

const module = ownerRightsModule();
const asRoot = process.getuid?.() !== 0 ? 'needs root' : module.native === undefined ? `the native module did not load: ${module.missing}` : false;

t.test("as root: a symlink among a job's outputs is read as the job's user", { skip: asRoot }, async (t) => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'job-file-rights-'));
  t.teardown(() => fs.rmSync(base, { recursive: true, force: true }));
  fs.chmodSync(base, 0o755);
  const sandbox = path.join(base, 'sandbox');
  fs.mkdirSync(sandbox, { mode: 0o700 });
  fs.chownSync(sandbox, 65534, 65534);
  const secret = path.join(base, 'secret');
  fs.writeFileSync(secret, 'root only\n', { mode: 0o600 });
  const shared = path.join(base, 'shared');
  fs.writeFileSync(shared, 'anyone\n', { mode: 0o644 });
  const reader = sandboxReader({ name: 'nobody', uid: 65534, gid: 65534, groups: [65534] });
  const before = snapshotSandbox(sandbox, reader);
  fs.symlinkSync(shared, path.join(sandbox, 'to-shared'));
  fs.lchownSync(path.join(sandbox, 'to-shared'), 65534, 65534);

  const entries = selectOutputs(new ClassAd(), sandbox, before, reader);
  const dest = path.join(base, 'dest');
  fs.mkdirSync(dest);
  await extractTarSafely(Readable.from(packEntries(entries).stream), dest);
  t.equal(fs.readFileSync(path.join(dest, 'to-shared'), 'utf8'), 'anyone\n', "a file the user may read is sent as the file");
  t.notOk(fs.lstatSync(path.join(dest, 'to-shared')).isSymbolicLink());

  fs.symlinkSync(secret, path.join(sandbox, 'to-secret'));
  t.throws(() => selectOutputs(new ClassAd(), sandbox, before, reader), { errno: 13, message: `reading from file ${path.join(sandbox, 'to-secret')}: (errno 13) Permission denied` });
  t.throws(() => selectOutputs(ClassAd.fromJSON({ TransferOutput: '"to-secret"' }), sandbox, before, reader), { name: 'TransferReadError', errno: 13 }, 'listed, too');
  // Were the list checked by someone else, the packing itself opens as the user.
  const packed = packEntries([{ name: 'to-secret', source: path.join(sandbox, 'to-secret'), rights: reader.rights, followSymlinks: { refusal: reader.refusal } }]);
  const chunks: Buffer[] = [];
  packed.stream.on('data', (chunk) => void chunks.push(chunk as Buffer)).on('error', () => undefined);
  await t.rejects(packed.done, { name: 'TransferReadError', errno: 13 });
  t.notOk(Buffer.concat(chunks).includes('root only'), 'nothing of the file is sent');
  t.equal(fs.readFileSync(secret, 'utf8'), 'root only\n', "the startd's own rights are back");
});
