import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import t from 'tap';
import { ClassAd } from '@tinycondor/shared/classad/index';
import { daemonRights } from '@tinycondor/shared/file-rights';
import { MAX_RUN_DESCRIPTORS } from '@tinycondor/shared/chirp/remote-files';
import type { StoredJob } from './job-store.js';
import { RunDescriptors, RunFileCalls } from './run-file-calls.js';
import type { RunFiles } from './run-files.js';

/** Calls on a scratch Iwd with the test's own rights; `current` says which runs are still their job's. */
function setup(attrs: Record<string, string> = {}) {
  const iwd = fs.mkdtempSync(path.join(os.tmpdir(), 'run-file-calls-'));
  const current = new Set(['run-a', 'run-b']);
  const descriptors = new RunDescriptors((_job, runId) => current.has(runId), pino({ level: 'silent' }));
  const files = { target: (_job: StoredJob, jobPath: string) => ({ file: path.resolve(iwd, jobPath), rights: daemonRights, user: undefined }) } as unknown as RunFiles;
  const calls = new RunFileCalls(files, descriptors, (name) => (name === 'MAX_REMAP_RECURSIONS' ? '40' : undefined));
  const ad = () => ClassAd.fromJSON({ Iwd: JSON.stringify(iwd), ...attrs });
  const job = (runId: string): StoredJob => ({ cluster: 1, proc: 0, status: 2, ad: ad(), runId, startd: 's', slot: null }) as unknown as StoredJob;
  return { iwd, current, descriptors, calls, job };
}

t.test('open, then read and write at the position, lseek, append, fstat, close', async (t) => {
  const { iwd, calls, job, descriptors } = setup();
  t.teardown(() => fs.rmSync(iwd, { recursive: true, force: true }));
  const a = job('run-a');
  fs.writeFileSync(path.join(iwd, 'data.txt'), '0123456789');
  const opened = calls.call(a, { call: 'open', path: 'data.txt', flags: 'rw', mode: 0 });
  t.match(opened, { result: 3, line: /^\d+ \d+ 33188 1 \d+ \d+ 0 10 / }, 'the first descriptor is 3, with fstat’s line');
  t.equal(calls.read(a, 3, { length: 4 }).toString(), '0123');
  t.equal(calls.read(a, 3, { length: 4 }).toString(), '4567', 'read goes on from where it stopped');
  t.equal(calls.read(a, 3, { length: 4, offset: 1 }).toString(), '1234', 'pread does not move it');
  t.equal(calls.read(a, 3, { length: 6, offset: 0, strideLength: 2, strideSkip: 4 }).toString(), '014589');
  t.same(calls.call(a, { call: 'lseek', fd: 3, offset: -2, whence: 2 }), { result: 8 });
  t.same(calls.write(a, 3, {}, Buffer.from('XY')), { written: 2 });
  t.same(calls.write(a, 3, { offset: 0, strideLength: 1, strideSkip: 2 }, Buffer.from('ab')), { written: 2 });
  t.equal(fs.readFileSync(path.join(iwd, 'data.txt'), 'utf8'), 'a1b34567XY');
  t.match(calls.read(a, 3, { length: 0 }), { errno: 'EINVAL' }, 'a read of nothing is EINVAL, as the shadow says');
  t.match(calls.call(a, { call: 'lseek', fd: 3, offset: -20, whence: 1 }), { errno: 'EINVAL' });
  t.match(calls.call(a, { call: 'open', path: 'log.txt', flags: 'cwa', mode: 0o644 }), { result: 4 });
  calls.write(a, 4, {}, Buffer.from('one\n'));
  calls.call(a, { call: 'lseek', fd: 4, offset: 0, whence: 0 });
  calls.write(a, 4, {}, Buffer.from('two\n'));
  t.equal(fs.readFileSync(path.join(iwd, 'log.txt'), 'utf8'), 'one\ntwo\n', 'an appending descriptor writes at the end');
  t.same(calls.call(a, { call: 'close', fd: 3 }), { result: 0 });
  t.match(calls.call(a, { call: 'close', fd: 3 }), { errno: 'EBADF' });
  t.equal(descriptors.size, 1);
  t.match(calls.call(a, { call: 'open', path: 'missing.txt', flags: 'r', mode: 0 }), { errno: 'ENOENT' });
  t.match(calls.call(a, { call: 'open', path: 'log.txt', flags: 'cwx', mode: 0 }), { errno: 'EEXIST' });
  t.match(calls.call(a, { call: 'open', path: 'data.txt', flags: 'r', mode: 0 }), { result: 3 }, 'the lowest free number');
});

t.test("a run's descriptors are its own, at most MAX_RUN_DESCRIPTORS, and closed once the run is over", async (t) => {
  const { iwd, current, calls, job, descriptors } = setup();
  t.teardown(() => fs.rmSync(iwd, { recursive: true, force: true }));
  fs.writeFileSync(path.join(iwd, 'f'), 'x');
  const [a, b] = [job('run-a'), job('run-b')];
  t.match(calls.call(a, { call: 'open', path: 'f', flags: 'r', mode: 0 }), { result: 3 });
  t.match(calls.read(b, 3, { length: 1 }), { errno: 'EBADF' }, "another run's descriptor is not there");
  for (let i = 1; i < MAX_RUN_DESCRIPTORS; i++) calls.call(b, { call: 'open', path: 'f', flags: 'r', mode: 0 });
  t.match(calls.call(b, { call: 'open', path: 'f', flags: 'r', mode: 0 }), { result: 3 + MAX_RUN_DESCRIPTORS - 1 });
  t.match(calls.call(b, { call: 'open', path: 'f', flags: 'r', mode: 0 }), { errno: 'EMFILE' });
  t.equal(descriptors.size, MAX_RUN_DESCRIPTORS + 1);
  current.delete('run-b');
  descriptors.sweep();
  t.equal(descriptors.size, 1, 'the ended run’s are closed');
  t.match(calls.read(b, 3, { length: 1 }), { errno: 'EBADF' });
  descriptors.closeAll();
  t.equal(descriptors.size, 0);
});

