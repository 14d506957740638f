import type Database from 'better-sqlite3';
import { ClassAd } from '@tinycondor/shared/classad/index';
import { formatEventText, formatEventXml, type JobEvent } from '@tinycondor/shared/eventlog/index';
import type { Transition } from '@tinycondor/shared/job-state';
import { filterClause, type PageRequest } from './dashboard/queue-rows.js';
import type { Db } from './db.js';

export interface StoredJob {
  cluster: number;
  proc: number;
  status: number;
  ad: ClassAd;
  runId: number;
  startd: string | null;
  slot: string | null;
}

interface JobRow {
  cluster_id: number;
  proc_id: number;
  status: number;
  prio: number;
  ad: string;
  run_id: number;
  startd: string | null;
  slot: string | null;
}

export interface RunAssignment {
  runId: number;
  startd: string;
  slot: string;
}

const IDLE_PAGE_SIZE = 500;

function toStoredJob(row: JobRow): StoredJob {
  return {
    cluster: row.cluster_id,
    proc: row.proc_id,
    status: row.status,
    ad: ClassAd.fromJSON(JSON.parse(row.ad) as Record<string, string>),
    runId: row.run_id,
    startd: row.startd,
    slot: row.slot,
  };
}

export class SubmitRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SubmitRejected';
  }
}

/**
 * The job queue in SQLite. Every change of a job is one transaction that also queues the events it
 * logs (the event outbox), so a crash never leaves a job changed without its event or the reverse.
 */
export class JobStore {
  private readonly statements;
  /** Prepared queue-page statements by filter shape (at most four). */
  private readonly pageStatements = new Map<
    string,
    { keys: Database.Statement<(string | number)[], { cluster_id: number; proc_id: number }>; count: Database.Statement<(string | number)[], { n: number }> }
  >();

