// Issue 18 item 13: SPOOL, LOG and the queue are the schedd's user's only. Everything the schedd creates
// there is 0700 (directories) or 0600 (the queue, its WAL, the logs, the token), and a home an older
// version left readable (SPOOL 0755, queue and logs 0644) is tightened when the schedd starts.
import fs from 'node:fs';
import path from 'node:path';
import tar from 'tar-stream';
import t from 'tap';
import { END_MARKER } from '@tinycondor/transfer/tar/index';
import { fakeStartdRunningJob, killHard } from '../helpers/daemons.js';
import { putCheckpoint } from '../helpers/archives.js';

const modeOf = (file: string) => fs.lstatSync(file).mode & 0o777;

async function checkpointTar(): Promise<Buffer> {
  const pack = tar.pack();
  pack.entry({ name: 'state', mode: 0o644 }, 'one');
  pack.entry({ name: END_MARKER }, JSON.stringify({ files: 1, bytes: 3 }));
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack as unknown as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

t.test("the queue, SPOOL, the logs and the token are readable by the schedd's user only", async (t) => {
  const { d, fake, jobId, runId } = await fakeStartdRunningJob(t, 'environment = "AWS_SECRET_ACCESS_KEY=hunter2"\n');
  const put = await putCheckpoint(d.url(), d.token(), fake.key, jobId, runId, 0, await checkpointTar());
  t.equal(put.status, 200);

  const spool = path.join(d.home, 'spool');
  const log = path.join(d.home, 'log');
  const database = path.join(spool, 'job_queue.sqlite');
  const privateDirs = [spool, log, path.join(spool, 'user-logs'), path.join(spool, '1'), path.join(spool, '1', '0'), path.join(spool, '1', '0', 'cluster1.proc0.subproc0')];
  const privateFiles = [database, `${database}-wal`, path.join(log, 'SchedLog'), path.join(d.home, 'pool.token')];
  const check = (when: string, dirs: string[]) => {
    for (const dir of dirs) t.equal(modeOf(dir).toString(8), '700', `${when}: ${path.relative(d.home, dir)} is 0700`);
    for (const file of privateFiles) t.equal(modeOf(file).toString(8), '600', `${when}: ${path.relative(d.home, file)} is 0600`);
    if (fs.existsSync(`${database}-shm`)) t.equal(modeOf(`${database}-shm`).toString(8), '600', `${when}: the shared memory is 0600`);
  };
  check('created', privateDirs);
  t.match(fs.readFileSync(`${database}-wal`).toString('latin1'), /hunter2/, 'the WAL does hold the secret the modes protect');

  // A home left by an older version: everything readable by all.
  await killHard(d.schedd);
  for (const dir of privateDirs) fs.chmodSync(dir, 0o755);
  for (const file of privateFiles) fs.chmodSync(file, 0o644);
  await d.startSchedd();
  // The job directories keep their modes: no one else can reach them through SPOOL.
  check('tightened at start', privateDirs.slice(0, 3));
});
