import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import t, { type Test } from 'tap';
import { ClassAd } from '@tinycondor/shared/classad/index';
import { historyFileSettings } from '@tinycondor/shared/job-history-file';
import { rotatedFiles } from '@tinycondor/shared/rotated-files';
import { openDatabase } from './db.js';
import { HistoryFile } from './history-file.js';

const job = (cluster: number) => ClassAd.parseText(`ClusterId = ${cluster}\nProcId = 0\nOwner = "bob"\nCompletionDate = 100\nClaimId = "secret"\n`);

function setup(t: Test, knobs: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'history-file-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const db = openDatabase(path.join(dir, 'q.sqlite'));
  t.teardown(() => db.close());
  const history = new HistoryFile(db, () => historyFileSettings((name) => knobs[name], dir).settings, pino({ level: 'silent' }));
  const insertRow = db.prepare<[number, string]>("INSERT INTO history (cluster_id, proc_id, completion_date, ad) VALUES (?, 0, 0, ?)");
  /** A job leaving the queue: its history row and its record, in one transaction. */
  const leave = (cluster: number) => db.transaction(() => history.record(Number(insertRow.run(cluster, '{}').lastInsertRowid), job(cluster)))();
  const rows = () => (db.prepare('SELECT cluster_id FROM history ORDER BY seq').all() as Array<{ cluster_id: number }>).map((r) => r.cluster_id);
  return { dir, db, history, leave, rows, file: path.join(dir, 'history') };
}

t.test('AppendHistory: the ad (FastSort, no private attributes), then the banner with the offset of the line before', async (t) => {
  const { history, leave, file, db } = setup(t, {});
  leave(1);
  t.notOk(fs.existsSync(file), 'not before the flush');
  history.flush();
  const first = fs.readFileSync(file, 'utf8');
  t.match(first, /^Owner = "bob"\nProcId = 0\nClusterId = 1\nCompletionDate = 100\n\*\*\* Offset = 0 ClusterId = 1 ProcId = 0 Owner = "bob" CompletionDate = 100 CurrentTime = \d+\n$/);
  leave(2);
  leave(3);
  history.flush();
  const text = fs.readFileSync(file, 'utf8');
  const banners = text.split('\n').filter((line) => line.startsWith('***'));
  const bannerStarts = [...text.matchAll(/^\*\*\*/gm)].map((m) => m.index);
  t.same(banners.map((b) => Number(/Offset = (\d+)/.exec(b)![1])), [0, bannerStarts[0], bannerStarts[1]], "each banner's Offset is where the file's last line began");
  t.equal((db.prepare('SELECT count(*) AS n FROM history_outbox').get() as { n: number }).n, 0, 'the outbox is drained');
});

t.test('MaybeRotateHistory: past MAX_HISTORY_LOG the file is rotated, MAX_HISTORY_ROTATIONS kept, and the rows of a deleted one go', async (t) => {
  const { history, leave, file, rows } = setup(t, { MAX_HISTORY_LOG: '200', MAX_HISTORY_ROTATIONS: '1' });
  fs.writeFileSync(`${file}.20000101T000000`, 'made elsewhere\n');
  leave(1);
  history.flush();
  leave(2);
  history.flush();
  t.equal(rotatedFiles(file).length, 1, 'one rotation kept');
  t.match(fs.readFileSync(rotatedFiles(file)[0], 'utf8'), /^Owner = "bob"\nProcId = 0\nClusterId = 1\n/, 'the file of job 1, rotated; the older one deleted');
  t.match(fs.readFileSync(file, 'utf8'), /ClusterId = 2\n/);
  t.same(rows(), [1, 2], 'a file made elsewhere held no rows');
  leave(3);
  history.flush();
  t.same(rows(), [2, 3], "job 1's file deleted, its row with it");
  t.match(fs.readFileSync(file, 'utf8'), /^Owner = "bob"\nProcId = 0\nClusterId = 3\n/);
});

t.test('HISTORY set empty keeps nothing; ENABLE_HISTORY_ROTATION = false never rotates', async (t) => {
  const off = setup(t, { HISTORY: '' });
  t.equal(off.history.keeps(), false);
  off.db.transaction(() => off.history.record(1, job(1)))();
  off.history.flush();
  t.same(fs.readdirSync(off.dir).filter((name) => name.startsWith('history')), []);
  const unrotated = setup(t, { MAX_HISTORY_LOG: '10', ENABLE_HISTORY_ROTATION: 'false' });
  unrotated.leave(1);
  unrotated.leave(2);
  unrotated.history.flush();
  unrotated.leave(3);
  unrotated.history.flush();
  t.same([rotatedFiles(unrotated.file), unrotated.rows()], [[], [1, 2, 3]]);
});
