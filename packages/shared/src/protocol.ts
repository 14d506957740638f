import { Type, type Static, type TObject, type TUnion } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { MAX_ATTRIBUTES_TEXT, MAX_PROPERTIES_TEXT } from './machine-resources.js';

/**
 * The schedd ⇄ startd channel (one websocket per startd). Every message about a job carries its id and
 * the run id the schedd gave that run, so a message from an earlier run of the same job is recognised.
 */
/** A run's id: 128 random bits, base64url, so that no one guesses the id of another job's run. */
export const RunIdSchema = Type.String({ pattern: '^[A-Za-z0-9_-]{22}$' });
/** A job's id, cluster.proc, as every message and route names it. */
export const JobIdSchema = Type.String({ pattern: '^[0-9]{1,9}\\.[0-9]{1,9}$' });
/** A job's id or a whole cluster's, as condor_rm and the other actions take them. */
export const JobOrClusterIdSchema = Type.String({ pattern: '^[0-9]{1,9}(\\.[0-9]{1,9})?$' });
const JobRef = {
  jobId: JobIdSchema,
  runId: RunIdSchema,
};
/** Reports about runs are numbered; the startd resends those not yet acknowledged after a reconnect. */
const Report = { ...JobRef, seq: Type.Integer({ minimum: 1 }) };
/**
 * A report of a run's end: true when the slot's claim is closing (command.cpp deactivate_claim's answer, the
 * shadow's JOB_EXITED_AND_CLAIM_CLOSING): its CLAIM_WORKLIFE is over, so a start queued behind the run was not
 * launched and the slot is given back.
 */
const RunEnd = { ...Report, claimClosing: Type.Optional(Type.Literal(true)) };
const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_.@:-]+$' });
/** The secret a schedd gives a startd in its welcome (256 bits, base64url): the startd's credential on its transfers. */
export const StartdKeySchema = Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' });

/** A custom machine resource's tag (MACHINE_RESOURCE_<Tag>): attribute names are made from it. */
const ResourceTag = Type.String({ maxLength: 64, pattern: '^[A-Za-z_][A-Za-z0-9_]*$' });
/** A custom resource's id (`GPU-0`): anything but StringTokenIterator's delimiters. */
const ResourceIds = Type.Array(Type.String({ minLength: 1, maxLength: 256, pattern: '^[^, \\t\\r\\n]+$' }), { maxItems: 1024 });

/** A configured expression's text. */
const ModifierText = Type.String({ maxLength: 10_000 });

export const SlotSchema = Type.Object(
  {
    name: Name,
    cpus: Type.Integer({ minimum: 1, maximum: 4096 }),
    memoryMb: Type.Integer({ minimum: 1 }),
    diskKb: Type.Integer({ minimum: 1 }),
    /** The slot's share of each custom resource (<Tag>, TotalSlot<Tag>), with the ids bound to it (Assigned<Tag>). */
    resources: Type.Optional(
      Type.Array(Type.Object({ tag: ResourceTag, quantity: Type.Integer({ minimum: 0 }), ids: Type.Optional(ResourceIds) }, { additionalProperties: false }), { maxItems: 64 }),
    ),
    /** A partitionable slot (SLOT_TYPE_<N>_PARTITIONABLE): its size is the whole; jobs run on dynamic slots carved from it. */
    partitionable: Type.Optional(Type.Literal(true)),
    /** A dynamic slot (`slot1_1`): the partitionable slot it was carved from, whose resources it holds while it lives. */
    parent: Type.Optional(Name),
  },
  { additionalProperties: false },
);
export type SlotDescription = Static<typeof SlotSchema>;

export const ExitStatusSchema = Type.Union([
  Type.Object({ bySignal: Type.Literal(false), exitCode: Type.Integer({ minimum: 0, maximum: 255 }) }, { additionalProperties: false }),
  Type.Object({ bySignal: Type.Literal(true), signal: Type.Integer({ minimum: 1, maximum: 64 }) }, { additionalProperties: false }),
]);
export type ExitStatus = Static<typeof ExitStatusSchema>;