t.test('path calls: mkdir, rename, link, symlink, readlink, rmdir, rmall, truncate, chmod, utime, access, statfs', async (t) => {
  const { iwd, calls, job } = setup();
  t.teardown(() => fs.rmSync(iwd, { recursive: true, force: true }));
  const a = job('run-a');
  const at = (name: string) => path.join(iwd, name);
  t.same(calls.call(a, { call: 'mkdir', path: 'd', mode: 0o750 }), { result: 0 });
  t.equal(fs.statSync(at('d')).mode & 0o777, 0o750 & ~process.umask());
  t.match(calls.call(a, { call: 'mkdir', path: 'd', mode: 0o750 }), { errno: 'EEXIST' });
  fs.writeFileSync(at('d/f'), 'abcdef');
  t.same(calls.call(a, { call: 'rename', path: 'd/f', newPath: 'g' }), { result: 0 });
  t.same(calls.call(a, { call: 'link', path: 'g', newPath: 'h' }), { result: 0 });
  t.same(calls.call(a, { call: 'symlink', path: 'g', newPath: 's' }), { result: 0 });
  t.same(calls.call(a, { call: 'readlink', path: 's', length: 1 }), { result: 1, data: Buffer.from('g').toString('base64') });
  t.match(calls.call(a, { call: 'readlink', path: 's', length: 0 }), { errno: 'EINVAL' });
  t.same(calls.call(a, { call: 'rmdir', path: 'd' }), { result: 0 });
  fs.mkdirSync(at('tree/deep'), { recursive: true });
  fs.writeFileSync(at('tree/deep/x'), 'x');
  t.match(calls.call(a, { call: 'rmdir', path: 'tree' }), { errno: 'ENOTEMPTY' });
  t.same(calls.call(a, { call: 'rmall', path: 'tree' }), { result: 0 });
  t.notOk(fs.existsSync(at('tree')));
  t.match(calls.call(a, { call: 'rmall', path: 'g' }), { errno: 'ENOTDIR' }, 'rmall removes no file');
  t.same(calls.call(a, { call: 'truncate', path: 'g', length: 2 }), { result: 0 });
  t.equal(fs.readFileSync(at('h'), 'utf8'), 'ab');
  t.same(calls.call(a, { call: 'chmod', path: 'g', mode: 0o600 }), { result: 0 });
  t.same(calls.call(a, { call: 'utime', path: 'g', actime: 1000, mtime: 2000 }), { result: 0 });
  t.equal(fs.statSync(at('g')).mtimeMs, 2_000_000);
  t.same(calls.call(a, { call: 'access', path: 'g', mode: 6 }), { result: 0 });
  t.match(calls.call(a, { call: 'access', path: 'g', mode: 8 }), { errno: 'EINVAL' });
  t.match(calls.call(a, { call: 'statfs', path: '.' }), { result: 0, line: /^\d+ \d+ \d+ \d+ \d+ \d+ \d+\n$/ });
  t.match(calls.call(a, { call: 'stat', path: 'nothing' }), { errno: 'ENOENT' });
  t.match(calls.call(a, { call: 'chown', path: 'g', uid: -5, gid: 0 }), { errno: 'EINVAL' }, 'what Node refuses is EINVAL');
});

t.test("open and lookup map the job's name as the shadow's pseudo_get_file_info_new, with its copy of the job ad", async (t) => {
  const { iwd, calls, job, descriptors } = setup({ FileRemaps: '"alias = real.txt; loop = loop2; loop2 = loop"', LocalFiles: '"*.tmp"' });
  t.teardown(() => {
    descriptors.closeAll();
    fs.rmSync(iwd, { recursive: true, force: true });
  });
  const a = job('run-a');
  fs.writeFileSync(path.join(iwd, 'real.txt'), 'real');
  fs.writeFileSync(path.join(iwd, 'x.tmp'), 'here');
  const url = (name: string) => {
    const reply = calls.call(a, { call: 'lookup', path: name });
    return 'data' in reply ? { result: reply.result, url: Buffer.from(reply.data ?? '', 'base64').toString() } : reply;
  };
  t.same(url('alias'), { result: `remote:${iwd}/real.txt`.length, url: `remote:${iwd}/real.txt` });
  t.same(url('x.tmp'), { result: `local:${iwd}/x.tmp`.length, url: `local:${iwd}/x.tmp` });
  const cycle = `${Array.from({ length: 41 }, (_, level) => `<${level}: ${level % 2 === 0 ? 'loop' : 'loop2'}>`).join('')}<abort>`;
  t.same(url('loop'), { result: cycle.length, url: cycle }, 'a cycle stops at MAX_REMAP_RECURSIONS as configured');
  t.match(calls.call(a, { call: 'open', path: 'alias', flags: 'r', mode: 0 }), { result: 3 });
  t.equal(calls.read(a, 3, { length: 4 }).toString(), 'real', 'open follows the remap');
  t.match(calls.call(a, { call: 'open', path: 'x.tmp', flags: 'r', mode: 0 }), { errno: 'ENOENT' }, 'a local: URL is opened as a name from the Iwd');
  t.match(calls.call(a, { call: 'stat', path: 'alias' }), { errno: 'ENOENT' }, 'the other path calls take the name as it is');
});
