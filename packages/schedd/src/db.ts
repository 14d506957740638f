import Database from 'better-sqlite3';

export type Db = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS clusters (
  cluster_id INTEGER PRIMARY KEY,
  submitted INTEGER NOT NULL DEFAULT 0,
  created INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS jobs (
  cluster_id INTEGER NOT NULL,
  proc_id INTEGER NOT NULL,
  status INTEGER NOT NULL,
  prio INTEGER NOT NULL DEFAULT 0,
  ad TEXT NOT NULL,
  run_id INTEGER NOT NULL DEFAULT 0,
  startd TEXT,
  slot TEXT,
  owner TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (cluster_id, proc_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS jobs_by_status ON jobs (status, prio DESC, cluster_id, proc_id);
CREATE TABLE IF NOT EXISTS history (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  cluster_id INTEGER NOT NULL,
  proc_id INTEGER NOT NULL,
  completion_date INTEGER NOT NULL,
  ad TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS history_by_job ON history (cluster_id, proc_id);
CREATE TABLE IF NOT EXISTS event_outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  log_path TEXT NOT NULL,
  text TEXT NOT NULL
);
`;

/** Opens (creating if needed) the job queue database: WAL, so readers never block the writer. */
export function openDatabase(file: string): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  return db;
}
