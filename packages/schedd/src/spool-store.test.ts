import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import t, { type Test } from 'tap';
import { SPOOL_COMMIT_MARKER_CONTENT } from '@tinycondor/shared/spool-paths';
import { packEntries } from '@tinycondor/transfer/tar/index';
import { SpoolStore } from './spool-store.js';
import { transferArchive } from '../../../test/helpers/archives.js';

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

t.test("a job file named like the commit marker cannot make a cut transfer look committed", async (t) => {
  const spoolDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spool-store-'));
  t.teardown(() => fs.rmSync(spoolDir, { recursive: true, force: true }));
  const spool = new SpoolStore(spoolDir);
  await spool.receiveAndCommit(1, 0, Readable.from([await transferArchive([['big.dat', 'old'.repeat(1000)]])]));

  // The job's own `.ccommit.con` comes first; the transfer stops in the middle of big.dat.
  const archive = await transferArchive([
    ['.ccommit.con', SPOOL_COMMIT_MARKER_CONTENT],
    ['big.dat', 'new'.repeat(1_400_000)],
  ]);
  const source = new PassThrough();
  const cut = spool.receiveAndCommit(1, 0, source);
  source.write(archive.subarray(0, Math.floor(archive.length / 2)));
  const tmp = `${spool.jobDir(1, 0)}.tmp`;
  await until('big.dat to be partly written into .tmp', () => (fs.statSync(path.join(tmp, 'big.dat'), { throwIfNoEntry: false })?.size ?? 0) > 0);

  // The schedd is killed here; the next one starts on the same SPOOL.
  new SpoolStore(spoolDir).finishAllInterruptedCommits();
  const committed = fs.readFileSync(path.join(spool.jobDir(1, 0), 'big.dat'), 'utf8');
  t.ok(committed === 'old'.repeat(1000), `the committed checkpoint is unchanged (big.dat has ${committed.length} bytes)`);
  t.notOk(fs.existsSync(tmp), 'the partial transfer is discarded');
  source.destroy(new Error('connection reset'));
  await t.rejects(cut);
});

t.test('a job file or directory named like the commit marker is received but not committed, as in HTCondor', async (t) => {
  const spoolDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spool-store-'));
  t.teardown(() => fs.rmSync(spoolDir, { recursive: true, force: true }));
  const spool = new SpoolStore(spoolDir);
  const tmp = `${spool.jobDir(1, 0)}.tmp`;

  const withDirectory = await spool.receiveAndCommit(1, 0, Readable.from([await transferArchive([['.ccommit.con', null], ['.ccommit.con/x', 'forged'], ['state', 'one']])]));
  t.same(withDirectory.withheld, ['.ccommit.con'], 'the reserved name is reported');
  t.equal(withDirectory.files, 2, 'its file still counts towards the end marker');
  t.same(fs.readdirSync(spool.jobDir(1, 0)), ['state']);
  t.notOk(fs.existsSync(tmp), 'no staging left behind');

  const withFile = await spool.receiveAndCommit(1, 0, Readable.from([await transferArchive([['.ccommit.con', 'job data'], ['state', 'two']])]));
  t.same(withFile.withheld, ['.ccommit.con']);
  t.same(fs.readdirSync(spool.jobDir(1, 0)), ['state']);
  t.equal(fs.readFileSync(path.join(spool.jobDir(1, 0), 'state'), 'utf8'), 'two');
  t.notOk(fs.existsSync(tmp));
});

t.test('at start, only a marker with the content the schedd writes rolls a commit forward', async (t) => {
  const spoolDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spool-store-'));
  t.teardown(() => fs.rmSync(spoolDir, { recursive: true, force: true }));
  const spool = new SpoolStore(spoolDir);
  await spool.receiveAndCommit(1, 0, Readable.from([await transferArchive([['state', 'committed']])]));
  const tmp = `${spool.jobDir(1, 0)}.tmp`;
  const leave = (marker: string | null, state: string) => {
    fs.mkdirSync(tmp);
    fs.writeFileSync(path.join(tmp, 'state'), state);
    if (marker === null) fs.mkdirSync(path.join(tmp, '.ccommit.con'));
    else fs.writeFileSync(path.join(tmp, '.ccommit.con'), marker);
  };

  for (const [what, marker] of [['an empty marker (a job file an older schedd extracted)', ''], ['a directory', null], ['a cut marker', SPOOL_COMMIT_MARKER_CONTENT.slice(0, 10)]] as const) {
    leave(marker, 'forged');
    new SpoolStore(spoolDir).finishAllInterruptedCommits();
    t.equal(fs.readFileSync(path.join(spool.jobDir(1, 0), 'state'), 'utf8'), 'committed', `${what} is not honoured`);
    t.notOk(fs.existsSync(tmp));
  }
  leave(SPOOL_COMMIT_MARKER_CONTENT, 'rolled forward');
  new SpoolStore(spoolDir).finishAllInterruptedCommits();
  t.equal(fs.readFileSync(path.join(spool.jobDir(1, 0), 'state'), 'utf8'), 'rolled forward', "the schedd's marker is");
  t.same(fs.readdirSync(spool.jobDir(1, 0)), ['state'], 'the marker itself is not committed');
});
