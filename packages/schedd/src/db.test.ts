import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { openDatabase, QueueInUse } from './db.js';

t.test('a queue created before the policy and order_key columns gets them, and loses its prio columns', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-db-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'job_queue.sqlite');
  const old = new Database(file);
  old.exec(`CREATE TABLE jobs (cluster_id INTEGER NOT NULL, proc_id INTEGER NOT NULL, status INTEGER NOT NULL, prio INTEGER NOT NULL DEFAULT 0,
    ad TEXT NOT NULL, run_id INTEGER NOT NULL DEFAULT 0, startd TEXT, slot TEXT, owner TEXT NOT NULL DEFAULT '', PRIMARY KEY (cluster_id, proc_id)) WITHOUT ROWID;
    CREATE INDEX jobs_by_status ON jobs (status, prio DESC, cluster_id, proc_id);
    CREATE TABLE queued_starts (job_id TEXT PRIMARY KEY, run_id TEXT NOT NULL, startd TEXT NOT NULL, slot TEXT NOT NULL, prio INTEGER NOT NULL,
    fetch_input INTEGER NOT NULL) WITHOUT ROWID;`);
  old.prepare('INSERT INTO jobs (cluster_id, proc_id, status, ad) VALUES (1, 0, 1, ?)').run('{"ProcId":"0"}');
  old.prepare("INSERT INTO queued_starts VALUES ('1.0', 'r', 's1', 'slot1', 3, 1)").run();
  old.close();
  const db = openDatabase(file);
  t.same(db.prepare('SELECT cluster_id, proc_id, policy, order_key FROM jobs').all(), [{ cluster_id: 1, proc_id: 0, policy: 1, order_key: '' }], 'order_key is set by JobStore');
  t.same(db.prepare('SELECT * FROM queued_starts').all(), [{ job_id: '1.0', run_id: 'r', startd: 's1', slot: 'slot1', fetch_input: 1 }]);
  const plan = db.prepare("EXPLAIN QUERY PLAN SELECT * FROM jobs WHERE policy = 1 AND cluster_id > 0 ORDER BY cluster_id, proc_id").all() as { detail: string }[];
  t.match(plan.map((p) => p.detail).join('\n'), /jobs_with_policy/, 'the periodic scan reads only the jobs with a policy');
  const idlePlan = db.prepare("EXPLAIN QUERY PLAN SELECT * FROM jobs WHERE status = 1 AND (order_key, cluster_id, proc_id) > ('', 0, -1) ORDER BY order_key, cluster_id, proc_id LIMIT 4").all() as { detail: string }[];
  t.match(idlePlan.map((p) => p.detail).join('\n'), /jobs_idle_order/, 'idle jobs are read in order from their index');
  t.notMatch(idlePlan.map((p) => p.detail).join('\n'), /TEMP B-TREE/, 'without sorting them');
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
