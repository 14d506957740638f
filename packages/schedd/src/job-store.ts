import crypto from 'node:crypto';
import type Database from 'better-sqlite3';
import { ClassAd } from '@tinycondor/shared/classad/index';
import { ClusterAd, type ProcOverlay } from '@tinycondor/shared/cluster-ad';
import { formatEventText, formatEventXml, jobAdInformationEvent, type JobEvent } from '@tinycondor/shared/eventlog/index';
import { hasPeriodicPolicy } from '@tinycondor/shared/job-policy';
import { addToTotals, emptyTotals, SCHEDULER_UNIVERSE, type JobTotals } from '@tinycondor/shared/job-status';
import { jobOrderKey, type JobPlace } from '@tinycondor/shared/job-order';
import { submitterOf } from '@tinycondor/shared/fair-share';
import type { AccountantRecord } from '@tinycondor/shared/accountant';
import type { JobSpec } from '@tinycondor/shared/job-id';
import type { AdReader } from '@tinycondor/shared/proc-ad-view';
import type { Transition } from '@tinycondor/shared/job-state';
import { timelineEntriesOf, type TimelineEntry } from '@tinycondor/shared/job-timeline';
import { shadowCopy, type RunEdits } from '@tinycondor/shared/run-copy';
import { BatchInsert } from './batch-insert.js';
import type { PagedSource } from './slices.js';
import type { Db } from './db.js';
import type { HistoryFile } from './history-file.js';

export interface StoredJob {
  cluster: number;
  proc: number;
  status: number;
  ad: ClassAd;
  /** What the job's row holds: its attributes over its cluster's ad. */
  overlay: ProcOverlay;
  /** The current run's id; '' when the job has no run. */
  runId: string;
  startd: string | null;
  slot: string | null;
  /** What users set in its ad while its run went on, which the run's copies do not all have (shared/run-copy.ts). */
  runEdits: RunEdits | undefined;
  /** Its place among idle jobs (shared/job-order.ts), as stored with its ad. */
  place: JobPlace;
  /** Who it is accounted to (shared/fair-share.ts submitterOf: without the domain), as stored with its ad. */
  submitter: string;
}

interface JobRow {
  cluster_id: number;
  proc_id: number;
  status: number;
  order_key: string;
  submitter: string | null;
  ad: string;
  /** '' (0 in queues written before run ids were random) when the job has no run. */
  run_id: string | number;
  startd: string | null;
  slot: string | null;
  /** JSON of the run's RunEdits; NULL without any. */
  run_edits: string | null;
}

export interface RunAssignment {
  runId: string;
  startd: string;
  slot: string;
  /** What users set in the job's ad during this run (a new run has none). */
  edits?: RunEdits;
}

/** The run a job has on a slot, which a change that does not end it keeps; null when it has none. */
export function runKept(job: StoredJob): RunAssignment | null {
  if (job.startd === null || job.slot === null) return null;
  return { runId: job.runId, startd: job.startd, slot: job.slot, ...(job.runEdits ? { edits: job.runEdits } : {}) };
}

const PAGE_SIZE = 500;

/** The meta row holding the accountant's LastUpdateTime. */
const ACCOUNTANT_UPDATE_KEY = 'accountant_last_update';

/** A job's place in job-id order. */
export interface JobKey {
  cluster: number;
  proc: number;
}

const FIRST_JOB_KEY: JobKey = { cluster: 0, proc: -1 };

/** Cluster ads kept parsed; past this many the cache starts over (one ad per cluster, read back on demand). */
const CLUSTER_CACHE_LIMIT = 1_000;

/** A proc of a submission, ready to store: its ad (for its events), what it adds to the cluster ad, its jobOrderKey and its submitter. */
export interface ProcRow {
  ad: AdReader;
  overlay: ProcOverlay;
  orderKey: string;
  submitter: string;
}

export function procRow(ad: AdReader, overlay: ProcOverlay): ProcRow {
  return { ad, overlay, orderKey: jobOrderKey(ad), submitter: submitterOf(ad) };
}

/** What the queue keeps of a start queued on a busy slot. */
export interface StoredQueuedStart {
  jobId: string;
  runId: string;
  startdName: string;
  slotName: string;
  fetchInput: boolean;
}

/** A cluster in the queue: its procs there by status (HTCondor's JobQueueCluster counters), and whether it has a job factory. */
export interface ClusterTally {
  cluster: number;
  present: number;
  idle: number;
  running: number;
  held: number;
  factory: boolean;
}

/** Timeline entries kept, of all jobs (about 100 bytes each); the oldest go first. */
export const MAX_TIMELINE_ROWS = 200_000;
/** Timeline rows written between two prunings. */
const TIMELINE_PRUNE_EVERY = 1_000;

/** Cluster attributes the schedd changes as a job factory materializes procs (lower-case). */
const FACTORY_STATE = new Set(['jobmaterializenextprocid', 'jobmaterializepaused', 'jobmaterializepausereason']);

/** clusters.submitted of a reservation its submitter gave up (0: reserved, 1: submitted). */
const ABANDONED = 2;

/** What became of a cluster's submission (see JobStore.submission). */
export interface Submission {
  stored: boolean;
  /** The id the submitter gave it, if any. */
  submissionId: string | null;
  procs: number;
}

export class SubmitRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SubmitRejected';
  }
}

/** A submission the schedd's commit refuses (a submit requirement not met, a secure attribute set): its words, which condor_submit reports as a failed commit. */
export class CommitRefused extends SubmitRejected {
  constructor(readonly words: string) {
    super(words);
  }
}

