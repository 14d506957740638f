import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import t, { type Test } from 'tap';
import { condorChirp } from './condor-chirp.js';

const STAT = '64769 1234 33188 1 1000 1000 0 10 4096 8 1700000000 1700000001 1700000002\n';

/**
 * A proxy that takes any cookie and answers each request with `answer(line)`; a write's bytes (write,
 * pwrite, swrite: the length is the second word) are read before it answers, and recorded with the line.
 */
async function fakeProxy(t: Test, answer: (line: string) => string | Buffer) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'condor-chirp-'));
  const seen: string[] = [];
  const server = net.createServer((socket) => {
    let held = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      held = Buffer.concat([held, chunk]);
      for (;;) {
        const newline = held.indexOf(0x0a);
        if (newline < 0) return;
        const line = held.subarray(0, newline).toString('utf8');
        const words = line.split(' ');
        const length = /^(write|pwrite|swrite) /.test(line) ? Number(words[2]) : 0;
        if (held.length < newline + 1 + length) return;
        seen.push(length > 0 ? `${line} [${held.subarray(newline + 1, newline + 1 + length).toString('utf8')}]` : line);
        held = held.subarray(newline + 1 + length);
        socket.write(line.startsWith('cookie ') ? '0\n' : answer(line));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  fs.writeFileSync(path.join(dir, '.chirp.config'), `127.0.0.1 ${port} cookie\n`);
  t.teardown(() => {
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const run = async (args: string[], stdin = '') => {
    let stdout = '';
    let stderr = '';
    const io = {
      stdout: (text: string) => void (stdout += text),
      stderr: (text: string) => void (stderr += text),
      env: {},
      cwd: dir,
      readStdin: async () => stdin,
      stdin: Readable.from([Buffer.from(stdin)]),
    };
    const code = await condorChirp(args, io);
    return { code, stdout, stderr };
  };
  return { dir, seen, run };
}

/** Answers as a proxy with one file open as descriptor 3 whose reads return `data`. */
function fileAnswers(data: string) {
  return (line: string): string => {
    const [command, , length] = line.split(' ');
    if (command === 'open') return `3\n${STAT}`;
    if (command === 'read' || command === 'pread' || command === 'sread') return `${Math.min(Number(length), data.length)}\n${data.slice(0, Number(length))}`;
    if (command === 'write' || command === 'pwrite' || command === 'swrite') return `${length}\n`;
    if (command === 'stat' || command === 'lstat') return `0\n${STAT}`;
    if (command === 'statfs') return '0\n61267 4096 100 50 40 1000 900\n';
    if (command === 'readlink') return '8\ndata.txt';
    return '0\n';
  };
}

t.test('read: open "r", then read, pread (-offset) or sread (-stride); prints what came and exits with its count', async (t) => {
  const { seen, run } = await fakeProxy(t, fileAnswers('0123456789'));
  t.same(await run(['read', 'data.txt', '4']), { code: 4, stdout: '0123\n', stderr: '' });
  t.same(seen.splice(0), ['cookie cookie', 'open data.txt r 0', 'read 3 4', 'close 3']);
  await run(['read', '-offset', '3', 'data.txt', '4']);
  t.same(seen.splice(0).slice(2), ['pread 3 4 3', 'close 3']);
  await run(['read', '-stride', '2', '4', '-offset', '1', 'data.txt', '6']);
  t.same(seen.splice(0).slice(2), ['sread 3 6 1 2 4', 'close 3']);
  const usage = await run(['read', '-offset', '3', 'data.txt']);
  t.same(usage, { code: 255, stdout: 'condor_chirp read [-offset offset] [-stride length skip] remotepath length\n', stderr: '' });
  t.same(seen, [], 'a usage error connects to nothing');
});

t.test('read of what cannot be opened: the errno, exit 255', async (t) => {
  const { run } = await fakeProxy(t, (line) => (line.startsWith('open') ? '-3\n' : '0\n'));
  t.same(await run(['read', 'missing', '4']), { code: 255, stdout: '\tError: 2 (No such file or directory)\n', stderr: '' });
});

t.test('write: one pwrite of up to the length (1024 without one); with a stride, swrite of the length or pwrites per piece', async (t) => {
  const { dir, seen, run } = await fakeProxy(t, fileAnswers(''));
  fs.writeFileSync(path.join(dir, 'local.txt'), 'abcdef');
  t.same(await run(['write', 'remote.txt', 'local.txt']), { code: 6, stdout: '', stderr: '' });
  t.same(seen.splice(0).slice(1), ['open remote.txt w 0', 'pwrite 3 6 0 [abcdef]', 'close 3']);
  t.equal((await run(['write', '-offset', '5', 'remote.txt', 'local.txt', '2'])).code, 2);
  t.same(seen.splice(0).slice(2), ['pwrite 3 2 5 [ab]', 'close 3']);
  await run(['write', '-stride', '1', '3', 'remote.txt', 'local.txt', '8']);
  t.same(seen.splice(0).slice(2), ['swrite 3 8 0 1 3 [abcdef\0\0]', 'close 3'], 'swrite sends the length asked, whatever was read');
  t.equal((await run(['write', '-stride', '4', '10', 'remote.txt', 'local.txt'])).code, 6);
  t.same(seen.splice(0).slice(2), ['pwrite 3 4 0 [abcd]', 'pwrite 3 2 10 [ef]', 'close 3'], 'no length: a pwrite per stride length, each a skip further');
  const missing = await run(['write', 'remote.txt', 'nothing.txt']);
  t.same(missing, { code: 255, stdout: '\tError: 2 (No such file or directory)\n', stderr: "Can't open local file nothing.txt\n" });
  t.same(seen.splice(0), ['cookie cookie'], 'the local file is opened before the remote one');
});

t.test('put -mode and put -: open with the mode as given, then writes of 8192 bytes at most', async (t) => {
  const { dir, seen, run } = await fakeProxy(t, fileAnswers(''));
  fs.writeFileSync(path.join(dir, 'big.txt'), 'x'.repeat(9000));
  t.equal((await run(['put', '-mode', 'cwa', '-perm', '600', 'big.txt', 'out.txt'])).code, 0);
  const lines = seen.splice(0).map((line) => line.replace(/\[x+\]/, '[…]'));
  t.same(lines.slice(1), ['open out.txt cwa 384', 'write 3 8192 […]', 'write 3 808 […]', 'close 3']);
  t.equal((await run(['put', '-', 'piped.txt'], 'from stdin\n')).code, 0);
  t.same(seen.splice(0).slice(1), ['open piped.txt cwb 511', 'write 3 11 [from stdin\n]', 'close 3'], 'stdin goes through open (cwb: no truncation)');
});

t.test('stat, lstat, statfs print their fields; readlink its text; chown and lchown swap as condor_chirp does', async (t) => {
  const { seen, run } = await fakeProxy(t, fileAnswers(''));
  const stat = await run(['stat', 'data.txt']);
  t.equal(stat.code, 0);
  t.match(stat.stdout, /^device: 64769\ninode: 1234\nmode: 33188\nnlink: 1\nuid: 1000\ngid: 1000\nrdevice: 0\nsize: 10\nblksize: 4096\nblocks: 8\natime: \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d 2023\nmtime: .+\nctime: .+\n$/);
  t.same(await run(['statfs', '.']), {
    code: 0,
    stdout: 'f_type: 61267\nf_bsize: 4096\nf_blocks: 100\nf_bfree: 50\nf_bavail: 40\nf_files: 1000\nf_ffree: 900\n',
    stderr: '',
  });
  t.same(await run(['readlink', 'soft', '100']), { code: 8, stdout: 'data.txt\n', stderr: '' });
  await run(['chown', 'f', '1', '2']);
  await run(['lchown', 'f', '1', '2']);
  await run(['link', '-s', 'a', 'b']);
  await run(['rmdir', '-r', 'd']);
  t.same(
    seen.filter((line) => !line.startsWith('cookie')),
    ['stat data.txt', 'statfs .', 'readlink soft 100', 'lchown f 1 2', 'chown f 1 2', 'symlink a b', 'rmall d'],
  );
});
