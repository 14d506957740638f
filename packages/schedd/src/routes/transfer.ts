import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { extractTarSafely, packEntries } from '@tinycondor/transfer/tar/index';
import { InputTransferError, inputEntries } from '@tinycondor/transfer/input-files';
import { placeOutputs } from '@tinycondor/transfer/output-placement';
import type { FaultInjector } from '../fault-injector.js';
import { fileTransferEvent, type Schedd } from '../schedd.js';
import { isSpooled } from '@tinycondor/shared/transfer-files';
import type { ClassAd } from '@tinycondor/shared/classad/index';
import { daemonRights, type FileRights } from '@tinycondor/shared/file-rights';
import type { StoredJob } from '../job-store.js';
import { ErrorReply } from '@tinycondor/shared/rest-schemas';
import { warnWithheld } from './withheld.js';
import { acceptTarBodiesOnly } from './tar-bodies.js';
import { callerOf, requirePoolToken } from '../caller.js';
import type { TimelineEntry } from '@tinycondor/shared/job-timeline';
import { JobIdSchema, RunIdSchema, StartdKeySchema } from '@tinycondor/shared/protocol';

const RunParams = Type.Object({
  jobId: JobIdSchema,
  runId: RunIdSchema,
});
type RunParams = Static<typeof RunParams>;

/** The key the schedd gave the startd in its welcome: the transfer is that startd's, for one of its runs. */
const StartdHeader = Type.Object({ 'x-tinycondor-startd-key': StartdKeySchema });

const TransferReply = Type.Object({ files: Type.Integer(), bytes: Type.Integer() });

