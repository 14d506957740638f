import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { FILE_CHUNK_BYTES } from './pack.js';
import { forkGateState, forkWhenNoFileIsBeingWritten } from '../fork-gate.js';
import { WriteBehind } from './write-behind.js';

function tempDir(t: Test): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-write-behind-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

t.test('writes land at their positions whatever order they finish in', async (t) => {
  const dir = tempDir(t);
  const writer = new WriteBehind();
  const file = await writer.create(path.join(dir, 'f'), 0o600);
  for (let i = 0; i < 6; i++) {
    const buffer = await writer.buffer();
    buffer.fill(i + 1);
    writer.write(file, buffer, FILE_CHUNK_BYTES, i * FILE_CHUNK_BYTES);
  }
  writer.end(file);
  await writer.finish();
  const written = fs.readFileSync(path.join(dir, 'f'));
  t.equal(written.length, 6 * FILE_CHUNK_BYTES);
  t.same([0, 1, 2, 3, 4, 5].map((i) => written[i * FILE_CHUNK_BYTES + 17]), [1, 2, 3, 4, 5, 6]);
  await t.rejects(writer.create(path.join(dir, 'f'), 0o600), { code: 'EEXIST' }, 'an existing file is never opened');
});

t.test('a failed write fails the rest of the extraction', async (t) => {
  const dir = tempDir(t);
  const writer = new WriteBehind();
  const file = await writer.create(path.join(dir, 'f'), 0o600);
  fs.closeSync(file.fd);
  writer.write(file, await writer.buffer(), 10, 0);
  writer.end(file);
  await t.rejects(writer.finish(), { code: 'EBADF' });
  await t.rejects(writer.buffer(), { code: 'EBADF' });
  await t.rejects(writer.create(path.join(dir, 'g'), 0o600), { code: 'EBADF' });
});

t.test('a durable writer, with write-backs started while a big file grows, writes it whole', async (t) => {
  const dir = tempDir(t);
  const writer = new WriteBehind(true);
  const file = await writer.create(path.join(dir, 'big'), 0o600);
  const chunks = 70; // past the 64 MiB at which a write-back starts
  for (let i = 0; i < chunks; i++) {
    const buffer = await writer.buffer();
    buffer.fill(i % 251);
    writer.write(file, buffer, FILE_CHUNK_BYTES, i * FILE_CHUNK_BYTES);
  }
  writer.end(file);
  await writer.finish();
  const written = fs.readFileSync(path.join(dir, 'big'));
  t.equal(written.length, chunks * FILE_CHUNK_BYTES);
  t.same([0, 33, 69].map((i) => written[i * FILE_CHUNK_BYTES + 5]), [0, 33, 69]);
});

t.test('no fork while a file is being written; a file waits while a fork waits', async (t) => {
  const dir = tempDir(t);
  const writer = new WriteBehind();
  const first = await writer.create(path.join(dir, 'first'), 0o600);
  const forks: string[] = [];
  forkWhenNoFileIsBeingWritten(() => forks.push(`fork with ${forkGateState().filesOpen} open`));
  t.same(forks, [], 'the fork waits for the open file');
  let secondOpened = false;
  const second = writer.create(path.join(dir, 'second'), 0o600).then((file) => {
    secondOpened = true;
    return file;
  });
  await new Promise((resolve) => setImmediate(resolve));
  t.notOk(secondOpened, 'a new file waits for the waiting fork');
  writer.end(first);
  t.same(forks, ['fork with 0 open'], 'the fork ran as the file was closed');
  writer.end(await second);
  await writer.finish();
  t.same(forkGateState(), { filesOpen: 0, waitingForks: 0 });
  forkWhenNoFileIsBeingWritten(() => forks.push('at once'));
  t.same(forks, ['fork with 0 open', 'at once'], 'with no file open, a fork runs at once');
});

t.test('a file that failed to open does not hold forks back', async (t) => {
  const dir = tempDir(t);
  await t.rejects(new WriteBehind().create(path.join(dir, 'missing', 'f'), 0o600), { code: 'ENOENT' });
  t.same(forkGateState(), { filesOpen: 0, waitingForks: 0 });
});
