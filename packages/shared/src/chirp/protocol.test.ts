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
  for (const line of ['open f rw 0', 'read 3 10', 'rmdir d', 'stat f', 'putfile f 420', 'whoami', 'set_job_attr X', 'get_job_attr', '', 'bogus']) {
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
