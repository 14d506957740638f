// The schedd's REST API: the schemas its routes validate with and its clients read replies by. The startd's
// transfer routes take theirs from protocol.ts (RunParams, StartdTransferHeaders, CheckpointQuery).
import { Type, type Static } from '@sinclair/typebox';
import { JobIdSchema, JobOrClusterIdSchema, QueueRowSchema, RunIdSchema, SlotRowSchema } from './protocol.js';

/** A job ad as stored and sent: attribute name → ClassAd expression text. */
export const StoredAd = Type.Record(Type.String({ maxLength: 200 }), Type.String({ maxLength: 1_000_000 }));

/** A proc's ad over its cluster's ad (ProcOverlay): null drops a cluster attribute. */
export const StoredOverlay = Type.Record(
  Type.String({ maxLength: 200 }),
  // One schema with both types: the route's type coercion would otherwise turn null into "" (anyOf tries string first).
  Type.Unsafe<string | null>({ type: ['string', 'null'], maxLength: 1_000_000 }),
);

export const ErrorReply = Type.Object({ error: Type.String() });
export type ErrorReply = Static<typeof ErrorReply>;

export const OkReply = Type.Object({ ok: Type.Boolean() });
export type OkReply = Static<typeof OkReply>;

export const JobIdParams = Type.Object({ jobId: JobIdSchema });
export type JobIdParams = Static<typeof JobIdParams>;

export const ClusterParams = Type.Object({ clusterId: Type.Integer({ minimum: 1, maximum: 999_999_999 }) });
export type ClusterParams = Static<typeof ClusterParams>;

// Submitting clusters and reading the queue, the history and the pool (routes/queue.ts).

export const ReserveReply = Type.Object({ clusterId: Type.Integer() });
export type ReserveReply = Static<typeof ReserveReply>;

export const SubmitBody = Type.Object(
  {
    /** The submitter's id for this submission: sent again after a lost reply, it is stored once (see Schedd.submitCluster). */
    submissionId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$' })),
    common: Type.Optional(StoredAd),
    procs: Type.Array(StoredOverlay, { minItems: 1, maxItems: 1_000_000 }),
  },
  { additionalProperties: false },
);
export type SubmitBody = Static<typeof SubmitBody>;

const SourcePos = Type.Object({ file: Type.String({ maxLength: 4096 }), line: Type.Integer({ minimum: 0 }) }, { additionalProperties: false });