/**
 * The job queue in SQLite. Every change of a job is one transaction that also queues the events it
 * logs (the event outbox), so a crash never leaves a job changed without its event or the reverse.
 * A job's row holds only what differs from its cluster's ad (see ClusterAd).
 */
export class JobStore {
  private readonly statements;
  /** The HISTORY file, given each ad that moves to the history table in the same transaction (schedd.ts sets it). */
  history: Pick<HistoryFile, 'keeps' | 'record'> | undefined;
  /** Prepared queue-page statements by filter shape (at most four). */
  private readonly pageStatements = new Map<
    string,
    { keys: Database.Statement<(string | number)[], { cluster_id: number; proc_id: number }>; count: Database.Statement<(string | number)[], { n: number }> }
  >();
  private readonly clusterAds = new Map<number, ClusterAd>();
  /** A submission's jobs and events, many rows to a statement. */
  private readonly jobInserts: BatchInsert;
  private readonly eventInserts: BatchInsert;
  private readonly timelineInserts: BatchInsert;
  /** Timeline rows written since the table was last pruned. */
  private timelineWrites = 0;
  /** The last timeline entry's number: entries of a job are read in this order. */
  private timelineSeq: number;
  /** The one transaction wrapper: better-sqlite3 builds a new one at every db.transaction(), which costs more than a small transaction. */
  private readonly inTransaction: (work: () => unknown) => unknown;
  /** What waits for the current transaction to commit (see afterCommit). */
  private afterCommitSteps: (() => void)[] = [];