export const UsageSchema = Type.Object(
  {
    userSeconds: Type.Number({ minimum: 0 }),
    systemSeconds: Type.Number({ minimum: 0 }),
    /** The run's largest resident set seen, and its peak memory (KiB): where the startd confines jobs in cgroups. */
    residentSetSizeKb: Type.Optional(Type.Integer({ minimum: 0 })),
    imageSizeKb: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type Usage = Static<typeof UsageSchema>;

const SessionId = Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$' });
/** Base64 of at most 1 MiB of terminal data. */
const Chunk = Type.String({ maxLength: 1_400_000, pattern: '^[A-Za-z0-9+/=]*$' });
const SshOutput = { stream: Type.Union([Type.Literal('stdout'), Type.Literal('stderr')]), data: Chunk };
const SshExit = {
  exitCode: Type.Union([Type.Integer(), Type.Null()]),
  signal: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 })),
  error: Type.Optional(Type.String({ maxLength: 4000 })),
};

/** When the run's last process started and exited (the startd's clock, ms since the epoch): the activation metrics. */
const ExecutionSpanSchema = Type.Object(
  { startedAt: Type.Integer({ minimum: 0 }), exitedAt: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false },
);

/** The longest plugin result list a report carries (its text): the startd leaves out the results past it. */
export const MAX_PLUGIN_RESULT_LIST = 1_000_000;

/** The reports a startd makes about its runs, numbered (`seq`) and acknowledged one by one or in a batch. */
const RunReportSchemas = [
  Type.Object({ type: Type.Literal('executing'), ...Report }, { additionalProperties: false }),
  Type.Object(
    {
      type: Type.Literal('exited'),
      ...RunEnd,
      exit: ExitStatusSchema,
      usage: UsageSchema,
      bytesSent: Type.Integer({ minimum: 0 }),
      bytesReceived: Type.Integer({ minimum: 0 }),
      /** false: nothing would have been placed on the submit side, so the startd sent nothing (the schedd logs the transfer). */
      outputSent: Type.Boolean(),
      execution: Type.Optional(ExecutionSpanSchema),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('run-failed'),
      ...RunEnd,
      stage: Type.Union([Type.Literal('input'), Type.Literal('execute'), Type.Literal('output'), Type.Literal('checkpoint'), Type.Literal('memory'), Type.Literal('disk'), Type.Literal('container-image'), Type.Literal('output-stream'), Type.Literal('input-stream'), Type.Literal('deferral'), Type.Literal('input-limit'), Type.Literal('output-limit'), Type.Literal('primary-group')]),
      reason: Type.String({ maxLength: 4000 }),
      subCode: Type.Optional(Type.Integer()),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('run-ended'),
      ...RunEnd,
      usage: UsageSchema,
      execution: Type.Optional(ExecutionSpanSchema),
      /** The execute side's own reason to end the run (the starter's SetVacateReason), over any the schedd gave. */
      vacate: Type.Optional(Type.Object({ reason: Type.String({ maxLength: 4000 }), code: Type.Integer() }, { additionalProperties: false })),
    },
    { additionalProperties: false },
  ),
  // The checkpoint restored from its checkpoint_destination did not match its MANIFEST (the starter's
  // InvalidCheckpointDownload): that checkpoint is given up and the job goes back to Idle.
  Type.Object(
    { type: Type.Literal('checkpoint-invalid'), ...RunEnd, checkpoint: Type.Integer({ minimum: 0 }), message: Type.String({ maxLength: 4000 }) },
    { additionalProperties: false },
  ),
  // condor_suspend / condor_continue done: the job's processes stopped (how many) or continued.
  Type.Object({ type: Type.Literal('suspended'), ...Report, numPids: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('continued'), ...Report }, { additionalProperties: false }),
  // After a checkpoint exit was uploaded the job was started again in place: when it exited, when it
  // restarted (the startd's clock, ms since the epoch), so the checkpoint's whole cost to the job is known.
  Type.Object(
    {
      type: Type.Literal('checkpoint-restarted'),
      ...Report,
      checkpoint: Type.Integer({ minimum: 0 }),
      exitedAt: Type.Integer({ minimum: 0 }),
      restartedAt: Type.Integer({ minimum: 0 }),
      /** When the process that exited at the checkpoint had started. */
      executionStartedAt: Type.Optional(Type.Integer({ minimum: 0 })),
    },
    { additionalProperties: false },
  ),
  // The plugin invocations and per-file results of the run's input, output or a checkpoint's transfer (the
  // starter's `<Class>PluginResultList` update): a ClassAd list, for the shadow's epoch history record.
  Type.Object(
    {
      type: Type.Literal('plugin-results'),
      ...Report,
      transferClass: Type.Union([Type.Literal('Input'), Type.Literal('Output'), Type.Literal('Checkpoint')]),
      resultList: Type.String({ maxLength: MAX_PLUGIN_RESULT_LIST }),
    },
    { additionalProperties: false },
  ),
  // set_job_attr_delayed's updates riding the starter's periodic and final updates (ChirpDelayedAttrs):
  // attribute → expression text, for the schedd to set where the shadow's rules allow it.
  Type.Object(
    {
      type: Type.Literal('job-update'),
      ...Report,
      attributes: Type.Record(Type.String({ maxLength: 256 }), Type.String({ maxLength: 1024 }), { minProperties: 1, maxProperties: 10_000 }),
    },
    { additionalProperties: false },
  ),
  // The host ports Docker forwards to a container job's services (DockerProc's serviceAd in the starter's
  // updates): `<service>_HostPort` → port, or null (UNDEFINED) once the container has ended.
  Type.Object(
    {
      type: Type.Literal('host-ports'),
      ...Report,
      ports: Type.Record(Type.String({ maxLength: 256 }), Type.Union([Type.Integer({ minimum: 0, maximum: 65535 }), Type.Null()]), { minProperties: 1, maxProperties: 10_000 }),
    },
    { additionalProperties: false },
  ),
] as const;