/** A late-materialization submission (submit/factory.ts's FactorySubmission): the submit digest and JobMaterializeLimit. */
export const FactoryBody = Type.Object(
  {
    submissionId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$' })),
    limit: Type.Integer({ minimum: 1 }),
    totalProcs: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    digest: Type.Object(
      {
        definitions: Type.Array(Type.Object({ name: Type.String({ maxLength: 200 }), value: Type.String({ maxLength: 1_000_000 }), pos: SourcePos }, { additionalProperties: false })),
        queue: Type.Object(
          {
            pos: SourcePos,
            vars: Type.Array(Type.String({ maxLength: 200 })),
            count: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
            rows: Type.Array(Type.Record(Type.String({ maxLength: 200 }), Type.String()), { maxItems: 1_000_000 }),
          },
          { additionalProperties: false },
        ),
        context: Type.Object(
          {
            fileName: Type.String(),
            submitDir: Type.String(),
            env: Type.Record(Type.String(), Type.String()),
            owner: Type.String({ minLength: 1 }),
            uidDomain: Type.Optional(Type.String()),
            batchName: Type.Optional(Type.String()),
            defaultNotification: Type.Optional(Type.String({ maxLength: 200 })),
            now: Type.Integer({ minimum: 0 }),
            euid: Type.Optional(Type.Integer({ minimum: 0 })),
            extendedCommands: Type.Array(
              Type.Object(
                {
                  name: Type.String({ maxLength: 200 }),
                  kind: Type.Union(['ignore', 'error', 'bool', 'int', 'uint', 'string', 'list', 'file', 'expr'].map((kind) => Type.Literal(kind as 'ignore'))),
                },
                { additionalProperties: false },
              ),
            ),
          },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type FactoryBody = Static<typeof FactoryBody>;

/** `warning`: the submit requirements' warnings (SUBMIT_REQUIREMENT_<name>_IS_WARNING), as HTCondor's schedd sends them. */
export const SubmitReply = Type.Object({ clusterId: Type.Integer(), procs: Type.Integer(), warning: Type.Optional(Type.String()) });
export type SubmitReply = Static<typeof SubmitReply>;

/** A submission refused; `commitFailed` when the commit refused it (a submit requirement not met, a secure attribute set), which condor_submit reports as a failed commit. */
export const SubmitRefusedReply = Type.Object({ error: Type.String(), commitFailed: Type.Optional(Type.Boolean()) });
export type SubmitRefusedReply = Static<typeof SubmitRefusedReply>;

/** What became of a submission (JobStore.submission), as the settle route tells it. */
export const SubmissionReply = Type.Object({ clusterId: Type.Integer(), stored: Type.Boolean(), submissionId: Type.Union([Type.String(), Type.Null()]), procs: Type.Integer() });
export type SubmissionReply = Static<typeof SubmissionReply>;

/** A listing's selection: a constraint and at most how many ads. */
const AdsSelection = {
  constraint: Type.Optional(Type.String({ maxLength: 100_000 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000_000 })),
};

/**
 * The queue's query. `clusterAds` (HTCondor's IncludeClusterAd and NoProcAds query options, condor_q -factory):
 * the ads of the clusters in the queue too (`include`), each before its procs, or only them (`only`). A cluster
 * ad has no ProcId; it carries the counters of the cluster's procs (JobsPresent, JobsIdle, JobsRunning,
 * JobsHeld, ClusterSize) and, for a job factory, JobFactoryId, JobFactoryPaused and JobFactoryTotalProcs. The
 * constraint is evaluated on the cluster ad without them, as HTCondor's schedd evaluates it.
 */
export const QueueQuery = Type.Object(
  {
    ...AdsSelection,
    clusterAds: Type.Optional(Type.Union([Type.Literal('include'), Type.Literal('only')])),
    /**
     * condor_q without -allusers (HTCondor's MyJobs query, this is its Me): only the jobs of the caller, the
     * user a user token names, else (the pool token names no user) this one. A queue superuser's user token
     * sees every job.
     */
    myJobs: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
    /** condor_q -totals (HTCondor's SummaryOnly): the jobs are selected and counted, but no ad is sent. */
    summaryOnly: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type QueueQuery = Static<typeof QueueQuery>;

/** The history's query: a constraint and limit, where to stop (condor_history -since, -scanlimit), and which end first. */
export const HistoryQuery = Type.Object(
  {
    ...AdsSelection,
    /** The scan stops before the first job this expression holds for (in the order read: -completedsince with -forwards). */
    since: Type.Optional(Type.String({ maxLength: 100_000 })),
    /** Oldest first (condor_history -forwards); newest first by default. */
    forwards: Type.Optional(Type.Boolean()),
    /** condor_history -scanlimit: the scan stops after this many ads, matched or not (limit counts matches). */
    scanLimit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000_000 })),
    /** Only the ads this holds for count toward scanLimit (the jobs and owners condor_history names). */
    scanCounted: Type.Optional(Type.String({ maxLength: 100_000 })),
  },
  { additionalProperties: false },
);
export type HistoryQuery = Static<typeof HistoryQuery>;

export const AdsReply = Type.Object({ ads: Type.Array(StoredAd) });
export type AdsReply = Static<typeof AdsReply>;

/** Job counts by state (LiveJobCounters); scheduler-universe jobs are left out. */
const JobCounts = Type.Object({
  jobs: Type.Integer(),
  completed: Type.Integer(),
  removed: Type.Integer(),
  idle: Type.Integer(),
  running: Type.Integer(),
  held: Type.Integer(),
  suspended: Type.Integer(),
});

/**
 * The schedd's summary of a queue query (HTCondor's summary ad): the counts of the jobs it sent (`query`, so
 * at most `limit`), of every job in the queue (`allUsers`), and, for a myJobs query, the name it chose and
 * all of that user's jobs (`myName`, `my`).
 */
export const QueueSummary = Type.Object({
  query: JobCounts,
  allUsers: JobCounts,
  myName: Type.Optional(Type.String()),
  my: Type.Optional(JobCounts),
});
export type QueueSummary = Static<typeof QueueSummary>;

/** The queue's ads, then the summary. */
export const QueueReply = Type.Object({ ads: Type.Array(StoredAd), summary: QueueSummary });
export type QueueReply = Static<typeof QueueReply>;

export const JobAdReply = Type.Object({ ad: StoredAd });
export type JobAdReply = Static<typeof JobAdReply>;

export const TotalsReply = Type.Object({
  totals: Type.Array(Type.Object({ owner: Type.String(), status: Type.Integer(), count: Type.Integer() })),
});
export type TotalsReply = Static<typeof TotalsReply>;

// Job actions: condor_rm, condor_hold, condor_release, condor_vacate_job and condor_prio (routes/actions.ts).

/** remove-x: condor_rm -forcex; vacate-fast: condor_vacate_job -fast. */
export const ActionName = Type.Union([
  Type.Literal('remove'),
  Type.Literal('remove-x'),
  Type.Literal('hold'),
  Type.Literal('release'),
  Type.Literal('vacate'),
  Type.Literal('vacate-fast'),
  Type.Literal('suspend'),
  Type.Literal('continue'),
]);
export type ActionName = Static<typeof ActionName>;

export const JobActionParams = Type.Object({ jobId: JobIdSchema, action: ActionName });
export type JobActionParams = Static<typeof JobActionParams>;

export const ClusterActionParams = Type.Object({ clusterId: ClusterParams.properties.clusterId, action: ActionName });
export type ClusterActionParams = Static<typeof ClusterActionParams>;

/** condor_hold -subcode: the HoldReasonSubCode of a hold. */
const HoldSubcode = Type.Optional(Type.Integer({ minimum: -2147483648, maximum: 2147483647 }));

export const ActionBody = Type.Object(
  {
    reason: Type.Optional(Type.String({ maxLength: 4000 })),
    subcode: HoldSubcode,
    user: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type ActionBody = Static<typeof ActionBody>;

export const BulkActionBody = Type.Object(
  {
    action: ActionName,
    ids: Type.Optional(Type.Array(JobOrClusterIdSchema, { maxItems: 100_000 })),
    constraint: Type.Optional(Type.String({ maxLength: 100_000 })),
    all: Type.Optional(Type.Boolean()),
    reason: Type.Optional(Type.String({ maxLength: 4000 })),
    subcode: HoldSubcode,
    /** condor_rm -long (AR_LONG): every job's result, not only those named by id and the first refusals. */
    long: Type.Optional(Type.Boolean()),
    user: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type BulkActionBody = Static<typeof BulkActionBody>;

export const PriorityBody = Type.Object(
  {
    ids: Type.Optional(Type.Array(JobOrClusterIdSchema, { maxItems: 100_000 })),
    /** The jobs of this owner (condor_prio USER). */
    owner: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '^[^"\\\\]+$' })),
    all: Type.Optional(Type.Boolean()),
    priority: Type.Optional(Type.Integer({ minimum: -2_147_483_648, maximum: 2_147_483_647 })),
    adjustment: Type.Optional(Type.Integer({ minimum: -2_147_483_648, maximum: 2_147_483_647 })),
    user: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type PriorityBody = Static<typeof PriorityBody>;

/** condor_qedit (POST /v1/edit): the jobs, by full id or by constraint, and the attributes to set in them. */
export const EditBody = Type.Object(
  {
    /** Jobs named by full id (condor_qedit 12.0 12.1): each must be in the queue. */
    jobs: Type.Optional(Type.Array(JobIdSchema, { minItems: 1, maxItems: 100_000 })),
    /** Or the jobs matching a ClassAd constraint (what qedit makes of clusters, owners and -constraint). */
    constraint: Type.Optional(Type.String({ minLength: 1, maxLength: 100_000 })),
    /** A constraint alone: only the caller's jobs, unless she is a queue superuser (CONDOR_Q_ONLY_MY_JOBS). */
    onlyMyJobs: Type.Optional(Type.Boolean()),
    /** Attribute names and ClassAd expressions, set in this order. */
    edits: Type.Array(Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), value: Type.String({ maxLength: 1_000_000 }) }, { additionalProperties: false }), {
      minItems: 1,
      maxItems: 1_000,
    }),
    dryRun: Type.Optional(Type.Boolean()),
    /** condor_qedit -forward: each running job's periodic policy is evaluated again at once with the edits. */
    forward: Type.Optional(Type.Boolean()),
    user: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type EditBody = Static<typeof EditBody>;

/**
 * The jobs each attribute was set in; or, when the edit was refused (and nothing set), the attribute (and
 * job named by id) it failed on, with the schedd's reason, after the attributes HTCondor's tool reports first.
 */
export const EditReply = Type.Object({
  set: Type.Array(Type.Object({ attribute: Type.String(), jobs: Type.Integer() })),
  failed: Type.Optional(Type.Object({ attribute: Type.String(), job: Type.Optional(Type.String()), reason: Type.String() })),
});
export type EditReply = Static<typeof EditReply>;

const ActionResultCode = Type.Union([
  Type.Literal('success'),
  Type.Literal('error'),
  Type.Literal('not-found'),
  Type.Literal('bad-status'),
  Type.Literal('already-done'),
  Type.Literal('permission-denied'),
  Type.Literal('limit-exceeded'),
]);

/**
 * See ActionSummary: results of the jobs named by id and the first refusals; counts of all, and of each
 * result (condor_rm -totals); the jobs in the queue (HTCondor's TotalJobAds: "There are no jobs in the queue").
 */
export const ActionReply = Type.Object({
  results: Type.Array(Type.Object({ jobId: Type.String(), ok: Type.Boolean(), code: ActionResultCode, message: Type.String() })),
  notFound: Type.Array(Type.String()),
  done: Type.Integer(),
  refused: Type.Integer(),
  totals: Type.Object({
    success: Type.Integer(),
    error: Type.Integer(),
    'not-found': Type.Integer(),
    'bad-status': Type.Integer(),
    'already-done': Type.Integer(),
    'permission-denied': Type.Integer(),
    'limit-exceeded': Type.Integer(),
  }),
  queueJobs: Type.Integer(),
});
export type ActionReply = Static<typeof ActionReply>;

// Fault injection and job timelines (routes/faults.ts).

export const EvictBody = Type.Object(
  {
    moment: Type.Optional(Type.Union([Type.Literal('now'), Type.Literal('after-checkpoint'), Type.Literal('during-upload')])),
    checkpoint: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000 })),
    method: Type.Optional(Type.Union([Type.Literal('vacate'), Type.Literal('kill-startd')])),
  },
  { additionalProperties: false },
);
export type EvictBody = Static<typeof EvictBody>;

export const FailCheckpointBody = Type.Object({ permanent: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
export type FailCheckpointBody = Static<typeof FailCheckpointBody>;

export const StartdFaultParams = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_.@:-]+$' }),
  fault: Type.Union([Type.Literal('kill'), Type.Literal('disconnect')]),
});
export type StartdFaultParams = Static<typeof StartdFaultParams>;

export const FaultReply = Type.Object({ ok: Type.Boolean(), message: Type.String() });
export type FaultReply = Static<typeof FaultReply>;

export const TimelineReply = Type.Object({
  jobId: Type.String(),
  entries: Type.Array(
    Type.Object({
      time: Type.Number(),
      kind: Type.String(),
      code: Type.Optional(Type.Integer()),
      runId: Type.Optional(Type.String()),
      checkpoint: Type.Optional(Type.Integer()),
      bytes: Type.Optional(Type.Integer()),
      files: Type.Optional(Type.Integer()),
      linked: Type.Optional(Type.Integer()),
      names: Type.Optional(Type.Array(Type.String())),
      detail: Type.Optional(Type.String()),
    }),
  ),
});
export type TimelineReply = Static<typeof TimelineReply>;

// Files: remote submission's spooled sandboxes and event logs (routes/spooled.ts), the startd's transfers.

/** What an upload of a tar stream stored. */
export const TransferReply = Type.Object({ files: Type.Integer(), bytes: Type.Integer() });
export type TransferReply = Static<typeof TransferReply>;

export const UserLogQuery = Type.Object(
  {
    path: Type.String({ minLength: 2, maxLength: 4096, pattern: '^/' }),
    offset: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type UserLogQuery = Static<typeof UserLogQuery>;

// User tokens (routes/tokens.ts).

/** A user name as HTCondor's Owner holds it (what a token may be issued for). */
export const USER_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

export const TokenBody = Type.Object({ user: Type.String({ pattern: USER_NAME.source }) }, { additionalProperties: false });
export type TokenBody = Static<typeof TokenBody>;

export const TokenReply = Type.Object({ user: Type.String(), token: Type.String(), file: Type.Optional(Type.String()) });
export type TokenReply = Static<typeof TokenReply>;

// The dashboard: its login (dashboard/routes.ts) and what it reads (dashboard/data-routes.ts).

export const LoginQuery = Type.Object({ token: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false });
export type LoginQuery = Static<typeof LoginQuery>;

export const LoginBody = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });
export type LoginBody = Static<typeof LoginBody>;

/** Largest page the queue route serves: the page asks for what is on screen plus a margin. */
export const MAX_PAGE_SIZE = 1000;

export const QueuePageQuery = Type.Object(
  {
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE })),
    status: Type.Optional(Type.Integer({ minimum: 1, maximum: 7 })),
    owner: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type QueuePageQuery = Static<typeof QueuePageQuery>;

export const QueuePageReply = Type.Object({
  total: Type.Integer(),
  offset: Type.Integer(),
  rows: Type.Array(QueueRowSchema),
  /** Only on the first page (offset 0): they cost a scan of the queue. */
  owners: Type.Optional(Type.Array(Type.String())),
  counts: Type.Optional(Type.Record(Type.String(), Type.Integer())),
});
export type QueuePageReply = Static<typeof QueuePageReply>;

export const SlotsReply = Type.Object({ slots: Type.Array(SlotRowSchema) });
export type SlotsReply = Static<typeof SlotsReply>;

export const JobEventsReply = Type.Object({
  events: Type.Array(Type.Object({ code: Type.Integer(), time: Type.Integer(), text: Type.String() })),
  timeline: Type.Object({
    runs: Type.Array(Type.Object({ start: Type.Integer(), end: Type.Union([Type.Integer(), Type.Null()]), outcome: Type.String() })),
    marks: Type.Array(Type.Object({ kind: Type.String(), time: Type.Integer() })),
  }),
  logFile: Type.Union([Type.String(), Type.Null()]),
  truncated: Type.Boolean(),
  /** Why the log could not be read, if it could not. */
  error: Type.Optional(Type.String()),
});
export type JobEventsReply = Static<typeof JobEventsReply>;

export const SpoolListReply = Type.Object({
  directory: Type.String(),
  entries: Type.Array(Type.Object({ path: Type.String(), bytes: Type.Integer(), mtime: Type.Integer() })),
  truncated: Type.Boolean(),
});
export type SpoolListReply = Static<typeof SpoolListReply>;

export const SpoolFileQuery = Type.Object({ path: Type.String({ minLength: 1, maxLength: 4096 }) }, { additionalProperties: false });
export type SpoolFileQuery = Static<typeof SpoolFileQuery>;

export const StdoutQuery = Type.Object({ bytes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1024 * 1024 })) }, { additionalProperties: false });
export type StdoutQuery = Static<typeof StdoutQuery>;

