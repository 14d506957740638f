import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import t, { type Test } from 'tap';
import { ClassAd } from '@tinycondor/shared/classad/index';
import { ChirpServer, type ActionableRequest, type ChirpAnswer } from './chirp-server.js';
import { DelayedUpdates } from './delayed-updates.js';

/** A proxy over a backend that records requests and answers them with `answer` (default: set_job_attr 0, get_job_attr "7"). */
async function proxy(
  t: Test,
  enablement = { files: false, updates: true, delayed: true },
  answer: (request: ActionableRequest) => Promise<ChirpAnswer> = async (request) => (request.kind === 'get_job_attr' ? { value: '7' } : { code: 0 }),
) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chirp-server-'));
  const seen: ActionableRequest[] = [];
  const configFile = path.join(dir, '.chirp.config');
  const backend = { answer: async (request: ActionableRequest) => (seen.push(request), answer(request)) };
  const server = await ChirpServer.open({ configFile, enablement, backend, log: pino({ level: 'silent' }) });
  t.teardown(() => {
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const [host, port, cookie] = fs.readFileSync(configFile, 'utf8').trim().split(' ');
  return { host, port: Number(port), cookie, seen, configFile };
}

/** Sends `input`, then reads until `replies` newline-ended replies arrived or the connection closed. */
function exchange(port: number, input: string | Buffer, replies: number): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let text = '';
    const done = (closed: boolean) => {
      socket.destroy();
      resolve({ text, closed });
    };
    socket.on('data', (chunk) => {
      text += chunk.toString('utf8');
      if (text.split('\n').length - 1 >= replies) done(false);
    });
    socket.on('close', () => done(true));
    socket.write(input);
  });
}

t.test('the contact file: loopback address, port, a 31-letter cookie, mode 0700', async (t) => {
  const { host, port, cookie, configFile } = await proxy(t);
  t.equal(host, '127.0.0.1');
  t.ok(port > 0);
  t.match(cookie, /^[a-z]{31}$/);
  t.equal(fs.statSync(configFile).mode & 0o777, 0o700);
});

t.test('cookie first; then requests in order, each as the handler answers it', async (t) => {
  const { port, cookie, seen } = await proxy(t);
  const { text } = await exchange(port, `version\ncookie ${cookie}\nversion\nset_job_attr A 1\nget_job_attr A\nopen f r 0\ncookie ${cookie}\n`, 6);
  t.equal(text, '-1\n0\n2\n0\n1\n7-8\n-8\n');
  t.same(seen, [{ kind: 'set_job_attr', name: 'A', expr: '1' }, { kind: 'get_job_attr', name: 'A' }]);
});

t.test('a wrong cookie is answered NOT_AUTHENTICATED after a second; the connection stays', async (t) => {
  const { port, cookie } = await proxy(t);
  const started = Date.now();
  const { text } = await exchange(port, `cookie wrong\ncookie ${cookie}\nversion\n`, 3);
  t.equal(text, '-1\n0\n2\n');
  t.ok(Date.now() - started >= 900);
});

t.test('bad input: a line over CHIRP_LINE_MAX is TOO_BIG and closes; an empty line closes; a NUL ends the line', async (t) => {
  const { port, cookie } = await proxy(t);
  const big = await exchange(port, `cookie ${cookie}\nulog ${'x'.repeat(6000)}\n`, 3);
  t.same(big, { text: '0\n-5\n', closed: true });
  const exact = await exchange(port, `cookie ${cookie}\n${`ulog ${'x'.repeat(5115)}`}\nversion\n`, 3);
  t.equal(exact.text, '0\n0\n2\n', 'a line of exactly 5120 bytes is read');
  const empty = await exchange(port, `cookie ${cookie}\n\nversion\n`, 2);
  t.same(empty, { text: '0\n', closed: true });
  const nul = await exchange(port, Buffer.from(`cookie ${cookie}\nversion\0garbage\n`), 2);
  t.equal(nul.text, '0\n2\n');
});

t.test('what the job is not allowed is INVALID_REQUEST; the run closing ends its connections', async (t) => {
  const { port, cookie, seen } = await proxy(t, { files: false, updates: false, delayed: true });
  const { text } = await exchange(port, `cookie ${cookie}\nset_job_attr A 1\nulog hi\nversion\nset_job_attr_delayed ChirpA 1\n`, 5);
  t.equal(text, '0\n-8\n-8\n-8\n0\n');
  t.same(seen, [{ kind: 'set_job_attr_delayed', name: 'ChirpA', expr: '1' }]);
});