/** Most reports one batch carries: more are sent in further batches. */
export const MAX_REPORTS_PER_BATCH = 64;

/** A URL method a transfer plugin handles: a URL scheme's last part (getURLType). */
export const URL_METHOD = '^[A-Za-z0-9]{1,64}$';

/** A DOCKER_VOLUMES name: it becomes part of an attribute name (HasDockerVolume<name>). */
export const DOCKER_VOLUME_NAME = '^[A-Za-z_][A-Za-z0-9_]{0,63}$';

export const StartdMessageSchema = Type.Union([
  Type.Object(
    {
      type: Type.Literal('hello'),
      startdName: Name,
      machine: Name,
      opSys: Name,
      arch: Name,
      /** The key the schedd gave this startd on an earlier connection: a reconnect keeps its name, its runs and the key. */
      key: Type.Optional(StartdKeySchema),
      /** The startd runs as a process of its own, which a fault injection may have it SIGKILL (it kills itself, no other pid). */
      killable: Type.Optional(Type.Boolean()),
      /** The Docker engine it runs container jobs with (HasDocker, DockerVersion, DockerNetworks in its slots' ads). */
      docker: Type.Optional(
        Type.Object(
          {
            version: Type.String({ minLength: 1, maxLength: 256 }),
            networks: Type.Array(Name, { maxItems: 64 }),
            /** DOCKER_VOLUMES: HasDockerVolume<name> = true. */
            volumes: Type.Optional(Type.Array(Type.String({ pattern: DOCKER_VOLUME_NAME }), { maxItems: 64 })),
          },
          { additionalProperties: false },
        ),
      ),
      /** The URL methods its transfer plugins handle (HasFileTransferPluginMethods in its slots' ads). */
      fileTransferPluginMethods: Type.Optional(Type.Array(Type.String({ pattern: URL_METHOD }), { maxItems: 256 })),
      /** Its custom resources (MachineResources, Detected<Tag>, Total<Tag>, Offline<Tag>, Available<Tag>, <Tag>_<Id> in its slots' ads). */
      resources: Type.Optional(
        Type.Array(
          Type.Object(
            {
              tag: ResourceTag,
              quantity: Type.Integer(),
              ids: Type.Optional(ResourceIds),
              offline: Type.Optional(ResourceIds),
              /** Each id's properties from its inventory (a ClassAd record's text), and the inventory's other attributes (`Name = expr` lines). */
              properties: Type.Optional(
                Type.Array(Type.Object({ id: ResourceIds.items, ad: Type.String({ maxLength: MAX_PROPERTIES_TEXT }) }, { additionalProperties: false }), { maxItems: 1024 }),
              ),
              attributes: Type.Optional(Type.String({ maxLength: MAX_ATTRIBUTES_TEXT })),
            },
            { additionalProperties: false },
          ),
          { maxItems: 64 },
        ),
      ),
      slots: Type.Array(SlotSchema, { minItems: 1, maxItems: 1024 }),
      /**
       * Its MODIFY_REQUEST_EXPR_REQUESTCPUS, -DISK, -MEMORY and MUST_MODIFY_REQUEST_EXPRS as configured (request-modifiers.ts),
       * by which the schedd sizes the dynamic slots it carves from this startd's partitionable slots; HTCondor's defaults without.
       */
      requestModifiers: Type.Optional(
        Type.Object(
          { RequestCpus: ModifierText, RequestDisk: ModifierText, RequestMemory: ModifierText, mustModify: ModifierText },
          { additionalProperties: false },
        ),
      ),
      /** ADVERTISE_PSLOT_ROLLUP_INFORMATION and STARTD_PARTITIONABLE_SLOT_ATTRS (machine-ad.ts PslotRollup): what its partitionable slots' ads roll up. */
      pslotRollup: Type.Optional(
        Type.Object(
          { advertise: Type.Boolean(), attrs: Type.Array(Type.String({ maxLength: 256, pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), { maxItems: 256 }) },
          { additionalProperties: false },
        ),
      ),
      /** Its CLAIM_WORKLIFE (seconds, negative: no limit; claim-worklife.ts): the schedd queues no job on a slot whose claim is past it. */
      claimWorklife: Type.Optional(Type.Integer()),
      runs: Type.Array(Type.Object({ ...JobRef, slotName: Name }, { additionalProperties: false }), { maxItems: 1024 }),
    },
    { additionalProperties: false },
  ),
  ...RunReportSchemas,
  // Reports made together (a run that began and ended within the startd's hold of `executing`, a resend
  // after a reconnect): handled in order, acknowledged by the last one's seq.
  Type.Object(
    { type: Type.Literal('reports'), reports: Type.Array(Type.Union([...RunReportSchemas]), { minItems: 1, maxItems: MAX_REPORTS_PER_BATCH }) },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('ssh-output'), sessionId: SessionId, ...SshOutput }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('ssh-exit'), sessionId: SessionId, ...SshExit }, { additionalProperties: false }),
]);
export type StartdMessage = Static<typeof StartdMessageSchema>;
/** A numbered report about a run (what a `reports` batch holds). */
export type RunReportMessage = Static<(typeof RunReportSchemas)[number]>;

