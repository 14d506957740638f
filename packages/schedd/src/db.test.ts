import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { openDatabase, QueueInUse } from './db.js';

t.test('a queue created before the policy column gets it, and its jobs stay checked', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-db-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'job_queue.sqlite');
  const old = new Database(file);
  old.exec(`CREATE TABLE jobs (cluster_id INTEGER NOT NULL, proc_id INTEGER NOT NULL, status INTEGER NOT NULL, prio INTEGER NOT NULL DEFAULT 0,
    ad TEXT NOT NULL, run_id INTEGER NOT NULL DEFAULT 0, startd TEXT, slot TEXT, owner TEXT NOT NULL DEFAULT '', PRIMARY KEY (cluster_id, proc_id)) WITHOUT ROWID`);
  old.prepare('INSERT INTO jobs (cluster_id, proc_id, status, ad) VALUES (1, 0, 1, ?)').run('{"ProcId":"0"}');
  old.close();
  const db = openDatabase(file);
  t.same(db.prepare('SELECT cluster_id, proc_id, policy FROM jobs').all(), [{ cluster_id: 1, proc_id: 0, policy: 1 }]);
  const plan = db.prepare("EXPLAIN QUERY PLAN SELECT * FROM jobs WHERE policy = 1 AND cluster_id > 0 ORDER BY cluster_id, proc_id").all() as { detail: string }[];
  t.match(plan.map((p) => p.detail).join('\n'), /jobs_with_policy/, 'the periodic scan reads only the jobs with a policy');
  db.close();
  openDatabase(file).close();
  t.pass('opening it again changes nothing');
});

t.test('a queue open in one schedd is refused to a second, and is whole for the next one', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-db-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'job_queue.sqlite');
  const first = openDatabase(file);
  first.prepare("INSERT INTO meta (key, value) VALUES ('k', 'v')").run();
  t.throws(() => openDatabase(file), new QueueInUse(file));
  const reader = new Database(file);
  t.teardown(() => reader.close());
  t.throws(() => reader.prepare('SELECT * FROM meta').all(), { code: 'SQLITE_BUSY' }, 'nothing else reads it meanwhile');
  first.close();
  const next = openDatabase(file);
  t.teardown(() => next.close());
  t.same(next.prepare('SELECT key, value FROM meta').all(), [{ key: 'k', value: 'v' }]);
});
