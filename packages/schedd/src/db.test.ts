import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { openDatabase } from './db.js';

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
  t.teardown(() => db.close());
  t.same(db.prepare('SELECT cluster_id, proc_id, policy FROM jobs').all(), [{ cluster_id: 1, proc_id: 0, policy: 1 }]);
  const plan = db.prepare("EXPLAIN QUERY PLAN SELECT * FROM jobs WHERE policy = 1 AND cluster_id > 0 ORDER BY cluster_id, proc_id").all() as { detail: string }[];
  t.match(plan.map((p) => p.detail).join('\n'), /jobs_with_policy/, 'the periodic scan reads only the jobs with a policy');
  openDatabase(file).close();
  t.pass('opening it again changes nothing');
});