const CheckpointQuery = Type.Object(
  {
    kind: Type.Union([Type.Literal('checkpoint'), Type.Literal('evict')]),
    number: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
type CheckpointQuery = Static<typeof CheckpointQuery>;

/** Input and output sandbox transfers: tar streams between schedd and startd, for the current run only. */
export async function transferRoutes(app: FastifyInstance, opts: { schedd: Schedd; faults: FaultInjector }): Promise<void> {
  const { schedd, faults } = opts;
  acceptTarBodiesOnly(app);
  // A key this schedd did not give (or no longer knows: it restarted) is refused for now: the startd
  // retries, and its reconnect brings it a key for its runs.
  app.addHook('preHandler', async (request, reply) => {
    requirePoolToken(callerOf(request), 'a startd transfer');
    if (schedd.startdKeys.startdOf(String(request.headers['x-tinycondor-startd-key'])) === undefined) {
      return reply.code(503).send({ error: 'unknown startd key: this schedd gives each startd its key when the startd says hello' });
    }
  });

  // A run is only ever the startd's whose key the request carries: no header naming a startd is believed.
  const currentRun = (request: FastifyRequest<{ Params: RunParams }>): StoredJob | undefined => {
    const startd = schedd.startdKeys.startdOf(String(request.headers['x-tinycondor-startd-key']));
    return startd === undefined ? undefined : schedd.reportedRun(request.params.jobId, request.params.runId, startd);
  };

  /** A spooled job's files are all in SPOOL, the schedd's; others' are read and written as their owner. */
  const filesRights = (ad: ClassAd): FileRights => (isSpooled(ad) ? daemonRights : schedd.ownerRights.forOwner(ad.getString('Owner')));

  const transferEvent = (job: StoredJob, transferType: 2 | 3 | 5 | 6, host?: string, extra?: Partial<TimelineEntry>) =>
    schedd.logTransfer(job, [fileTransferEvent(job, transferType, new Date(), host)], extra);

  app.get<{ Params: RunParams }>(
    '/v1/jobs/:jobId/runs/:runId/input',
    { schema: { params: RunParams, headers: StartdHeader, response: { 409: ErrorReply, 422: ErrorReply } } },
    async (request, reply) => {
      const job = currentRun(request);
      if (!job) return reply.code(409).send({ error: `run ${request.params.runId} of job ${request.params.jobId} is not current` });
      const executionPoint = `${job.slot}@${job.startd}`;
      schedd.spool.finishInterruptedCommit(job.cluster, job.proc);
      let entries;
      try {
        let rights: FileRights;
        try {
          rights = filesRights(job.ad);
        } catch (err) {
          throw new InputTransferError((err as Error).message);
        }
        entries = inputEntries(job.ad, schedd.spool.jobDir(job.cluster, job.proc), schedd.spool.committedEntries(job.cluster, job.proc), schedd.fileGuard, rights);
      } catch (err) {
        if (!(err instanceof InputTransferError)) throw err;
        const reason = `Transfer input files failure at access point ${schedd.settings.name} while sending files to the execution point ${executionPoint}. Details: ${err.message}`;
        return reply.code(422).send({ error: reason });
      }
      transferEvent(job, 2, schedd.registry.get(job.startd ?? '')?.sinfulAddress ?? `<${executionPoint}>`);
      const { stream, done } = packEntries(entries);
      done.then(
        () => transferEvent(job, 3),
        (err: unknown) => request.log.warn({ err, jobId: request.params.jobId }, 'input transfer failed'),
      );
      return reply.header('content-type', 'application/x-tar').send(stream);
    },
  );

  app.put<{ Params: RunParams; Body: Readable }>(
    '/v1/jobs/:jobId/runs/:runId/output',
    { schema: { params: RunParams, headers: StartdHeader, response: { 200: TransferReply, 400: ErrorReply, 409: ErrorReply } } },
    async (request, reply) => {
      const job = currentRun(request);
      if (!job) {
        request.body.resume();
        return reply.code(409).send({ error: `run ${request.params.runId} of job ${request.params.jobId} is not current` });
      }
      const noSpace = schedd.spool.spaceRefusal();
      if (noSpace) {
        request.body.resume();
        request.log.warn({ jobId: request.params.jobId }, noSpace);
        return reply.code(400).send({ error: `Transfer output files failure: ${noSpace}` });
      }
      schedd.transferShowsExecution(job);
      transferEvent(job, 5);
      const staging = schedd.spool.acquireStagingDir();
      try {
        const result = await extractTarSafely(request.body, staging);
        if (isSpooled(job.ad)) schedd.spool.keepResults(job.cluster, job.proc, staging, result.topLevelNames);
        else placeOutputs(job.ad, staging, result.topLevelNames, schedd.fileGuard, filesRights(job.ad));
        transferEvent(job, 6);
        return { files: result.files, bytes: result.bytes };
      } catch (err) {
        request.log.warn({ err, jobId: request.params.jobId }, 'output transfer failed');
        return reply.code(400).send({ error: `Transfer output files failure: ${(err as Error).message}` });
      } finally {
        schedd.spool.releaseStagingDir(staging);
      }
    },
  );

  // Checkpoints (and, for ON_EXIT_OR_EVICT jobs, the files sent at eviction) go into the job's SPOOL
  // directory through the two-phase commit; the shadow logs such a transfer as output transfer (040).
  app.put<{ Params: RunParams; Querystring: CheckpointQuery; Body: Readable }>(
    '/v1/jobs/:jobId/runs/:runId/checkpoint',
    {
      schema: {
        params: RunParams,
        querystring: CheckpointQuery,
        headers: StartdHeader,
        response: { 200: TransferReply, 400: ErrorReply, 409: ErrorReply, 503: ErrorReply },
      },
    },
    async (request, reply) => {
      const job = currentRun(request);
      const { kind, number } = request.query;
      const previous = job?.ad.getInt('CheckpointNumber') ?? -1;
      if (!job || (kind === 'checkpoint' && (number === undefined || number <= previous))) {
        request.body.resume();
        return reply.code(409).send({ error: `checkpoint ${String(number)} of run ${request.params.runId} of job ${request.params.jobId} is stale` });
      }
      const checkpoint = kind === 'checkpoint' ? (number as number) : undefined;
      const verdict = checkpoint === undefined ? 'accept' : faults.checkpointUploadStarting(job, checkpoint);
      if (verdict === 'refuse-permanent' || verdict === 'refuse-transient') {
        request.body.resume();
        return reply.code(verdict === 'refuse-permanent' ? 400 : 503).send({ error: `checkpoint ${checkpoint} refused by fault injection (fail-next-checkpoint)` });
      }
      const noSpace = schedd.spool.spaceRefusal();
      if (noSpace) {
        request.body.resume();
        request.log.warn({ jobId: request.params.jobId, kind }, noSpace);
        schedd.store.recordTimeline(job.cluster, job.proc, { time: Date.now(), kind: 'checkpoint-failed', runId: job.runId, checkpoint, detail: noSpace });
        return reply.code(400).send({ error: `checkpoint transfer refused: ${noSpace}` });
      }
      schedd.transferShowsExecution(job);
      transferEvent(job, 5, undefined, checkpoint === undefined ? {} : { kind: 'checkpoint-started', checkpoint });
      if (verdict === 'discard') {
        request.body.resume();
        schedd.store.recordTimeline(job.cluster, job.proc, { time: Date.now(), kind: 'checkpoint-failed', runId: job.runId, checkpoint, detail: 'startd killed during the upload' });
        return reply.code(503).send({ error: `checkpoint ${checkpoint} discarded: its startd was killed during the upload` });
      }
      try {
        const result = await schedd.spool.receiveAndCommit(job.cluster, job.proc, request.body);
        warnWithheld(request.log, request.params.jobId, result.withheld);
        const names = result.topLevelNames.slice(0, 100);
        transferEvent(job, 6, undefined, checkpoint === undefined ? { names } : { kind: 'checkpoint-committed', checkpoint, bytes: result.bytes, files: result.files, names });
        schedd.spoolCommitted(job, request.params.runId, checkpoint);
        const current = currentRun(request);
        if (checkpoint !== undefined && current) {
          schedd.checkpointCommitted(current, checkpoint);
          faults.checkpointCommitted(current, checkpoint);
        }
        return { files: result.files, bytes: result.bytes };
      } catch (err) {
        request.log.warn({ err, jobId: request.params.jobId, kind }, 'checkpoint transfer failed; the committed checkpoint is unchanged');
        schedd.store.recordTimeline(job.cluster, job.proc, { time: Date.now(), kind: 'checkpoint-failed', runId: job.runId, checkpoint, detail: (err as Error).message });
        return reply.code(400).send({ error: `checkpoint transfer failed: ${(err as Error).message}` });
      }
    },
  );
}
