// Issue 18 item 3: the SPOOL commit marker cannot be forged by a job's files. A checkpoint carrying a
// file or a directory named `.ccommit.con` never makes a cut transfer look committed, across a SIGKILL of
// the schedd during the upload.
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import t from 'tap';
import { fakeStartdRunningJob, killHard } from './helpers/daemons.js';
import { eventually } from './helpers/pool.js';
import { transferArchive, putCheckpoint } from './helpers/archives.js';

t.test('a checkpoint holding .ccommit.con, cut by a SIGKILL of the schedd, is discarded at restart', async (t) => {
  const { d, fake, jobId, runId } = await fakeStartdRunningJob(t);

  const spool = path.join(d.home, 'spool', '1', '0', 'cluster1.proc0.subproc0');
  const first = await putCheckpoint(d.url(), d.token(), fake.key, jobId, runId, 0, Readable.from([await transferArchive([['big.dat', 'checkpoint 0\n']])]));
  t.equal(first.status, 200);

  // Checkpoint 1: the job's own `.ccommit.con` first, then 8 MiB of big.dat, of which half arrives.
  const archive = await transferArchive([
    ['.ccommit.con', ''],
    ['big.dat', 'x'.repeat(8 << 20)],
  ]);
  const body = new PassThrough();
  const upload = putCheckpoint(d.url(), d.token(), fake.key, jobId, runId, 1, body).catch((err: unknown) => err);
  body.write(archive.subarray(0, archive.length / 2));
  await eventually('big.dat to be partly received into .tmp', () => ((fs.statSync(`${spool}.tmp/big.dat`, { throwIfNoEntry: false })?.size ?? 0) > 0 ? true : undefined));
  await killHard(d.schedd);
  body.destroy();
  await upload;

  await d.startSchedd();
  const committed = fs.readFileSync(path.join(spool, 'big.dat'));
  t.ok(committed.equals(Buffer.from('checkpoint 0\n')), `SPOOL still holds checkpoint 0 (big.dat has ${committed.length} bytes)`);
  t.same(fs.readdirSync(spool), ['big.dat']);
  t.notOk(fs.existsSync(`${spool}.tmp`), 'the cut transfer is gone');
});

t.test('a checkpoint with a directory named .ccommit.con is committed without it, and leaves nothing in .tmp', async (t) => {
  const { d, fake, jobId, runId } = await fakeStartdRunningJob(t);

  const spool = path.join(d.home, 'spool', '1', '0', 'cluster1.proc0.subproc0');
  const forged = await putCheckpoint(d.url(), d.token(), fake.key, jobId, runId, 0, Readable.from([await transferArchive([['.ccommit.con', null], ['.ccommit.con/x', 'forged'], ['state', 'zero']])]));
  t.equal(forged.status, 200, 'the checkpoint is accepted');
  t.same(fs.readdirSync(spool), ['state'], 'without the reserved name');
  t.notOk(fs.existsSync(`${spool}.tmp`), 'no staging left behind');
  const next = await putCheckpoint(d.url(), d.token(), fake.key, jobId, runId, 1, Readable.from([await transferArchive([['state', 'one']])]));
  t.equal(next.status, 200);
  t.same(fs.readdirSync(spool), ['state'], 'the next commit brings nothing else in');
  t.equal(fs.readFileSync(path.join(spool, 'state'), 'utf8'), 'one');
  t.match(fs.readFileSync(path.join(d.home, 'log', 'SchedLog'), 'utf8'), /named like the SPOOL commit marker were received but not committed/, 'the schedd says so in its log');
});