  constructor(private readonly db: Db) {
    this.statements = {
      getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      setMeta: db.prepare<[string, string]>('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
      maxCluster: db.prepare<[], { m: number | null }>('SELECT max(cluster_id) AS m FROM clusters'),
      insertCluster: db.prepare<[number, number]>('INSERT INTO clusters (cluster_id, created) VALUES (?, ?)'),
      getCluster: db.prepare<[number], { submitted: number }>('SELECT submitted FROM clusters WHERE cluster_id = ?'),
      markSubmitted: db.prepare<[number]>('UPDATE clusters SET submitted = 1 WHERE cluster_id = ?'),
      insertJob: db.prepare<[number, number, number, number, string, string]>(
        'INSERT INTO jobs (cluster_id, proc_id, status, prio, ad, owner) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      getJob: db.prepare<[number, number], JobRow>('SELECT * FROM jobs WHERE cluster_id = ? AND proc_id = ?'),
      clusterJobs: db.prepare<[number], JobRow>('SELECT * FROM jobs WHERE cluster_id = ? ORDER BY proc_id'),
      allJobs: db.prepare<[], JobRow>('SELECT * FROM jobs ORDER BY cluster_id, proc_id'),
      idlePage: db.prepare<[number, number, number, number, number, number], JobRow>(
        `SELECT * FROM jobs WHERE status = 1 AND (prio < ? OR (prio = ? AND (cluster_id > ? OR (cluster_id = ? AND proc_id > ?))))
         ORDER BY prio DESC, cluster_id, proc_id LIMIT ?`,
      ),
      jobsOnStartd: db.prepare<[string], JobRow>('SELECT * FROM jobs WHERE startd = ? AND run_id > 0'),
      updateJob: db.prepare<[number, number, string, number, string | null, string | null, number, number]>(
        'UPDATE jobs SET status = ?, prio = ?, ad = ?, run_id = ?, startd = ?, slot = ? WHERE cluster_id = ? AND proc_id = ?',
      ),
      deleteJob: db.prepare<[number, number]>('DELETE FROM jobs WHERE cluster_id = ? AND proc_id = ?'),
      insertHistory: db.prepare<[number, number, number, string]>(
        'INSERT INTO history (cluster_id, proc_id, completion_date, ad) VALUES (?, ?, ?, ?)',
      ),
      history: db.prepare<[number], { ad: string }>('SELECT ad FROM history ORDER BY seq DESC LIMIT ?'),
      insertEvent: db.prepare<[string, string]>('INSERT INTO event_outbox (log_path, text) VALUES (?, ?)'),
      totals: db.prepare<[], { owner: string; status: number; count: number }>('SELECT owner, status, count(*) AS count FROM jobs GROUP BY owner, status'),
      statusCounts: db.prepare<[], { status: number; count: number }>('SELECT status, count(*) AS count FROM jobs GROUP BY status'),
      ownerStatusCounts: db.prepare<[string], { status: number; count: number }>('SELECT status, count(*) AS count FROM jobs WHERE owner = ? GROUP BY status'),
      owners: db.prepare<[], { owner: string }>('SELECT DISTINCT owner FROM jobs ORDER BY owner'),
      rawAds: db.prepare<[], { ad: string }>('SELECT ad FROM jobs ORDER BY cluster_id, proc_id'),
    };
  }

  private nextCounter(key: string, floor: number): number {
    const current = Number(this.statements.getMeta.get(key)?.value ?? '0');
    const next = Math.max(current, floor) + 1;
    this.statements.setMeta.run(key, String(next));
    return next;
  }

  /** A new cluster id, reserved until its procs are submitted (condor_submit's NewCluster). */
  reserveCluster(now: Date): number {
    return this.db.transaction(() => {
      const id = this.nextCounter('last_cluster_id', this.statements.maxCluster.get()?.m ?? 0);
      this.statements.insertCluster.run(id, Math.floor(now.getTime() / 1000));
      return id;
    })();
  }

  /** Stores all procs of a cluster at once with their submit events: all or nothing. */
  submitCluster(clusterId: number, procs: ClassAd[], eventsFor: (ad: ClassAd) => JobEvent[]): void {
    this.db.transaction(() => {
      const cluster = this.statements.getCluster.get(clusterId);
      if (!cluster) throw new SubmitRejected(`cluster ${clusterId} was not reserved`);
      if (cluster.submitted) throw new SubmitRejected(`cluster ${clusterId} was already submitted`);
      for (const ad of procs) {
        const proc = ad.getInt('ProcId') ?? 0;
        this.statements.insertJob.run(clusterId, proc, ad.getInt('JobStatus') ?? 1, ad.getInt('JobPrio') ?? 0, JSON.stringify(ad.toJSON()), ad.getString('Owner') ?? '');
        this.queueEvents(ad, eventsFor(ad));
      }
      this.statements.markSubmitted.run(clusterId);
    })();
  }

  getJob(cluster: number, proc: number): StoredJob | undefined {
    const row = this.statements.getJob.get(cluster, proc);
    return row && toStoredJob(row);
  }

  clusterJobs(cluster: number): StoredJob[] {
    return this.statements.clusterJobs.all(cluster).map(toStoredJob);
  }

  allJobs(): StoredJob[] {
    return this.statements.allJobs.all().map(toStoredJob);
  }

  /** Idle jobs in matchmaking order, read a page at a time so the caller may write between pages. */
  *idleJobs(): Generator<StoredJob> {
    let after = { prio: Number.MAX_SAFE_INTEGER, cluster: 0, proc: -1 };
    // Usually a free slot takes the first idle job: start with a small page and grow.
    for (let pageSize = 4; ; pageSize = Math.min(pageSize * 8, IDLE_PAGE_SIZE)) {
      const page = this.statements.idlePage.all(after.prio, after.prio, after.cluster, after.cluster, after.proc, pageSize);
      for (const row of page) yield toStoredJob(row);
      if (page.length < pageSize) return;
      const last = page[page.length - 1];
      after = { prio: last.prio, cluster: last.cluster_id, proc: last.proc_id };
    }
  }

  jobsOnStartd(startd: string): StoredJob[] {
    return this.statements.jobsOnStartd.all(startd).map(toStoredJob);
  }

  history(limit: number): ClassAd[] {
    return this.statements.history.all(limit).map((r) => ClassAd.fromJSON(JSON.parse(r.ad) as Record<string, string>));
  }

  /** Job counts by owner and status, straight from the index: condor_q -totals without reading ads. */
  totals(): { owner: string; status: number; count: number }[] {
    return this.statements.totals.all();
  }

  /** Every job ad as its stored JSON text, in job-id order, for listing without parsing. */
  rawAds(): string[] {
    return this.statements.rawAds.all().map((r) => r.ad);
  }

  /** One page of the queue in job-id order, with the number of jobs the filter selects (the dashboard's server-side paging). */
  page(request: PageRequest): { total: number; jobs: StoredJob[] } {
    const { where, params } = filterClause(request);
    let statements = this.pageStatements.get(where);
    if (!statements) {
      // Keys first, from an index, then the page's ads by primary key: sorting never reads the other jobs' ads.
      statements = {
        keys: this.db.prepare<(string | number)[], { cluster_id: number; proc_id: number }>(
          `SELECT cluster_id, proc_id FROM jobs ${where} ORDER BY cluster_id, proc_id LIMIT ? OFFSET ?`,
        ),
        count: this.db.prepare<(string | number)[], { n: number }>(`SELECT count(*) AS n FROM jobs ${where}`),
      };
      this.pageStatements.set(where, statements);
    }
    const { keys, count } = statements;
    return this.db.transaction(() => {
      const total = count.get(...params)?.n ?? 0;
      const rows = keys.all(...params, request.limit, request.offset).map((key) => this.statements.getJob.get(key.cluster_id, key.proc_id));
      return { total, jobs: rows.filter((row): row is JobRow => row !== undefined).map(toStoredJob) };
    })();
  }

  /** Owners with jobs in the queue, for the dashboard's owner filter. */
  owners(): string[] {
    return this.statements.owners.all().map((r) => r.owner);
  }

  /** Job counts by status, of one owner's jobs or of all (then from the status index alone). */
  statusCounts(owner?: string): { status: number; count: number }[] {
    return owner ? this.statements.ownerStatusCounts.all(owner) : this.statements.statusCounts.all();
  }

  countJobs(): number {
    return this.statusCounts().reduce((sum, { count }) => sum + count, 0);
  }

  newRunId(): number {
    return this.nextCounter('last_run_id', 0);
  }

  /**
   * Applies a state-machine transition: the new ad, the run it belongs to (null: no run), its events,
   * and the move to history when the job leaves the queue. One transaction.
   */
  apply(job: StoredJob, transition: Transition, run: RunAssignment | null): void {
    this.db.transaction(() => {
      const { ad } = transition;
      if (transition.leaveQueue) {
        this.statements.deleteJob.run(job.cluster, job.proc);
        this.statements.insertHistory.run(job.cluster, job.proc, ad.getInt('CompletionDate') ?? 0, JSON.stringify(ad.toJSON()));
      } else {
        this.statements.updateJob.run(
          ad.getInt('JobStatus') ?? job.status,
          ad.getInt('JobPrio') ?? 0,
          JSON.stringify(ad.toJSON()),
          run?.runId ?? 0,
          run?.startd ?? null,
          run?.slot ?? null,
          job.cluster,
          job.proc,
        );
      }
      this.queueEvents(ad, transition.events);
    })();
  }

  /** Logs events of a job that do not change its state (file transfers). */
  logEvents(ad: ClassAd, events: JobEvent[]): void {
    this.db.transaction(() => this.queueEvents(ad, events))();
  }

  private queueEvents(ad: ClassAd, events: JobEvent[]): void {
    const logPath = ad.getString('UserLog');
    if (logPath === undefined || logPath === '') return;
    const xml = ad.getBool('ULogUseXML') ?? false;
    for (const event of events) this.statements.insertEvent.run(logPath, xml ? formatEventXml(event) : formatEventText(event));
  }
}