t.test("file calls: getfile's bytes after their length; putfile's reply, then its bytes read, then the write's reply", async (t) => {
  const received: Buffer[] = [];
  const { port, cookie } = await proxy(t, { files: true, updates: false, delayed: false }, async (request) => {
    if (request.kind === 'getfile') return request.path === 'bin' ? { value: Buffer.from([0, 1, 2, 10, 255]) } : { code: -3 };
    if (request.kind === 'putfile') {
      return { code: 0, receive: { length: request.length, then: async (bytes) => (received.push(bytes), { code: bytes.length }) } };
    }
    return { code: 0 };
  });
  const got = await exchange(port, `cookie ${cookie}\ngetfile bin\ngetfile missing\n`, 4);
  t.equal(got.text, `0\n5\n\u0000\u0001\u0002\n\ufffd-3\n`, 'the length, the bytes as they are (255 is not UTF-8), then the next reply');
  // The bytes come in pieces, with a newline among them and the next request right behind.
  const payload = Buffer.concat([Buffer.from('line one\nline'), Buffer.alloc(70_000, 120)]);
  const put = await new Promise<string>((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString('utf8');
      if (text === '0\n0\n') {
        socket.write(payload.subarray(0, 10));
        setImmediate(() => socket.write(Buffer.concat([payload.subarray(10), Buffer.from('getfile missing\n')])));
      }
      if (text.split('\n').length - 1 >= 4) {
        socket.destroy();
        resolve(text);
      }
    });
    socket.write(`cookie ${cookie}\nputfile out ${0o644} ${payload.length}\n`);
  });
  t.equal(put, `0\n0\n${payload.length}\n-3\n`);
  t.same(received, [payload]);
});

t.test("descriptor calls: a reply line then its data; a write's bytes before its only reply; bytes refused are read and dropped", async (t) => {
  const written: Buffer[] = [];
  const { port, cookie } = await proxy(t, { files: true, updates: false, delayed: false }, async (request) => {
    if (request.kind === 'open') return { code: 3, data: '1 2 3 4 5 6 7 8 9 10 11 12 13\n' };
    if (request.kind === 'read') return { code: 4, data: Buffer.from('ab\ncd') };
    if (request.kind === 'write') {
      if (request.length > 100) return { discard: request.length, code: -8 };
      return { receiveFirst: { length: request.length, then: async (bytes) => (written.push(bytes), { code: bytes.length }) } };
    }
    return { code: 0 };
  });
  const opened = await exchange(port, `cookie ${cookie}\nopen f r 0\nread 3 4\nclose 3\n`, 5);
  t.equal(opened.text, '0\n3\n1 2 3 4 5 6 7 8 9 10 11 12 13\n4\nab\ncd0\n');
  // The bytes look like requests: they are data all the same, as are the 200 a refused write sends.
  const data = Buffer.from('close 3\nxy');
  const wrote = await exchange(port, Buffer.concat([Buffer.from(`cookie ${cookie}\nwrite 3 ${data.length}\n`), data, Buffer.from('write 3 200\n'), Buffer.alloc(200, 10), Buffer.from('close 3\n')]), 4);
  t.equal(wrote.text, `0\n${data.length}\n-8\n0\n`);
  t.same(written, [data]);
});

t.test('delayed updates: the prefix, the most names, the lookup and the take', async (t) => {
  const jobAd = new ClassAd().setExpr('ChirpOld', '"from the ad"');
  const delayed = new DelayedUpdates(['Chirp*'], 2);
  t.notOk(delayed.record('Other', '1'), 'outside the prefix');
  t.ok(delayed.record('ChirpA', '1'));
  t.ok(delayed.record('ChirpB', '2'));
  t.notOk(delayed.record('ChirpC', '3'), 'a third name');
  t.ok(delayed.record('ChirpA', '4'), 'a name already given');
  t.equal(delayed.lookup('chirpa', jobAd), '4');
  t.equal(delayed.lookup('ChirpOld', jobAd), '"from the ad"');
  t.same(delayed.take(), { ChirpA: '4', ChirpB: '2' });
  t.equal(delayed.take(), undefined);
  t.notOk(delayed.record('ChirpC', '3'), 'the count outlives the updates sent');
});