export const StdoutReply = Type.Object({ source: Type.Union([Type.Literal('sandbox'), Type.Literal('spool'), Type.Literal('none')]), text: Type.String() });
export type StdoutReply = Static<typeof StdoutReply>;

/** The event stream takes no query. */
export const EventStreamQuery = Type.Object({}, { additionalProperties: false });

/** condor_tail (GET /v1/jobs/{jobId}/tail): one file of a running job's sandbox, from an offset or its end. */
export const TailQuery = Type.Object(
  {
    /** `stdout`, `stderr`, or a name the job's transfer_output_files lists. */
    file: Type.String({ minLength: 1, maxLength: 4096 }),
    /** Where to read from; absent: the last `maxBytes` of the file. */
    offset: Type.Optional(Type.Integer({ minimum: 0 })),
    maxBytes: Type.Integer({ minimum: 1, maximum: 16 * 1024 * 1024 }),
  },
  { additionalProperties: false },
);
export type TailQuery = Static<typeof TailQuery>;

/** The file's size now, where the bytes sent start, and the bytes (base64). */
export const TailReply = Type.Object({ size: Type.Integer(), offset: Type.Integer(), data: Type.String() });
export type TailReply = Static<typeof TailReply>;

/**
 * A running job's Chirp requests, which its startd makes for it (routes under /v1/jobs/{jobId}/runs/{runId},
 * with the startd's key as its transfers have): what it may set, read and log is the shadow's to decide.
 */