/** The reports a message carries, in order: a report alone is a batch of one; acknowledge the last one's seq. */
export function runReportsOf(message: RunReportMessage | Extract<StartdMessage, { type: 'reports' }>): RunReportMessage[] {
  return message.type === 'reports' ? message.reports : [message];
}

export const ScheddMessageSchema = Type.Union([
  Type.Object(
    {
      type: Type.Literal('welcome'),
      scheddName: Type.String({ maxLength: 200 }),
      /** The startd's credential for its transfers (header x-tinycondor-startd-key), valid while the schedd runs. */
      key: StartdKeySchema,
    },
    { additionalProperties: false },
  ),
  // Fault injection (kill-startd): the startd SIGKILLs itself, as a crash would end it.
  Type.Object({ type: Type.Literal('fault-kill') }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('ack'), seq: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
  Type.Object(
    {
      type: Type.Literal('start'),
      ...JobRef,
      slotName: Name,
      /**
       * The ad the procs of the job's cluster share (attribute → expression text), sent when the cluster is
       * not among the channel's RecentClusters; otherwise the startd holds it from an earlier start.
       */
      clusterAd: Type.Optional(Type.Record(Type.String(), Type.String())),
      /** The proc's ad over its cluster's (a ProcOverlay): its own attributes, null for a cluster attribute it lacks. */
      jobAd: Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()])),
      /** false: the input sandbox is empty (the schedd logged its transfer), so the startd fetches nothing. */
      fetchInput: Type.Boolean(),
      /**
       * A queued start: the job waits on the slot until this run of the slot ends, then starts at once (the
       * schedd learns of it from the run's end report). `jobAd` is then the job's idle ad, which the startd
       * starts the run of (startRun) when it launches the job. Absent: the job starts now, `jobAd` is its running ad.
       */
      after: Type.Optional(RunIdSchema),
      /** The dynamic slot the schedd carved for the job from one of the startd's partitionable slots (`slotName` names it). */
      dynamicSlot: Type.Optional(SlotSchema),
      /**
       * A start on a claim kept idle (KeepClaimIdle): how long the claim has lasted (ms). The run goes on with
       * it, its CLAIM_WORKLIFE counted from the claim's start; absent, the run begins a claim.
       */
      claimAgeMs: Type.Optional(Type.Integer({ minimum: 0 })),
    },
    { additionalProperties: false },
  ),
  // The schedd takes back a queued start: one not yet launched is dropped and reported as a `run-ended`
  // run; one already launched goes on (the schedd then keeps it or kills it).
  Type.Object({ type: Type.Literal('unqueue'), ...JobRef }, { additionalProperties: false }),
  // condor_suspend / condor_continue: stop the run's processes, or continue them.
  Type.Object({ type: Type.Literal('suspend'), ...JobRef }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('continue'), ...JobRef }, { additionalProperties: false }),
  Type.Object(
    {
      type: Type.Literal('kill'),
      ...JobRef,
      signal: Type.Integer({ minimum: 1, maximum: 64 }),
      graceSeconds: Type.Number({ minimum: 0 }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('ssh-open'),
      sessionId: SessionId,
      ...JobRef,
      command: Type.Array(Type.String({ maxLength: 100_000 }), { maxItems: 1000 }),
      /**
       * 'job' (condor_ssh_to_job, the default): where the job's processes are, inside its container for a
       * container job (docker exec); 'sandbox': in the sandbox on the execute machine, as the starter reads
       * files for condor_tail.
       */
      place: Type.Optional(Type.Union([Type.Literal('job'), Type.Literal('sandbox')])),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { type: Type.Literal('ssh-input'), sessionId: SessionId, data: Chunk, eof: Type.Optional(Type.Boolean()) },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('ssh-close'), sessionId: SessionId }, { additionalProperties: false }),
]);
export type ScheddMessage = Static<typeof ScheddMessageSchema>;

