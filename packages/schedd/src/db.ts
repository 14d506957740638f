import Database from 'better-sqlite3';

export type Db = Database.Database;

// history and event_outbox number their rows with the rowid (max + 1), not AUTOINCREMENT: the outbox's
// rows are only ever deleted oldest first and history's never, so the order is the same, and no commit
// writes the sqlite_sequence page. Queues created with AUTOINCREMENT keep it and work alike.
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
  -- The job's place among idle jobs (shared/job-order.ts jobOrderKey), then its id: ORDER BY order_key, cluster_id, proc_id.
  order_key TEXT NOT NULL DEFAULT '',
  ad TEXT NOT NULL,
  run_id INTEGER NOT NULL DEFAULT 0,
  startd TEXT,
  slot TEXT,
  -- What users set in the job's ad during its current run (shared/run-copy.ts RunEdits, JSON); NULL without any.
  run_edits TEXT,
  owner TEXT NOT NULL DEFAULT '',
  policy INTEGER NOT NULL DEFAULT 1,
  -- Who the job is accounted to (shared/fair-share.ts submitterOf, without the domain); NULL until computed from its ad.
  submitter TEXT,
  PRIMARY KEY (cluster_id, proc_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS history (
  seq INTEGER PRIMARY KEY,
  cluster_id INTEGER NOT NULL,
  proc_id INTEGER NOT NULL,
  completion_date INTEGER NOT NULL,
  ad TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS history_by_job ON history (cluster_id, proc_id);
CREATE TABLE IF NOT EXISTS queued_starts (
  job_id TEXT PRIMARY KEY,
  run_id TEXT NOT NULL,
  startd TEXT NOT NULL,
  slot TEXT NOT NULL,
  fetch_input INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS timeline (
  cluster_id INTEGER NOT NULL,
  proc_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  entry TEXT NOT NULL,
  PRIMARY KEY (cluster_id, proc_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS event_outbox (
  seq INTEGER PRIMARY KEY,
  log_path TEXT NOT NULL,
  text TEXT NOT NULL,
  cluster_id INTEGER,
  proc_id INTEGER,
  owner TEXT
);
-- A cluster's job factory (late materialization) while it has procs left to materialize: its submit digest.
-- Where it stands (JobMaterializeNextProcId…) is in the cluster's ad, changed in the same transactions.
CREATE TABLE IF NOT EXISTS job_factories (
  cluster_id INTEGER PRIMARY KEY,
  digest TEXT NOT NULL
);
-- The accountant's records (shared/accountant.ts), by submitter name@domain; its LastUpdateTime is in meta.
CREATE TABLE IF NOT EXISTS accountant (
  name TEXT PRIMARY KEY,
  record TEXT NOT NULL
) WITHOUT ROWID;
-- Job ads that left the queue, waiting to be appended to the HISTORY file (history-file.ts): the ad's text and its banner's fields.
CREATE TABLE IF NOT EXISTS history_outbox (
  seq INTEGER PRIMARY KEY,
  history_seq INTEGER NOT NULL,
  text TEXT NOT NULL,
  banner TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS epoch_outbox (
  seq INTEGER PRIMARY KEY,
  cluster_id INTEGER NOT NULL,
  proc_id INTEGER NOT NULL,
  text TEXT NOT NULL
);
`;

/** Columns added after the first release, for queues created before them. */
const ADDED_COLUMNS: { table: string; column: string; definition: string }[] = [
  // 1: the job has a periodic policy to evaluate (see hasPeriodicPolicy); older rows are all checked.
  { table: 'jobs', column: 'policy', definition: 'INTEGER NOT NULL DEFAULT 1' },
  // The attributes the procs of a cluster share (a ClusterAd); jobs.ad then holds each proc's ProcOverlay.
  { table: 'clusters', column: 'ad', definition: 'TEXT' },
  // The job an event is about, held when its user log cannot be written; NULL in rows of older queues.
  { table: 'event_outbox', column: 'cluster_id', definition: 'INTEGER' },
  { table: 'event_outbox', column: 'proc_id', definition: 'INTEGER' },
  // Whose rights the event is written with (a root schedd writes a user log as the job's owner); NULL in rows of older queues.
  { table: 'event_outbox', column: 'owner', definition: 'TEXT' },
  // The id the submitter gave its submission: a submit retried after a lost reply is recognized (see JobStore.submission).
  { table: 'clusters', column: 'submission', definition: 'TEXT' },
  // The job's place among idle jobs; '' in rows of older queues until JobStore computes it from their ads.
  { table: 'jobs', column: 'order_key', definition: "TEXT NOT NULL DEFAULT ''" },
  // Who the job is accounted to; NULL in rows of older queues until JobStore computes it from their ads.
  { table: 'jobs', column: 'submitter', definition: 'TEXT' },
  // A running job's edits its run's copies do not all have; NULL in rows of older queues (no edits kept).
  { table: 'jobs', column: 'run_edits', definition: 'TEXT' },
];

/** Columns of older queues no longer used: JobPrio alone ordered idle jobs (order_key now), and queued starts (taken from the job now). */
const DROPPED_COLUMNS: { table: string; column: string; index?: string }[] = [
  { table: 'jobs', column: 'prio', index: 'jobs_by_status' },
  { table: 'queued_starts', column: 'prio' },
];

const INDEXES = `
CREATE INDEX IF NOT EXISTS jobs_idle_order ON jobs (status, order_key, cluster_id, proc_id);
CREATE INDEX IF NOT EXISTS jobs_idle_by_submitter ON jobs (status, submitter, order_key, cluster_id, proc_id);
CREATE INDEX IF NOT EXISTS jobs_with_policy ON jobs (cluster_id, proc_id) WHERE policy = 1;
CREATE INDEX IF NOT EXISTS jobs_by_owner ON jobs (owner, status);
`;

function hasColumn(db: Database.Database, table: string, column: string): boolean {
  return db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${table}')`).all().some((c) => c.name === column);
}

function addMissingColumns(db: Database.Database): void {
  for (const { table, column, definition } of ADDED_COLUMNS) if (!hasColumn(db, table, column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
  for (const { table, column, index } of DROPPED_COLUMNS) {
    if (!hasColumn(db, table, column)) continue;
    if (index !== undefined) db.exec(`DROP INDEX IF EXISTS ${index}`);
    db.exec(`ALTER TABLE ${table} DROP COLUMN ${column}`);
  }
}

/** Another process (a second schedd on the same pool home) has the job queue open. */
export class QueueInUse extends Error {
  constructor(readonly file: string) {
    super(`the job queue ${file} is in use by another process (a schedd already runs on this pool home?)`);
    this.name = 'QueueInUse';
  }
}

/**
 * Opens (creating if needed) the job queue database: WAL, kept locked by this one connection. The schedd is
 * its only user, so holding the locks costs no lock syscalls per transaction and no shared-memory index, and
 * a second schedd on the same home is refused instead of sharing the queue.
 */
export function openDatabase(file: string): Db {
  const db = new Database(file);
  db.pragma('locking_mode = EXCLUSIVE');
  try {
    db.pragma('journal_mode = WAL');
  } catch (err) {
    db.close();
    throw (err as { code?: unknown }).code === 'SQLITE_BUSY' ? new QueueInUse(file) : err;
  }
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  addMissingColumns(db);
  db.exec(INDEXES);
  return db;
}