const ChirpWord = Type.String({ maxLength: 5120 });
export const RunAttributeParams = Type.Object({ jobId: JobIdSchema, runId: RunIdSchema, name: Type.String({ minLength: 1, maxLength: 5120 }) });
export type RunAttributeParams = Static<typeof RunAttributeParams>;
export const RunAttributeBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 5120 }), value: ChirpWord }, { additionalProperties: false });
export type RunAttributeBody = Static<typeof RunAttributeBody>;
/** An attribute's expression text in the job ad, UNDEFINED when the job has none (pseudo_get_job_attr). */
export const RunAttributeReply = Type.Object({ value: Type.String() });
export type RunAttributeReply = Static<typeof RunAttributeReply>;
/**
 * docker_send_credentials: the submitter's docker config.json (DOCKER_PAT_PRODUCER's output), or the
 * HTCondorError the startd holds the job with (the shadow's CONDOR_get_docker_creds answer).
 */
export const DockerCredentialsReply = Type.Union([Type.Object({ config: Type.String() }), Type.Object({ htcondorError: Type.String() })]);
export type DockerCredentialsReply = Static<typeof DockerCredentialsReply>;
/** s3:// and gs:// URLs a run's transfer is about to hand to a plugin: GET to fetch inputs, PUT to upload outputs. */
export const SignUrlsBody = Type.Object(
  { verb: Type.Union([Type.Literal('GET'), Type.Literal('PUT')]), urls: Type.Array(Type.String({ maxLength: 8192 }), { minItems: 1, maxItems: 10_000 }) },
  { additionalProperties: false },
);
export type SignUrlsBody = Static<typeof SignUrlsBody>;
/** The presigned URLs in order ('' for one the schedd does not sign), or the hold the transfer fails with. */
export const SignUrlsReply = Type.Union([
  Type.Object({ urls: Type.Array(Type.String()) }, { additionalProperties: false }),
  Type.Object({ holdReason: Type.String(), holdCode: Type.Integer(), subCode: Type.Integer() }, { additionalProperties: false }),
]);
export type SignUrlsReply = Static<typeof SignUrlsReply>;
export const RunUlogBody = Type.Object({ text: ChirpWord }, { additionalProperties: false });
export type RunUlogBody = Static<typeof RunUlogBody>;
export const RunConstrainBody = Type.Object({ expr: ChirpWord }, { additionalProperties: false });
export type RunConstrainBody = Static<typeof RunConstrainBody>;