  constructor(
    private readonly db: Db,
    /** Timeline entries kept, of all jobs; the oldest go first. */
    private readonly maxTimelineRows = MAX_TIMELINE_ROWS,
  ) {
    this.jobInserts = new BatchInsert(db, 'jobs', ['cluster_id', 'proc_id', 'status', 'order_key', 'submitter', 'ad', 'owner', 'policy']);
    this.eventInserts = new BatchInsert(db, 'event_outbox', ['log_path', 'text', 'cluster_id', 'proc_id', 'owner']);
    this.timelineInserts = new BatchInsert(db, 'timeline', ['cluster_id', 'proc_id', 'seq', 'entry']);
    this.inTransaction = db.transaction((work: () => unknown) => work());
    this.statements = {
      getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      setMeta: db.prepare<[string, string]>('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
      maxCluster: db.prepare<[], { m: number | null }>('SELECT max(cluster_id) AS m FROM clusters'),
      insertCluster: db.prepare<[number, number]>('INSERT INTO clusters (cluster_id, created) VALUES (?, ?)'),
      getCluster: db.prepare<[number], { submitted: number; ad: string | null; submission: string | null }>('SELECT submitted, ad, submission FROM clusters WHERE cluster_id = ?'),
      markSubmitted: db.prepare<[string, string | null, number]>('UPDATE clusters SET submitted = 1, ad = ?, submission = ? WHERE cluster_id = ?'),
      markAbandoned: db.prepare<[number]>(`UPDATE clusters SET submitted = ${ABANDONED} WHERE cluster_id = ? AND submitted = 0`),
      setClusterAd: db.prepare<[string, number]>('UPDATE clusters SET ad = ? WHERE cluster_id = ?'),
      insertFactory: db.prepare<[number, string]>('INSERT INTO job_factories (cluster_id, digest) VALUES (?, ?)'),
      getFactory: db.prepare<[number], { digest: string }>('SELECT digest FROM job_factories WHERE cluster_id = ?'),
      deleteFactory: db.prepare<[number]>('DELETE FROM job_factories WHERE cluster_id = ?'),
      factoryClusters: db.prepare<[], { cluster_id: number }>('SELECT cluster_id FROM job_factories ORDER BY cluster_id'),
      clusterSize: db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM jobs WHERE cluster_id = ?'),
      clusterNotRunning: db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM jobs WHERE cluster_id = ? AND status IN (1, 5)'),
      getJob: db.prepare<[number, number], JobRow>('SELECT * FROM jobs WHERE cluster_id = ? AND proc_id = ?'),
      clusterPage: db.prepare<[number, number, number], JobRow>('SELECT * FROM jobs WHERE cluster_id = ? AND proc_id > ? ORDER BY proc_id LIMIT ?'),
      // compareJobPlaces' order.
      idlePage: db.prepare<[string, number, number, number], JobRow>(
        `SELECT * FROM jobs WHERE status = 1 AND (order_key, cluster_id, proc_id) > (?, ?, ?)
           AND NOT EXISTS (SELECT 1 FROM queued_starts q WHERE q.job_id = jobs.cluster_id || '.' || jobs.proc_id)
         ORDER BY order_key, cluster_id, proc_id LIMIT ?`,
      ),
      // The same, of one submitter.
      submitterIdlePage: db.prepare<[string, string, number, number, number], JobRow>(
        `SELECT * FROM jobs WHERE status = 1 AND submitter = ? AND (order_key, cluster_id, proc_id) > (?, ?, ?)
           AND NOT EXISTS (SELECT 1 FROM queued_starts q WHERE q.job_id = jobs.cluster_id || '.' || jobs.proc_id)
         ORDER BY order_key, cluster_id, proc_id LIMIT ?`,
      ),
      // The first submitter after one with idle jobs: a walk of the index that skips each submitter's jobs.
      nextIdleSubmitter: db.prepare<[string], { submitter: string }>('SELECT submitter FROM jobs WHERE status = 1 AND submitter > ? ORDER BY submitter LIMIT 1'),
      unordered: db.prepare<[], { cluster_id: number; proc_id: number }>("SELECT cluster_id, proc_id FROM jobs WHERE order_key = '' OR submitter IS NULL"),
      setOrderKey: db.prepare<[string, string, number, number]>('UPDATE jobs SET order_key = ?, submitter = ? WHERE cluster_id = ? AND proc_id = ?'),
      policyPage: db.prepare<[number, number, number, number], JobRow>(
        'SELECT * FROM jobs WHERE policy = 1 AND (cluster_id > ? OR (cluster_id = ? AND proc_id > ?)) ORDER BY cluster_id, proc_id LIMIT ?',
      ),
      startdsWithRuns: db.prepare<[], { startd: string }>('SELECT DISTINCT startd FROM jobs WHERE startd IS NOT NULL'),
      jobsOnStartd: db.prepare<[string], JobRow>("SELECT * FROM jobs WHERE startd = ? AND run_id NOT IN (0, '')"),
      updateJob: db.prepare<[number, string, string, string, string, string | null, string | null, string | null, number, number, number]>(
        'UPDATE jobs SET status = ?, order_key = ?, submitter = ?, ad = ?, run_id = ?, startd = ?, slot = ?, run_edits = ?, policy = ? WHERE cluster_id = ? AND proc_id = ?',
      ),
      deleteJob: db.prepare<[number, number]>('DELETE FROM jobs WHERE cluster_id = ? AND proc_id = ?'),
      insertHistory: db.prepare<[number, number, number, string]>(
        'INSERT INTO history (cluster_id, proc_id, completion_date, ad) VALUES (?, ?, ?, ?)',
      ),
      historyPage: db.prepare<[number, number], { seq: number; ad: string }>('SELECT seq, ad FROM history WHERE seq < ? ORDER BY seq DESC LIMIT ?'),
      historyPageForwards: db.prepare<[number, number], { seq: number; ad: string }>('SELECT seq, ad FROM history WHERE seq > ? ORDER BY seq ASC LIMIT ?'),
      insertTimeline: db.prepare<[number, number, number, string]>('INSERT INTO timeline (cluster_id, proc_id, seq, entry) VALUES (?, ?, ?, ?)'),
      timelineOf: db.prepare<[number, number], { entry: string }>('SELECT entry FROM timeline WHERE cluster_id = ? AND proc_id = ? ORDER BY seq'),
      timelineRows: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM timeline'),
      // The first job whose timeline is kept: the oldest jobs' go, each whole.
      timelineCut: db.prepare<[number], { cluster_id: number; proc_id: number }>('SELECT cluster_id, proc_id FROM timeline ORDER BY cluster_id, proc_id, seq LIMIT 1 OFFSET ?'),
      pruneTimeline: db.prepare<[number, number]>('DELETE FROM timeline WHERE (cluster_id, proc_id) < (?, ?)'),
      lastTimelineSeq: db.prepare<[], { m: number | null }>('SELECT max(seq) AS m FROM timeline'),
      insertEvent: db.prepare<[string, string, number | null, number | null, string | null]>(
        'INSERT INTO event_outbox (log_path, text, cluster_id, proc_id, owner) VALUES (?, ?, ?, ?, ?)',
      ),
      totals: db.prepare<[], { owner: string; status: number; count: number }>('SELECT owner, status, count(*) AS count FROM jobs GROUP BY owner, status'),
      // HTCondor's JobQueueCluster counters; running counts transferring output and suspended too.
      clusterTallies: db.prepare<[], { cluster_id: number; present: number; idle: number; running: number; held: number }>(
        'SELECT cluster_id, count(*) AS present, sum(status = 1) AS idle, sum(status IN (2, 6, 7)) AS running, sum(status = 5) AS held FROM jobs GROUP BY cluster_id ORDER BY cluster_id',
      ),
      statusCounts: db.prepare<[], { status: number; count: number }>('SELECT status, count(*) AS count FROM jobs GROUP BY status'),
      ownerStatusCounts: db.prepare<[string], { status: number; count: number }>('SELECT status, count(*) AS count FROM jobs WHERE owner = ? GROUP BY status'),
      // A job's universe is its proc's own, else its cluster's (the clusters of the scheduler universe are found
      // once); a proc's ad is parsed only when it names one (half the time of a big queue's scan).
      summaryCounts: db.prepare<[string | null], { mine: number; status: number; count: number }>(
        `SELECT owner IS ? AS mine, status, count(*) AS count FROM jobs
         WHERE coalesce(CASE WHEN instr(ad, '"JobUniverse"') > 0 THEN json_extract(ad, '$.JobUniverse') END,
           CASE WHEN cluster_id IN (SELECT cluster_id FROM clusters WHERE json_extract(ad, '$.JobUniverse') = '${SCHEDULER_UNIVERSE}') THEN '${SCHEDULER_UNIVERSE}' END) IS NOT '${SCHEDULER_UNIVERSE}'
         GROUP BY mine, status`,
      ),
      owners: db.prepare<[], { owner: string }>('SELECT DISTINCT owner FROM jobs ORDER BY owner'),
      jobPage: db.prepare<[number, number, number, number], JobRow>(
        'SELECT * FROM jobs WHERE cluster_id > ? OR (cluster_id = ? AND proc_id > ?) ORDER BY cluster_id, proc_id LIMIT ?',
      ),
      ownerJobPage: db.prepare<[string, number, number, number, number], JobRow>(
        // +owner: in job-id order from the primary key, not all her jobs sorted again for each page.
        'SELECT * FROM jobs WHERE +owner = ? AND (cluster_id > ? OR (cluster_id = ? AND proc_id > ?)) ORDER BY cluster_id, proc_id LIMIT ?',
      ),
      insertQueuedStart: db.prepare<[string, string, string, string, number]>(
        'INSERT OR REPLACE INTO queued_starts (job_id, run_id, startd, slot, fetch_input) VALUES (?, ?, ?, ?, ?)',
      ),
      deleteQueuedStart: db.prepare<[string]>('DELETE FROM queued_starts WHERE job_id = ?'),
      accountantRecords: db.prepare<[], { name: string; record: string }>('SELECT name, record FROM accountant'),
      clearAccountant: db.prepare<[]>('DELETE FROM accountant'),
      insertAccountantRecord: db.prepare<[string, string]>('INSERT INTO accountant (name, record) VALUES (?, ?)'),
      queuedStarts: db.prepare<[], { job_id: string; run_id: string; startd: string; slot: string; fetch_input: number }>(
        'SELECT * FROM queued_starts ORDER BY job_id',
      ),
    };
    this.timelineSeq = this.statements.lastTimelineSeq.get()?.m ?? 0;
    this.placeUnorderedJobs();
  }

  /** The jobs of a queue written before order_key (or submitter) get theirs, from their ads. */
  private placeUnorderedJobs(): void {
    const unordered = this.statements.unordered.all();
    if (unordered.length === 0) return;
    this.transaction(() => {
      for (const { cluster_id: cluster, proc_id: proc } of unordered) {
        const job = this.getJob(cluster, proc);
        if (job) this.statements.setOrderKey.run(jobOrderKey(job.ad), submitterOf(job.ad), cluster, proc);
      }
    });
  }

  /**
   * A job queued on a busy slot (see Schedd's QueuedStart), stored before its start is sent: a schedd that
   * restarts knows the startd may have launched it, and holds it out of matchmaking until that startd says.
   */
  recordQueuedStart(start: StoredQueuedStart): void {
    this.statements.insertQueuedStart.run(start.jobId, start.runId, start.startdName, start.slotName, start.fetchInput ? 1 : 0);
  }

  forgetQueuedStart(jobId: string): void {
    this.statements.deleteQueuedStart.run(jobId);
  }

  storedQueuedStarts(): StoredQueuedStart[] {
    return this.statements.queuedStarts.all().map((row) => ({
      jobId: row.job_id,
      runId: row.run_id,
      startdName: row.startd,
      slotName: row.slot,
      fetchInput: row.fetch_input === 1,
    }));
  }

  private nextCounter(key: string, floor: number): number {
    const current = Number(this.statements.getMeta.get(key)?.value ?? '0');
    const next = Math.max(current, floor) + 1;
    this.statements.setMeta.run(key, String(next));
    return next;
  }

  /** A new cluster id, reserved until its procs are submitted (condor_submit's NewCluster). */
  reserveCluster(now: Date): number {
    return this.transaction(() => {
      const id = this.nextCounter('last_cluster_id', this.statements.maxCluster.get()?.m ?? 0);
      this.statements.insertCluster.run(id, Math.floor(now.getTime() / 1000));
      return id;
    });
  }

  /**
   * Stores the procs of a cluster with their submit events, all or nothing: `rows` is read inside the
   * transaction, so a proc it refuses (by throwing) leaves the queue as it was.
   */
  submitCluster(
    clusterId: number,
    submissionId: string | undefined,
    cluster: ClusterAd,
    rows: Iterable<ProcRow>,
    eventsFor: (ad: AdReader) => JobEvent[],
    /** Whether the submit events go on the jobs' timelines (a huge cluster's would only push the others out). */
    onTimeline = true,
    /** A job factory's submit digest (late materialization): stored with the cluster, its procs materialized later. */
    factoryDigest?: string,
  ): void {
    this.transaction(() => {
      const reserved = this.statements.getCluster.get(clusterId);
      if (!reserved) throw new SubmitRejected(`cluster ${clusterId} was not reserved`);
      if (reserved.submitted === ABANDONED) throw new SubmitRejected(`cluster ${clusterId} was given up by its submitter after a lost connection`);
      if (reserved.submitted) throw new SubmitRejected(`cluster ${clusterId} was already submitted`);
      this.insertProcs(clusterId, rows, eventsFor, onTimeline);
      this.statements.markSubmitted.run(JSON.stringify(cluster.stored), submissionId ?? null, clusterId);
      if (factoryDigest !== undefined) this.statements.insertFactory.run(clusterId, factoryDigest);
    });
    this.cacheClusterAd(clusterId, cluster);
  }

  /**
   * Procs a cluster's job factory materialized, with their submit events, and the cluster's ad that says so
   * (JobMaterializeNextProcId): one transaction, or the current one.
   */
  materializeProcs(clusterId: number, cluster: ClusterAd, rows: Iterable<ProcRow>, eventsFor: (ad: AdReader) => JobEvent[]): void {
    this.transaction(() => {
      this.insertProcs(clusterId, rows, eventsFor, true);
      this.setClusterAd(clusterId, cluster);
    });
  }

  /** A cluster's ad changed (its factory's state). */
  setClusterAd(clusterId: number, cluster: ClusterAd): void {
    this.statements.setClusterAd.run(JSON.stringify(cluster.stored), clusterId);
    this.cacheClusterAd(clusterId, cluster);
  }

  /** The submit digest of a cluster's job factory; undefined when it has none (left). */
  factoryDigest(clusterId: number): string | undefined {
    return this.statements.getFactory.get(clusterId)?.digest;
  }

  /** The factory is done or removed: the cluster materializes no more procs. */
  deleteFactory(clusterId: number): void {
    this.statements.deleteFactory.run(clusterId);
  }

  factoryClusters(): number[] {
    return this.statements.factoryClusters.all().map((row) => row.cluster_id);
  }

  /** A cluster's procs in the queue (HTCondor's ClusterSize) and those of them idle or held (getNumNotRunning). */
  clusterCounts(clusterId: number): { inQueue: number; notRunning: number } {
    return { inQueue: this.statements.clusterSize.get(clusterId)?.n ?? 0, notRunning: this.statements.clusterNotRunning.get(clusterId)?.n ?? 0 };
  }

  private insertProcs(clusterId: number, rows: Iterable<ProcRow>, eventsFor: (ad: AdReader) => JobEvent[], onTimeline: boolean): void {
    let timelineEntries = 0;
    this.jobInserts.insertAll((addJob) =>
      this.eventInserts.insertAll((addEvent) =>
        this.timelineInserts.insertAll((addEntry) => {
          for (const { ad, overlay, orderKey, submitter } of rows) {
            const proc = ad.getInt('ProcId') ?? 0;
            addJob(clusterId, proc, ad.getInt('JobStatus') ?? 1, orderKey, submitter, JSON.stringify(overlay), ad.getString('Owner') ?? '', hasPeriodicPolicy(ad) ? 1 : 0);
            const events = eventsFor(ad);
            this.queueEvents(ad, events, addEvent);
            if (!onTimeline) continue;
            const entries = timelineEntriesOf(events, undefined);
            for (const entry of entries) addEntry(clusterId, proc, ++this.timelineSeq, JSON.stringify(entry));
            timelineEntries += entries.length;
          }
        }),
      ),
    );
    this.countTimelineWrites(timelineEntries);
  }

  /**
   * What became of a reserved cluster's submission: stored, with the submitter's id and its number of procs,
   * or not (yet); undefined for a cluster never reserved.
   */
  submission(clusterId: number): Submission | undefined {
    const row = this.statements.getCluster.get(clusterId);
    if (!row) return undefined;
    if (row.submitted !== 1) return { stored: false, submissionId: null, procs: 0 };
    const procs = Number((JSON.parse(row.ad ?? '{}') as Record<string, string>).TotalSubmitProcs ?? 0);
    return { stored: true, submissionId: row.submission, procs };
  }

  /**
   * Settles a submission whose reply the submitter lost: when it was not stored, the reservation is given
   * up, so that a copy of it still on its way is refused and the submitter's "not submitted" stays true.
   */
  settleSubmission(clusterId: number): Submission | undefined {
    return this.transaction(() => {
      this.statements.markAbandoned.run(clusterId);
      return this.submission(clusterId);
    });
  }

  private cacheClusterAd(clusterId: number, cluster: ClusterAd): void {
    if (this.clusterAds.size >= CLUSTER_CACHE_LIMIT) this.clusterAds.clear();
    this.clusterAds.set(clusterId, cluster);
  }

  /** The ad a cluster's procs share; clusters stored before there were cluster ads have an empty one. */
  clusterAd(clusterId: number): ClusterAd {
    let cluster = this.clusterAds.get(clusterId);
    if (cluster === undefined) {
      const stored = this.statements.getCluster.get(clusterId)?.ad;
      cluster = stored ? new ClusterAd(JSON.parse(stored) as Record<string, string>) : ClusterAd.EMPTY;
      this.cacheClusterAd(clusterId, cluster);
    }
    return cluster;
  }

  private toStoredJob(row: JobRow): StoredJob {
    const overlay = JSON.parse(row.ad) as ProcOverlay;
    return {
      cluster: row.cluster_id,
      proc: row.proc_id,
      status: row.status,
      ad: this.clusterAd(row.cluster_id).procAd(overlay),
      overlay,
      runId: row.run_id === 0 ? '' : String(row.run_id),
      startd: row.startd,
      slot: row.slot,
      runEdits: row.run_edits ? (JSON.parse(row.run_edits) as RunEdits) : undefined,
      place: { key: row.order_key, cluster: row.cluster_id, proc: row.proc_id },
      submitter: row.submitter ?? '',
    };
  }

  getJob(cluster: number, proc: number): StoredJob | undefined {
    const row = this.statements.getJob.get(cluster, proc);
    return row && this.toStoredJob(row);
  }

  /** Every job in job-id order, each page read when it is handed out (see slices). */
  jobSource(): PagedSource<StoredJob, JobKey> {
    return this.keyedSource((after, limit) => this.statements.jobPage.all(after.cluster, after.cluster, after.proc, limit));
  }

  /** The jobs of one cluster in proc order, each page read when it is handed out. */
  clusterSource(cluster: number): PagedSource<StoredJob, JobKey> {
    return this.keyedSource((after, limit) => this.statements.clusterPage.all(cluster, after.cluster === cluster ? after.proc : -1, limit));
  }

  /**
   * The jobs `specs` name (clusters and single jobs), in job-id order, each page read when it is handed out.
   * A job named twice, or named and within a cluster named, is read once.
   */
  namedJobsSource(specs: readonly JobSpec[]): PagedSource<StoredJob, JobKey> {
    const clusters = new Set(specs.filter((spec) => spec.proc === undefined).map((spec) => spec.cluster));
    const seen = new Set<string>();
    const named = specs
      .filter((spec) => {
        const key = `${spec.cluster}.${spec.proc ?? ''}`;
        const covered = seen.has(key) || (spec.proc !== undefined && clusters.has(spec.cluster));
        seen.add(key);
        return !covered;
      })
      // In job-id order, a whole cluster before any job of a later one.
      .sort((a, b) => a.cluster - b.cluster || (a.proc ?? -1) - (b.proc ?? -1));
    return this.keyedSource((after, limit) => {
      const rows: JobRow[] = [];
      for (const spec of named) {
        if (rows.length === limit) break;
        if (spec.cluster < after.cluster || (spec.proc !== undefined && spec.cluster === after.cluster && spec.proc <= after.proc)) continue;
        if (spec.proc === undefined) {
          rows.push(...this.statements.clusterPage.all(spec.cluster, spec.cluster === after.cluster ? after.proc : -1, limit - rows.length));
        } else {
          const row = this.statements.getJob.get(spec.cluster, spec.proc);
          if (row) rows.push(row);
        }
      }
      return rows;
    });
  }

  /** The jobs a periodic policy may act on, in job-id order, each page read when it is handed out. */
  policySource(): PagedSource<StoredJob, JobKey> {
    return this.keyedSource((after, limit) => this.statements.policyPage.all(after.cluster, after.cluster, after.proc, limit));
  }

  private keyedSource(readRows: (after: JobKey, limit: number) => JobRow[]): PagedSource<StoredJob, JobKey> {
    return {
      read: (after, limit) => readRows(after ?? FIRST_JOB_KEY, limit).map((row) => this.toStoredJob(row)),
      key: (job) => ({ cluster: job.cluster, proc: job.proc }),
    };
  }

  /** The queue's rows in job-id order, a page at a time; only `owner`'s when given (her Owner). */
  private *rows(owner?: string): Generator<JobRow> {
    let after = { cluster: 0, proc: -1 };
    for (;;) {
      const page =
        owner === undefined
          ? this.statements.jobPage.all(after.cluster, after.cluster, after.proc, PAGE_SIZE)
          : this.statements.ownerJobPage.all(owner, after.cluster, after.cluster, after.proc, PAGE_SIZE);
      yield* page;
      if (page.length < PAGE_SIZE) return;
      const last = page[page.length - 1];
      after = { cluster: last.cluster_id, proc: last.proc_id };
    }
  }

  /** The accountant as last saved: its records and LastUpdateTime (0 when never saved). */
  accountant(): { records: Map<string, AccountantRecord>; lastUpdateTime: number } {
    const records = new Map(this.statements.accountantRecords.all().map((row) => [row.name, JSON.parse(row.record) as AccountantRecord]));
    return { records, lastUpdateTime: Number(this.statements.getMeta.get(ACCOUNTANT_UPDATE_KEY)?.value ?? '0') };
  }

  /** Saves the accountant's records (a few, one per submitter: written whole). */
  saveAccountant(records: ReadonlyMap<string, AccountantRecord>, lastUpdateTime: number): void {
    this.transaction(() => {
      this.statements.clearAccountant.run();
      for (const [name, record] of records) this.statements.insertAccountantRecord.run(name, JSON.stringify(record));
      this.statements.setMeta.run(ACCOUNTANT_UPDATE_KEY, String(lastUpdateTime));
    });
  }

  /** The submitters with idle jobs (queued on a busy slot or not), by name. */
  idleSubmitters(): string[] {
    const submitters: string[] = [];
    for (let row = this.statements.nextIdleSubmitter.get(''); row; row = this.statements.nextIdleSubmitter.get(row.submitter)) submitters.push(row.submitter);
    return submitters;
  }

  /**
   * Idle jobs in matchmaking order (of one submitter, when given) but those queued on a busy slot (idle too,
   * and held out of matchmaking), read a page at a time so the caller may write between pages.
   */
  *idleJobs(submitter?: string): Generator<StoredJob> {
    // Before every key ('' is a job not yet placed, which there is none of once the store is open).
    let after = { key: '', cluster: 0, proc: -1 };
    // Usually a free slot takes the first idle job: start with a small page and grow.
    for (let pageSize = 4; ; pageSize = Math.min(pageSize * 8, PAGE_SIZE)) {
      const page =
        submitter === undefined
          ? this.statements.idlePage.all(after.key, after.cluster, after.proc, pageSize)
          : this.statements.submitterIdlePage.all(submitter, after.key, after.cluster, after.proc, pageSize);
      for (const row of page) yield this.toStoredJob(row);
      if (page.length < pageSize) return;
      const last = page[page.length - 1];
      after = { key: last.order_key, cluster: last.cluster_id, proc: last.proc_id };
    }
  }

  /** The startds that had runs when the schedd stopped: each gets a lease to reconnect. */
  startdsWithRuns(): string[] {
    return this.statements.startdsWithRuns.all().map((r) => r.startd);
  }

  jobsOnStartd(startd: string): StoredJob[] {
    return this.statements.jobsOnStartd.all(startd).map((row) => this.toStoredJob(row));
  }

  /** The history, most recent first, each page read when it is handed out. */
  historySource(forwards = false): PagedSource<{ seq: number; ad: ClassAd }, number> {
    const page = (from: number | undefined, limit: number) =>
      forwards ? this.statements.historyPageForwards.all(from ?? 0, limit) : this.statements.historyPage.all(from ?? Number.MAX_SAFE_INTEGER, limit);
    return {
      read: (from, limit) => page(from, limit).map((r) => ({ seq: r.seq, ad: ClassAd.fromJSON(JSON.parse(r.ad) as Record<string, string>) })),
      key: (entry) => entry.seq,
    };
  }

  /**
   * Each cluster in the queue (with procs in it, or a job factory), in id order, its procs counted by status:
   * counted when asked (one GROUP BY), so that no change of a job's state pays for the counters.
   */
  clusterTallies(): ClusterTally[] {
    const factories = new Set(this.factoryClusters());
    const tallies: ClusterTally[] = this.statements.clusterTallies.all().map((row) => ({
      cluster: row.cluster_id,
      present: row.present,
      idle: row.idle,
      running: row.running,
      held: row.held,
      factory: factories.delete(row.cluster_id),
    }));
    // A factory's cluster stays while the factory may make procs, even with none in the queue.
    for (const cluster of factories) tallies.push({ cluster, present: 0, idle: 0, running: 0, held: 0, factory: true });
    return tallies.sort((a, b) => a.cluster - b.cluster);
  }

  /** Job counts by owner and status, straight from the index: condor_q -totals without reading ads. */
  totals(): { owner: string; status: number; count: number }[] {
    return this.statements.totals.all();
  }

  /** Every job ad (of `owner`'s, when given) as JSON text, in job-id order, a page at a time: listing the queue parses no expression. */
  *jobTexts(owner?: string): Generator<string> {
    for (const row of this.rows(owner)) yield JSON.stringify(this.clusterAd(row.cluster_id).procJSON(JSON.parse(row.ad) as ProcOverlay));
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
    return this.transaction(() => {
      const total = count.get(...params)?.n ?? 0;
      const rows = keys.all(...params, request.limit, request.offset).map((key) => this.statements.getJob.get(key.cluster_id, key.proc_id));
      return { total, jobs: rows.filter((row): row is JobRow => row !== undefined).map((row) => this.toStoredJob(row)) };
    });
  }

  /** Owners with jobs in the queue, for the dashboard's owner filter. */
  owners(): string[] {
    return this.statements.owners.all().map((r) => r.owner);
  }

  /**
   * The counts of the schedd's query summary (HTCondor's live job counters), scheduler-universe jobs left out: of
   * every job, and of `owner`'s (none without one), in one scan.
   */
  summaryCounts(owner?: string): { all: JobTotals; mine: JobTotals } {
    const all = emptyTotals();
    const mine = emptyTotals();
    for (const row of this.statements.summaryCounts.all(owner ?? null)) {
      addToTotals(all, row.status, row.count);
      if (row.mine === 1) addToTotals(mine, row.status, row.count);
    }
    return { all, mine };
  }

  /** Job counts by status, of one owner's jobs or of all (then from the status index alone). */
  statusCounts(owner?: string): { status: number; count: number }[] {
    return owner ? this.statements.ownerStatusCounts.all(owner) : this.statements.statusCounts.all();
  }

  countJobs(): number {
    return this.statusCounts().reduce((sum, { count }) => sum + count, 0);
  }

  /**
   * Runs `work` in one transaction. Inside another one it joins it: no caller catches an error between an
   * inner and an outer transaction (except through `savepoint`), so a savepoint (two more statements per
   * call) would never be rolled back to alone.
   */
  transaction<T>(work: () => T): T {
    if (this.db.inTransaction) return work();
    let result: T;
    try {
      result = this.inTransaction(work) as T;
    } catch (err) {
      this.afterCommitSteps = [];
      throw err;
    }
    const due = this.afterCommitSteps;
    this.afterCommitSteps = [];
    // Each step is another job's start: one that throws must not keep the others from going out.
    let failure: unknown;
    for (const step of due) {
      try {
        step();
      } catch (err) {
        failure ??= err;
      }
    }
    if (failure !== undefined) throw failure;
    return result;
  }

  /**
   * Runs `work` inside the current transaction, undone alone if it throws (the error goes on to the
   * caller, which may catch it and commit the rest). Outside a transaction it is one.
   */
  savepoint<T>(work: () => T): T {
    if (!this.db.inTransaction) return this.transaction(work);
    const stepsBefore = this.afterCommitSteps.length;
    try {
      // better-sqlite3 runs a transaction function called inside a transaction as a SAVEPOINT.
      return this.inTransaction(work) as T;
    } catch (err) {
      this.afterCommitSteps.length = stepsBefore;
      throw err;
    }
  }

  /** Runs `step` once the current transaction has committed (at once outside one), never if it is undone. */
  afterCommit(step: () => void): void {
    if (this.db.inTransaction) this.afterCommitSteps.push(step);
    else step();
  }

  /** A new run's id: random (see RunIdSchema), so unique without a counter and not guessable. */
  newRunId(): string {
    return crypto.randomBytes(16).toString('base64url');
  }

  /**
   * Applies a state-machine transition: the new ad, the run it belongs to (null: no run), its events,
   * and the move to history when the job leaves the queue. One transaction. Returns the proc's ad over
   * its cluster's as now stored; undefined when the job left the queue.
   */
  apply(job: StoredJob, transition: Transition, run: RunAssignment | null): ProcOverlay | undefined {
    return this.transaction(() => {
      const { ad } = transition;
      let overlay: ProcOverlay | undefined;
      if (transition.leaveQueue) {
        this.statements.deleteJob.run(job.cluster, job.proc);
        // HISTORY set empty: HTCondor keeps no history, and neither does the table.
        if (this.history?.keeps() !== false) {
          const { lastInsertRowid } = this.statements.insertHistory.run(job.cluster, job.proc, ad.getInt('CompletionDate') ?? 0, JSON.stringify(ad.toJSON()));
          this.history?.record(Number(lastInsertRowid), ad);
        }
      } else {
        overlay = this.clusterAd(job.cluster).overlayOf(ad.toJSON());
        // The factory's state is the cluster's alone: a proc read before it moved on does not keep the old value.
        for (const name of Object.keys(overlay)) if (FACTORY_STATE.has(name.toLowerCase())) delete overlay[name];
        this.statements.updateJob.run(
          ad.getInt('JobStatus') ?? job.status,
          jobOrderKey(ad),
          submitterOf(ad),
          JSON.stringify(overlay),
          run?.runId ?? '',
          run?.startd ?? null,
          run?.slot ?? null,
          run?.edits ? JSON.stringify(run.edits) : null,
          // The run's shadow may still have a policy the queue's ad no longer has.
          hasPeriodicPolicy(ad) || (run?.edits !== undefined && hasPeriodicPolicy(shadowCopy(ad, run.edits))) ? 1 : 0,
          job.cluster,
          job.proc,
        );
      }
      this.queueEvents(ad, transition.events);
      this.recordTimelineEntries(job.cluster, job.proc, timelineEntriesOf(transition.events, run?.runId ?? job.runId));
      return overlay;
    });
  }

  /** Logs events of a job that do not change its state (file transfers); `extra` says more on its timeline. */
  logEvents(job: StoredJob, events: JobEvent[], extra?: Partial<TimelineEntry>): void {
    this.transaction(() => {
      this.queueEvents(job.ad, events);
      this.recordTimelineEntries(job.cluster, job.proc, timelineEntriesOf(events, job.runId, extra));
    });
  }

  /**
   * A job's timeline: what happened to it, with millisecond times, written in the transaction of each
   * change (so it survives a restart and agrees with the queue), and kept after the job leaves the queue.
   * The table (one b-tree, keyed by job then entry) keeps about `maxTimelineRows` entries: the timelines
   * of the oldest jobs go first, each whole. undefined: nothing recorded for the job.
   */
  timeline(cluster: number, proc: number): TimelineEntry[] | undefined {
    const rows = this.statements.timelineOf.all(cluster, proc);
    return rows.length === 0 ? undefined : rows.map((row) => JSON.parse(row.entry) as TimelineEntry);
  }

  /** An entry that is no event of the event log (a checkpoint exit and restart, a failed upload, a fault). */
  recordTimeline(cluster: number, proc: number, entry: TimelineEntry): void {
    this.transaction(() => this.recordTimelineEntries(cluster, proc, [entry]));
  }

  private recordTimelineEntries(cluster: number, proc: number, entries: TimelineEntry[]): void {
    for (const entry of entries) this.statements.insertTimeline.run(cluster, proc, ++this.timelineSeq, JSON.stringify(entry));
    this.countTimelineWrites(entries.length);
  }

  /** Prunes the timeline table now and then, inside the transaction that wrote to it. */
  private countTimelineWrites(written: number): void {
    this.timelineWrites += written;
    if (this.timelineWrites < TIMELINE_PRUNE_EVERY) return;
    this.timelineWrites = 0;
    const excess = this.statements.timelineRows.get()!.n - this.maxTimelineRows;
    if (excess <= 0) return;
    const cut = this.statements.timelineCut.get(excess);
    if (cut) this.statements.pruneTimeline.run(cut.cluster_id, cut.proc_id);
  }

  private queueEvents(
    ad: AdReader,
    events: JobEvent[],
    add = (logPath: string, text: string, cluster: number | null, proc: number | null, owner: string | null): unknown =>
      this.statements.insertEvent.run(logPath, text, cluster, proc, owner),
  ): void {
    const xml = ad.getBool('ULogUseXML') ?? false;
    const cluster = ad.getInt('ClusterId') ?? null;
    const proc = ad.getInt('ProcId') ?? null;
    const owner = ad.getString('Owner') ?? null;
    for (const { logPath, mask } of eventLogsOf(ad)) {
      // A DAGMan nodes log with a mask gets the masked events only, in text, without 028 events (WriteUserLog::writeEvent).
      const dagLog = mask.length > 0;
      for (const event of events) {
        if (dagLog && !mask.includes(event.code)) continue;
        add(logPath, xml && !dagLog ? formatEventXml(event) : formatEventText(event), cluster, proc, owner);
        const info = dagLog ? undefined : jobAdInformationEvent(event, ad);
        if (info) add(logPath, xml ? formatEventXml(info) : formatEventText(info), cluster, proc, owner);
      }
    }
  }
}

/**
 * The logs a job's events go to (WriteUserLog::initialize with a job ad): its UserLog, and the DAGManNodesLog
 * dagman_log names, with the event numbers DAGManNodesMask lists (atoi of each comma-separated item).
 */
function eventLogsOf(ad: AdReader): { logPath: string; mask: number[] }[] {
  const logs: { logPath: string; mask: number[] }[] = [];
  const userLog = ad.getString('UserLog');
  if (userLog) logs.push({ logPath: userLog, mask: [] });
  const nodesLog = ad.getString('DAGManNodesLog');
  if (nodesLog) {
    const mask = (ad.getString('DAGManNodesMask') ?? '').split(',').filter((item) => item.trim() !== '').map((item) => Number.parseInt(item.trim(), 10) || 0);
    logs.push({ logPath: nodesLog, mask });
  }
  return logs;
}

/** Which jobs a page of the queue shows (the dashboard's queue view). */
export interface QueueFilter {
  status?: number;
  owner?: string;
}

export interface PageRequest extends QueueFilter {
  offset: number;
  limit: number;
}

/** The SQL filter for a queue page: only columns that have an index or are cheap to compare. */
export function filterClause(filter: QueueFilter): { where: string; params: (string | number)[] } {
  const terms: string[] = [];
  const params: (string | number)[] = [];
  if (filter.status !== undefined) {
    terms.push('status = ?');
    params.push(filter.status);
  }
  if (filter.owner !== undefined && filter.owner !== '') {
    terms.push('owner = ?');
    params.push(filter.owner);
  }
  return { where: terms.length === 0 ? '' : `WHERE ${terms.join(' AND ')}`, params };
}
