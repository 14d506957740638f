import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import t, { type Test } from 'tap';
import { packEntries } from '@tinycondor/shared/tar/index';
import { SpoolStore } from './spool-store.js';

/** The archive a startd would send of these files, whole in memory so that a test can cut it anywhere. */
async function tarOf(t: Test, files: Record<string, string>): Promise<Buffer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spool-store-source-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  const { stream } = packEntries(Object.keys(files).map((name) => ({ name, source: path.join(dir, name) })));
  const chunks: Buffer[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

async function until(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

t.test('a second transfer of a job waits for the one still failing before it, and commits whole', async (t) => {
  const spoolDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spool-store-'));
  t.teardown(() => fs.rmSync(spoolDir, { recursive: true, force: true }));
  const spool = new SpoolStore(spoolDir);
  const big = 'x'.repeat(64 * 1024);
  const first = await tarOf(t, { a: big, b: big, c: big });
  const second = await tarOf(t, { a: 'retry-a', b: big, c: 'retry-c' });

  // The first attempt stalls halfway (its startd went quiet), then its connection drops.
  const firstSource = new PassThrough();
  const firstCommit = spool.receiveAndCommit(1, 0, firstSource);
  firstSource.write(first.subarray(0, Math.floor(first.length / 2)));
  const tmp = `${spool.jobDir(1, 0)}.tmp`;
  await until('the first transfer to write into .tmp', () => fs.existsSync(path.join(tmp, 'a')));

  // Its retry arrives meanwhile; half of it is sent before the first attempt fails.
  const secondSource = new PassThrough();
  const secondCommit = spool.receiveAndCommit(1, 0, secondSource);
  const secondHalf = Math.floor(second.length / 2);
  secondSource.write(second.subarray(0, secondHalf));
  firstSource.destroy(new Error('connection reset'));
  await t.rejects(firstCommit, /connection reset|incomplete|closed/i, 'the cut attempt fails');
  secondSource.end(second.subarray(secondHalf));
  const received = await secondCommit;
  t.equal(received.files, 3);
  t.same(fs.readdirSync(spool.jobDir(1, 0)).sort(), ['a', 'b', 'c']);
  t.equal(fs.readFileSync(path.join(spool.jobDir(1, 0), 'a'), 'utf8'), 'retry-a', 'the retry is what SPOOL holds');
  t.equal(fs.readFileSync(path.join(spool.jobDir(1, 0), 'c'), 'utf8'), 'retry-c');
  t.notOk(fs.existsSync(tmp), 'no staging left behind');
});

t.test('transfers of different jobs do not wait for each other', async (t) => {
  const spoolDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spool-store-'));
  t.teardown(() => fs.rmSync(spoolDir, { recursive: true, force: true }));
  const spool = new SpoolStore(spoolDir);
  const stalled = new PassThrough();
  const stalledCommit = spool.receiveAndCommit(1, 0, stalled);
  const other = new PassThrough();
  const otherCommit = spool.receiveAndCommit(2, 0, other);
  other.end(await tarOf(t, { result: 'done' }));
  t.equal((await otherCommit).files, 1, 'job 2 commits while job 1 is still receiving');
  stalled.end(await tarOf(t, { state: 'late' }));
  t.equal((await stalledCommit).files, 1);
});