/**
 * A file on the submit side a running job names through Chirp (getfile, putfile, unlink, getdir): the path
 * as the job wrote it, relative to the job's Iwd unless absolute.
 */
export const RunFileQuery = Type.Object({ path: ChirpWord }, { additionalProperties: false });
export type RunFileQuery = Static<typeof RunFileQuery>;
/** putfile: the mode a file it creates gets (before the umask). */
export const RunPutFileQuery = Type.Object({ path: ChirpWord, mode: Type.Integer({ minimum: -2147483648, maximum: 2147483647 }) }, { additionalProperties: false });
export type RunPutFileQuery = Static<typeof RunPutFileQuery>;
/** getdir, and getlongdir with `long`. */
export const RunDirectoryQuery = Type.Object({ path: ChirpWord, long: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
export type RunDirectoryQuery = Static<typeof RunDirectoryQuery>;
/** How many bytes putfile wrote. */
export const RunFileWrittenReply = Type.Object({ written: Type.Integer({ minimum: 0 }) });
export type RunFileWrittenReply = Static<typeof RunFileWrittenReply>;
/** getdir's names (getlongdir's with their stat lines), each on its line, then an empty line. */
export const RunDirectoryReply = Type.Object({ listing: Type.String() });
export type RunDirectoryReply = Static<typeof RunDirectoryReply>;
/** A file request that failed on the submit side: the errno the shadow's call got (ENOENT, EACCES, EFBIG, …) and why. */
export const RunFileErrorReply = Type.Object({ error: Type.String(), errno: Type.String({ pattern: '^E[A-Z0-9]+$' }) });
export type RunFileErrorReply = Static<typeof RunFileErrorReply>;

const Int32 = Type.Integer({ minimum: -2147483648, maximum: 2147483647 });
/**
 * A Chirp path or descriptor call without bulk data (open, close, lseek, fsync, fstat, fstatfs, fchown, fchmod,
 * ftruncate, rename, mkdir, rmdir, rmall, link, symlink, readlink, stat, lstat, statfs, access, chmod, chown,
 * lchown, truncate, utime) with the words the job sent; each call names the fields it needs.
 */
export const RunFileCallBody = Type.Object(
  {
    call: Type.Union(
      ['open', 'close', 'lseek', 'fsync', 'fstat', 'fstatfs', 'fchown', 'fchmod', 'ftruncate', 'rename', 'mkdir', 'rmdir', 'rmall', 'link', 'symlink', 'readlink', 'stat', 'lstat', 'statfs', 'access', 'chmod', 'chown', 'lchown', 'truncate', 'utime', 'lookup'].map((name) => Type.Literal(name)),
    ),
    path: Type.Optional(ChirpWord),
    newPath: Type.Optional(ChirpWord),
    flags: Type.Optional(ChirpWord),
    fd: Type.Optional(Int32),
    mode: Type.Optional(Int32),
    offset: Type.Optional(Int32),
    whence: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 })),
    uid: Type.Optional(Int32),
    gid: Type.Optional(Int32),
    length: Type.Optional(Int32),
    actime: Type.Optional(Int32),
    mtime: Type.Optional(Int32),
  },
  { additionalProperties: false },
);
export type RunFileCallBody = Static<typeof RunFileCallBody>;
/** A call's result (open's descriptor, lseek's position, readlink's or lookup's length, else 0), with stat_string's or statfs_string's line, or readlink's bytes or lookup's URL (base64). */
export const RunFileCallReply = Type.Object({ result: Type.Integer(), line: Type.Optional(Type.String()), data: Type.Optional(Type.String()) });
export type RunFileCallReply = Static<typeof RunFileCallReply>;
/** A descriptor the run opened. */
export const RunDescriptorParams = Type.Object({ jobId: JobIdSchema, runId: RunIdSchema, fd: Int32 });
export type RunDescriptorParams = Static<typeof RunDescriptorParams>;
/** read (no offset), pread (offset), sread (offset and stride): at most `length` bytes. */
export const RunDescriptorReadQuery = Type.Object(
  { length: Int32, offset: Type.Optional(Int32), strideLength: Type.Optional(Int32), strideSkip: Type.Optional(Int32) },
  { additionalProperties: false },
);
export type RunDescriptorReadQuery = Static<typeof RunDescriptorReadQuery>;
/** write (no offset), pwrite (offset), swrite (offset and stride) of the body. */
export const RunDescriptorWriteQuery = Type.Object({ offset: Type.Optional(Int32), strideLength: Type.Optional(Int32), strideSkip: Type.Optional(Int32) }, { additionalProperties: false });
export type RunDescriptorWriteQuery = Static<typeof RunDescriptorWriteQuery>;