/** condor_ssh_to_job ⇄ schedd: the client opens a session on a running job, then streams stdin. */
export const SshClientMessageSchema = Type.Union([
  Type.Object({ type: Type.Literal('open'), command: Type.Array(Type.String({ maxLength: 100_000 }), { maxItems: 1000 }) }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('input'), data: Chunk, eof: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
]);
export type SshClientMessage = Static<typeof SshClientMessageSchema>;

export const SshServerMessageSchema = Type.Union([
  Type.Object({ type: Type.Literal('output'), ...SshOutput }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('exit'), ...SshExit }, { additionalProperties: false }),
]);
export type SshServerMessage = Static<typeof SshServerMessageSchema>;

/** Largest websocket frame either side accepts. */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/**
 * A decoder for a union of message objects told apart by `type`: an invalid message is reported with
 * the error of the member its `type` names, so the message says which field is wrong.
 */
function decoder<T extends TUnion<TObject[]>>(schema: T, what: string): (raw: string) => Static<T> {
  // Compiled on first use: a command that imports the REST schemas (which import this module) never pays for them.
  let check: TypeCheck<T> | undefined;
  let members: Map<string, TypeCheck<TObject>> | undefined;
  return (raw) => {
    check ??= TypeCompiler.Compile(schema);
    members ??= new Map(schema.anyOf.map((member) => [String((member.properties.type as { const?: unknown }).const), TypeCompiler.Compile(member)]));
    const bytes = Buffer.byteLength(raw);
    if (bytes > MAX_MESSAGE_BYTES) throw new ProtocolError(`${what} of ${bytes} bytes exceeds ${MAX_MESSAGE_BYTES}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (err) {
      throw new ProtocolError(`${what} is not JSON: ${(err as Error).message}`);
    }
    if (!check.Check(parsed)) {
      const type = typeof parsed === 'object' && parsed !== null && 'type' in parsed ? String((parsed as { type: unknown }).type) : '?';
      const member = members.get(type);
      if (!member) throw new ProtocolError(`invalid ${what} (type '${type}'): unknown message type`);
      const first = member.Errors(parsed).First();
      throw new ProtocolError(`invalid ${what} (type '${type}'): ${first ? `${first.path || '/'} ${first.message}` : 'does not match schema'}`);
    }
    return parsed;
  };
}

export const decodeStartdMessage = decoder(StartdMessageSchema, 'startd message');
export const decodeScheddMessage = decoder(ScheddMessageSchema, 'schedd message');
export const decodeSshClientMessage = decoder(SshClientMessageSchema, 'condor_ssh_to_job message');
export const decodeSshServerMessage = decoder(SshServerMessageSchema, 'schedd ssh message');

/**
 * The dashboard's event stream (`GET /v1/events`, websocket, server → client only): one JSON object per
 * frame. A client that falls behind is closed with code 4000 ("resync") and should re-read what it shows.
 */
export const QueueRowSchema = Type.Object(
  {
    jobId: JobRef.jobId,
    owner: Type.String(),
    cmd: Type.String(),
    args: Type.String(),
    status: Type.Integer({ minimum: 1, maximum: 7 }),
    /** Epoch seconds; 0 when unknown. */
    enteredStatus: Type.Integer({ minimum: 0 }),
    /** Start of the current run (epoch seconds), 0 when not running. */
    runStart: Type.Integer({ minimum: 0 }),
    /** Wall-clock seconds of earlier runs (RemoteWallClockTime). */
    priorRunSeconds: Type.Number({ minimum: 0 }),
    starts: Type.Integer({ minimum: 0 }),
    checkpoints: Type.Integer({ minimum: 0 }),
    lastCheckpointTime: Type.Integer({ minimum: 0 }),
    /** Bytes in the job's SPOOL directory (its last committed checkpoint); null when it has none. */
    lastCheckpointBytes: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
    holdReason: Type.String(),
    remoteHost: Type.String(),
  },
  { additionalProperties: false },
);
export type QueueRow = Static<typeof QueueRowSchema>;

export const SlotRowSchema = Type.Object(
  {
    startd: Type.String(),
    slot: Type.String(),
    cpus: Type.Integer(),
    memoryMb: Type.Integer(),
    diskKb: Type.Integer(),
    /** "C.P" of the run occupying the slot, null when the slot is free. */
    jobId: Type.Union([JobRef.jobId, Type.Null()]),
    /** A partitionable slot (its size above, what its dynamic slots left it in `left`) or a dynamic one; absent: static. */
    slotType: Type.Optional(Type.Union([Type.Literal('Partitionable'), Type.Literal('Dynamic')])),
    left: Type.Optional(Type.Object({ cpus: Type.Integer(), memoryMb: Type.Integer(), diskKb: Type.Integer() }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);
export type SlotRow = Static<typeof SlotRowSchema>;

export const EventStreamMessageSchema = Type.Union([
  Type.Object({ type: Type.Literal('hello'), version: Type.Literal(1), jobs: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }),
  Type.Object(
    {
      type: Type.Literal('job'),
      jobId: JobRef.jobId,
      /** 'left': the job moved to the history (completed or removed); `row` is its last state. */
      change: Type.Union([Type.Literal('updated'), Type.Literal('left')]),
      status: Type.Integer({ minimum: 1, maximum: 7 }),
      /** Attributes whose expression text changed (attribute → new text; null when it was deleted). */
      changed: Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()])),
      row: QueueRowSchema,
    },
    { additionalProperties: false },
  ),
  /** A cluster's procs were stored (one message per submission, not per proc). */
  Type.Object(
    { type: Type.Literal('submitted'), clusterId: Type.Integer({ minimum: 1 }), procs: Type.Integer({ minimum: 1 }) },
    { additionalProperties: false },
  ),
  /** An event appended to a job's event log (`text` as written, HTCondor's text form). */
  Type.Object(
    { type: Type.Literal('event'), jobId: JobRef.jobId, code: Type.Integer({ minimum: 0, maximum: 999 }), time: Type.Integer(), text: Type.String() },
    { additionalProperties: false },
  ),
  Type.Object(
    { type: Type.Literal('startd'), startd: Type.String(), connected: Type.Boolean(), slots: Type.Array(SlotRowSchema) },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('slot'), slot: SlotRowSchema }, { additionalProperties: false }),
]);
export type EventStreamMessage = Static<typeof EventStreamMessageSchema>;
export const decodeEventStreamMessage = decoder(EventStreamMessageSchema, 'event stream message');

/**
 * The startd's run-scoped transfers over HTTP (`/v1/jobs/{C.P}/runs/{run}/input|output|checkpoint`): tar bodies,
 * for the current run only.
 */
export const RunParams = Type.Object({ jobId: JobIdSchema, runId: RunIdSchema });
export type RunParams = Static<typeof RunParams>;

/**
 * The key the schedd gave the startd in its welcome: the transfer is that startd's, for one of its runs.
 * The startd's last report the schedd must handle first (ReportOrder); absent or 0: none.
 */
export const StartdTransferHeaders = Type.Object({
  'x-tinycondor-startd-key': StartdKeySchema,
  'x-tinycondor-after-report': Type.Optional(Type.Integer({ minimum: 0 })),
});
export type StartdTransferHeaders = Static<typeof StartdTransferHeaders>;

/**
 * A checkpoint upload: a numbered checkpoint, the files a job left when it was evicted, or what is left of a
 * numbered checkpoint whose upload to its checkpoint_destination failed (its FAILURE file, or nothing: the
 * starter's FailedCheckpoint notification).
 */
export const CheckpointQuery = Type.Object(
  {
    kind: Type.Union([Type.Literal('checkpoint'), Type.Literal('evict'), Type.Literal('failed-checkpoint')]),
    number: Type.Optional(Type.Integer({ minimum: 0 })),
    /** An incremental checkpoint: the committed checkpoint it builds on (its link entries name that one's files). */
    base: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type CheckpointQuery = Static<typeof CheckpointQuery>;
