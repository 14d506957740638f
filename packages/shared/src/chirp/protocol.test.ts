import t from 'tap';
import { ChirpError, clientErrno, escapeChirpWord, parseChirpRequest, presentedCookie, scanChirp, ulogInfoText } from './protocol.js';

const all = { files: false, updates: true, delayed: true };

t.test('scanChirp reads words with escapes, decimals and literals as sscanf_chirp does', async (t) => {
  t.same(scanChirp('set_job_attr Foo "a\\ b"', 'set_job_attr %s %s'), ['Foo', '"a b"']);
  t.same(scanChirp('set_job_attr   Foo\t1', 'set_job_attr %s %s'), ['Foo', '1']);
  t.same(scanChirp('read 3 -10', 'read %d %d'), [3, -10]);
  t.same(scanChirp('read x', 'read %d'), [], 'a mismatch ends the scan');
  t.same(scanChirp('set_job_attr Foo', 'set_job_attr %s %s'), ['Foo'], 'the input ends first');
  t.same(scanChirp('ulog trailing\\', 'ulog %s'), ['trailing'], 'a backslash at the end is dropped');
  t.same(scanChirp('ulog a b c', 'ulog %s'), ['a'], 'text after the format is not looked at');
  t.same(scanChirp('100%', '100%%'), []);
});

t.test('escapeChirpWord escapes what vsprintf_chirp escapes, and scanning undoes it', async (t) => {
  const word = 'a b\tc\\d\re';
  t.equal(escapeChirpWord(word), 'a\\ b\\\tc\\\\d\\\re');
  t.same(scanChirp(`ulog ${escapeChirpWord(word)}`, 'ulog %s'), [word]);
});

t.test('requests are tried in handle_standard_request order, each only if allowed', async (t) => {
  t.same(parseChirpRequest('set_job_attr_delayed ChirpX 1', all), { kind: 'set_job_attr_delayed', name: 'ChirpX', expr: '1' });
  t.same(parseChirpRequest('set_job_attr X 1', all), { kind: 'set_job_attr', name: 'X', expr: '1' });
  t.same(parseChirpRequest('get_job_attr X', all), { kind: 'get_job_attr', name: 'X' });
  t.same(parseChirpRequest('get_job_attr_delayed X', all), { kind: 'get_job_attr', name: '_delayed' }, 'updates allowed: read as get_job_attr');
  t.same(parseChirpRequest('get_job_attr_delayed X', { ...all, updates: false }), { kind: 'get_job_attr_delayed', name: 'X' });
  t.same(parseChirpRequest('set_job_attr_delayed X 1', { ...all, delayed: false }), { kind: 'set_job_attr', name: '_delayed', expr: 'X' });
  t.same(parseChirpRequest('ulog hello\\ world', all), { kind: 'ulog', text: 'hello world' });
  t.same(parseChirpRequest('version', all), { kind: 'version' });
  t.same(parseChirpRequest('versionX', all), { kind: 'version' }, 'strncmp on 7 characters');
  t.same(parseChirpRequest('constrain Memory>1', all), { kind: 'constrain', expr: 'Memory>1' });
});

t.test('what no allowed command matches is invalid', async (t) => {
  const delayedOnly = { files: false, updates: false, delayed: true };
  for (const line of ['set_job_attr X 1', 'get_job_attr X', 'ulog hi', 'version', 'constrain true']) {
    t.same(parseChirpRequest(line, delayedOnly), { kind: 'invalid' }, line);
  }
  for (const line of ['getdir .', 'unlink f', 'getfile f', 'putfile f 420 3', 'whoami 10']) {
    t.same(parseChirpRequest(line, { files: false, updates: true, delayed: true }), { kind: 'invalid' }, `files not allowed: '${line}'`);
  }
  for (const line of ['open f rw', 'read 3', 'lookup', 'lseek 3', 'lseek 3 0 3', 'putfile f 420', 'whoami', 'set_job_attr X', 'get_job_attr', '', 'bogus']) {
    t.same(parseChirpRequest(line, { files: true, updates: true, delayed: true }), { kind: 'invalid' }, `'${line}'`);
  }
});

t.test('the file calls tinycondor carries out, when files are allowed', async (t) => {
  const files = { files: true, updates: false, delayed: false };
  t.same(parseChirpRequest('unlink a\\ b', files), { kind: 'unlink', path: 'a b' }, 'an escaped space stays in the word');
  t.same(parseChirpRequest('getfile in.txt', files), { kind: 'getfile', path: 'in.txt' });
  t.same(parseChirpRequest('putfile out.txt 511 12', files), { kind: 'putfile', path: 'out.txt', mode: 511, length: 12 });
  t.same(parseChirpRequest('putfile out.txt 420 -1', files), { kind: 'putfile', path: 'out.txt', mode: 420, length: -1 });
  t.same(parseChirpRequest('putfile out.txt 420 4294967297', files), { kind: 'putfile', path: 'out.txt', mode: 420, length: 1 }, 'a %d is kept in a C int');
  t.same(parseChirpRequest('getlongdir .', files), { kind: 'getlongdir', path: '.' });
  t.same(parseChirpRequest('getdir results', files), { kind: 'getdir', path: 'results' });
  t.same(parseChirpRequest('whoami 5120', files), { kind: 'whoami', length: 5120 });
  t.same(parseChirpRequest('whoareyou host 64', files), { kind: 'whoareyou', host: 'host', length: 64 });
  t.same(parseChirpRequest('lookup in\\ put.txt', files), { kind: 'lookup', path: 'in put.txt' }, "lookup: the file's URL");
  t.same(parseChirpRequest('lookup f', { files: false, updates: true, delayed: true }), { kind: 'invalid' });
});