/** Most bytes of a streamed stdout/stderr one request carries (base64 in the body). */
export const MAX_STREAM_CHUNK_BYTES = 256 * 1024;
/** stream_output / stream_error: which of the job's streams. */
export const RunStreamParams = Type.Object({ jobId: JobIdSchema, runId: RunIdSchema, stream: Type.Union([Type.Literal('stdout'), Type.Literal('stderr')]) }, { additionalProperties: false });
export type RunStreamParams = Static<typeof RunStreamParams>;
/** A stream opened as the starter opens it: truncated (O_TRUNC) or appended to (a self-checkpointing job's). */
export const RunStreamOpenBody = Type.Object({ truncate: Type.Boolean() }, { additionalProperties: false });
export type RunStreamOpenBody = Static<typeof RunStreamOpenBody>;
/** Bytes written at an offset of the submit-side file (a resend after a lost reply writes them again, harmlessly). */
export const RunStreamWriteBody = Type.Object(
  { offset: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }), data: Type.String({ maxLength: Math.ceil(MAX_STREAM_CHUNK_BYTES / 3) * 4, pattern: '^[A-Za-z0-9+/]*={0,2}$' }) },
  { additionalProperties: false },
);
export type RunStreamWriteBody = Static<typeof RunStreamWriteBody>;
/** Where the next bytes of the stream go: the file's size after the open, or after the write. */
export const RunStreamReply = Type.Object({ offset: Type.Integer({ minimum: 0 }) }, { additionalProperties: false });
export type RunStreamReply = Static<typeof RunStreamReply>;
/** stream_input: where to read the job's submit-side input file, and at most how much. */
export const RunStdinReadBody = Type.Object(
  { offset: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }), length: Type.Integer({ minimum: 1, maximum: MAX_STREAM_CHUNK_BYTES }) },
  { additionalProperties: false },
);
export type RunStdinReadBody = Static<typeof RunStdinReadBody>;
/** The bytes read (base64): none at the end of the file. */
export const RunStdinReadReply = Type.Object({ data: Type.String() }, { additionalProperties: false });
export type RunStdinReadReply = Static<typeof RunStdinReadReply>;