t.test('the descriptor and path calls, as handle_standard_request scans them', async (t) => {
  const files = { files: true, updates: false, delayed: false };
  t.same(parseChirpRequest('open out.txt cwt 420', files), { kind: 'open', path: 'out.txt', flags: 'cwt', mode: 420 });
  t.same(parseChirpRequest('close 3', files), { kind: 'close', fd: 3 });
  t.same(parseChirpRequest('lseek 3 -2 2', files), { kind: 'lseek', fd: 3, offset: -2, whence: 2 });
  t.same(parseChirpRequest('read 3 10', files), { kind: 'read', fd: 3, length: 10 });
  t.same(parseChirpRequest('write 3 10', files), { kind: 'write', fd: 3, length: 10 });
  t.same(parseChirpRequest('pread 3 10 5', files), { kind: 'pread', fd: 3, length: 10, offset: 5 });
  t.same(parseChirpRequest('pwrite 3 10 5', files), { kind: 'pwrite', fd: 3, length: 10, offset: 5 });
  t.same(parseChirpRequest('sread 3 10 5 2 4', files), { kind: 'sread', fd: 3, length: 10, offset: 5, strideLength: 2, strideSkip: 4 });
  t.same(parseChirpRequest('swrite 3 10 5 2 4', files), { kind: 'swrite', fd: 3, length: 10, offset: 5, strideLength: 2, strideSkip: 4 });
  t.same(parseChirpRequest('fstat 3', files), { kind: 'fstat', fd: 3 });
  t.same(parseChirpRequest('fstatfs 3', files), { kind: 'fstatfs', fd: 3 }, 'not fstat: its %d does not scan "fs"');
  t.same(parseChirpRequest('fsync 3', files), { kind: 'fsync', fd: 3 });
  t.same(parseChirpRequest('fchown 3 1 2', files), { kind: 'fchown', fd: 3, uid: 1, gid: 2 });
  t.same(parseChirpRequest('fchmod 3 420', files), { kind: 'fchmod', fd: 3, mode: 420 });
  t.same(parseChirpRequest('ftruncate 3 0', files), { kind: 'ftruncate', fd: 3, length: 0 });
  t.same(parseChirpRequest('rename a b', files), { kind: 'rename', path: 'a', newPath: 'b' });
  t.same(parseChirpRequest('mkdir d 493', files), { kind: 'mkdir', path: 'd', mode: 493 });
  t.same(parseChirpRequest('rmdir d', files), { kind: 'rmdir', path: 'd' });
  t.same(parseChirpRequest('rmall d', files), { kind: 'rmall', path: 'd' });
  t.same(parseChirpRequest('link a b', files), { kind: 'link', path: 'a', newPath: 'b' });
  t.same(parseChirpRequest('symlink a b', files), { kind: 'symlink', path: 'a', newPath: 'b' });
  t.same(parseChirpRequest('readlink l 100', files), { kind: 'readlink', path: 'l', length: 100 }, 'not read: its %d does not scan "link"');
  t.same(parseChirpRequest('statfs .', files), { kind: 'statfs', path: '.' });
  t.same(parseChirpRequest('stat f', files), { kind: 'stat', path: 'f' });
  t.same(parseChirpRequest('lstat f', files), { kind: 'lstat', path: 'f' });
  t.same(parseChirpRequest('access f 6', files), { kind: 'access', path: 'f', mode: 6 });
  t.same(parseChirpRequest('chmod f 384', files), { kind: 'chmod', path: 'f', mode: 384 });
  t.same(parseChirpRequest('chown f 1 2', files), { kind: 'chown', path: 'f', uid: 1, gid: 2 });
  t.same(parseChirpRequest('lchown f 1 2', files), { kind: 'lchown', path: 'f', uid: 1, gid: 2 });
  t.same(parseChirpRequest('truncate f 3', files), { kind: 'truncate', path: 'f', length: 3 });
  t.same(parseChirpRequest('utime f 1 2', files), { kind: 'utime', path: 'f', actime: 1, mtime: 2 });
  t.same(parseChirpRequest('stat f', { files: false, updates: true, delayed: true }), { kind: 'invalid' }, 'only with files allowed');
});

t.test('cookie lines and client errnos', async (t) => {
  t.equal(presentedCookie('cookie abc'), 'abc');
  t.equal(presentedCookie('cookie   abc\r'), 'abc');
  t.equal(presentedCookie('cookiex'), 'x', 'sscanf needs no space after the literal');
  t.equal(presentedCookie('version'), undefined);
  t.same(clientErrno(ChirpError.InvalidRequest), { errno: 22, message: 'Invalid argument' });
  t.same(clientErrno(ChirpError.NotAuthorized), { errno: 13, message: 'Permission denied' });
  t.equal(clientErrno(ChirpError.Unknown), undefined);
});

t.test('ulog texts are cut at 1023 bytes, never inside a character', async (t) => {
  t.equal(ulogInfoText('short'), 'short');
  t.equal(Buffer.byteLength(ulogInfoText('x'.repeat(2000))), 1023);
  const cut = ulogInfoText(`${'x'.repeat(1022)}é`);
  t.equal(cut, 'x'.repeat(1022));
});