/** A submitter's accountant record as condor_userprio shows it (Accountant.cpp ReportState's attributes). */
export const UserPrioRecord = Type.Object({
  name: Type.String(),
  /** The effective priority (Priority), the real one times the factor. */
  priority: Type.Number(),
  priorityFactor: Type.Number(),
  resourcesUsed: Type.Integer(),
  weightedResourcesUsed: Type.Number(),
  accumulatedUsage: Type.Number(),
  weightedAccumulatedUsage: Type.Number(),
  beginUsageTime: Type.Integer(),
  lastUsageTime: Type.Integer(),
});
export type UserPrioRecord = Static<typeof UserPrioRecord>;

/** condor_userprio's listing (GET /v1/userprio): the time of the last priority update, and every record. */
export const UserPrioReply = Type.Object({ lastUpdate: Type.Integer(), records: Type.Array(UserPrioRecord) });
export type UserPrioReply = Static<typeof UserPrioReply>;

/** condor_userprio's edits (POST /v1/userprio): -setprio, -setfactor … on one submitter (`name@domain`), or -resetall. */
export const UserPrioBody = Type.Object(
  {
    command: Type.Union([
      Type.Literal('setprio'),
      Type.Literal('setfactor'),
      Type.Literal('setaccum'),
      Type.Literal('setbegin'),
      Type.Literal('setlast'),
      Type.Literal('resetusage'),
      Type.Literal('resetall'),
      Type.Literal('delete'),
    ]),
    submitter: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    value: Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
);
export type UserPrioBody = Static<typeof UserPrioBody>;
